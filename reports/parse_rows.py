"""The rows a parse result becomes (figures, warnings, findings): built here for ingest and re-parse alike."""
from __future__ import annotations

from decimal import Decimal

from reports.models import Figure, Finding

_METHODS = frozenset(Figure.Method.values)  # the enum builds this list anew on every access


def first_per_code(figures) -> dict:
    """{code: parsed figure}. The parser states each code once; should one repeat, the first
    stated wins, as the one_figure_per_code constraint allows a single row."""
    out = {}
    for fig in figures:
        out.setdefault(fig.code[:64], fig)
    return out


def figure_fields(fig) -> dict:
    """The Figure fields the parser owns: value (also kept as parsed_value), evidence, span, page,
    method."""
    value = Decimal(fig.value)
    return {
        "value": value, "parsed_value": value, "evidence": fig.evidence or "",
        "start": fig.start, "end": fig.end, "page": fig.page,
        "method": fig.method if fig.method in _METHODS else Figure.Method.TABLE,
    }


def figure_rows(report_id: int, figures) -> list[dict]:
    """New Figure rows of a report as field values (attname -> value), one per code."""
    return [{"report_id": report_id, "code": code, **figure_fields(fig)}
            for code, fig in first_per_code(figures).items()]


def warning_dict(warning) -> dict:
    """A parser warning as stored in Report.warnings."""
    return {"code": warning.code, "message": warning.message, "figures": list(warning.figures)}


def new_finding(report, warning: dict) -> Finding:
    """An open Finding of `report` for one stored warning."""
    return Finding(report=report, rule=warning["code"][:32], message=warning["message"],
                   codes=list(warning["figures"]))


def new_findings(report, warnings: list[dict], rules) -> list[Finding]:
    """Unsaved Findings for the warnings whose code is one of `rules` (the consistency checks)."""
    return [new_finding(report, w) for w in warnings if w["code"] in rules]
