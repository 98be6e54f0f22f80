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
from functools import cached_property

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce

from agencies.english_names import region_path
from agencies.models import Agency, Region
from reports.models import Status
from reports.timeliness import (
    GOVERNMENT_SUFFIXES, LOOKBACK_YEARS, WRONG_TEMPLATE, State, deadline, missing_state, wrong_layouts,
)

LEVELS = ("province", "prefecture", "county")
FILTERS = tuple(s.slug for s in State) + (WRONG_TEMPLATE,)


@dataclass(frozen=True)
class Selection:
    """What the page asked for: a region (None: the whole country), the level its counts are
    grouped by (None: no finer level), the years, an optional state a matrix row must show in
    some year, and today (which decides whether a year is already due). `own` keeps only the
    agencies of the region itself, not of the regions inside it (without region: the agencies
    that have none)."""

    region: Region | None
    level: str | None
    years: tuple[int, ...]
    state: str | None = None
    today: date | None = None
    own: bool = False

    def agencies(self):
        """The agencies of the selection (a queryset)."""
        if self.own:
            return Agency.objects.filter(region=self.region) if self.region else Agency.objects.filter(region=None)
        return Agency.objects.filter(within(self.region))


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


def government() -> Q:
    """Agencies named as a people's government itself, whose 2019-Regulations deadline is
    3月31日 (timeliness.is_government, as a filter; staff's ReportingExpectation.government
    overrides it)."""
    q = Q()
    for suffix in GOVERNMENT_SUFFIXES:
        q |= Q(name__endswith=suffix)
    return q


# Per agency and year, what its visible report is (p<year>): published, or still in review.
PUBLISHED, IN_REVIEW = 2, 1


def _per_report_year(reports, selection: Selection) -> tuple[str, list]:
    """SQL and params: one row per agency with a visible report in the window; p<year> =
    PUBLISHED or IN_REVIEW (NULL: no report) for the years shown and the LOOKBACK_YEARS before;
    for the years shown d<year> = the report's date, w<year> = 1 when it used the wrong
    template, r<year> its id and l<year> its layout.

    The ORM gives the filtered rows (visibility, window, region as a semi-join on agency ids, so
    a region's page reads its own reports through the agency index); the pivot is plain SQL text,
    which costs nothing to build where some thirty ORM Case expressions took tens of ms."""
    first, last = selection.years[0], selection.years[-1]
    if selection.region is None and not selection.own:
        reports = reports.filter(agency__isnull=False)
    else:
        reports = reports.filter(agency__in=selection.agencies().values("pk"))
    rows_sql, rows_params = (
        reports.filter(year__gte=first - LOOKBACK_YEARS, year__lte=last).order_by()
        .values("agency_id", "year", "status", "issued_on", "layout", rid=F("pk")).query.sql_with_params()
    )
    columns, params = ["r.agency_id"], []
    for year in range(first - LOOKBACK_YEARS, last + 1):
        columns.append(f"MAX(CASE WHEN r.year = {year} AND r.status = %s THEN {PUBLISHED} "
                       f"WHEN r.year = {year} THEN {IN_REVIEW} END) AS p{year}")
        params.append(str(Status.PUBLISHED))
    for year in selection.years:
        columns += [f"MAX(CASE WHEN r.year = {year} THEN r.issued_on END) AS d{year}",
                    f"MAX(CASE WHEN r.year = {year} THEN r.rid END) AS r{year}",
                    f"MAX(CASE WHEN r.year = {year} THEN r.layout END) AS l{year}"]
        wrong = wrong_layouts(year)
        if wrong:
            columns.append(f"MAX(CASE WHEN r.year = {year} AND r.layout IN ({', '.join(['%s'] * len(wrong))}) "
                           f"THEN 1 WHEN r.year = {year} THEN 0 END) AS w{year}")
            params += wrong
    return f"SELECT {', '.join(columns)} FROM ({rows_sql}) r GROUP BY r.agency_id", [*params, *rows_params]


