"""Who reported for which years, on time and on the template in force: per-agency states and per-region counts, in the database.

One derived table, built per request from two ORM querysets and joined in SQL (as
reports/queries.py does for charts): the agencies of a region, each with its expectation
(agencies.ReportingExpectation) and its group key at the chosen level, LEFT JOIN the visible
reports of the years shown and the two before, pivoted to one row per agency with one state
per year (reports/timeliness.py State, as a CASE over status, issued_on and the deadline).
An agency-year without a report is expected, and so missing (or not yet due), when the agency
reported for either of the two previous years or staff listed it, and staff did not mark it as
no longer expected. Region counts GROUP BY the key over that table; the agency matrix pages it.
No row is ever loaded into Python but the page shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Case, F, IntegerField, Max, Q, Value, When
from django.db.models.functions import Coalesce

from agencies.models import Agency, Region
from reports.models import Status
from reports.timeliness import (
    GOVERNMENT_SUFFIXES, LOOKBACK_YEARS, REGULATIONS_2019_FIRST_YEAR, WRONG_TEMPLATE, State, deadline,
    missing_state, wrong_layouts,
)

LEVELS = ("province", "prefecture", "county")
FILTERS = tuple(s.slug for s in State) + (WRONG_TEMPLATE,)


@dataclass(frozen=True)
class Selection:
    """What the page asked for: a region (None: the whole country), the level its counts are
    grouped by (None: no finer level), the years, an optional state a matrix row must show in
    some year, and today (which decides whether a year is already due)."""

    region: Region | None
    level: str | None
    years: tuple[int, ...]
    state: str | None = None
    today: date | None = None


def within(region: Region | None, path: str = "region") -> Q:
    """Rows whose region (at `path`; "" for Region rows) is `region` or lies inside it."""
    if region is None:
        return Q()
    pre = f"{path}__" if path else ""
    own = Q(**{path or "pk": region.pk})
    if region.level == Region.Level.PROVINCE:
        return own | Q(**{f"{pre}province": region.pk})
    if region.level == Region.Level.PREFECTURE:
        return own | Q(**{f"{pre}prefecture": region.pk})
    return own


def group_key(level: str | None, path: str = "region"):
    """The id of the region at `level` that contains the region at `path`, or NULL (an agency of
    a higher level, or without region). Counties directly under a province (北京 districts,
    济源) are their own prefecture-level group."""
    pre = f"{path}__" if path else ""
    at = {"level": f"{pre}level", "id": f"{pre}id" if path else "pk"}
    if level == Region.Level.PROVINCE:
        return Case(When(**{at["level"]: level}, then=F(at["id"])), default=F(f"{pre}province"))
    if level == Region.Level.PREFECTURE:
        return Case(
            When(**{at["level"]: level}, then=F(at["id"])),
            When(**{at["level"]: Region.Level.COUNTY}, then=Coalesce(f"{pre}prefecture", at["id"])),
            default=Value(None), output_field=IntegerField(),
        )
    if level == Region.Level.COUNTY:
        return Case(When(**{at["level"]: level}, then=F(at["id"])), default=Value(None), output_field=IntegerField())
    return Value(None, output_field=IntegerField())


def regions_at(selection: Selection):
    """The regions the counts are grouped into, by code: every region at the level inside the
    selected one, with or without agencies (a region nobody reports from is worth seeing)."""
    if selection.level is None:
        return Region.objects.none()
    at_level = Q(level=selection.level)
    if selection.level == Region.Level.PREFECTURE:
        at_level |= Q(level=Region.Level.COUNTY, prefecture__isnull=True)
    return Region.objects.filter(at_level, within(selection.region, "")).order_by("code")


def government(path: str = "name") -> Q:
    """A people's government itself, whose 2019-Regulations deadline is 3月31日 (timeliness.py)."""
    q = Q()
    for suffix in GOVERNMENT_SUFFIXES:
        q |= Q(**{f"{path}__endswith": suffix})
    return q


def report_state(year: int):
    """State of a visible report on `year`, as a SQL CASE (timeliness.State numbers)."""
    on_time = Q(issued_on__lte=deadline(year))
    if year >= REGULATIONS_2019_FIRST_YEAR:
        on_time |= government("agency__name") & Q(issued_on__lte=deadline(year, government=True))
    return Case(
        When(~Q(status=Status.PUBLISHED), then=Value(int(State.WAITING))),
        When(issued_on__isnull=True, then=Value(int(State.DATE_UNKNOWN))),
        When(on_time, then=Value(int(State.ON_TIME))),
        default=Value(int(State.LATE)), output_field=IntegerField(),
    )


