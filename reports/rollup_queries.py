"""The chart aggregations of reports/queries.py answered from the rollups (reports/rollups.py):
same rows, same types, one query each, whatever the number of reports."""
from __future__ import annotations

from django.db import connection

from agencies.models import Region
from reports.models import ROLLUP_GAPS, ReportRollup, RollupAgencyYears, RollupGrain
from reports.parsing.metrics import HARMONIZED
from reports.rollups import MASK_BASE_YEAR, MASK_LAST_BIT
from reports.selection import LEVEL_RANK


def _q(name):
    return connection.ops.quote_name(name)


def grain(sel, level=None) -> RollupGrain:
    """The coarsest ReportRollup grain that groups at `level` and tells the selection's regions apart."""
    rank = max([LEVEL_RANK[level] if level else 0] + [LEVEL_RANK[r.level] for r in sel.regions])
    return (RollupGrain.PROVINCE, RollupGrain.PREFECTURE, RollupGrain.CELL)[rank]


def _where(sel, alias, *, years=True, level=None, rows=True):
    """(SQL, params) of the selection's scope, regions and (with years) years on a rollup
    table: ReportRollup rows (of the grain for `level`), else RollupAgencyYears."""
    parts, params = [f"{alias}.{_q('scope')} = %s"], [int(sel.scope)]
    if rows:
        parts.append(f"{alias}.{_q('grain')} = %s")
        params.append(int(grain(sel, level)))
    if sel.regions:
        parts.append("(" + " OR ".join(f"{alias}.{_q(r.level + '_id')} = %s" for r in sel.regions) + ")")
        params += [r.pk for r in sel.regions]
    if years:
        low, high = sel.bounds
        if low is not None:
            parts.append(f"{alias}.{_q('year')} >= %s")
            params.append(low)
        if high is not None:
            parts.append(f"{alias}.{_q('year')} <= %s")
            params.append(high)
    return " AND ".join(parts), params


def year_mask(sel) -> int:
    """The RollupAgencyYears bits of the selection's years (bit 62: 2062 and later)."""
    low, high = sel.bounds
    first = 0 if low is None else low - MASK_BASE_YEAR
    last = MASK_LAST_BIT if high is None else high - MASK_BASE_YEAR
    return sum(1 << b for b in range(first, last + 1))


def gap_level(sel, level=None):
    """The region level whose gap columns count the selection's distinct agencies per group at
    `level` (None: the whole selection as one group), or None when RollupAgencyYears must: a
    range longer than the gaps tell apart, or several regions finer than the groups (an agency
    that moved between two of them would count twice)."""
    low, high = sel.bounds
    if low is not None and (high is None or high - low > ROLLUP_GAPS):
        return None
    rank = LEVEL_RANK[level] if level else -1
    finer = [r for r in sel.regions if LEVEL_RANK[r.level] > rank]
    if len(finer) > 1 or (finer and len(sel.regions) > 1):
        return None
    if finer:
        return finer[0].level
    return level or "nation"


def _gap_agencies(sel, level):
    """(SQL, params) of a SUM over ReportRollup rows ru of the selection's years: the agencies
    whose previous report in their `level` region falls before the first selected year."""
    low, _high = sel.bounds
    column = "g_" + level + "_"
    if low is None:
        return f"SUM(ru.{_q(column + 'first')})", []
    terms = [f"ru.{_q(column + 'first')}", f"ru.{_q(column + 'far')}"]
    params = []
    for k in range(1, ROLLUP_GAPS + 1):
        terms.append(f"CASE WHEN ru.{_q('year')} - %s < {k} THEN ru.{_q(column + str(k))} ELSE 0 END")
        params.append(low)
    return f"SUM({' + '.join(terms)})", params


def _distinct_agencies(sel, key):
    """(SQL, params): distinct agencies of the selection per `key` column of RollupAgencyYears
    (None: one row for the whole selection), columns k and n."""
    table = _q(RollupAgencyYears._meta.db_table)
    where, params = _where(sel, "pa", years=False, rows=False)
    mask = f"(pa.{_q('mask')} & CAST(%s AS BIGINT)) <> 0"
    k = f"pa.{_q(key)}" if key else "0"
    group = f" GROUP BY pa.{_q(key)}" if key else ""
    agency = _q("agency_id")
    sql = (f"SELECT t.k AS k, CAST(SUM(t.n) AS BIGINT) AS n FROM ("
           f"SELECT {k} AS k, SUM(pa.{_q('n')}) AS n FROM {table} pa "
           f"WHERE {where} AND pa.{agency} = 0 AND {mask}{group} "
           f"UNION ALL SELECT {k} AS k, COUNT(DISTINCT pa.{agency}) AS n FROM {table} pa "
           f"WHERE {where} AND pa.{agency} > 0 AND {mask}{group}) t GROUP BY t.k")
    m = year_mask(sel)
    return sql, [*params, m, *params, m]


