"""Write the map's mainland and inset shape files from the bundled provinces (reports/map_shapes.py)."""
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from reports.map_shapes import derive, dumps

GEO = Path(settings.BASE_DIR) / "static" / "geo"
SOURCE, MAINLAND, INSET = "china-provinces.geojson", "china-mainland.geojson", "china-inset.geojson"


class Command(BaseCommand):
    help = "Derive static/geo/china-mainland.geojson and china-inset.geojson from china-provinces.geojson."

    def handle(self, *args, **options):
        mainland, inset = derive(json.loads((GEO / SOURCE).read_text(encoding="utf-8")))
        for name, collection in ((MAINLAND, mainland), (INSET, inset)):
            text = dumps(collection)
            (GEO / name).write_text(text, encoding="utf-8")
            self.stdout.write(f"{name}: {len(collection['features'])} provinces, {len(text.encode()):,} bytes")
