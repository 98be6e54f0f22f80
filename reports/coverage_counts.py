"""The /coverage/ rollup (CoverageCount): per region, year and audience, how many agencies were in
each state, kept exact as reports, agencies and expectations change.

Why: counting states per request pivots every report of the years shown and the two before; for
the whole country that grows with the data (250 ms at 50,000 reports, bench/pages_bench.py).
The rollup holds a few rows per region and year, whatever the number of reports.

How it stays exact: a region's rows are recomputed from scratch with the very SQL the page used
to run (reports/completeness.py per_agency_sql, restricted to the agencies of those regions), in
the writer's transaction. Signals on Report, Agency and ReportingExpectation mark what changed
(the region and the years whose state a change can move: a report's year and the LOOKBACK_YEARS
after it, which it makes expected); bulk writers mark explicitly. Inside `deferred()` (an import
chunk) marks are collected and the regions recomputed once at the end of the block.

Years: FIRST_YEAR to the year the rollup was last built for (CoverageHorizon: the calendar year of
the last rebuild); a page that shows a later year counts live. Run `manage.py
rebuild_coverage_counts` after loading data around the writers, and once at the start of each
calendar year so the new year is covered (system check reports.W001 says when it is due).
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from agencies.models import Agency, Region
from reports.models import CoverageCount, CoverageHorizon, Report
from reports.timeliness import FIRST_YEAR, LOOKBACK_YEARS, WRONG_TEMPLATE, State, missing_state

Audience = CoverageCount.Audience
Grain = CoverageCount.Grain
IDS_PER_STATEMENT = 500


def visible(audience: int):
    """The reports an audience sees (as Report.objects.visible_to gives them)."""
    return Report.objects.not_withdrawn() if audience == Audience.STAFF else Report.objects.published()


def horizon(today: date | None = None) -> int:
    """The last year a rebuild covers: the current year (its reports are not due yet)."""
    return (today or timezone.localdate()).year


def built_through() -> int | None:
    """The last year the rollup holds (None: never built, every page counts live). One query."""
    return CoverageHorizon.objects.values_list("last_year", flat=True).first()


def covers(years) -> bool:
    last = built_through() if years else None
    return last is not None and min(years) >= FIRST_YEAR and max(years) <= last


# --- reading


def region_counts(selection, audience: int) -> dict:
    """{group key: {year: {"agencies": n, state slug: n, ..., "wrong_template": n}}} for the
    selection (completeness.Selection), as Completeness.region_counts counts live. One query."""
    rows = CoverageCount.objects.filter(audience=audience, year__in=selection.years).filter(_rows_of(selection))
    rows = (rows.order_by().values("year", "state", "government", "wrong_template", gkey=_key(selection))
            .annotate(n=Sum("agencies")))
    today = selection.today or timezone.localdate()
    out: dict = {}
    for row in rows:
        state = State(row["state"])
        if state == State.MISSING:
            state = missing_state(row["year"], government=row["government"], today=today)
        cell = out.setdefault(row["gkey"], {}).setdefault(row["year"], _empty())
        cell["agencies"] += row["n"]
        cell[state.slug] += row["n"]
        if row["wrong_template"]:
            cell["wrong_template"] += row["n"]
    for years in out.values():
        for year in selection.years:
            years.setdefault(year, _empty())
    return out


# The grain whose rows are the groups of a level; the agencies above the level (key None) are
# read from the REGION rows: those without a region, and for prefecture groups those of provinces.
GRAIN_OF_LEVEL = {"province": Grain.PROVINCE, "prefecture": Grain.PREFECTURE}


def _rows_of(selection) -> Q:
    from reports.completeness import within

    if selection.own:
        return Q(grain=Grain.REGION, region=selection.region)
    grain = GRAIN_OF_LEVEL.get(selection.level)
    if grain is None:  # county groups, or no finer level: a province's or prefecture's own rows
        return Q(grain=Grain.REGION) & within(selection.region)
    above = Q(region__isnull=True) if selection.level == "province" else \
        Q(region__isnull=True) | Q(region__level="province")
    return (Q(grain=grain) & within(selection.region)) | (Q(grain=Grain.REGION) & above & within(selection.region))


def _key(selection):
    from reports.completeness import group_key

    grain = None if selection.own else GRAIN_OF_LEVEL.get(selection.level)
    if grain is None:
        return group_key(None if selection.own else selection.level)
    return Case(When(grain=grain, then=F("region_id")), default=Value(None), output_field=IntegerField())


_EMPTY = {"agencies": 0, **{s.slug: 0 for s in State}, WRONG_TEMPLATE: 0}


def _empty() -> dict:
    return dict(_EMPTY)


# --- keeping it exact


@dataclass(frozen=True)
class Regions:
    """A completeness Selection of the agencies of exactly these regions (None among them: the
    agencies without a region; `region_ids` None: every agency), states as if every deadline
    had passed (the reader decides "not yet due")."""

    region_ids: tuple | None
    years: tuple
    level: None = None
    state: None = None
    region: None = None
    own: bool = True
    today: date = date.max

    def agencies(self):
        if self.region_ids is None:
            return Agency.objects.all()
        ids = [pk for pk in self.region_ids if pk is not None]
        chosen = Q(region_id__in=ids)
        if None in self.region_ids:
            chosen |= Q(region__isnull=True)
        return Agency.objects.filter(chosen)


def refresh(region_ids, years, audiences=tuple(Audience)) -> None:
    """Recompute the rows of these regions (None: every region) for these years and audiences.
    Two statements per audience and 500 regions, and two per audience for the group sums."""
    last = built_through() if years else None
    if last is None:
        return
    years = tuple(range(max(FIRST_YEAR, min(years)), min(last, max(years)) + 1))
    if not years:
        return
    if region_ids is None:
        groups = [None]
    else:
        ids = sorted(set(region_ids), key=lambda pk: (pk is None, pk or 0))
        groups = [tuple(ids[at:at + IDS_PER_STATEMENT]) for at in range(0, len(ids), IDS_PER_STATEMENT)]
    with transaction.atomic():
        for group in groups:
            for audience in audiences:
                # Every agency (a rebuild): all reports with an agency, not a semi-join on agency ids.
                _refresh(Regions(group, years, own=group is not None), int(audience))
        if region_ids is None:
            _roll_up(Grain.PREFECTURE, None, years, audiences)
            _roll_up(Grain.PROVINCE, None, years, audiences)
            return
        prefectures, provinces = set(), set()
        for pk, level, province, prefecture in Region.objects.filter(pk__in=[pk for pk in region_ids if pk]) \
                .values_list("pk", "level", "province_id", "prefecture_id"):
            provinces.add(pk if level == "province" else province)
            if level != "province":
                prefectures.add(pk if level == "prefecture" else prefecture or pk)
        _roll_up(Grain.PREFECTURE, prefectures - {None}, years, audiences)
        _roll_up(Grain.PROVINCE, provinces - {None}, years, audiences)


def _roll_up(grain: int, keys, years, audiences) -> None:
    """Recompute the PREFECTURE or PROVINCE rows of these groups (None: all) by summing the
    REGION rows of their regions."""
    from reports.completeness import group_key

    if keys is not None and not keys:
        return
    level = "prefecture" if grain == Grain.PREFECTURE else "province"
    stale = CoverageCount.objects.filter(grain=grain, year__in=years, audience__in=audiences)
    if keys is not None:
        stale = stale.filter(region_id__in=keys)
    stale.delete()
    sums = CoverageCount.objects.filter(grain=Grain.REGION, year__in=years, audience__in=audiences) \
        .annotate(g=group_key(level))
    if keys is None:
        sums = sums.filter(g__isnull=False)
    else:
        # The groups' own regions and those inside them first (the region index), then the key.
        inside = Region.objects.filter(Q(pk__in=keys) | Q(**{f"{level}_id__in": keys})).values("pk")
        sums = sums.filter(region_id__in=inside, g__in=keys)
    sql, params = (sums.order_by().values("g", "year", "audience", "state", "government", "wrong_template")
                   .annotate(n=Sum("agencies")).query.sql_with_params())
    q = connection.ops.quote_name
    names = ("year", "audience", "state", "government", "wrong_template")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {q(CoverageCount._meta.db_table)} ({q('grain')}, {q('region_id')}, "
            f"{', '.join(q(n) for n in names)}, {q('agencies')}) "
            f"SELECT {int(grain)}, s.{q('g')}, {', '.join('s.' + q(n) for n in names)}, s.{q('n')} FROM ({sql}) s",
            params)


def _refresh(selection: Regions, audience: int) -> None:
    from reports.completeness import per_agency_sql

    stale = CoverageCount.objects.filter(grain=Grain.REGION, audience=audience, year__in=selection.years)
    if selection.region_ids is not None:
        ids = [pk for pk in selection.region_ids if pk is not None]
        where = Q(region_id__in=ids)
        if None in selection.region_ids:
            where |= Q(region__isnull=True)
        stale = stale.filter(where)
    stale.delete()  # one DELETE: nothing points at these rows, no signal listens
    table, params = per_agency_sql(visible(audience), selection)
    q = connection.ops.quote_name
    parts = []
    for year in selection.years:
        parts.append(f"SELECT {int(Grain.REGION)}, x.aregion, {year}, {audience}, x.st{year}, x.gov = 1, x.wt{year} = 1, COUNT(*) "
                     f"FROM x WHERE x.st{year} IS NOT NULL GROUP BY x.aregion, x.gov, x.st{year}, x.wt{year}")
    columns = ", ".join(q(c) for c in ("grain", "region_id", "year", "audience", "state", "government", "wrong_template",
                                       "agencies"))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH x AS ({table}) INSERT INTO {q(CoverageCount._meta.db_table)} ({columns}) "
                       + " UNION ALL ".join(parts), params)


def rebuild() -> int:
    """Recompute every row (`manage.py rebuild_coverage_counts`); return the number of rows."""
    with transaction.atomic():
        CoverageCount.objects.all().delete()
        CoverageHorizon.objects.update_or_create(pk=1, defaults={"last_year": horizon()})
        refresh(None, range(FIRST_YEAR, horizon() + 1))
    return CoverageCount.objects.count()


class _Pending(threading.local):
    depth = 0
    regions: dict
    agencies: dict
    public = False


_pending = _Pending()


def every_year() -> range:
    return range(FIRST_YEAR, horizon() + 1)


def report_years(year) -> range:
    """The years whose state a report of `year` decides: its own and those it makes expected."""
    return range(year, year + LOOKBACK_YEARS + 1) if year else range(0)


def mark(*, regions=(), agencies=(), years, staff_only=False) -> None:
    """Note that these regions' (or these agencies' regions') states may have changed in `years`
    (`staff_only`: for the staff's counts only, as when an unpublished report is added);
    recompute now, or at the end of the enclosing deferred() block."""
    years = set(years)
    if not years or not (regions or agencies):
        return
    if _pending.depth:
        for pk in regions:
            _pending.regions.setdefault(pk, set()).update(years)
        for pk in agencies:
            _pending.agencies.setdefault(pk, set()).update(years)
        _pending.public = _pending.public or not staff_only
        return
    _flush({pk: years for pk in regions}, {pk: years for pk in agencies}, public=not staff_only)


@contextmanager
def deferred():
    """Collect marks and recompute once when the block ends without an exception (one import
    chunk: a few statements instead of several per report). Nests."""
    if not _pending.depth:
        _pending.regions, _pending.agencies, _pending.public = {}, {}, False
    _pending.depth += 1
    try:
        yield
    except BaseException:
        _pending.depth -= 1
        if not _pending.depth:
            _pending.regions, _pending.agencies, _pending.public = {}, {}, False
        raise
    _pending.depth -= 1
    if not _pending.depth:
        regions, agencies, public = _pending.regions, _pending.agencies, _pending.public
        _pending.regions, _pending.agencies, _pending.public = {}, {}, False
        _flush(regions, agencies, public=public)


def _flush(regions: dict, agencies: dict, *, public: bool = True) -> None:
    regions = {pk: set(years) for pk, years in regions.items()}
    if agencies:
        for agency_id, region_id in Agency.objects.filter(pk__in=list(agencies)).values_list("pk", "region_id"):
            regions.setdefault(region_id, set()).update(agencies[agency_id])
    if not regions:
        return
    # One pass over the union of the years: recomputing a year that did not change is harmless.
    years = set().union(*regions.values())
    refresh(list(regions), years, tuple(Audience) if public else (Audience.STAFF,))
