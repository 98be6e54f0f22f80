"""SQL expressions over one report's ReportMetrics columns: the harmonized outcome categories and
the PAIRED sums, shared by the live chart query (reports/queries.py) and the rollups
(reports/rollups.py) so that both count a report the same way."""
from __future__ import annotations

from reports.parsing.metrics import HARMONIZED, HARMONIZED_CODES
from reports.rates import PAIRED


def category_value(alternatives, col) -> str:
    """A report's value of one harmonized category: its first alternative of which it states a
    code, summed over that alternative's codes (unstated ones as 0); NULL when it states none.
    `col(code)` is the SQL of the report's column for a code."""
    options = [
        f"CASE WHEN {' OR '.join(f'{col(c)} IS NOT NULL' for c in alt)} "
        f"THEN {' + '.join(f'COALESCE({col(c)}, 0)' for c in alt)} END"
        for alt in alternatives
    ]
    return f"COALESCE({', '.join(options)})" if len(options) > 1 else options[0]


def categories(col) -> list[tuple[str, str]]:
    """(category, per-report value SQL) for the six harmonized outcome categories."""
    return [(cat, category_value(alternatives, col)) for cat, _zh, _en, alternatives in HARMONIZED]


def outcome_stated(col) -> str:
    """1 when the report states any harmonized outcome code, else 0."""
    any_stated = " OR ".join(f"{col(c)} IS NOT NULL" for c in HARMONIZED_CODES)
    return f"CASE WHEN {any_stated} THEN 1 ELSE 0 END"


def paired_value(name, col) -> str:
    """A report's contribution to PAIRED sum `name`: the summed code when it states one of the
    required codes, else NULL."""
    code, required = PAIRED[name]
    stated = " OR ".join(f"{col(c)} IS NOT NULL" for c in required)
    return f"CASE WHEN {stated} THEN {col(code)} END"