def _per_report_year(reports, selection: Selection, *, details: bool):
    """One row per agency: s<year> = state of its report on that year (NULL: none), for the
    years shown and the LOOKBACK_YEARS before; w<year> = 1 when that report used the wrong
    template; with details the report id, date and layout of each year shown."""
    first, last = selection.years[0], selection.years[-1]
    per_year = {}
    for year in range(first - LOOKBACK_YEARS, last + 1):
        per_year[f"s{year}"] = Max(Case(When(year=year, then=report_state(year)), output_field=IntegerField()))
    for year in selection.years:
        wrong = wrong_layouts(year)
        if wrong:
            per_year[f"w{year}"] = Max(Case(When(year=year, layout__in=wrong, then=Value(1)),
                                            When(year=year, then=Value(0)), output_field=IntegerField()))
        if details:
            per_year[f"r{year}"] = Max(Case(When(year=year, then=F("pk"))))
            per_year[f"d{year}"] = Max(Case(When(year=year, then=F("issued_on"))))
            per_year[f"l{year}"] = Max(Case(When(year=year, then=F("layout"))))
    return (
        reports.filter(within(selection.region, "agency__region"), agency__isnull=False,
                       year__gte=first - LOOKBACK_YEARS, year__lte=last)
        .order_by().values("agency_id").annotate(**per_year)
    )


def _agencies(selection: Selection, *, details: bool):
    columns = {
        "aid": F("pk"), "gkey": group_key(selection.level),
        "gov": Case(When(government(), then=Value(1)), default=Value(0), output_field=IntegerField()),
        "efirst": F("expectation__first_year"), "elast": F("expectation__last_year"),
    }
    if details:
        columns.update(aname=F("name"), alevel=F("level"), rcode=F("region__code"), rname=F("region__name"),
                       rprovince=F("region__province__name"), rprefecture=F("region__prefecture__name"))
    return Agency.objects.filter(within(selection.region)).order_by().values(**columns)


def _missing(year: int, today: date) -> str:
    """SQL for the state of an expected agency-year without a report, as of `today`."""
    departments = missing_state(year, government=False, today=today)
    governments = missing_state(year, government=True, today=today)
    if departments == governments:
        return str(int(departments))
    return f"CASE WHEN a.gov = 1 THEN {int(governments)} ELSE {int(departments)} END"


def per_agency_sql(reports, selection: Selection, *, details: bool = False) -> tuple[str, list]:
    """SQL and params of the derived table: one row per agency of the region that has a report in
    the window or an expectation, with st<year> (NULL: neither reported nor expected) and
    wt<year> (1: wrong template) for each year shown, plus the agency columns."""
    agencies_sql, agencies_params = _agencies(selection, details=details).query.sql_with_params()
    reports_sql, reports_params = _per_report_year(reports, selection, details=details).query.sql_with_params()
    today = selection.today or date.today()
    columns = ["a.*"]
    for year in selection.years:
        before = " OR ".join(f"p.s{year - k} IS NOT NULL" for k in range(1, LOOKBACK_YEARS + 1))
        expected = f"(({before} OR a.efirst <= {year}) AND (a.elast IS NULL OR a.elast >= {year}))"
        columns.append(f"CASE WHEN p.s{year} IS NOT NULL THEN p.s{year} "
                       f"WHEN {expected} THEN {_missing(year, today)} END AS st{year}")
        columns.append(f"COALESCE(p.w{year}, 0) AS wt{year}" if wrong_layouts(year) else f"0 AS wt{year}")
        if details:
            columns += [f"p.r{year} AS r{year}", f"p.d{year} AS d{year}", f"p.l{year} AS l{year}"]
    sql = (f"SELECT {', '.join(columns)} FROM ({agencies_sql}) a "
           f"LEFT JOIN ({reports_sql}) p ON p.agency_id = a.aid "
           f"WHERE p.agency_id IS NOT NULL OR a.efirst IS NOT NULL")
    return sql, [*agencies_params, *reports_params]


