"""PDF text layers (pdfplumber): lines outside tables as they read, each table row as one " | " line."""
from __future__ import annotations

import io
import logging
import re

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException

from reports.parsing.decode.common import CELL_SEPARATOR, Extracted, UnreadableDocument
from reports.parsing.decode.sniff import MSG_PDF_BROKEN, MSG_PDF_LOCKED, MSG_SCANNED
from reports.parsing.decode.text import CJK
from reports.parsing.result import Warning_


class _NoFontBBoxNoise(logging.Filter):
    """pdfminer logs "Could not get FontBBox from font descriptor" once per glyph run of a font
    without a bounding box: hundreds of stderr lines for one Chromium-printed PDF (issue 8, item
    5), none of which changes the text."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Could not get FontBBox")


logging.getLogger("pdfminer.pdffont").addFilter(_NoFontBBoxNoise())

_PAGE_NUMBER = re.compile(r"^[-—–\s]*\d{1,3}[-—–\s]*$|^第\s*\d+\s*页(\s*[/共]\s*\d+\s*页?)?$")
# A row ordinal that a wrapped cell printed inside or after its label ("属于行政查询事8.项",
# "其他3.", "同意部分公开答复数2."): the PDF centres the number on the cell's lines.
_ORDINAL_INSIDE = re.compile(r"(?<=[\u4e00-\u9fff\u2e80-\u2fdf])(\d{1,2}[.、])(?![\d])")
_ORDINAL_FIRST = re.compile(r"^(?:其中[:：])?(?:\d{1,2}[.、]|[(（]\d{1,2}[)）]|[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)")
# How far apart (points) the tops of characters on one line may be: a title's Latin digits sit
# lower than its CJK characters (24pt Chromium title: 5.2pt; drv-pdf-html-std-2023-pt-zone put
# "2023" on a line of its own); body lines are 15pt or more apart.
LINE_TOLERANCE = 6
# How close (points) a horizontal rule must be to where vertical rules end to close them.
_EDGE_TOLERANCE = 3.0


def extract(data: bytes) -> Extracted:
    """Text of a PDF's text layer: lines outside tables as they read, each table row as one
    " | " line at its place on the page; page-number footers dropped."""
    pages_text: list[str] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                pages_text.append(_page_text(page))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise UnreadableDocument(MSG_PDF_LOCKED) from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError,
            IndexError, AssertionError, OSError, RecursionError) as exc:
        raise UnreadableDocument(MSG_PDF_BROKEN) from exc
    except Exception as exc:  # pdfminer raises assorted private errors on damaged files
        if exc.__class__.__module__.startswith(("pdfminer", "pdfplumber")):
            raise UnreadableDocument(MSG_PDF_BROKEN) from exc
        raise
    if not pages_text:
        raise UnreadableDocument(MSG_PDF_BROKEN)
    if not any(CJK.search(t) or re.search(r"[A-Za-z]{3}", t) for t in pages_text):
        raise UnreadableDocument(MSG_SCANNED)
    parts, starts, pos = [], [], 0
    for i, page_text in enumerate(pages_text):
        if i:
            parts.append("\n")
            pos += 1
            starts.append(pos)
        parts.append(page_text)
        pos += len(page_text)
    warnings = ()
    empty = [str(i + 1) for i, t in enumerate(pages_text) if not t.strip()]
    if empty:
        warnings = (Warning_("pdf_empty_pages",
                             f"PDF 第 {'、'.join(empty)} 页没有文字层（可能是扫描页），其中的数字未读取"),)
    return Extracted(text="".join(parts), kind="pdf", encoding=None,
                     page_starts=tuple(starts), warnings=warnings)


def _page_text(page) -> str:
    settings = {}
    cut = open_table_ends(page.edges)
    if cut:
        settings["explicit_horizontal_lines"] = cut
    tables = page.find_tables(table_settings=settings)
    items: list[tuple[float, float, str]] = []  # (top, x0, line)
    boxes = [t.bbox for t in tables]
    for table in tables:
        for top, row in table_rows(table):
            items.append((top, 0.0, row))

    def outside(obj):
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    rest = page.filter(outside) if boxes else page
    for line in rest.extract_text_lines(layout=False, strip=True, y_tolerance=LINE_TOLERANCE):
        text = line["text"].strip()
        if text and not _PAGE_NUMBER.match(text):
            items.append((line["top"], line["x0"], text))
    items.sort(key=lambda it: (round(it[0], 0), it[1]))
    return "\n".join(it[2] for it in items)


def open_table_ends(edges) -> list[float]:
    """Where a table's vertical rules start (or end) with no horizontal rule to close them:
    a row cut by a page break is printed without its top border at the head of the next page
    (and without its bottom one at the foot of the page before), so the table finder would
    read it as loose text (drv-pdf-html-2019-pingtan, page 10: "8.属于行政查询事项").
    Only rules that a horizontal rule crosses further along count as a table's: two lone
    vertical lines (a page frame, a sidebar) never turn a page into one cell.
    Return the y positions of the missing rules."""
    verticals = [e for e in edges if e["orientation"] == "v" and e["bottom"] - e["top"] > 5]
    if len(verticals) < 2:
        return []
    rules = [e for e in edges if e["orientation"] == "h" and e["x1"] - e["x0"] > 5]
    out = []
    for end in ("top", "bottom"):
        ys = [e[end] for e in verticals]
        y = min(ys) if end == "top" else max(ys)
        ending = [e for e in verticals if abs(e[end] - y) <= _EDGE_TOLERANCE]
        if len(ending) < 2 or any(abs(r["top"] - y) <= _EDGE_TOLERANCE for r in rules):
            continue
        xs = sorted({round(e["x0"], 1) for e in ending})
        low = min(e["top"] for e in ending) - _EDGE_TOLERANCE
        high = max(e["bottom"] for e in ending) + _EDGE_TOLERANCE

        def joins(r):
            # a rule between two of these verticals, inside their height: a table's rule
            inside = [x for x in xs if r["x0"] - _EDGE_TOLERANCE <= x <= r["x1"] + _EDGE_TOLERANCE]
            return len(inside) >= 2 and low <= r["top"] <= high and abs(r["top"] - y) > _EDGE_TOLERANCE

        if any(joins(r) for r in rules):
            out.append(y)
    return out


def table_rows(table) -> list[tuple[float, str]]:
    """Rows of a pdfplumber table; a position covered by a merged cell gets that cell's text."""
    texts = table.extract()
    rows = table.rows
    cells = []  # (bbox, text) of every real cell
    col_x: dict[int, tuple[float, float]] = {}
    row_y: list[tuple[float, float] | None] = []
    for row, row_texts in zip(rows, texts):
        ys = None
        for c, (bbox, text) in enumerate(zip(row.cells, row_texts)):
            if bbox is None:
                continue
            cells.append((bbox, cell_text(text)))
            # The narrowest cell seen in a column/row gives its true extent (merged cells are wider).
            old = col_x.get(c)
            if old is None or bbox[2] - bbox[0] < old[1] - old[0]:
                col_x[c] = (bbox[0], bbox[2])
            if ys is None or bbox[3] - bbox[1] < ys[1] - ys[0]:
                ys = (bbox[1], bbox[3])
        row_y.append(ys)
    out = []
    previous: set = set()
    for r, (row, row_texts) in enumerate(zip(rows, texts)):
        if row_y[r] is None:
            continue
        line, sources = [], []
        for c, (bbox, text) in enumerate(zip(row.cells, row_texts)):
            if bbox is not None:
                line.append(cell_text(text))
                sources.append(bbox)
                continue
            x = col_x.get(c)
            cx = (x[0] + x[1]) / 2 if x else None
            cy = (row_y[r][0] + row_y[r][1]) / 2
            found, source = "", None
            if cx is not None:
                for b, t in cells:
                    if b[0] <= cx <= b[2] and b[1] <= cy <= b[3]:
                        found, source = t, b
                        break
            line.append(found)
            sources.append(source)
        filled = {sources[i] for i, t in enumerate(line) if t}
        if len(filled) == 1 and len(line) > 1:
            # One merged cell across the whole row (a heading, or prose framed as a table):
            # its text once, not once per column it covers. Several cells that merely read
            # the same ("0 | 0 | 0 …", drv-pdf-html-2019-pingtan's table 四) stay a row.
            line = [next(t for t in line if t)]
        joined = CELL_SEPARATOR.join(line)
        if not any(line) or (out and len(line) == 1 and out[-1][1] == joined):
            continue  # empty, or the same full-width cell again in the next row it spans
        shown = {s for s, t in zip(sources, line) if t}
        if out and shown <= previous:
            # a sliver row cut off by a merged cell's border that is not a row border: every
            # text in it belongs to cells the row above showed already (drv-pdf-html-std-2023-
            # pt-zone: "8.属于行政查询事项 | 2 | … | 2" twice)
            continue
        previous = shown
        out.append((row_y[r][0], joined))
    return out


def cell_text(text: str | None) -> str:
    """A cell's text without line breaks, its row ordinal put back in front of its label."""
    text = "".join((text or "").split())
    found = list(_ORDINAL_INSIDE.finditer(text))
    if len(found) != 1 or _ORDINAL_FIRST.match(text):
        return text
    m = found[0]
    rest = text[:m.start()] + text[m.end():]
    lead = re.match(r"其中[:：]", rest)
    at = lead.end() if lead else 0
    return rest[:at] + m.group(1) + rest[at:]
