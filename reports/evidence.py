"""Evidence shown as the table it comes from: header rows, the evidence rows once each, every
figure's cell marked; prose evidence as its sentence with the number marked (issue 10, item 9).

Pure functions over the normalized report text and figures (anything with code, value, start,
end and page). The parser keeps a row's text and offsets as evidence, not its cell: the cell is
found here from the row's column headers (the 2019/2021 template names its columns: 自然人 ...
总计, 行政复议 结果维持 ...), or by position when a row has exactly the template's cells, or by the
one number in the row that equals the value. A cell is marked only when one of these says which;
a mark never points at a number other than the figure's own (a wrong mark is worse than none).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from reports.parsing.metrics import (
    APPLICANT_BASES, APPLICANT_COLUMNS, CASE_COLUMN_ZH, REVIEW_LITIGATION_COLUMNS, SUB_ROWS,
)

NUMBER = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
NUMBER_IN_TEXT = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d.])|(?<![\d.,])\d+(?:\.\d+)?(?![\d.])")
BREAKS = re.compile(r"\s*\n\s*")
SECTION_ROW = re.compile(r"^(?:[一二三四五六七八九十]+\s*、|\([一二三四五六七八九十]+\))")
MAX_HEADER_SCAN = 60  # lines above an evidence row searched for its table's top
PROSE_CONTEXT = 60  # characters of the paragraph shown around prose evidence

APPLICANT_LABELS = {suffix: zh for suffix, zh, _en in APPLICANT_COLUMNS}
TOTAL = CASE_COLUMN_ZH["total"]  # 总计
CASE_GROUPS = (("litigation_after_review_", "复议后起诉"), ("litigation_direct_", "未经复议直接起诉"),
               ("review_", "行政复议"))
# Section 四 has no litigation total column: the figure adds the two litigation groups' cells.
LITIGATION_SUMS = {"litigation_total": "total", "litigation_corrected": "corrected"}
SUB_ROW_CODES = {code for rows in SUB_ROWS.values() for code, _zh, _en in rows}
CUMULATIVE = ("累计", "上年")
TEMPLATE_ORDER = [zh for _s, zh, _e in APPLICANT_COLUMNS] + [TOTAL]


@dataclass
class Cell:
    text: str
    numeric: bool
    span: int = 1
    codes: list[str] = field(default_factory=list)  # figures this cell states (or adds to)
    anchor: str = ""  # set by the page: the figure whose first marked cell this is
    title: str = ""


@dataclass
class Row:
    cells: list[Cell]
    header: bool = False


@dataclass
class Block:
    """One table section (kind "table"), one prose paragraph ("text") or figures whose evidence
    has no place in the text ("unplaced")."""

    kind: str
    start: int
    rows: list[Row] = field(default_factory=list)
    pieces: list[tuple[str, list[str]]] = field(default_factory=list)  # text: (piece, codes marked)
    codes: list[str] = field(default_factory=list)  # figures in this block, in text order
    pages: list[int] = field(default_factory=list)
    marked: set[str] = field(default_factory=set)  # figures whose cell or number is marked


def split_cells(line: str) -> list[str]:
    """The cells of a flattened table line; the empty cells a leading or trailing pipe makes are dropped."""
    cells = [c.strip() for c in line.split("|")]
    if line.lstrip().startswith("|"):
        cells = cells[1:]
    if line.rstrip().endswith("|") and cells:
        cells = cells[:-1]
    return cells


def is_number(text: str) -> bool:
    return bool(NUMBER.match(text))


def to_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def line_bounds(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of every line of `text` that [start, end) touches."""
    a = text.rfind("\n", 0, start) + 1
    out = []
    while a <= end and a < len(text) or not out:
        b = text.find("\n", a)
        b = len(text) if b < 0 else b
        out.append((a, b))
        if b >= end or b >= len(text):
            break
        a = b + 1
    return out


def is_table_line(line: str) -> bool:
    return "|" in line


