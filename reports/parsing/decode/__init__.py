"""Bytes of an uploaded file -> text that keeps table rows as lines (txt, html, docx, pdf).

One module per file type, all behind `extract_text`:
    sniff   which kind of file the bytes are (content first, the extension second)
    text    text encodings (BOMs, UTF-16, UTF-8, GB18030 against Big5, charset-normalizer)
    html    saved web pages (lxml)
    docx    Word documents (python-docx)
    pdf     PDF text layers (pdfplumber)

Conventions every later stage relies on:
- line breaks are "\n" only (CR-only and CRLF files are converted);
- a table row is one line, its cells joined by " | "; a cell spanning several columns or rows
  (HTML colspan/rowspan, DOCX gridSpan/vMerge, merged PDF cells) repeats its text in every
  position it covers, so each number stays under its column header; line breaks inside a
  cell are removed;
- block elements (paragraphs, headings, list items, divs) become lines;
- PDFs: `page_starts` holds the offsets in the text where pages 2, 3, ... begin.
"""
from __future__ import annotations

from reports.parsing.decode.common import CELL_SEPARATOR, Extracted, UnreadableDocument
from reports.parsing.decode.sniff import MSG_EMPTY, MSG_NO_TEXT, looks_like_html, sniff_kind
from reports.parsing.decode.text import decode_bytes, normalize_newlines

__all__ = ["CELL_SEPARATOR", "Extracted", "UnreadableDocument", "extract_text", "sniff_kind",
           "decode_bytes", "normalize_newlines"]


def extract_text(data: bytes, *, filename: str) -> Extracted:
    """Return the text of one uploaded file. Raise UnreadableDocument, with a message the
    uploader can act on, for anything that is not a readable report (never another error)."""
    if not data or not data.strip():
        raise UnreadableDocument(MSG_EMPTY)
    kind = sniff_kind(data, filename)
    if kind == "pdf":
        from reports.parsing.decode import pdf  # pdfplumber loads only for PDFs

        return pdf.extract(data)
    if kind == "docx":
        from reports.parsing.decode import docx

        return docx.extract(data)
    text, encoding = decode_bytes(data)
    if kind == "html" or (kind == "txt" and looks_like_html(text)):
        from reports.parsing.decode import html

        out = Extracted(text=html.html_to_text(text), kind="html", encoding=encoding)
    else:
        out = Extracted(text=normalize_newlines(text), kind="txt", encoding=encoding)
    if not out.text.strip():
        raise UnreadableDocument(MSG_NO_TEXT)
    return out

