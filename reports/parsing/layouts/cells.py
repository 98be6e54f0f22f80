"""Reading one table row's numbers out of flattened text: separated cells, or jammed digit runs
split only where the row's own sums make the reading certain.

Crawled pages print a row as "| 64 | 0 | 0 | 2 | 0 | 4 | 70", as "64 0 0 2 0 4 70", or with
the cells run together: "640020470" (issue 2, item 5). A `Shape` says how many cells a row
has and which cells are the sums of which (自然人 + five organisation columns = 总计 for the
applicant table; four outcomes = 总计 for each review/litigation group). `read_cells` returns
the values that are certain under that shape and says why the others are not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Longest number a cell of these tables holds (a city-wide 行政处罚 count has 7 digits);
# bounding it keeps the split search small.
MAX_DIGITS = 8


@dataclass(frozen=True)
class Shape:
    """`ncols` cells; each group is (part columns, total column): sum(parts) == total."""

    ncols: int
    groups: tuple[tuple[tuple[int, ...], int], ...] = ()

    def holds(self, values) -> bool:
        return all(sum(values[p] for p in parts) == values[t] for parts, t in self.groups)


# 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计
APPLICANT_SHAPE = Shape(7, (((0, 1, 2, 3, 4, 5), 6),))
# 行政复议 (维持 纠正 其他 尚未审结 总计) | 未经复议直接起诉 (same five) | 复议后起诉 (same five)
REVIEW_SHAPE = Shape(15, (((0, 1, 2, 3), 4), ((5, 6, 7, 8), 9), ((10, 11, 12, 13), 14)))


@dataclass(frozen=True)
class Cells:
    """What one row states.

    `values[i]` is the certain value of column i, or None (blank cell, or not certain).
    `status`: "stated" (cells separated in the source), "split" (a jammed run with exactly one
    reading), "partial" (several readings; only the columns they agree on are kept), "short"
    (fewer numbers than cells: blank cells dropped; only the total is known), "blank"
    (no number at all), "unsplittable" (no reading satisfies the row's sums), "ambiguous"
    (numbers in more than one place, or more numbers than cells).
    `start`/`end` delimit the numbers inside the segment that was read.
    """

    status: str
    values: tuple[int | None, ...] = ()
    start: int = 0
    end: int = 0
    readings: int = 0

    @property
    def unique(self) -> bool:
        return self.status in ("stated", "split")

    def value(self, i: int) -> int | None:
        return self.values[i] if self.values else None


_RUN = re.compile(r"[\d \t\n|]*\d[\d \t\n|]*")
_PIPE_CELL = re.compile(r"\d+|\d{1,3}(?:,\d{3})+")
# Row ordinals that belong to a label, not to a cell: "2.其他…", "1、申请人…", "(1)属于…".
# The template's sub-rows are numbered 1 to 8: "03.补正后…" is a cell "0" before ordinal 3
# (std-2019-pt-gwh), " 12.申请人逾期…" a cell "1" before ordinal 2 (std-2023-pt-jtj); an
# ordinal glued to a cell is left to the row's own label (standard._label_start).
_ORDINAL = re.compile(r"(?<!\d)(?:\(\d{1,2}\)|[1-9]\s?[.、])(?=\s?[\u4e00-\u9fff“\"])")
# Page furniture of PDFs: "- 4 -", "第 3 页", "第3页 共6页".
_PAGE_MARK = re.compile(r"(?m)^[ \t]*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,/，]?\s*共\s*\d{1,3}\s*页)?)[ \t]*$")


def mask_noise(segment: str) -> str:
    """Blank out digits that are not cells (row ordinals, page numbers), keeping offsets."""
    def blank(m):
        return "#" * len(m.group())
    return _ORDINAL.sub(blank, _PAGE_MARK.sub(blank, segment))


def read_cells(segment: str, shape: Shape, *, masked: bool = False, short: bool = False) -> Cells:
    """Read the numbers of one row from `segment` (the text between its label and the next).
    `masked`: the segment has already been through `mask_noise`. `short`: a row with fewer
    numbers than cells may be read as one whose blank cells were dropped (`short_row_total`);
    callers ask for it only once the row's position on a line grid is ruled out."""
    if not masked:
        segment = mask_noise(segment)
    masked = segment
    runs = list(_RUN.finditer(masked))
    if not runs:
        return Cells("blank", (None,) * shape.ncols)
    if len(runs) > 1:
        return Cells("ambiguous", start=runs[0].start(), end=runs[-1].end())
    run = runs[0]
    start, end = _trim(masked, run.start(), run.end())
    raw = masked[run.start():run.end()]
    if "|" in raw:
        chunks = _pipe_chunks(raw, shape.ncols)
    else:
        chunks = raw.split()
    if chunks is None:
        return Cells("ambiguous", start=start, end=end)
    if len(chunks) == shape.ncols:
        return Cells("stated", tuple(None if c == "" else int(c.replace(",", "")) for c in chunks),
                     start, end, 1)
    if "|" in raw and len(chunks) > shape.ncols and "" not in chunks:
        merged = merge_spans(chunks, shape)
        if merged is None:
            return Cells("ambiguous", start=start, end=end)
        return Cells("stated", merged, start, end, 1)
    if "" in chunks or len(chunks) > shape.ncols or any(not c.isdigit() for c in chunks):
        return Cells("ambiguous", start=start, end=end)
    readings = split_run(chunks, shape)
    if not readings:
        total = short_row_total(chunks, shape) if short else None
        if total is not None:
            return Cells("short", (None,) * (shape.ncols - 1) + (total,), start, end, 1)
        return Cells("unsplittable", start=start, end=end)
    if len(readings) == 1:
        return Cells("split", readings[0], start, end, 1)
    agreed = tuple(col[0] if len(set(col)) == 1 else None for col in zip(*readings))
    return Cells("partial", agreed, start, end, len(readings))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n|":
        start += 1
    while end > start and text[end - 1] in " \t\n|":
        end -= 1
    return start, end


def _pipe_chunks(raw: str, ncols: int) -> list[str] | None:
    """Cells of a " | "-separated row; "" marks a blank cell. None if the row is not readable.

    The text before the first "|" belongs to the label's cell. Decoders pad a label that spans
    several columns with empty cells, so surplus empty cells at the start, then at the end,
    are dropped before the cells are counted.
    """
    lines = [ln for ln in raw.split("\n") if any(ch.isdigit() for ch in ln)]
    if len(lines) != 1:
        return None
    parts = [p.strip() for p in lines[0].split("|")]
    if parts[0] == "":
        parts = parts[1:]
    for p in parts:
        if p and not _PIPE_CELL.fullmatch(p):
            return None
    while len(parts) > ncols and parts[0] == "":
        parts.pop(0)
    while len(parts) > ncols and parts[-1] == "":
        parts.pop()
    return parts


def merge_spans(chunks: list[str], shape: Shape) -> tuple[int, ...] | None:
    """Undo colspan: decoders repeat a cell that spans two grid columns ("64 | 0 | 0 | 0 | 2 |
    0 | 4 | 70" for a 7-cell row). Merge adjacent equal cells until `shape.ncols` remain; the
    reading is kept only if exactly one result satisfies the row's sums."""
    values = [int(c.replace(",", "")) for c in chunks]
    results = {tuple(values)}
    for _ in range(len(values) - shape.ncols):
        results = {r[:i] + r[i + 1:] for r in results for i in range(len(r) - 1) if r[i] == r[i + 1]}
    valid = [r for r in results if shape.holds(r)]
    return valid[0] if len(valid) == 1 else None


def split_run(chunks: list[str], shape: Shape) -> list[tuple[int, ...]]:
    """Every reading of `chunks` (digit strings; a cell never spans two chunks) as
    `shape.ncols` non-negative integers without leading zeros that satisfies the shape's sums.

    >>> split_run(["640020470"], APPLICANT_SHAPE)
    [(64, 0, 0, 2, 0, 4, 70)]
    """
    s = "".join(chunks)
    n = len(s)
    ncols = shape.ncols
    if n == ncols:
        # one digit per cell: the only reading ("0000000", "1000001")
        values = tuple(int(ch) for ch in s)
        return [values] if shape.holds(values) else []
    if n < ncols:
        return []
    # next_bound[i]: where the chunk holding position i ends (a cell never crosses it);
    # pieces_after[i]: chunk pieces still to fill from i on (each needs at least one cell)
    next_bound = [0] * n
    pieces_after = [0] * (n + 1)
    pos = 0
    for k, c in enumerate(chunks):
        for i in range(pos, pos + len(c)):
            next_bound[i] = pos + len(c)
            pieces_after[i] = len(chunks) - k
        pos += len(c)
    total_of = {t for _parts, t in shape.groups}
    group_of: dict[int, int] = {}
    for parts, t in shape.groups:
        for p in parts:
            group_of[p] = t
    out: list[tuple[int, ...]] = []
    sums = [0] * ncols

    def bound(e: int, col: int, t: int) -> int:
        # the largest total column t can still read once the parts up to `col` end at e:
        # it starts after the remaining parts and leaves a character for each later cell
        first = e + (t - col - 1)
        length = min(MAX_DIGITS, n - first - (ncols - t - 1))
        if length <= 0:
            return -1
        if t == ncols - 1:
            return int(s[first:])  # the row's last cell is the rest of the string
        return 10 ** length - 1

    def dfs(pos: int, col: int, acc: list[int]):
        if col == ncols:
            if pos == n:
                out.append(tuple(acc))
            return
        left = ncols - col - 1
        if col in total_of:
            # a total is not searched for: it must read as the sum of its parts
            need = str(sums[col])
            e = pos + len(need)
            if (e <= next_bound[pos] and s.startswith(need, pos)
                    and pieces_after[e] <= left and n - e >= left):
                acc.append(sums[col])
                dfs(e, col + 1, acc)
                acc.pop()
            return
        t = group_of.get(col)
        for e in range(pos + 1, min(next_bound[pos], pos + MAX_DIGITS) + 1):
            if e > pos + 1 and s[pos] == "0":
                break  # no leading zeros
            if pieces_after[e] > left or n - e < left:
                continue
            v = int(s[pos:e])
            if t is not None:
                sums[t] += v
                if sums[t] <= bound(e, col, t):
                    acc.append(v)
                    dfs(e, col + 1, acc)
                    acc.pop()
                sums[t] -= v
            else:
                acc.append(v)
                dfs(e, col + 1, acc)
                acc.pop()

    dfs(0, 0, [])
    return out


def short_row_total(chunks: list[str], shape: Shape) -> int | None:
    """The total of a row whose blank cells were dropped ("本年新收…33" is 自然人 3 and 总计 3;
    "(七)总计55"; issue 8, item 2): read only for a shape whose last cell is the sum of all the
    others, when exactly one reading into 2 to ncols-1 numbers (no leading zeros, a number never
    across two chunks) has its last number equal to the sum of the others. Which columns the
    other numbers stood in is unknown, so only the total is returned."""
    if shape.groups != (((*range(shape.ncols - 1),), shape.ncols - 1),):
        return None
    s = "".join(chunks)
    if len(s) > 2 * shape.ncols:
        return None
    bounds = set()
    pos = 0
    for c in chunks:
        pos += len(c)
        bounds.add(pos)
    readings: list[tuple[int, ...]] = []

    def dfs(pos: int, acc: list[int]):
        if len(readings) > 1:
            return
        if pos == len(s):
            if 2 <= len(acc) < shape.ncols and acc[-1] == sum(acc[:-1]):
                readings.append(tuple(acc))
            return
        if len(acc) >= shape.ncols - 1:
            return
        for end in range(pos + 1, len(s) + 1):
            if end > pos + 1 and s[pos] == "0":
                break
            acc.append(int(s[pos:end]))
            dfs(end, acc)
            acc.pop()
            if end in bounds:
                break  # a number never runs past its chunk

    dfs(0, [])
    return readings[0][-1] if len(readings) == 1 else None


def line_positions(segment: str) -> tuple[list[tuple[int, str]], int] | None:
    """(line index, digits) of every number line after the first line (which holds the rest
    of the label), and the index of the line that ends the row (the next label's line, or a
    group label such as 三、本年度办理结果). None unless each line between is blank or one
    bare number: the one-cell-per-line dumps of std-2019-hebei-jyt, where blank cells are
    blank lines."""
    out = []
    lines = segment.split("\n")
    for i, line in enumerate(lines[1:], 1):
        line = line.strip()
        if not line:
            continue
        if not line.isdigit():
            if not out:
                return None
            return out, i
        out.append((i, line))
    return (out, len(lines) - 1) if out else None


def read_line_cells(segment: str, shape: Shape, *, unit: int, first: int,
                    trailing: int | None = None) -> Cells | None:
    """Read a one-cell-per-line row by line position: cell k (1-based) sits on line
    `first + unit * (k - 1)`, and a blank cell leaves its lines blank. `trailing`, when known,
    is how many line breaks follow the row's last cell, so blank cells at the end are seen
    too. None when the lines do not fall on that grid."""
    layout = line_positions(segment)
    if layout is None or unit < 1:
        return None
    found, end_line = layout
    values: list[int | None] = [None] * shape.ncols
    last_k = 0
    for idx, digits in found:
        k, rest = divmod(idx - first, unit)
        if rest or not 0 <= k < shape.ncols:
            return None
        values[k] = int(digits)
        last_k = k + 1
    if last_k < shape.ncols:
        if trailing is None:
            return None  # blank cells at the end can not be told from a short row
        after = end_line - found[-1][0]
        blanks, rest = divmod(after - trailing, unit)
        if rest or last_k + blanks != shape.ncols:
            return None
    lines = segment.split("\n")
    start = sum(len(ln) + 1 for ln in lines[:found[0][0]])
    end = sum(len(ln) + 1 for ln in lines[:found[-1][0]]) + len(lines[found[-1][0]].rstrip())
    start += len(lines[found[0][0]]) - len(lines[found[0][0]].lstrip())
    return Cells("stated", tuple(values), start, end, 1)
