"""`manage.py load_regions`: refresh regions, historical and English names from agencies/data (idempotent)."""
from django.core.management.base import BaseCommand

from agencies.loading import load_english_names, load_regions


class Command(BaseCommand):
    help = "Create or update regions and their historical names from agencies/data/*.csv."

    def handle(self, *args, **options):
        summary = load_regions()
        english = load_english_names()
        self.stdout.write(self.style.SUCCESS(f"{summary}; English names: {english} updated"))
