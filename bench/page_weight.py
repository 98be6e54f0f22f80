"""Benchmark: bytes over the wire for a chart page's first load and for later loads.

DESIGN.md budget (issue 11): a chart or map page's first load at most 500 kB with brotli and 650 kB
with gzip (compressed, hashed static files), later loads under 100 kB (static files cached
far-future, so only the HTML travels). Runs collectstatic into a
temporary folder with the production storage, loads the demo data into a scratch SQLite
database, then fetches each /compare/ chart kind and every static asset it references through
WhiteNoise with `Accept-Encoding: br, gzip` (and gzip only, for older browsers).

    .venv/bin/python bench/page_weight.py
"""
from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = Path(tempfile.mkdtemp(prefix="page-weight-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH / 'db.sqlite3'}"
os.environ["DJANGO_MEDIA_ROOT"] = str(SCRATCH / "media")
os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "0"
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.STATIC_ROOT = SCRATCH / "static"
django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

PAGES = {
    "volume": "/compare/?chart=volume&level=province",
    "outcomes": "/compare/?chart=outcomes&level=province&mode=percent",
    "review": "/compare/?chart=review&level=province",
    "map": "/compare/?tab=map&metric=requests_received",
    "table": "/compare/?chart=review&level=province&tab=table",
    "reports list": "/reports/",
    "agency": None,  # filled in once the demo is loaded: the first agency with a trend chart
}
BUDGET = {"br, gzip": 500_000, "gzip": 650_000}
# Static URLs in attributes and in the inlined figure JSON (the map's shapes); plotly's geo also
# loads its (empty, local) base-map topojson from the configured topojsonURL folder.
ASSET = re.compile(r'"(/static/[^"]+)"')
TOPOJSON = re.compile(r'"topojsonURL":\s*"(/static/[^"]+)"')


def weigh(client, url, encoding):
    response = client.get(url, HTTP_ACCEPT_ENCODING=encoding)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, len(body)


def main():
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    call_command("load_demo", verbosity=0)
    client = Client()
    from agencies.models import Agency

    PAGES["agency"] = Agency.objects.filter(reports__status="published").first().get_absolute_url()
    print(f"{'page':<14} {'encoding':<9} {'HTML kB':>8} {'first load kB':>14} {'later load kB':>14}")
    worst_first = worst_later = 0
    for name, url in PAGES.items():
        for encoding in ("br, gzip", "gzip"):
            _, html = weigh(client, url, encoding)
            plain = client.get(url).content.decode("utf-8")
            assets = set(ASSET.findall(plain)) - set(TOPOJSON.findall(plain))
            if name == "map":
                assets |= {folder + "world_110m.json" for folder in TOPOJSON.findall(plain)}
            assets = sorted(assets)
            total = html + sum(weigh(client, a, encoding)[1] for a in assets)
            worst_first, worst_later = max(worst_first, total), max(worst_later, html)
            print(f"{name:<14} {encoding:<9} {html / 1000:>8.1f} {total / 1000:>14.1f} {html / 1000:>14.1f}")
    print(f"worst first load {worst_first / 1000:.0f} kB of the gzip-only rows (budget 500 brotli / "
          f"650 gzip per row above), worst later load {worst_later / 1000:.0f} kB (budget 100)")


if __name__ == "__main__":
    main()