def region_counts(reports, selection: Selection) -> dict:
    """{group key: {year: {"agencies": n, state slug: n, ..., "wrong_template": n}}}, one query.

    "agencies" counts the agencies expected or reporting that year; the key None holds the
    agencies above the level (or without region). Groups without any agency are absent.
    """
    inner, params = per_agency_sql(reports, selection)
    sums = []
    for year in selection.years:
        sums.append(f"COUNT(x.st{year})")
        sums += [f"SUM(CASE WHEN x.st{year} = {int(s)} THEN 1 ELSE 0 END)" for s in State]
        sums.append(f"SUM(CASE WHEN x.st{year} IS NOT NULL AND x.wt{year} = 1 THEN 1 ELSE 0 END)")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT x.gkey, {', '.join(sums)} FROM ({inner}) x GROUP BY x.gkey", params)
        rows = cursor.fetchall()
    names = ["agencies", *(s.slug for s in State), WRONG_TEMPLATE]
    out = {}
    for key, *values in rows:
        values = [int(v or 0) for v in values]
        out[key] = {year: dict(zip(names, values[i * len(names):(i + 1) * len(names)]))
                    for i, year in enumerate(selection.years)}
    return out


def _matrix_where(selection: Selection) -> str:
    years = selection.years
    if selection.state == WRONG_TEMPLATE:
        return "(" + " OR ".join(f"(x.st{y} IS NOT NULL AND x.wt{y} = 1)" for y in years) + ")"
    if selection.state:
        code = int(State.from_slug(selection.state))
        return "(" + " OR ".join(f"x.st{y} = {code}" for y in years) + ")"
    return "(" + " OR ".join(f"x.st{y} IS NOT NULL" for y in years) + ")"


class AgencyMatrix:
    """The agency × year rows of a selection, for django.core.paginator.Paginator: count() and
    slicing each run one query; rows come ordered by region code, then agency name."""

    def __init__(self, reports, selection: Selection):
        self.reports, self.selection = reports, selection
        self._count = None

    def count(self) -> int:
        if self._count is None:
            inner, params = per_agency_sql(self.reports, self.selection)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM ({inner}) x WHERE {_matrix_where(self.selection)}", params)
                self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        start = index.start or 0
        stop = index.stop if index.stop is not None else self.count()
        return self.rows(offset=start, limit=max(stop - start, 0))

    def _sql(self):
        inner, params = per_agency_sql(self.reports, self.selection, details=True)
        sql = (f"SELECT * FROM ({inner}) x WHERE {_matrix_where(self.selection)} "
               f"ORDER BY CASE WHEN x.rcode IS NULL THEN 1 ELSE 0 END, x.rcode, x.aname, x.aid")
        return sql, params

    def rows(self, *, offset: int = 0, limit: int) -> list[dict]:
        """The rows as dicts: agency columns, then per year `cells[year]` = {state, wrong,
        report_id, issued_on, layout} (state None: not expected)."""
        sql, params = self._sql()
        with connection.cursor() as cursor:
            cursor.execute(sql + " LIMIT %s OFFSET %s", [*params, limit, offset])
            names = [c[0] for c in cursor.description]
            return [_matrix_row(dict(zip(names, row)), self.selection.years) for row in cursor.fetchall()]

    def iter_rows(self, chunk: int = 2000):
        """Every row, fetched in chunks through a server-side cursor on PostgreSQL (exports)."""
        sql, params = self._sql()
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(sql, params)
            names = [c[0] for c in cursor.description]
            while batch := cursor.fetchmany(chunk):
                for row in batch:
                    yield _matrix_row(dict(zip(names, row)), self.selection.years)
        finally:
            cursor.close()


def _matrix_row(raw: dict, years) -> dict:
    cells = {}
    for year in years:
        state = raw[f"st{year}"]
        issued = raw[f"d{year}"]
        if isinstance(issued, str):  # SQLite returns the aggregated date as text
            issued = date.fromisoformat(issued)
        cells[year] = {
            "state": State(state) if state is not None else None,
            "wrong": bool(raw[f"wt{year}"]) and state is not None,
            "report_id": raw[f"r{year}"], "issued_on": issued, "layout": raw[f"l{year}"],
        }
    return {
        "id": raw["aid"], "name": raw["aname"], "level": raw["alevel"], "government": bool(raw["gov"]),
        "region_code": raw["rcode"], "region": raw["rname"],
        "region_path": "".join(n for n in (raw["rprovince"], raw["rprefecture"]) if n and n != raw["rname"])
        + (raw["rname"] or ""),
        "first_year": raw["efirst"], "last_year": raw["elast"], "cells": cells,
    }
