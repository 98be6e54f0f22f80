"""The per-report summary of chart figures (ReportMetrics), recomputed in the database."""
from __future__ import annotations

from django.db import connections

from reports.models import Figure, Report, ReportMetrics
from reports.parsing.metrics import CORE_CODES, HARMONIZED_CODES

# The ReportMetrics columns: every code the charts, lists and exports read. Adding one means a
# field on ReportMetrics, a migration that adds and back-fills it, and nothing else.
SUMMARY_CODES = CORE_CODES + tuple(c for c in HARMONIZED_CODES if c not in CORE_CODES)

# Ids per statement: well under SQLite's bound-parameter limit, whatever its build.
CHUNK = 500


def refresh_metrics(report_ids, *, codes=SUMMARY_CODES, using="default") -> None:
    """Recompute the ReportMetrics rows of these reports (ids; None = every report) from their
    non-removed figures; reports without such figures get a row of nulls.

    One INSERT ... SELECT with conditional aggregation and an upsert per 500 ids (so one for the
    usual single report): no figure passes through Python. Call it, inside the writer's
    transaction, after every write to figures. `codes` lets a migration back-fill the columns
    that exist at its point in history.
    """
    if report_ids is None:
        _refresh(None, codes, using)
        return
    ids = sorted({int(pk) for pk in report_ids})
    for at in range(0, len(ids), CHUNK):
        _refresh(ids[at:at + CHUNK], codes, using)


def _refresh(ids, codes, using) -> None:
    connection = connections[using]
    q = connection.ops.quote_name
    columns = [q(c) for c in codes]
    # SUM over at most one row (one figure per report and code), as the old per-request pivot did.
    pivot = ", ".join(f"SUM(CASE WHEN f.{q('code')} = %s THEN f.{q('value')} END)" for _ in codes)
    where, id_params = "1 = 1", []  # a WHERE is required before ON CONFLICT on SQLite
    if ids is not None:
        where, id_params = f"r.{q('id')} IN ({', '.join(['%s'] * len(ids))})", ids
    sql = (
        f"INSERT INTO {q(ReportMetrics._meta.db_table)} ({q('report_id')}, {', '.join(columns)}) "
        f"SELECT r.{q('id')}, {pivot} FROM {q(Report._meta.db_table)} r "
        f"LEFT JOIN {q(Figure._meta.db_table)} f ON f.{q('report_id')} = r.{q('id')} "
        f"AND f.{q('removed')} = %s AND f.{q('code')} IN ({', '.join(['%s'] * len(codes))}) "
        f"WHERE {where} GROUP BY r.{q('id')} "
        f"ON CONFLICT ({q('report_id')}) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in columns)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*codes, False, *codes, *id_params])
