"""Aggregations for charts and their exports, computed in the database from published figures.

Each function takes a report queryset (aggregated live) or a reports.selection.Selection, which
the rollups answer when they can (reports/rollup_queries.py: same rows, cost independent of the
number of reports) and which is otherwise aggregated live as its queryset.
"""
from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, Max, Min

from agencies.english_names import localized
from agencies.models import Agency, Region
from reports import metric_sql, rollup_queries
from reports.parsing.metrics import HARMONIZED, HARMONIZED_CODES
from reports.rates import PAIRED
from reports.selection import Selection
from reports.summary import SUMMARY_CODES

# Region level -> (Report foreign key, grouped model, its key column). "agency" groups by
# reporting agency. The id feeds the links to /reports/, whose filters take primary keys.
LEVELS = {
    "province": ("province_id", Region, "code"),
    "prefecture": ("prefecture_id", Region, "code"),
    "county": ("county_id", Region, "code"),
    "agency": ("agency_id", Agency, "id"),
}
HARMONIZED_NAMES = tuple(name for name, *_ in HARMONIZED)

# The paired denominators are part of each rate's definition (reports/rates.py).


def chart_rows(reports, *, level, codes=(), harmonized=False, paired=(), by_year=False):
    """Return one dict per group (and year when by_year), ordered by group key then year.

    Each row has key (region code or agency id), id (primary key), name, [year], reports,
    agencies, one sum per code in `codes` (None when no report of the group states it) with
    `<code>__n` = number of reports stating it, and with `harmonized` the six outcome categories
    (`<category>`, `<category>__n`), `outcomes` and `outcomes__n`. `paired` names entries of
    PAIRED to add. Removed figures never count. One query. Codes are those of
    reports.summary.SUMMARY_CODES (ValueError otherwise).

    Two levels: the inner (ORM) query reads each report's row of the ReportMetrics summary,
    one column per code, already pivoted from its non-removed figures by every writer
    (reports/summary.py); the outer query sums those rows per group, taking for each report
    the first harmonized alternative with a stated code (COALESCE over the alternatives).
    Pivoting the figures on every request (an inner GROUP BY over up to 500,000 figure rows)
    made multi-year charts miss the page budget (bench/pages_bench.py).
    """
    wanted = set(codes) | {PAIRED[p][0] for p in paired} | {c for p in paired for c in PAIRED[p][1]}
    if harmonized:
        wanted |= set(HARMONIZED_CODES)
    unknown = wanted - set(SUMMARY_CODES)
    if unknown:
        raise ValueError(f"not in the ReportMetrics summary: {sorted(unknown)}")
    if isinstance(reports, Selection):
        if reports.by_rollup(level):
            result = rollup_queries.chart_rows(reports, level=level, codes=codes, harmonized=harmonized,
                                               paired=paired, by_year=by_year)
            return [_row(r, codes, harmonized, paired, by_year) for r in result]
        reports = reports.reports()
    fk, model, key_column = LEVELS[level]
    group = list(dict.fromkeys([fk, "agency_id"])) + (["year"] if by_year else [])
    # A LEFT JOIN: a report without a summary row (no figures written yet) still counts.
    per_report = {f"c_{code}": F(f"metrics__{code}") for code in sorted(wanted)}
    inner = reports.order_by().values("pk", *group, **per_report)
    sql, params = inner.query.sql_with_params()
    q = connection.ops.quote_name

    def col(code):
        return q("c_" + code)

    # (alias, aggregate over the reports of a group).
    selects = [("n_reports", "COUNT(*)")]
    for code in codes:
        selects += [("m_" + code, f"SUM({col(code)})"), ("n_" + code, f"COUNT({col(code)})")]
    if harmonized:
        for cat, value in metric_sql.categories(col):
            selects += [("m_" + cat, f"SUM({value})"), ("n_" + cat, f"COUNT({value})")]
        selects.append(("n_outcomes", f"SUM({metric_sql.outcome_stated(col)})"))
    for p in paired:
        selects.append(("m_" + p, f"SUM({metric_sql.paired_value(p, col)})"))
    # Group names are joined to the aggregated rows, not to every report: PostgreSQL then sorts
    # (for COUNT DISTINCT) narrow rows, in memory for one-year charts. Summing per agency first
    # to count agencies without DISTINCT was slower (bench/pages_bench.py).
    keys = ", ".join(q(c) for c in [fk] + (["year"] if by_year else []))
    aggregates = ", ".join(f"{e} AS {q(a)}" for a, e in selects)
    grouped = (f"SELECT {keys}, COUNT(DISTINCT {q('agency_id')}) AS {q('n_agencies')}, {aggregates} "
               f"FROM ({sql}) per_report GROUP BY {keys}")
    year = [f"agg.{q('year')}"] if by_year else []
    name_en = f"g.{q('name_en')}" if model is Region else "NULL"  # English pages' name (issue 10)
    columns = ", ".join([f"agg.{q(fk)}", f"g.{q(key_column)}", f"g.{q('name')}", name_en] + year)
    order = ", ".join([f"g.{q(key_column)}"] + year)
    outer = (f"SELECT {columns}, agg.{q('n_agencies')}, "
             + ", ".join(f"agg.{q(a)}" for a, _e in selects)
             + f" FROM ({grouped}) agg LEFT JOIN {q(model._meta.db_table)} g ON g.{q('id')} = agg.{q(fk)} "
             f"ORDER BY {order}")
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        width = 5 if by_year else 4
        names = ["id", "key", "name", "name_en", "year"][:width] + [c[0] for c in cursor.description[width:]]
        result = [dict(zip(names, values)) for values in cursor.fetchall()]
    return [_row(r, codes, harmonized, paired, by_year) for r in result]


