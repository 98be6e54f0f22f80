"""What every file-type reader returns or raises: the Extracted text and UnreadableDocument."""
from __future__ import annotations

from dataclasses import dataclass

from reports.parsing.result import Warning_

CELL_SEPARATOR = " | "


class UnreadableDocument(Exception):
    """The file cannot be read as a report; the message says what the uploader can do."""


@dataclass(frozen=True)
class Extracted:
    text: str
    kind: str
    encoding: str | None = None
    page_starts: tuple[int, ...] = ()  # offsets in text where PDF pages 2, 3, ... begin
    warnings: tuple[Warning_, ...] = ()
