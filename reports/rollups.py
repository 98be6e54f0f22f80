"""The rollups: chart sums and agency counts per scope, region cell and year, and per province and
prefecture (ReportRollup), and agencies per cell by reporting years (RollupAgencyYears),
recomputed in the database.

Every writer that changes what a chart counts (figures, status, is_current, agency, year or
region of a report) calls refresh_rollups() in its transaction, with the ids of the reports it
changed and, when it moves a report, report_keys() taken before the change. The rows touched
are recomputed from scratch (DELETE, then INSERT ... SELECT over those cells' reports), so they
stay exact whatever the change; `manage.py rebuild_rollups` recomputes all of them.
"""
from __future__ import annotations

from contextlib import contextmanager

from django.db import connections

from reports import metric_sql
from reports.models import (
    ROLLUP_GAP_LEVELS, ROLLUP_GAPS, Report, ReportMetrics, ReportRollup, RollupAgencyYears, RollupGrain,
    RollupScope, Status, rollup_gap_buckets,
)
from reports.summary import SUMMARY_CODES

# The year of mask bit 0 and the last bit: years from MASK_LAST_YEAR on share it, so a range
# with a finite end from that year on is answered live (reports/queries.py).
MASK_BASE_YEAR = 2000
MASK_LAST_BIT = 62
MASK_LAST_YEAR = MASK_BASE_YEAR + MASK_LAST_BIT
# Cells per statement: 4 parameters each, well under SQLite's bound-parameter limit.
CHUNK = 200
LEVELS = ("province", "prefecture", "county")
# PostgreSQL advisory lock held by a transaction that recomputes rollup rows ("roll").
LOCK_KEY = 0x726F6C6C


def scope_condition(alias, scope, q):
    """(SQL, params): the reports of `scope` as Report.objects.published() / visible_to(staff,
    include_unreviewed=True) select them."""
    if scope == RollupScope.PUBLISHED:
        return f"{alias}.{q('status')} = %s AND {alias}.{q('is_current')} = %s", [Status.PUBLISHED.value, True]
    return f"{alias}.{q('is_current')} = %s AND {alias}.{q('status')} <> %s", [True, Status.WITHDRAWN.value]


def report_keys(report_ids, *, using="default") -> list[tuple]:
    """(agency_id, province_id, prefecture_id, county_id, year) of these reports, whatever their
    status: take them before moving a report, and pass them to refresh_rollups(before=...)."""
    ids = sorted({int(pk) for pk in report_ids})
    keys = []
    for at in range(0, len(ids), 500):
        keys += list(Report.objects.using(using).filter(pk__in=ids[at:at + 500]).values_list(
            "agency_id", "province_id", "prefecture_id", "county_id", "year"))
    return keys


@contextmanager
def kept_exact(report_ids, *, using="default"):
    """Refresh the rollups of these reports after the block, from their keys before and after it."""
    ids = list(report_ids)
    before = report_keys(ids, using=using)
    yield
    refresh_rollups(ids, before=before, using=using)


def refresh_rollups(report_ids, *, before=(), using="default") -> None:
    """Recompute every rollup row these reports (ids, now) and `before` (report_keys() taken
    before a move) count in: their cells of their year, and the cells and years of their
    agencies' current reports (whose gaps to the previous report look back, and whose years
    across cells decide RollupAgencyYears)."""
    keys = list(before) + report_keys(report_ids, using=using)
    if not keys:
        return
    _serialize(using)
    rows = {(_z(p), _z(f), _z(c), y) for _a, p, f, c, y in keys if y is not None}
    cells = {(_z(p), _z(f), _z(c)) for _a, p, f, c, _y in keys}
    agencies = sorted({a for a, *_ in keys if a is not None})
    for at in range(0, len(agencies), 500):
        for a, p, f, c, y in Report.objects.using(using).filter(
                is_current=True, agency_id__in=agencies[at:at + 500]).values_list(
                "agency_id", "province_id", "prefecture_id", "county_id", "year"):
            # Its other years: their gaps to the previous report may have changed.
            cells.add((_z(p), _z(f), _z(c)))
            if y is not None:
                rows.add((_z(p), _z(f), _z(c), y))
    rows, cells = sorted(rows), sorted(cells)
    for at in range(0, len(rows), CHUNK):
        _refresh_rows(rows[at:at + CHUNK], using)
        _refresh_grains(rows[at:at + CHUNK], using)
    for at in range(0, len(cells), CHUNK):
        _refresh_agency_years(cells[at:at + CHUNK], using)