def _row(r, codes, harmonized, paired, by_year):
    row = {"key": None if r["key"] is None else str(r["key"]), "id": r["id"],
           "name": localized(r["name"], r["name_en"])}
    if by_year:
        row["year"] = r["year"]
    row["reports"] = r["n_reports"]
    row["agencies"] = r["n_agencies"]
    for code in codes:
        row[code] = _decimal(r[f"m_{code}"])
        row[f"{code}__n"] = r[f"n_{code}"]
    if harmonized:
        for cat in HARMONIZED_NAMES:
            row[cat] = _decimal(r[f"m_{cat}"])
            row[f"{cat}__n"] = r[f"n_{cat}"]
        stated = [row[cat] for cat in HARMONIZED_NAMES if row[cat] is not None]
        row["outcomes"] = sum(stated) if stated else None
        row["outcomes__n"] = r["n_outcomes"]
    for p in paired:
        row[p] = _decimal(r[f"m_{p}"])
    return row


def _decimal(value):
    """SQLite returns raw sums as int or float; make every sum a Decimal like PostgreSQL does."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def coverage(reports):
    """Return reports, agencies and the years covered by a report queryset (two queries)."""
    if isinstance(reports, Selection):
        if reports.by_rollup():
            return rollup_queries.coverage(reports)
        reports = reports.reports()
    totals = reports.aggregate(
        reports=Count("pk"), agencies=Count("agency", distinct=True),
        first_year=Min("year"), last_year=Max("year"),
    )
    totals["years"] = sorted(
        y for y in reports.order_by().values_list("year", flat=True).distinct() if y is not None
    )
    return totals


def latest_year(reports):
    """Return the most recent report year in the queryset, or None."""
    return reports.order_by().aggregate(y=Max("year"))["y"]


def report_years(reports):
    """Return the sorted distinct years of the queryset (years that have reports). One query.

    The compare page offers these in its year controls and on the map's slider; pass the
    selection without its year filter. (A rollup answers it with the distinct years per group.)
    """
    if isinstance(reports, Selection):
        # Reports without a year are left out either way, so only an agency filter needs the live query.
        if not reports.agencies:
            return rollup_queries.report_years(reports)
        reports = reports.reports()
    return sorted(y for y in reports.order_by().values_list("year", flat=True).distinct() if y is not None)


def continuing_agencies(reports, *, level):
    """Return {(group id, year): agencies that reported in the group both that year and the year
    before}. One query, aggregated in the database.

    With the per-group-year agency counts of chart_rows(by_year=True) this gives how the set of
    reporting agencies changed (added = agencies - continuing, dropped = last year's agencies -
    continuing), which line charts mark (issue 10: a province's line jumped from one county to
    a whole city). Group id is the primary key chart_rows returns as `id` (None: no region at
    that level). Reports without an agency are left out. `reports` are current reports (every
    chart's are): at most one per agency and year (Report's one_current_report_per_agency_year),
    so no DISTINCT is needed, which saved a third of the time (bench/pages_bench.py). A rollup
    answers it from one row per (group, year) with the count of agencies also present in the
    year before.
    """
    if isinstance(reports, Selection):
        if rollup_queries.continues_by_rollup(reports, level):
            return rollup_queries.continuing_agencies(reports, level=level)
        reports = reports.reports()
    fk = LEVELS[level][0]
    q = connection.ops.quote_name
    inner = (reports.order_by().filter(agency__isnull=False, year__isnull=False)
             .values(fk, "agency_id", "year"))
    sql, params = inner.query.sql_with_params()
    group = f"COALESCE(d.{q(fk)}, -1)"
    # LAG over each agency's years within a group: the agency continues when its previous
    # year there is this year - 1 (SQLite >= 3.25 and PostgreSQL alike).
    windowed = (f"SELECT {group} AS g, d.{q('year')} AS y, LAG(d.{q('year')}) OVER "
                f"(PARTITION BY {group}, d.{q('agency_id')} ORDER BY d.{q('year')}) AS prev "
                f"FROM ({sql}) d")
    outer = (f"SELECT w.g, w.y, SUM(CASE WHEN w.prev = w.y - 1 THEN 1 ELSE 0 END) "
             f"FROM ({windowed}) w GROUP BY w.g, w.y")
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        return {(None if g == -1 else g, y): int(n) for g, y, n in cursor.fetchall()}
