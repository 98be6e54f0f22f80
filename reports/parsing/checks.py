"""Consistency checks over extracted figures; a failed check is a warning naming the figures."""
from __future__ import annotations

from reports.parsing.result import Warning_


def run_checks(figures, *, year, multi_year=False) -> list[Warning_]:
    return []
