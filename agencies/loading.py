"""Load Region and RegionName rows from the bundled GB/T 2260 tables (bulk, idempotent)."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from agencies.divisions import read_divisions, read_history
from agencies.english_names import read_english_names

LEVEL_ORDER = ("province", "prefecture", "county")
BATCH = 500


@dataclass(frozen=True)
class LoadSummary:
    regions_created: int
    regions_updated: int
    names_created: int
    names_updated: int

    def __str__(self):
        return (f"regions: {self.regions_created} created, {self.regions_updated} updated; "
                f"historical names: {self.names_created} created, {self.names_updated} updated")


def load_regions(*, region_model=None, name_model=None, divisions=None, history=None) -> LoadSummary:
    """Create or update every region and historical name; running it twice changes nothing.

    Regions are never deleted (reports and agencies point at them). The models can be passed in
    so that the data migration runs this with its historical models.
    """
    if region_model is None or name_model is None:
        from agencies.models import Region, RegionName

        region_model, name_model = region_model or Region, name_model or RegionName
    divisions = read_divisions() if divisions is None else divisions
    history = read_history() if history is None else history
    with transaction.atomic():
        created, updated, ids = _load_current(region_model, divisions)
        names_created, names_updated = _load_history(name_model, divisions, history, ids)
    return LoadSummary(created, updated, names_created, names_updated)


def _load_current(Region, divisions):
    by_code = {d.code: d for d in divisions}
    existing = {r.code: r for r in Region.objects.all()}
    created = updated = 0
    # Parents first, so that every row is created with its ancestors' ids already known.
    for level in LEVEL_ORDER:
        new, changed = [], []
        for d in (d for d in divisions if d.level == level):
            parent = existing.get(d.parent_code or "")
            province = existing.get(d.code[:2] + "0000") if level != "province" else None
            prefecture = parent if level == "county" and parent and parent.level == "prefecture" else None
            want = dict(name=d.name, level=d.level, parent_id=parent.pk if parent else None,
                        province_id=province.pk if province else None,
                        prefecture_id=prefecture.pk if prefecture else None)
            row = existing.get(d.code)
            if row is None:
                new.append(Region(code=d.code, **want))
                continue
            if level == "province":
                want["province_id"] = row.pk
            elif level == "prefecture":
                want["prefecture_id"] = row.pk
            if any(getattr(row, k) != v for k, v in want.items()):
                for k, v in want.items():
                    setattr(row, k, v)
                changed.append(row)
        Region.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            Region.objects.bulk_update(
                changed, ["name", "level", "parent_id", "province_id", "prefecture_id"], batch_size=BATCH
            )
        created += len(new)
        updated += len(changed)
        # bulk_create does not return ids on every backend: read them back by code.
        if new:
            for r in Region.objects.filter(code__in=[r.code for r in new]):
                existing[r.code] = r
    # A province is its own province and a prefecture its own prefecture, so GROUP BY works at every level.
    Region.objects.filter(level="province").exclude(province_id=F("pk")).update(province_id=F("pk"))
    Region.objects.filter(level="prefecture").exclude(prefecture_id=F("pk")).update(prefecture_id=F("pk"))
    missing_parent = [c for c, d in by_code.items() if d.parent_code and d.parent_code not in by_code]
    assert not missing_parent, f"divisions.csv rows with unknown parents: {missing_parent[:5]}"
    return created, updated, {code: r.pk for code, r in existing.items()}


def current_code_for(code: str, history_by_code: dict, current: set, _seen=None) -> str | None:
    """Follow an abolished code's successors (new_codes) to a code in use today, if any."""
    if code in current:
        return code
    seen = _seen if _seen is not None else set()
    if code in seen:
        return None
    seen.add(code)
    for rec in history_by_code.get(code, ()):
        for successor in (rec.get("new_codes") or "").replace(",", ";").split(";"):
            successor = successor.strip()
            if successor:
                found = current_code_for(successor, history_by_code, current, seen)
                if found:
                    return found
    return None


def _load_history(RegionName, divisions, history, ids):
    current = {d.code for d in divisions}
    history_by_code: dict[str, list[dict]] = {}
    for rec in history:
        history_by_code.setdefault(rec["code"], []).append(rec)
    existing = {(n.code, n.start_year): n for n in RegionName.objects.all()}
    new, changed = [], []
    for rec in history:
        target = current_code_for(rec["code"], history_by_code, current)
        if target is None or rec["level"] not in LEVEL_ORDER:
            continue  # abolished without a successor in use: nothing to resolve a name to
        want = dict(region_id=ids[target], name=rec["name"], level=rec["level"],
                    end_year=int(rec["end_year"]) if rec.get("end_year") else None)
        key = (rec["code"], int(rec["start_year"]))
        row = existing.get(key)
        if row is None:
            new.append(RegionName(code=key[0], start_year=key[1], **want))
            existing[key] = new[-1]
        elif any(getattr(row, k) != v for k, v in want.items()):
            for k, v in want.items():
                setattr(row, k, v)
            changed.append(row)
    RegionName.objects.bulk_create(new, batch_size=BATCH)
    if changed:
        RegionName.objects.bulk_update(changed, ["region_id", "name", "level", "end_year"], batch_size=BATCH)
    return len(new), len(changed)


def load_english_names(*, region_model=None, names=None) -> int:
    """Set Region.name_en from agencies/data/region-names-en.csv; return how many changed.

    Separate from load_regions() because the data migration that loads regions (0002) runs with
    a model that has no name_en yet; migration 0004 and the load_regions command call this.
    """
    if region_model is None:
        from agencies.models import Region as region_model
    names = read_english_names() if names is None else names
    changed = []
    for region in region_model.objects.filter(code__in=list(names)).only("pk", "code", "name_en"):
        if region.name_en != names[region.code]:
            region.name_en = names[region.code]
            changed.append(region)
    region_model.objects.bulk_update(changed, ["name_en"], batch_size=BATCH)
    return len(changed)
