"""`manage.py load_demo`: ingest the real reports bundled in reports/demo/ and publish them through
the review workflow (idempotent)."""
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from reports import review
from reports.ingest import OutcomeStatus, count_by_status, ingest_files
from reports.models import Finding, Status

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_REASON = "演示数据：load_demo 自动发布 (demo data, published by load_demo)"
# The system user the demo acts as. It can never sign in (no usable password, not staff); it is in
# the `publisher` group (migration reports/0002_review_groups) because publishing checks that.
DEMO_USERNAME = "load_demo"
# Statuses from which the demo marks a report reviewed; returned and withdrawn ones stay put.
REVIEWABLE = (Status.PARSED, Status.NEEDS_REVIEW, Status.REVIEWED)


def demo_files():
    return sorted(p for p in DEMO_DIR.iterdir() if p.is_file() and p.suffix.lower() not in {".md", ".json"})


def demo_publisher():
    """Return the demo's system user, creating it the first time (idempotent)."""
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_USERNAME, defaults={"first_name": "load_demo", "is_staff": False, "is_active": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name="publisher"))
    return user


def publishable(report) -> bool:
    """What a person would publish without looking further: a current report with agency and year
    and no open finding. The rest stays in the review queue, so the demo shows one."""
    return (report.status in REVIEWABLE and report.is_current and report.agency_id is not None
            and report.year is not None
            and not report.findings.filter(disposition=Finding.Disposition.OPEN).exists())


def publish_demo(reports, *, user) -> int:
    """Mark reviewed and publish the publishable reports through reports.review, each event with
    DEMO_REASON; return how many were published."""
    published = 0
    for report in reports:
        report.refresh_from_db()
        if not publishable(report):
            continue
        if report.status != Status.REVIEWED:
            review.transition(report, Status.REVIEWED, user=user, reason=DEMO_REASON)
        review.publish(report, user=user, reason=DEMO_REASON)
        published += 1
    return published


class Command(BaseCommand):
    help = ("Load the real reports bundled as demo data and publish those a reviewer could publish "
            "at once; running it again changes nothing.")

    def handle(self, *args, **options):
        paths = demo_files()
        if not paths:
            raise CommandError(f"no demo reports in {DEMO_DIR}")
        outcomes = ingest_files([(p.name, p.read_bytes()) for p in paths], uploaded_by=None)
        failed = [o for o in outcomes if o.status == OutcomeStatus.FAILED]
        for o in failed:
            self.stderr.write(o.message)
        reports = list({o.report.pk: o.report for o in outcomes if o.report is not None}.values())
        published = publish_demo(reports, user=demo_publisher())
        waiting = sum(1 for r in reports if r.status != Status.PUBLISHED)
        counts = ", ".join(f"{s} {n}" for s, n in count_by_status(outcomes).items())
        self.stdout.write(f"demo: {len(outcomes)} files: {counts}; {published} published, "
                          f"{waiting} left in the review queue")
        if failed:
            raise CommandError(f"{len(failed)} demo file(s) failed")
