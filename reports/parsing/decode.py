"""Bytes of an uploaded file -> text that keeps table rows as lines. (Minimal: UTF-8 text only.)"""
from __future__ import annotations

from dataclasses import dataclass

from reports.parsing.result import Warning_


class UnreadableDocument(Exception):
    """The file cannot be read as a report; the message says what the uploader can do."""


@dataclass(frozen=True)
class Extracted:
    text: str
    kind: str
    encoding: str | None = None
    page_starts: tuple[int, ...] = ()  # offsets in text where PDF pages 2, 3, ... begin
    warnings: tuple[Warning_, ...] = ()


def extract_text(data: bytes, *, filename: str) -> Extracted:
    if not data:
        raise UnreadableDocument("文件为空 (the file is empty)")
    try:
        return Extracted(text=data.decode("utf-8-sig"), kind="txt", encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableDocument("无法识别文件编码 (unrecognised encoding)") from exc
