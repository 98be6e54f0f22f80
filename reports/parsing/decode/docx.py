"""Word (.docx) documents: paragraphs and tables in body order, merged cells repeated."""
from __future__ import annotations

import io
import zipfile
import zlib

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError

from reports.parsing.decode.common import CELL_SEPARATOR, Extracted, UnreadableDocument
from reports.parsing.decode.sniff import MSG_DOCX_BROKEN, MSG_NO_TEXT
from reports.parsing.decode.text import normalize_newlines


def extract(data: bytes) -> Extracted:
    """Paragraphs and tables in body order; merged cells repeated (python-docx gives the
    same cell object for every grid position a merged cell covers)."""
    # What a damaged package raises: bad zip entries (CRC, deflate: zlib.error, unsupported
    # compression: NotImplementedError), missing parts, malformed XML.
    damaged = (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile, OSError, EOFError,
               XMLSyntaxError, zlib.error, NotImplementedError)
    try:
        document = docx.Document(io.BytesIO(data))
    except damaged as exc:
        raise UnreadableDocument(MSG_DOCX_BROKEN) from exc
    lines: list[str] = []

    def walk(parent):
        for child in parent.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1] if isinstance(child.tag, str) else ""
            if tag == "p":
                lines.append(Paragraph(child, document).text.strip())
            elif tag == "tbl":
                lines.extend(_docx_table_rows(Table(child, document)))
            elif tag in ("sdt", "sdtContent", "customXml"):
                walk(child)  # content controls wrap ordinary paragraphs and tables

    try:
        walk(document.element.body)
    except damaged as exc:
        raise UnreadableDocument(MSG_DOCX_BROKEN) from exc
    text = normalize_newlines("\n".join(lines)).strip("\n")
    if not text.strip():
        raise UnreadableDocument(MSG_NO_TEXT)
    return Extracted(text=text, kind="docx", encoding=None)


def _docx_table_rows(table) -> list[str]:
    out = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            text = "".join(cell.text.split())
            cells.append(text)
        if any(cells):
            out.append(CELL_SEPARATOR.join(cells))
    return out
