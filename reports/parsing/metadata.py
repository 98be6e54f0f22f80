"""Agency, year and region of a report."""
from __future__ import annotations

import re

from reports.parsing.result import Metadata

_YEAR = re.compile(r"(20[0-3]\d)\s*年")


def extract_metadata(text: str, *, divisions=None) -> Metadata:
    m = _YEAR.search(text)
    return Metadata(year=int(m.group(1)) if m else None)