def table_top(text: str, line_start: int) -> int:
    """Offset of the first line of the contiguous run of table lines holding the line at `line_start`."""
    top = line_start
    for _ in range(MAX_HEADER_SCAN):
        if top == 0:
            break
        prev_start = text.rfind("\n", 0, top - 1) + 1
        if not is_table_line(text[prev_start:top - 1]):
            break
        top = prev_start
    return top


def header_rows(text: str, top: int, first_row: int, width: int) -> list[list[str]]:
    """The column-header lines of a table: the lines from its top to its first row with numbers
    that name at least two columns and are no section row (一、 or (一)), right-aligned to `width`
    cells (label columns merge on the left: 申请人情况 spans the number columns only)."""
    headers = []
    pos = top
    while pos < first_row:
        end = text.find("\n", pos)
        end = first_row if end < 0 or end > first_row else end
        cells = split_cells(text[pos:end])
        named = [c for c in cells if c]
        if any(is_number(c) for c in cells):
            headers = []  # a data row of an earlier part: the header is below it
        elif len(named) >= 2 and not SECTION_ROW.match(named[0]) and len(cells) <= width:
            headers.append([""] * (width - len(cells)) + cells)
        pos = end + 1
    return headers


def expected_labels(code: str) -> list[tuple[str, ...]] | None:
    """Header words naming the column(s) of `code` in the 2019/2021 template, one tuple per cell
    the figure adds up; None when the code has no named column."""
    if code in LITIGATION_SUMS:
        column = CASE_COLUMN_ZH[LITIGATION_SUMS[code]]
        return [("未经复议直接起诉", column), ("复议后起诉", column)]
    for prefix, group in CASE_GROUPS:
        if code.startswith(prefix) and code[len(prefix):] in CASE_COLUMN_ZH:
            return [(group, CASE_COLUMN_ZH[code[len(prefix):]])]
    for base in APPLICANT_BASES:
        if code.startswith(base + "_") and code[len(base) + 1:] in APPLICANT_LABELS:
            return [(APPLICANT_LABELS[code[len(base) + 1:]],)]
    if code in APPLICANT_BASES or code in SUB_ROW_CODES:
        return [(TOTAL,)]
    return None


def columns_by_header(headers: list[list[str]], labels: tuple[str, ...], width: int) -> list[int]:
    """Columns whose header cells contain every label; among several, those naming no other
    applicant column (a stray merged 自然人 over 商业企业 in a crawled page)."""
    found = []
    for i in range(width):
        path = [h[i] for h in headers if i < len(h) and h[i]]
        if all(any(label in cell for cell in path) for label in labels):
            foreign = sum(1 for zh in APPLICANT_LABELS.values() if zh not in labels and any(zh == c for c in path))
            found.append((foreign, i))
    if not found:
        return []
    best = min(f for f, _i in found)
    return [i for f, i in found if f == best]


def positional_column(code: str, cells: list[str]) -> int | None:
    """The column of `code` in a row holding exactly the template's numbers (7 applicant columns,
    or the 15 review and litigation columns), counted from the right."""
    numbers = [i for i, c in enumerate(cells) if is_number(c)]
    if len(numbers) == 15 and code in REVIEW_LITIGATION_COLUMNS:
        return numbers[REVIEW_LITIGATION_COLUMNS.index(code)]
    if len(numbers) == len(APPLICANT_COLUMNS) + 1:
        labels = expected_labels(code)
        if labels and len(labels) == 1:
            order = [zh for _s, zh, _e in APPLICANT_COLUMNS] + [TOTAL]
            if labels[0][0] in order and len(labels[0]) == 1:
                return numbers[order.index(labels[0][0])]
    return None


