"""The date a report states for itself (Report.issued_on): taken from a parse, kept when staff corrected it."""
from __future__ import annotations

from datetime import date

from reports.highlight import Span

CODE = "issued_on"  # the evidence anchor on report pages: #ev-issued_on

FIELDS = ("issued_on", "issued_on_evidence", "issued_on_start", "issued_on_end", "issued_on_parsed")


def parsed_fields(meta, text: str) -> dict:
    """Report fields for the date the parser read (ParseResult.metadata), with its evidence.

    Offsets that do not lie inside `text` are dropped (the evidence text is kept); a date without
    evidence is still stored, as the parser vouches for it.
    """
    issued = meta.issued_on if isinstance(meta.issued_on, date) else None
    start, end = meta.issued_on_start, meta.issued_on_end
    if issued is None or start is None or end is None or not 0 <= start < end <= len(text):
        start = end = None
    return {
        "issued_on": issued,
        "issued_on_parsed": issued,
        "issued_on_evidence": (meta.issued_on_evidence or "") if issued else "",
        "issued_on_start": start,
        "issued_on_end": end,
    }


def merge_reparse(report, meta, text: str) -> dict | None:
    """Set the re-parsed date on `report` (not saved) and return {"old", "new", "kept"} when
    something changed, else None.

    An untouched date takes the new reading and its evidence. A staff-corrected date keeps the
    staff value and evidence; only `issued_on_parsed` follows the parser, so the review page shows
    where the parser now disagrees.
    """
    fresh = parsed_fields(meta, text)
    old = report.issued_on
    if report.issued_on_corrected:
        start, end = report.issued_on_start, report.issued_on_end
        if start is not None and text[start:end] != report.issued_on_evidence:
            # The staff-chosen words moved with the new text: keep them, drop the stale span.
            report.issued_on_start = report.issued_on_end = None
        if report.issued_on_parsed == fresh["issued_on_parsed"]:
            return None
        report.issued_on_parsed = fresh["issued_on_parsed"]
        return {"old": _iso(old), "new": _iso(old), "parsed": _iso(fresh["issued_on_parsed"]), "kept": True}
    changed = any(getattr(report, name) != fresh[name] for name in FIELDS)
    for name in FIELDS:
        setattr(report, name, fresh[name])
    if not changed:
        return None
    return {"old": _iso(old), "new": _iso(fresh["issued_on"]), "parsed": _iso(fresh["issued_on"]), "kept": False}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def spans(report) -> list[Span]:
    """The date's evidence as a highlight span of the report text (none without valid offsets)."""
    start, end = report.issued_on_start, report.issued_on_end
    if start is None or end is None or not 0 <= start < end <= len(report.text):
        return []
    return [Span(CODE, start, end)]
