"""Planner statistics kept fresh while an import grows the tables (PostgreSQL).

Why: a bulk import multiplies the tables' size within minutes. Autovacuum analyzes a table only
after a naptime and 10% of changes, and some servers run with it off; until then the planner
plans for the tables as they were (empty, after a fresh install) and picks sequential scans
that cost more with every chunk. Between chunks a worker checks the changes PostgreSQL has
counted since each table's last ANALYZE and analyzes the tables that have grown by a fifth
(ANALYZE reads a fixed sample, about 100 ms on a million figures).
"""
from __future__ import annotations

import logging

from django.db import connection

log = logging.getLogger(__name__)

# "anal" in ASCII: the session lock one worker holds while it analyzes, so two do not queue up.
LOCK_KEY = 0x616E616C
GROWTH = 0.2
MIN_CHANGES = 500


def import_tables() -> list[str]:
    """The tables an import writes to, whose size the planner's choices depend on."""
    from agencies.models import Agency
    from reports.models import (
        CoverageCount, Figure, Finding, ImportFile, Report, ReportEvent, ReportMetrics, ReportRollup,
        RollupAgencyYears,
    )

    return [m._meta.db_table for m in (Report, Figure, ReportMetrics, Finding, ReportEvent, Agency, ImportFile,
                                       ReportRollup, RollupAgencyYears, CoverageCount)]


def stale(rows, *, growth: float = GROWTH, minimum: int = MIN_CHANGES) -> list[str]:
    """Tables among (name, live rows, changes since ANALYZE) rows whose changes exceed
    `minimum` plus `growth` of their rows."""
    return [name for name, live, changed in rows if changed > minimum + growth * live]


def refresh_if_stale(tables=None) -> list[str]:
    """ANALYZE the tables (default: import_tables()) that changed enough since their last
    ANALYZE; return their names. One query when none did; nothing on other databases, and
    nothing while another session is analyzing them."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return []
    tables = tables or import_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_live_tup, n_mod_since_analyze FROM pg_stat_user_tables "
            "WHERE schemaname = current_schema() AND relname = ANY(%s)", [tables])
        due = stale(cursor.fetchall())
        if not due:
            return []
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        if not cursor.fetchone()[0]:
            return []
        try:
            for table in due:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    log.info("analyzed %s", ", ".join(due))
    return due
