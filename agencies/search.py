"""Regions and agencies matching a search text, for the compare page's picker."""
from __future__ import annotations

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When

from agencies.models import Agency, Region

LIMIT = 12


def search(text, *, reports, limit=LIMIT):
    """Return up to `limit` regions and `limit` agencies whose name contains `text` (regions
    also by code prefix), provinces before prefectures before counties, as dicts ready for JSON:
    {"param": "region"|"agency", "value", "label", "level", "detail"}. Two queries.

    Only agencies with a report in `reports` (the reports the user may see) are offered, as on
    /agencies/: an agency known only from unreviewed uploads stays out of public view.
    """
    text = (text or "").strip()
    if not text:
        return []
    rank = Case(*(When(level=level, then=Value(i)) for i, level in enumerate(Region.Level.values)),
                output_field=IntegerField())
    found = (Region.objects.filter(Q(name__icontains=text) | Q(name_en__icontains=text) | Q(code__startswith=text))
             .select_related("province", "prefecture").order_by(rank, "code")[:limit])
    agencies = (Agency.objects.filter(name__icontains=text)
                .filter(Exists(reports.filter(agency=OuterRef("pk"))))
                .select_related("region__province", "region__prefecture").order_by("name", "pk")[:limit])
    return [{
        "param": "region", "value": r.code, "label": r.local_name, "level": r.level,
        "detail": r.get_level_display() + (f" · {r.full_name}" if r.full_name != r.local_name else ""),
    } for r in found] + [{
        "param": "agency", "value": str(a.pk), "label": a.name, "level": "agency",
        "detail": a.get_level_display() + (f" · {a.region.full_name}" if a.region else ""),
    } for a in agencies]