def chart_rows(sel, *, level, codes, harmonized, paired, by_year):
    """reports.queries.chart_rows(selection) from ReportRollup (and RollupAgencyYears for the
    distinct agencies of a range of years): raw rows for queries._row."""
    fk = _q(level + "_id")
    table = _q(ReportRollup._meta.db_table)
    selects = [("n_reports", "SUM(ru.n_reports)")]
    for code in codes:
        selects += [("m_" + code, f"SUM(ru.{_q('s_' + code)})"), ("n_" + code, f"SUM(ru.{_q('n_' + code)})")]
    if harmonized:
        for cat, *_rest in HARMONIZED:
            selects += [("m_" + cat, f"SUM(ru.{_q('h_' + cat)})"), ("n_" + cat, f"SUM(ru.{_q('hn_' + cat)})")]
        selects.append(("n_outcomes", f"SUM(ru.{_q('n_outcomes')})"))
    for p in paired:
        selects.append(("m_" + p, f"SUM(ru.{_q('p_' + p)})"))
    where, params = _where(sel, "ru", level=level)
    year = [f"ru.{_q('year')}"] if by_year else []
    keys = ", ".join([f"ru.{fk}"] + year)
    # Agencies in one year add up over cells (one current report per agency and year); over
    # several years an agency counts once: the gap columns, else RollupAgencyYears.
    distinct, distinct_params = f"SUM(ru.{_q('n_agencies')})", []
    join, join_params = "", []
    agencies = "agg.a"
    if not (by_year or sel.single_year):
        gaps = gap_level(sel, level)
        if gaps is not None:
            distinct, distinct_params = _gap_agencies(sel, gaps)
        else:
            sql, join_params = _distinct_agencies(sel, level + "_id")
            join, agencies = f" LEFT JOIN ({sql}) da ON da.k = agg.k", "COALESCE(da.n, 0)"
    inner = (f"SELECT ru.{fk} AS k{', ru.' + _q('year') + ' AS y' if by_year else ''}, "
             f"{distinct} AS a, "
             + ", ".join(f"{e} AS {_q(a)}" for a, e in selects)
             + f" FROM {table} ru WHERE {where} GROUP BY {keys}")
    params = distinct_params + params
    region = _q(Region._meta.db_table)
    columns = ["CASE WHEN agg.k = 0 THEN NULL ELSE agg.k END", f"g.{_q('code')}", f"g.{_q('name')}",
               f"g.{_q('name_en')}"] + (["agg.y"] if by_year else [])
    order = ", ".join([f"g.{_q('code')}"] + (["agg.y"] if by_year else []))
    outer = (f"SELECT {', '.join(columns)}, {agencies} AS {_q('n_agencies')}, "
             + ", ".join(f"agg.{_q(a)}" for a, _e in selects)
             + f" FROM ({inner}) agg{join} LEFT JOIN {region} g ON g.{_q('id')} = agg.k ORDER BY {order}")
    with connection.cursor() as cursor:
        cursor.execute(outer, [*params, *join_params])
        width = 5 if by_year else 4
        names = ["id", "key", "name", "name_en", "year"][:width] + [c[0] for c in cursor.description[width:]]
        return [dict(zip(names, values)) for values in cursor.fetchall()]


def coverage(sel):
    """queries.coverage(selection): one query, or two for distinct agencies RollupAgencyYears counts."""
    gaps = None if sel.single_year else gap_level(sel)
    agencies, agency_params = (_gap_agencies(sel, gaps) if gaps is not None
                               else (f"SUM(ru.{_q('n_agencies')})", []))
    where, params = _where(sel, "ru")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ru.{_q('year')}, SUM(ru.{_q('n_reports')}), {agencies} "
                       f"FROM {_q(ReportRollup._meta.db_table)} ru WHERE {where} GROUP BY ru.{_q('year')}",
                       agency_params + params)
        per_year = sorted(cursor.fetchall())
        # Per-year sums of the gap columns add up to the range's distinct agencies.
        if sel.single_year or gaps is not None:
            agencies = sum(int(a) for _y, _n, a in per_year)
        else:  # (always its second query: a constant count per page)
            sql, agency_params = _distinct_agencies(sel, None)
            cursor.execute(f"SELECT COALESCE(SUM(d.n), 0) FROM ({sql}) d", agency_params)
            agencies = int(cursor.fetchone()[0])
    years = [y for y, _n, _a in per_year]
    return {"reports": sum(int(n) for _y, n, _a in per_year), "agencies": agencies,
            "first_year": years[0] if years else None, "last_year": years[-1] if years else None,
            "years": years}


def report_years(sel):
    where, params = _where(sel, "ru")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT ru.{_q('year')} FROM {_q(ReportRollup._meta.db_table)} ru WHERE {where}",
                       params)
        return sorted(y for (y,) in cursor.fetchall())


def continues_by_rollup(sel, level) -> bool:
    """The continuing counts look back within the same region at `level`; a region filter finer
    than the level could exclude last year's report there (an agency that moved), so those
    selections are answered live."""
    return sel.by_rollup(level) and all(LEVEL_RANK[r.level] <= LEVEL_RANK[level] for r in sel.regions)


def continuing_agencies(sel, *, level):
    """queries.continuing_agencies(selection): the stored counts of agencies also present in
    the year before, except in the selection's first year (the year before is not selected)."""
    fk = _q(level + "_id")
    where, params = _where(sel, "ru", level=level)
    low, _high = sel.bounds
    continuing = f"ru.{_q('g_' + level + '_1')}"
    if low is not None:
        continuing = f"CASE WHEN ru.{_q('year')} > %s THEN {continuing} ELSE 0 END"
    sql = (f"SELECT ru.{fk}, ru.{_q('year')}, SUM({continuing}) FROM {_q(ReportRollup._meta.db_table)} ru "
           f"WHERE {where} GROUP BY ru.{fk}, ru.{_q('year')} HAVING SUM(ru.{_q('n_agencies')}) > 0")
    with connection.cursor() as cursor:
        cursor.execute(sql, ([low] if low is not None else []) + params)
        return {(None if g == 0 else g, y): int(n) for g, y, n in cursor.fetchall()}

