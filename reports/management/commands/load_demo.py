"""`manage.py load_demo`: ingest and publish the real reports bundled in reports/demo/ (idempotent)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from reports.ingest import OutcomeStatus, count_by_status, ingest_files
from reports.models import Report, ReportEvent, Status

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_REASON = "演示数据：load_demo 自动发布 (demo data, published by load_demo)"


def demo_files():
    return sorted(p for p in DEMO_DIR.iterdir() if p.is_file() and p.suffix.lower() not in {".md", ".json"})


def publish_demo(reports) -> int:
    """Publish the given reports with an audit event naming the demo as the reason; return how many."""
    reports = [r for r in reports if r.status != Status.PUBLISHED]
    now = timezone.now()
    with transaction.atomic():
        Report.objects.filter(pk__in=[r.pk for r in reports]).update(status=Status.PUBLISHED, published_at=now)
        ReportEvent.objects.bulk_create([
            ReportEvent(report=r, action=ReportEvent.Action.STATUS, old_value=r.status,
                        new_value=Status.PUBLISHED, reason=DEMO_REASON, details={"demo": True})
            for r in reports
        ])
    return len(reports)


class Command(BaseCommand):
    help = "Load the real reports bundled as demo data and publish them; running it again changes nothing."

    def handle(self, *args, **options):
        paths = demo_files()
        if not paths:
            raise CommandError(f"no demo reports in {DEMO_DIR}")
        outcomes = ingest_files([(p.name, p.read_bytes()) for p in paths], uploaded_by=None)
        failed = [o for o in outcomes if o.status == OutcomeStatus.FAILED]
        for o in failed:
            self.stderr.write(o.message)
        created = [o.report for o in outcomes if o.report is not None]
        published = publish_demo(created)
        counts = ", ".join(f"{s} {n}" for s, n in count_by_status(outcomes).items())
        self.stdout.write(f"demo: {len(outcomes)} files: {counts}; {published} published")
        if failed:
            raise CommandError(f"{len(failed)} demo file(s) failed")
