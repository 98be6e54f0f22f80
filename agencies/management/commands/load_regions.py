"""`manage.py load_regions`: refresh regions and historical names from agencies/data (idempotent)."""
from django.core.management.base import BaseCommand

from agencies.loading import load_regions


class Command(BaseCommand):
    help = "Create or update regions and their historical names from agencies/data/*.csv."

    def handle(self, *args, **options):
        summary = load_regions()
        self.stdout.write(self.style.SUCCESS(str(summary)))
