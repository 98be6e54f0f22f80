"""Recompute the chart rollups (reports/rollups.py) from every report."""
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from reports import rollups


class Command(BaseCommand):
    help = "Recompute the chart rollups from every current report (after a bulk load or restore)."

    def handle(self, *args, **options):
        start = time.perf_counter()
        with transaction.atomic():
            cells, patterns = rollups.rebuild()
        self.stdout.write(f"rollups rebuilt: {cells} cells, {patterns} agency-year patterns "
                          f"in {time.perf_counter() - start:.1f} s")