def _state_sql(year: int, today: date) -> tuple[str, list]:
    """SQL (and params) for the state of agency `a` in `year` from its pivoted reports `p`
    (timeliness.py: the deadline day is on time; a government's own report has its own deadline)."""
    on_time, params = f"p.d{year} <= %s", [deadline(year)]
    if deadline(year, government=True) != deadline(year):
        on_time += f" OR (a.gov = 1 AND p.d{year} <= %s)"
        params.append(deadline(year, government=True))
    before = " OR ".join(f"p.p{year - k} IS NOT NULL" for k in range(1, LOOKBACK_YEARS + 1))
    expected = f"(({before} OR a.efirst <= {year}) AND (a.elast IS NULL OR a.elast >= {year}))"
    sql = (f"CASE WHEN p.p{year} = {IN_REVIEW} THEN {int(State.WAITING)} "
           f"WHEN p.p{year} = {PUBLISHED} THEN (CASE WHEN p.d{year} IS NULL THEN {int(State.DATE_UNKNOWN)} "
           f"WHEN {on_time} THEN {int(State.ON_TIME)} ELSE {int(State.LATE)} END) "
           f"WHEN {expected} THEN {_missing(year, today)} END")
    return sql, params


def _agencies(selection: Selection):
    return selection.agencies().order_by().values(
        aid=F("pk"), aregion=F("region_id"), gkey=group_key(selection.level),
        gov=Case(When(expectation__government=True, then=Value(1)), When(expectation__government=False, then=Value(0)),
                 When(government(), then=Value(1)), default=Value(0), output_field=IntegerField()),
        efirst=F("expectation__first_year"), elast=F("expectation__last_year"),
        aname=F("name"), alevel=F("level"), rcode=F("region__code"), rname=F("region__name"),
        rname_en=F("region__name_en"), rprovince=F("region__province__name"),
        rprovince_en=F("region__province__name_en"), rprefecture=F("region__prefecture__name"),
        rprefecture_en=F("region__prefecture__name_en"),
    )


def _missing(year: int, today: date) -> str:
    """SQL for the state of an expected agency-year without a report, as of `today`."""
    departments = missing_state(year, government=False, today=today)
    governments = missing_state(year, government=True, today=today)
    if departments == governments:
        return str(int(departments))
    return f"CASE WHEN a.gov = 1 THEN {int(governments)} ELSE {int(departments)} END"


def per_agency_sql(reports, selection: Selection) -> tuple[str, list]:
    """SQL and params of the derived table: one row per agency of the region that has a report in
    the window or an expectation, with the agency columns and, for each year shown, st<year>
    (a State; NULL: neither reported nor expected), wt<year> (1: wrong template), r<year>,
    d<year> and l<year> (its report's id, date and layout)."""
    agencies_sql, agencies_params = _agencies(selection).query.sql_with_params()
    reports_sql, reports_params = _per_report_year(reports, selection)
    today = selection.today or date.today()
    columns, params = ["a.*"], []
    for year in selection.years:
        state, state_params = _state_sql(year, today)
        columns.append(f"{state} AS st{year}")
        params += state_params
        columns += [f"COALESCE(p.w{year}, 0) AS wt{year}" if wrong_layouts(year) else f"0 AS wt{year}",
                    f"p.r{year} AS r{year}", f"p.d{year} AS d{year}", f"p.l{year} AS l{year}"]
    sql = (f"SELECT {', '.join(columns)} FROM ({agencies_sql}) a "
           f"LEFT JOIN ({reports_sql}) p ON p.agency_id = a.aid "
           f"WHERE p.agency_id IS NOT NULL OR a.efirst IS NOT NULL")
    return sql, [*params, *agencies_params, *reports_params]


def _matrix_where(selection: Selection) -> str:
    years = selection.years
    if selection.state == WRONG_TEMPLATE:
        return "(" + " OR ".join(f"(x.st{y} IS NOT NULL AND x.wt{y} = 1)" for y in years) + ")"
    if selection.state:
        code = int(State.from_slug(selection.state))
        return "(" + " OR ".join(f"x.st{y} = {code}" for y in years) + ")"
    return "(" + " OR ".join(f"x.st{y} IS NOT NULL" for y in years) + ")"


