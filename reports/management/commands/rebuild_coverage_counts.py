"""`manage.py rebuild_coverage_counts`: recount the /coverage/ rollup from every report and agency."""
import time

from django.core.management.base import BaseCommand

from reports import coverage_counts


class Command(BaseCommand):
    help = ("Recompute the per-region coverage counts (/coverage/) from scratch. Run it after loading "
            "data other than through uploads, the review pages or the admin, and early each year so "
            "that the new year is counted.")

    def handle(self, *args, **options):
        start = time.perf_counter()
        rows = coverage_counts.rebuild()
        self.stdout.write(f"coverage counts: {rows} rows for {coverage_counts.FIRST_YEAR}–"
                          f"{coverage_counts.built_through()} in {time.perf_counter() - start:.1f} s")