def rebuild(*, using="default") -> tuple[int, int]:
    """Recompute both rollup tables from every report; return their row counts."""
    _serialize(using)
    connection = connections[using]
    if connection.vendor == "postgresql":
        # After a bulk load the planner may have no statistics yet, and then probes the agency
        # lookups of RollupAgencyYears through the status index (hours instead of seconds).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Report._meta.db_table)}")
    _refresh_rows(None, using)
    _refresh_grains(None, using)
    _refresh_agency_years(None, using)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (ReportRollup, RollupAgencyYears):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return (ReportRollup.objects.using(using).count(), RollupAgencyYears.objects.using(using).count())


def _serialize(using):
    """Hold the rollup lock until commit. Two import workers recomputing one cell at once would
    each delete the rows the other has not committed yet and both insert: with the lock, the
    second waits and then reads the first one's reports (PostgreSQL's READ COMMITTED takes a
    snapshot per statement). SQLite has one writer at a time anyway."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _z(value):
    return value or 0


def _cell_columns(alias, q):
    return [f"COALESCE({alias}.{q(level + '_id')}, 0)" for level in LEVELS]


def _restrict(keys, alias, q, *, with_year):
    """(JOIN, WHERE, params) limiting `alias` reports to these cells (and years): an exact join
    on a VALUES list, and a WHERE on the plain columns that lets the indexes find them."""
    if keys is None:
        return "", "", [], []
    width = 4 if with_year else 3
    values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(keys))
    columns = _cell_columns(alias, q) + ([f"{alias}.{q('year')}"] if with_year else [])
    join = (f"JOIN (VALUES {values}) k ON "
            + " AND ".join(f"k.column{i + 1} = {c}" for i, c in enumerate(columns)))
    # The finest region each cell has, as a plain column test (COALESCE would hide the index).
    tests, params = [], []
    by_level = {level: sorted({k[i] for k in keys if k[i] and not any(k[i + 1:3])})
                for i, level in enumerate(LEVELS)}
    for level, ids in by_level.items():
        if ids:
            tests.append(f"{alias}.{q(level + '_id')} IN ({', '.join(['%s'] * len(ids))})")
            params += ids
    if any(not any(k[:3]) for k in keys):
        tests.append(f"{alias}.{q('province_id')} IS NULL")
    where = " AND (" + " OR ".join(tests) + ")"
    join_params = [v for k in keys for v in k[:width]]
    return join, where, join_params, params


def _delete(model, keys, columns, using, *, grain=None):
    """Delete the rows of `model` whose `columns` equal one of `keys` (None: every row), of
    ReportRollup `grain` when given."""
    connection = connections[using]
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    where, params = "", []
    if grain is not None:
        where, params = f" WHERE t.{q('grain')} = %s", [int(grain)]
    if keys is None:
        sql = f"DELETE FROM {table} WHERE {q('id')} IN (SELECT t.{q('id')} FROM {table} t{where})"
    else:
        values = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(keys))
        on = " AND ".join(f"k.column{i + 1} = t.{q(c)}" for i, c in enumerate(columns))
        sql = (f"DELETE FROM {table} WHERE {q('id')} IN (SELECT t.{q('id')} FROM {table} t "
               f"JOIN (VALUES {values}) k ON {on}{where})")
        params = [v for k in keys for v in k] + params
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rollup_columns():
    """(column, SQL aggregate over reports r with metrics m) of a ReportRollup row after its keys."""
    q = connections["default"].ops.quote_name  # quoting is the same on every backend used

    def col(code):
        return f"m.{q(code)}"

    out = [("n_reports", "COUNT(*)"), ("n_agencies", f"COUNT(r.{q('agency_id')})")]
    for level in ROLLUP_GAP_LEVELS:
        gap = f"r.{q('year')} - r.{q('pv_' + level)}"
        for bucket in rollup_gap_buckets():
            when = (f"r.{q('agency_id')} IS NOT NULL AND r.{q('pv_' + level)} IS NULL" if bucket == "first"
                    else f"{gap} > {ROLLUP_GAPS}" if bucket == "far" else f"{gap} = {bucket}")
            out.append((f"g_{level}_{bucket}", f"SUM(CASE WHEN {when} THEN 1 ELSE 0 END)"))
    out.append(("n_outcomes", f"SUM({metric_sql.outcome_stated(col)})"))
    for code in SUMMARY_CODES:
        out += [(f"s_{code}", f"SUM({col(code)})"), (f"n_{code}", f"COUNT({col(code)})")]
    for cat, value in metric_sql.categories(col):
        out += [(f"h_{cat}", f"SUM({value})"), (f"hn_{cat}", f"COUNT({value})")]
    for name in metric_sql.PAIRED:
        out.append((f"p_{name}", f"SUM({metric_sql.paired_value(name, col)})"))
    return out


def _refresh_rows(keys, using):
    _delete(ReportRollup, keys, [f"{level}_id" for level in LEVELS] + ["year"], using, grain=RollupGrain.CELL)
    connection = connections[using]
    q = connection.ops.quote_name
    columns = _rollup_columns()
    report, metrics = q(Report._meta.db_table), q(ReportMetrics._meta.db_table)
    join, where, join_params, where_params = _restrict(keys, "s", q, with_year=True)
    names = ["grain", "scope", "province_id", "prefecture_id", "county_id", "year"] + [c for c, _e in columns]
    cell = [q(f"c_{level}") for level in LEVELS]
    for scope in RollupScope:
        s_scope, s_params = scope_condition("s", scope, q)
        b_scope, b_params = scope_condition("b", scope, q)
        # Each report with the year of the agency's previous report in the scope, anywhere and
        # in its own province, prefecture and county (one index probe each).
        previous, previous_params = [], []
        for level in ROLLUP_GAP_LEVELS:
            same = "" if level == "nation" else (
                f" AND COALESCE(b.{q(level + '_id')}, 0) = COALESCE(s.{q(level + '_id')}, 0)")
            previous.append(f"(SELECT MAX(b.{q('year')}) FROM {report} b WHERE b.{q('agency_id')} = "
                            f"s.{q('agency_id')} AND b.{q('year')} < s.{q('year')} AND {b_scope}{same}) "
                            f"AS {q('pv_' + level)}")
            previous_params += b_params
        per_report = (
            f"SELECT s.{q('id')}, s.{q('agency_id')}, s.{q('year')}, "
            + ", ".join(f"{c} AS {n}" for c, n in zip(_cell_columns("s", q), cell)) + ", "
            + ", ".join(previous)
            + f" FROM {report} s {join} WHERE {s_scope} AND s.{q('year')} IS NOT NULL{where}"
            # A fence: merged into the outer query, each previous-year probe would run once per
            # aggregate that reads it (88 times) instead of once.
            + (" OFFSET 0" if connection.vendor == "postgresql" else " LIMIT -1 OFFSET 0")
        )
        sql = (
            f"INSERT INTO {q(ReportRollup._meta.db_table)} ({', '.join(q(n) for n in names)}) "
            f"SELECT {int(RollupGrain.CELL)}, %s, {', '.join('r.' + c for c in cell)}, r.{q('year')}, "
            f"{', '.join(e for _c, e in columns)} "
            f"FROM ({per_report}) r LEFT JOIN {metrics} m ON m.{q('report_id')} = r.{q('id')} "
            f"GROUP BY {', '.join('r.' + c for c in cell)}, r.{q('year')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [int(scope), *previous_params, *join_params, *s_params, *where_params])


def _refresh_grains(keys, using):
    """Recompute the province and prefecture rows over the cells of `keys` ((province,
    prefecture, county, year) cells; None: all) as sums of their cell rows."""
    connection = connections[using]
    q = connection.ops.quote_name
    table = q(ReportRollup._meta.db_table)
    counts = [c for c, _e in _rollup_columns()]
    for grain, key_columns in ((RollupGrain.PROVINCE, ["province_id", "year"]),
                               (RollupGrain.PREFECTURE, ["province_id", "prefecture_id", "year"])):
        chosen = None if keys is None else sorted({
            (p, y) if grain == RollupGrain.PROVINCE else (p, f, y) for p, f, _c, y in keys})
        _delete(ReportRollup, chosen, key_columns, using, grain=grain)
        join, params = "", []
        if chosen is not None:
            values = ", ".join(["(" + ", ".join(["%s"] * len(key_columns)) + ")"] * len(chosen))
            join = (f" JOIN (VALUES {values}) k ON "
                    + " AND ".join(f"k.column{i + 1} = t.{q(c)}" for i, c in enumerate(key_columns)))
            params = [v for k in chosen for v in k]
        kept = [f"t.{q(c)}" for c in key_columns]
        zeros = {"province_id": None, "prefecture_id": None, "county_id": "0", "year": None}
        if grain == RollupGrain.PROVINCE:
            zeros["prefecture_id"] = "0"
        keys_sql = [f"t.{q(c)}" if zeros[c] is None else zeros[c] for c in ("province_id", "prefecture_id",
                                                                            "county_id", "year")]
        names = ["grain", "scope", "province_id", "prefecture_id", "county_id", "year"] + counts
        sql = (f"INSERT INTO {table} ({', '.join(q(n) for n in names)}) "
               f"SELECT {int(grain)}, t.{q('scope')}, {', '.join(keys_sql)}, "
               + ", ".join(f"SUM(t.{q(c)})" for c in counts)
               + f" FROM {table} t{join} WHERE t.{q('grain')} = %s "
               f"GROUP BY t.{q('scope')}, {', '.join(kept)}")
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, int(RollupGrain.CELL)])


def _refresh_agency_years(keys, using):
    _delete(RollupAgencyYears, keys, [f"{level}_id" for level in LEVELS], using)
    connection = connections[using]
    q = connection.ops.quote_name
    report = q(Report._meta.db_table)
    join, where, join_params, where_params = _restrict(keys, "r", q, with_year=False)
    cell = _cell_columns("r", q)
    other = _cell_columns("o", q)
    bit = (f"CAST(1 AS BIGINT) << (CASE WHEN r.{q('year')} >= {MASK_LAST_YEAR} THEN {MASK_LAST_BIT} "
           f"ELSE r.{q('year')} - {MASK_BASE_YEAR} END)")
    names = ["scope", "province_id", "prefecture_id", "county_id", "agency_id", "mask", "n"]
    for scope in RollupScope:
        r_scope, r_params = scope_condition("r", scope, q)
        o_scope, o_params = scope_condition("o", scope, q)
        elsewhere = " OR ".join(f"{o} <> d.{p}" for o, p in zip(other, ("p", "f", "c")))
        sql = (
            f"INSERT INTO {q(RollupAgencyYears._meta.db_table)} ({', '.join(q(n) for n in names)}) "
            f"SELECT %s, ac.p, ac.f, ac.c, ac.a, ac.mask, COUNT(*) FROM ("
            f"SELECT d.p, d.f, d.c, CAST(SUM(d.bit) AS BIGINT) AS mask, "
            # An agency with reports in another cell is counted by id, so never twice.
            f"CASE WHEN EXISTS (SELECT 1 FROM {report} o WHERE o.{q('agency_id')} = d.agency_id "
            f"AND {o_scope} AND o.{q('year')} IS NOT NULL AND ({elsewhere})) THEN d.agency_id ELSE 0 END AS a "
            f"FROM (SELECT DISTINCT r.{q('agency_id')} AS agency_id, {cell[0]} AS p, {cell[1]} AS f, "
            f"{cell[2]} AS c, {bit} AS bit FROM {report} r {join} "
            f"WHERE {r_scope} AND r.{q('agency_id')} IS NOT NULL AND r.{q('year')} IS NOT NULL{where}) d "
            f"GROUP BY d.agency_id, d.p, d.f, d.c) ac "
            f"GROUP BY ac.p, ac.f, ac.c, ac.a, ac.mask"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [int(scope), *o_params, *join_params, *r_params, *where_params])