def mark_table_figure(fig, lines: list[list[str]], headers: list[list[str]]) -> list[tuple[int, int]]:
    """(line, column) of every cell that states `fig` within its evidence lines."""
    value = source_value(fig)
    width = max((len(c) for c in lines), default=0)
    labels = expected_labels(fig.code)
    marks: list[tuple[int, int]] = []
    if labels and headers:
        for li, cells in enumerate(lines):
            for wanted in labels:
                cols = [i for i in columns_by_header(headers, wanted, width) if i < len(cells) and is_number(cells[i])]
                if len(cols) > 1:  # several columns claim it: the one holding a value of its own
                    cols = cols[-1:] if len({cells[i] for i in cols}) == 1 else []
                marks += [(li, i) for i in cols]
    if not marks and labels and len(labels) == 1:
        for li, cells in enumerate(lines):
            i = positional_column(fig.code, cells)
            if i is not None:
                marks.append((li, i))
    if not marks and len(lines) == 1:
        # Old statistics tables print this year and a running total (历年累计) side by side.
        equal = [i for i, c in enumerate(lines[0]) if is_number(c) and to_decimal(c) in _readings(value)
                 and not any(word in h[i] for h in headers if i < len(h) for word in CUMULATIVE)]
        if len(equal) == 1:
            marks.append((0, equal[0]))
    if not _consistent(marks, lines, value):
        return []
    return marks


def source_value(fig):
    """What the source prints: the parsed value when staff corrected the figure."""
    parsed = getattr(fig, "parsed_value", None)
    return parsed if parsed is not None and getattr(fig, "corrected", False) else fig.value


def _readings(value) -> set[Decimal]:
    """The printed forms a value may have: itself, or in 万元 when stored in yuan (old tables)."""
    value = Decimal(value)
    return {value, value / 10000}


def _consistent(marks, lines, value) -> bool:
    """A single marked cell must print the value; several cells (a sum over rows or columns) must add up to it."""
    if not marks:
        return True
    numbers = [to_decimal(lines[li][ci]) for li, ci in marks]
    if any(n is None for n in numbers):
        return False
    total = sum(numbers)
    return total in _readings(value) if len(marks) > 1 else numbers[0] in _readings(value)


def mark_numbers(piece: str, code: str, value) -> list[tuple[int, int]]:
    """(start, end) in `piece` of the number(s) stating `value`.

    A template row flattened one cell per line (std-2019-hebei-jyt) holds 7 or 15 numbers: the
    column is taken by position, in each such row for a sum over sub-rows (the cells must add up
    to the value). Otherwise the first number equal to the value (prose: "办理依申请公开187件").
    """
    numbers = list(NUMBER_IN_TEXT.finditer(piece))
    labels = expected_labels(code)
    column = None
    if len(numbers) % 15 == 0 and numbers and code in REVIEW_LITIGATION_COLUMNS:
        width, column = 15, REVIEW_LITIGATION_COLUMNS.index(code)
    elif len(numbers) % 7 == 0 and numbers and labels and len(labels) == 1 and labels[0][0] in TEMPLATE_ORDER:
        width, column = 7, TEMPLATE_ORDER.index(labels[0][0])
    if len(numbers) == 15 and code in LITIGATION_SUMS:
        chosen = [numbers[REVIEW_LITIGATION_COLUMNS.index(f"{group}{LITIGATION_SUMS[code]}")]
                  for group in ("litigation_direct_", "litigation_after_review_")]
        if sum(to_decimal(m.group()) for m in chosen) in _readings(value):
            return [(m.start(), m.end()) for m in chosen]
    if column is not None:
        chosen = [numbers[i + column] for i in range(0, len(numbers), width)]
        if sum(to_decimal(m.group()) for m in chosen) in _readings(value):
            return [(m.start(), m.end()) for m in chosen]
    for m in numbers:
        if to_decimal(m.group()) in _readings(value):
            return [(m.start(), m.end())]
    return []


def merge_cells(cells: list[Cell]) -> list[Cell]:
    """Adjacent identical label cells (a merged cell repeated once per column it covers) become one cell with a span."""
    out: list[Cell] = []
    for cell in cells:
        last = out[-1] if out else None
        if last and not cell.numeric and not last.numeric and cell.text == last.text and not cell.codes and not last.codes:
            last.span += 1
        else:
            out.append(cell)
    return out


