"""`manage.py reparse_reports [--all | ID...]`: re-parse stored reports, keeping staff corrections."""
from django.core.management.base import BaseCommand, CommandError

from agencies.divisions import default_gazetteer
from reports.models import Report
from reports.reparse import ReparseError, reparse_report


class Command(BaseCommand):
    help = "Re-parse stored report files after a parser change; prints one summary line per report."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="report ids")
        parser.add_argument("--all", action="store_true", help="every current report")

    def handle(self, *args, ids, all: bool = False, **options):
        if all == bool(ids):
            raise CommandError("give report ids or --all (not both)")
        if all:
            reports = Report.objects.current().order_by("pk")
        else:
            reports = Report.objects.filter(pk__in=ids).order_by("pk")
            missing = sorted(set(ids) - set(reports.values_list("pk", flat=True)))
            if missing:
                raise CommandError(f"no report with id {', '.join(map(str, missing))}")
        gazetteer = default_gazetteer()
        totals = {"reports": 0, "changed": 0, "added": 0, "removed": 0, "conflicts": 0,
                  "skipped": 0, "errors": 0}
        for report in reports.select_related("agency").iterator(chunk_size=200):
            try:
                summary = reparse_report(report, divisions=gazetteer)
            except ReparseError as exc:
                totals["errors"] += 1
                self.stderr.write(f"#{report.pk} {report}: ERROR {exc}")
                continue
            self.stdout.write(summary.line)
            totals["reports"] += 1
            if summary.skipped:
                totals["skipped"] += 1
                continue
            for key in ("changed", "added", "removed", "conflicts"):
                totals[key] += getattr(summary, key)
        self.stdout.write(
            "total: {reports} reports ({skipped} skipped), {changed} changed, {added} added, "
            "{removed} removed, {conflicts} conflicts, {errors} errors".format(**totals)
        )
        if totals["errors"]:
            raise CommandError(f"{totals['errors']} report(s) could not be re-parsed")