class Completeness:
    """The states of a selection, from one derived table (built once per request): counts per
    region, and the agency × year rows ordered by region code, then agency name.

    fetch() reads a page and the total in one query; count() is a query of its own, for
    MatrixPaginator's rare path (a page past the end); iter_rows() streams every row."""

    def __init__(self, reports, selection: Selection, *, audience: int | None = None):
        # With the audience the reports are visible to, counts come from the rollup
        # (reports/coverage_counts.py) for the years it covers.
        self.reports, self.selection, self.audience = reports, selection, audience

    @cached_property
    def table(self) -> tuple[str, list]:
        return per_agency_sql(self.reports, self.selection)

    def region_counts(self) -> dict:
        """{group key: {year: {"agencies": n, state slug: n, ..., "wrong_template": n}}}, one query.

        "agencies" counts the agencies expected or reporting that year; the key None holds the
        agencies above the level (or without region). Groups without any agency are absent.
        """
        from reports import coverage_counts

        if self.audience is not None and coverage_counts.covers(self.selection.years):
            return coverage_counts.region_counts(self.selection, self.audience)
        return self.live_region_counts()

    def live_region_counts(self) -> dict:
        """region_counts() from the reports themselves (years the rollup does not cover)."""
        inner, params = self.table
        sums = []
        for year in self.selection.years:
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
                        for i, year in enumerate(self.selection.years)}
        return out

    def _rows_sql(self, *, window=False):
        inner, params = self.table
        total = ", COUNT(*) OVER () AS total" if window else ""
        sql = (f"SELECT x.*{total} FROM ({inner}) x WHERE {_matrix_where(self.selection)} "
               f"ORDER BY CASE WHEN x.rcode IS NULL THEN 1 ELSE 0 END, x.rcode, x.aname, x.aid")
        return sql, params

    def count(self) -> int:
        inner, params = self.table
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({inner}) x WHERE {_matrix_where(self.selection)}", params)
            return cursor.fetchone()[0]

    def fetch(self, *, offset: int = 0, limit: int) -> tuple[list[dict], int | None]:
        """(rows of the page, total rows; None when the page is empty). Each row: the agency's
        columns, and `cells[year]` = {state, wrong, report_id, issued_on, layout} (state None:
        neither reported nor expected)."""
        sql, params = self._rows_sql(window=True)
        with connection.cursor() as cursor:
            cursor.execute(sql + " LIMIT %s OFFSET %s", [*params, limit, offset])
            names = [c[0] for c in cursor.description]
            raw = [dict(zip(names, row)) for row in cursor.fetchall()]
        return [_matrix_row(r, self.selection.years) for r in raw], (raw[0]["total"] if raw else None)

    def iter_rows(self, chunk: int = 2000):
        """Every row, fetched in chunks through a server-side cursor on PostgreSQL (exports)."""
        sql, params = self._rows_sql()
        cursor = connection.chunked_cursor()
        try:
            cursor.execute(sql, params)
            names = [c[0] for c in cursor.description]
            while batch := cursor.fetchmany(chunk):
                for row in batch:
                    yield _matrix_row(dict(zip(names, row)), self.selection.years)
        finally:
            cursor.close()


class MatrixPaginator(Paginator):
    """Django's Paginator over a Completeness, reading a page and the total in one query."""

    def page(self, number):
        number = self.validate_number_format(number)
        rows, total = self.object_list.fetch(offset=(number - 1) * self.per_page, limit=self.per_page)
        if total is None:
            if number > 1:
                raise EmptyPage(self.error_messages["no_results"])
            total = 0
        self.__dict__["count"] = total  # Paginator.count is a cached_property
        return self._get_page(rows, number, self)

    def validate_number_format(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number


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
        "region_path": region_path([(raw[f"r{level}"], raw[f"r{level}_en"]) for level in ("province", "prefecture")
                                    if raw[f"r{level}"] and raw[f"r{level}"] != raw["rname"]]
                                   + [(raw["rname"], raw["rname_en"])]) if raw["rname"] else "",
        "first_year": raw["efirst"], "last_year": raw["elast"], "cells": cells,
    }