def evidence_blocks(text: str, figures) -> list[Block]:
    """Group `figures` by the table section or paragraph their evidence lies in, in text order."""
    placed, unplaced = [], []
    for fig in figures:
        ok = fig.start is not None and fig.end is not None and 0 <= fig.start < fig.end <= len(text)
        (placed if ok else unplaced).append(fig)
    placed.sort(key=lambda f: (f.start, f.end, f.code))
    tables: dict[int, list] = {}
    paragraphs: dict[int, list] = {}
    for fig in placed:
        first = line_bounds(text, fig.start, fig.end)[0]
        if is_table_line(text[first[0]:first[1]]):
            tables.setdefault(table_top(text, first[0]), []).append(fig)
        else:
            paragraphs.setdefault(first[0], []).append(fig)
    blocks = [_table_block(text, top, figs) for top, figs in tables.items()]
    blocks += [_text_block(text, start, figs) for start, figs in paragraphs.items()]
    blocks.sort(key=lambda b: b.start)
    if unplaced:
        blocks.append(Block(kind="unplaced", start=len(text), codes=[f.code for f in unplaced],
                            pages=_pages(unplaced)))
    return blocks


def _pages(figs) -> list[int]:
    return sorted({f.page for f in figs if getattr(f, "page", None)})


def _table_block(text: str, top: int, figs) -> Block:
    spans = sorted({b for f in figs for b in line_bounds(text, f.start, f.end)})
    # Lines of the section without a pipe (a cell broken over two lines) are not rows: skip them.
    spans = [s for s in spans if is_table_line(text[s[0]:s[1]])]
    lines = [split_cells(text[a:b]) for a, b in spans]
    width = max(len(c) for c in lines)
    # Rows of one table differ in how many label cells they repeat (a PDF row under a merged
    # (四)无法提供 keeps only part of it): numbers sit on the right, so align every row there.
    lines = [[""] * (width - len(c)) + c for c in lines]
    headers = header_rows(text, top, spans[0][0], width)
    index = {s: i for i, s in enumerate(spans)}
    cells = [[Cell(t, is_number(t)) for t in row] for row in lines]
    block = Block(kind="table", start=top, codes=[f.code for f in figs], pages=_pages(figs))
    for fig in figs:
        own = [index[s] for s in line_bounds(text, fig.start, fig.end) if s in index]
        marks = mark_table_figure(fig, [lines[i] for i in own], headers)
        for li, ci in marks:
            cells[own[li]][ci].codes.append(fig.code)
        if marks:
            block.marked.add(fig.code)
    block.rows = [Row([Cell(t, False) for t in h], header=True) for h in headers]
    block.rows = [Row(merge_cells(r.cells), header=True) for r in block.rows]
    block.rows += [Row(merge_cells(row)) for row in cells]
    return block


def _text_block(text: str, line_start: int, figs) -> Block:
    last = max(f.end for f in figs)
    line_end = text.find("\n", last)
    line_end = len(text) if line_end < 0 else line_end
    a = max(line_start, min(f.start for f in figs) - PROSE_CONTEXT)
    b = min(line_end, last + PROSE_CONTEXT)
    marks = []
    block = Block(kind="text", start=line_start, codes=[f.code for f in figs], pages=_pages(figs))
    for fig in figs:
        found = mark_numbers(text[fig.start:fig.end], fig.code, source_value(fig))
        # A statement without a number ("未收到政府信息公开申请" = 0) is marked as a whole.
        if not found and not NUMBER_IN_TEXT.search(text[fig.start:fig.end]):
            found = [(0, fig.end - fig.start)]
        marks += [(fig.start + x, fig.start + y, fig.code) for x, y in found]
        if found:
            block.marked.add(fig.code)
    cuts = sorted({a, b} | {m[0] for m in marks} | {m[1] for m in marks})
    pieces = []
    for x, y in zip(cuts, cuts[1:]):
        # Cells flattened one per line read better on one line.
        pieces.append((BREAKS.sub(" / ", text[x:y]), [code for s, e, code in marks if s <= x and y <= e]))
    block.pieces = ([("…", [])] if a > line_start else []) + pieces + ([("…", [])] if b < line_end else [])
    return block
