"""Find the Region a parsed report names and the Agency that published it, creating agencies once."""
from __future__ import annotations

import re
from functools import lru_cache

from django.db import IntegrityError, transaction

from agencies.divisions import default_gazetteer
from agencies.models import Agency, AgencyAlias, Region, RegionName
from agencies.names import normalize_name

_SPECIFICITY = {"central": 0, "province": 1, "prefecture": 2, "county": 3, "township": 4}
_MARKER_LEVEL = {"省": "province", "自治区": "province", "市": "prefecture", "州": "prefecture",
                 "盟": "prefecture", "地区": "prefecture", "县": "county", "区": "county",
                 "旗": "county", "乡": "township", "镇": "township", "街道": "township"}
# The geographic prefix of an anonymized or unlisted name (XX市XX区...): short runs ending in a marker.
_PREFIX = re.compile(r"^(?:[^省市县区旗乡镇]{1,10}?(自治区|地区|街道|省|市|州|盟|县|区|旗|乡|镇))+")
_CENTRAL = re.compile(r"^(国务院|国家|中华人民共和国|中国)")


@lru_cache(maxsize=1)
def _division_levels() -> dict[str, str]:
    gazetteer = default_gazetteer()
    levels = {rec["name"]: rec["level"] for rec in gazetteer.history}
    levels.update({d.name: d.level for d in gazetteer.by_code.values()})
    return levels


def _level_from_name(key: str) -> str | None:
    """The level of the last division named at the start of the name (河北省石家庄市长安区... → county)."""
    levels, pos, level = _division_levels(), 0, None
    while pos < len(key):
        for n in range(min(12, len(key) - pos), 1, -1):
            if key[pos:pos + n] in levels:
                level, pos = levels[key[pos:pos + n]], pos + n
                break
        else:
            break
    if level is None:
        m = _PREFIX.match(key)
        if m:
            level = _MARKER_LEVEL[m.group(1)]
    return level


def infer_level(name: str, region: Region | None = None) -> str:
    """Return the administrative level of an agency from the divisions its name starts with and
    its region, whichever is more specific (省/厅 → province, 市 → prefecture, 县/区 → county ...)."""
    key = normalize_name(name)
    levels = [lv for lv in (_level_from_name(key), region.level if region else None) if lv]
    if levels:
        return max(levels, key=_SPECIFICITY.__getitem__)
    if _CENTRAL.match(key) or key.endswith(("部", "总局", "署")):
        return Agency.Level.CENTRAL
    if key.endswith("厅"):
        return Agency.Level.PROVINCE
    return Agency.Level.UNKNOWN


def find_agency(name: str) -> Agency | None:
    """The agency whose name or alias has the same normalized key, if any."""
    key = normalize_name(name)
    if not key:
        return None
    agency = Agency.objects.filter(normalized_name=key).select_related("region").first()
    if agency is None:
        alias = AgencyAlias.objects.filter(normalized_name=key).select_related("agency__region").first()
        agency = alias.agency if alias else None
    return agency


def find_agencies(names) -> dict[str, Agency]:
    """{normalized key: agency} for those of `names` that name an agency or one of its aliases,
    in at most two queries whatever their number (a list of thousands of agencies, a chunk of
    import files)."""
    keys = {normalize_name(n) for n in names} - {""}
    found = {a.normalized_name: a for a in
             Agency.objects.filter(normalized_name__in=keys).select_related("region")} if keys else {}
    missing = keys - found.keys()
    if missing:
        for alias in AgencyAlias.objects.filter(normalized_name__in=missing).select_related("agency__region"):
            found[alias.normalized_name] = alias.agency
    return found


def create_agencies(named: dict[str, Region | None], *, known: dict[str, Agency]) -> dict[str, Agency]:
    """Make sure every name of `named` (name -> its region) has an agency and return `known`
    completed with them: the ones not in `known` (a find_agencies() answer) are created with
    their region and inferred level in one statement, and read back in one more. A name another
    process created meanwhile is not created twice (the unique key decides)."""
    new = {}
    for name, region in named.items():
        name = re.sub(r"\s+", " ", name or "").strip()
        key = normalize_name(name)
        if key and key not in known and key not in new:
            # bulk_create skips Agency.save(), which would set normalized_name.
            new[key] = Agency(name=name, normalized_name=key, region=region, level=infer_level(name, region))
    if new:
        Agency.objects.bulk_create(new.values(), ignore_conflicts=True)
        known = {**known, **find_agencies(new)}
    return known


def adopt_region(agency: Agency, region: Region | None) -> None:
    """A known agency without a region takes the one a report of it names."""
    if agency.region_id is None and region is not None:
        agency.region = region
        if agency.level == Agency.Level.UNKNOWN:
            agency.level = region.level
        agency.save(update_fields=["region", "level"])


def find_or_create_agency(name: str, *, region: Region | None = None) -> Agency:
    """Return the agency of that name (spacing, width and character variants never make a
    second one), creating it with its region and inferred level. A known agency without a
    region takes the one given."""
    name = re.sub(r"\s+", " ", name or "").strip()
    if not normalize_name(name):
        raise ValueError("an agency needs a name")
    agency = find_agency(name)
    if agency is None:
        try:
            # A savepoint, so that a concurrent insert of the same name leaves the caller's
            # transaction usable and we read the winner's row.
            with transaction.atomic():
                agency = Agency.objects.create(name=name, region=region, level=infer_level(name, region))
        except IntegrityError:
            agency = find_agency(name)
            if agency is None:
                raise
    else:
        adopt_region(agency, region)
    return agency


def region_by_code(code: str | None) -> Region | None:
    """The current region for a GB/T 2260 code, following a historical code to today's region."""
    if not code:
        return None
    region = Region.objects.filter(code=code).select_related("province", "prefecture").first()
    if region is None:
        old = RegionName.objects.filter(code=code).select_related("region__province", "region__prefecture")
        old = old.order_by("-start_year").first()
        region = old.region if old else None
    return region


def regions_named(name: str) -> list[Region]:
    """Current regions bearing this name today or in the past (崇文区 → 东城区)."""
    found = {r.pk: r for r in Region.objects.filter(name=name).select_related("province", "prefecture")}
    for old in RegionName.objects.filter(name=name).select_related("region__province", "region__prefecture"):
        found.setdefault(old.region_id, old.region)
    return sorted(found.values(), key=lambda r: r.code)


def resolve_region(metadata) -> Region | None:
    """Return the most specific region parser metadata names: its region_code when set, else the
    county, city or province name (narrowed by the names above it); None when nothing matches
    or a name stays ambiguous."""
    region = region_by_code(getattr(metadata, "region_code", None))
    if region is not None:
        return region
    province_name = getattr(metadata, "province", None)
    city_name = getattr(metadata, "city", None)
    for name in (getattr(metadata, "county", None), city_name, province_name):
        if not name:
            continue
        candidates = regions_named(name)
        if province_name and name != province_name:
            candidates = [r for r in candidates if _within(r, province_name, "province")] or candidates
        if city_name and name != city_name:
            candidates = [r for r in candidates if _within(r, city_name, "prefecture")] or candidates
        if len(candidates) == 1:
            return candidates[0]
    return None


def _within(region: Region, name: str, level: str) -> bool:
    ancestor = getattr(region, level)
    return ancestor is not None and ancestor.name == name
