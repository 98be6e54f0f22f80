"""Figures of the 2019 and 2021 national templates: table 三 (requests and outcomes by applicant
type) and table 四 (administrative review and litigation), read from flattened text.

How a table is found and read (issue 2, item 5):
1. Each occurrence of the 本年新收 row followed closely by the 上年结转 row starts one table
   (a report may print its table twice).
2. Row labels are located by short key phrases, with any whitespace between characters; the
   template order is enforced by choosing the longest in-order chain of matches, so a label
   missing or misprinted in one row cannot pull later rows out of place.
3. The numbers of a row are whatever lies between its label and the next row's label
   (a row ordinal such as the "2." of "…00000002.其他法律…" belongs to the next label). They are
   read by `cells.read_cells`: separated cells as stated, jammed digit runs only where the
   row's own sums make the reading certain.
4. 不予公开 / 无法提供 / 不予处理 / 其他处理 (2021) have no total row in the template: their
   figure is the sum of their sub-rows, recorded only when every sub-row is known.
Doubt goes to warnings, never to a guess: a row that cannot be read is left out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from reports.parsing.layouts.cells import (
    APPLICANT_SHAPE, REVIEW_SHAPE, Cells, line_positions, mask_noise, read_cells,
    read_line_cells,
)
from reports.parsing.metrics import (
    APPLICANT_BASES, APPLICANT_COLUMNS, REVIEW_LITIGATION_COLUMNS, STANDARD_ROW_KEYS, SUB_ROWS,
    label,
)
from reports.parsing.result import Figure, Warning_

# Table 四: its data row follows the header that ends with the 复议后起诉 columns.
REVIEW_HEADER_KEY = "复议后起诉"
REVIEW_HEADER_CHARS = set("行政复议诉讼结果维持纠正其他尚未审结总计经直接起后情况因被申请提") | set(" \t\n|#、()")
_ROW_HEAD = re.compile(r"[一二三四五六七八九十]+\s*、|\([一二三四五六七八九十]+\)")
_COUNT_WORDS = set("年月日件个次条项元万%.")
_DIGIT = re.compile(r"\d")
# Where the last row of table 三 ends at the latest (the next section heading).
_SECTION_END = re.compile(r"四\s*、|五\s*、|行\s*政\s*复\s*议")
# Rows that end up in a group total: the group code followed by its sub-rows, in print order.
GROUP_CODES = tuple(SUB_ROWS)


@dataclass(frozen=True)
class RowSpec:
    code: str
    ordinal: int | None = None  # "1."-style number printed before the label, if any
    group: str | None = None  # the group a sub-row adds up to


def _template() -> tuple[RowSpec, ...]:
    rows = [RowSpec("requests_received"), RowSpec("requests_carried_over"),
            RowSpec("granted"), RowSpec("partial")]
    for group in GROUP_CODES:
        rows.append(RowSpec(group))
        rows += [RowSpec(code, i, group) for i, (code, _zh, _en) in enumerate(SUB_ROWS[group], 1)]
    rows += [RowSpec("outcome_total"), RowSpec("carried_forward")]
    return tuple(rows)


TEMPLATE = _template()
# A stretch of text counts as a table 三 only with this many rows found in order.
MIN_ROWS = 8
# How far after 本年新收 the 上年结转 label may start for the two to open a table.
ANCHOR_SPAN = 400


def _key_re(key: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in key if not ch.isspace())


ROW_RES = {code: re.compile("|".join(_key_re(k) for k in keys)) for code, keys in STANDARD_ROW_KEYS.items()}
REVIEW_HEADER_RE = re.compile(_key_re(REVIEW_HEADER_KEY))


@dataclass
class _Row:
    spec: RowSpec
    key_start: int
    key_end: int
    label_start: int = 0
    cells: Cells | None = None
    seg_start: int = 0
    segment: str = ""


def extract(text: str) -> tuple[list[Figure], list[Warning_]]:
    """Return the figures of every standard table in `text`, and warnings for what could not
    be read. Nothing is returned for text without a table 三."""
    regions = _regions(text)
    # digits that are not cells (ordinals, page numbers) are masked from the first table on
    first = regions[0][0] if regions else 0
    work = text[:first] + mask_noise(text[first:])
    tables = [_read_table(text, work, start, end) for start, end in regions]
    tables = [t for t in tables if t is not None]
    if not tables:
        # a report may print table 四 although table 三 is missing or prose
        figures: list[Figure] = []
        warnings: list[Warning_] = []
        _review_figures(text, work, 0, len(text), figures, warnings)
        return figures, warnings
    figures, warnings = tables[0]
    by_code = {f.code: f for f in figures}
    dropped: set[str] = set()
    for more_figs, more_warnings in tables[1:]:
        for fig in more_figs:
            seen = by_code.get(fig.code)
            if seen is None and fig.code not in dropped:
                by_code[fig.code] = fig
            elif seen is not None and seen.value != fig.value:
                # the report prints its table twice with different numbers: neither is certain
                dropped.add(fig.code)
                del by_code[fig.code]
                warnings.append(Warning_(
                    "table_conflict",
                    f"表格重复出现且数值不一致：{label(fig.code)} 为 {seen.value} 和 {fig.value}，未记录",
                    (fig.code,)))
        warnings += [w for w in more_warnings if w not in warnings]
    return list(by_code.values()), warnings


def _regions(work: str) -> list[tuple[int, int]]:
    anchors = []
    floor = 0
    last_next = -1
    for m in ROW_RES["requests_received"].finditer(work):
        nxt = ROW_RES["requests_carried_over"].search(work, m.end(), m.end() + ANCHOR_SPAN)
        # a decoder repeats a label spanning several columns: one table per 上年结转 row
        if nxt and nxt.start() > last_next:
            anchors.append(_label_start(work, m.start(), floor, None))
            floor = m.end()
            last_next = nxt.start()
    return [(a, anchors[i + 1] if i + 1 < len(anchors) else len(work))
            for i, a in enumerate(anchors)]


def _chain(text: str, start: int, end: int) -> list[_Row]:
    """The longest chain of label matches in template order (earliest positions on ties).
    Labels are matched in the unmasked text: the ordinal of "3.其他" is part of its key."""
    cands = []  # (row index, key start, key end)
    for i, spec in enumerate(TEMPLATE):
        for m in ROW_RES[spec.code].finditer(text, start, end):
            cands.append((m.start(), i, m.end()))
    cands.sort()
    # best[ci] = (length of the longest chain ending at candidate ci, predecessor); a
    # candidate may follow another only once that one's key has ended
    best: list[tuple[int, int]] = []
    by_end = sorted(range(len(cands)), key=lambda ci: cands[ci][2])
    done = 0
    top_by_row = [(0, -1)] * len(TEMPLATE)  # best chain among ended candidates, per row
    for ci, (pos, row, kend) in enumerate(cands):
        while done < len(by_end) and cands[by_end[done]][2] <= pos:
            cj = by_end[done]
            if best[cj][0] > top_by_row[cands[cj][1]][0]:
                top_by_row[cands[cj][1]] = (best[cj][0], cj)
            done += 1
        length, pred = 1, -1
        for prow in range(row):
            if top_by_row[prow][0] + 1 > length:
                length, pred = top_by_row[prow][0] + 1, top_by_row[prow][1]
        best.append((length, pred))
    if not best:
        return []
    top = max(b[0] for b in best)
    ci = next(i for i, b in enumerate(best) if b[0] == top)
    chain = []
    while ci >= 0:
        pos, row, kend = cands[ci]
        chain.append(_Row(TEMPLATE[row], pos, kend))
        ci = best[ci][1]
    return chain[::-1]


def _label_start(work: str, key_start: int, floor: int, ordinal: int | None) -> int:
    """Where the label holding the key begins: back over its own text, and over its ordinal
    when the ordinal is glued to the previous row's digits ("…00000002.其他法律…")."""
    i = key_start
    while i > floor and work[i - 1] not in "0123456789|\n":
        i -= 1
    if ordinal is not None and i > floor and work[i] in ".、)":
        k = str(ordinal)
        if work[max(floor, i - len(k)):i] == k:
            i -= len(k)
            if i > floor and work[i - 1] == "(":
                i -= 1
    # a label opens with its own marker ("一、", "(二)"): text before the last one is the
    # table header or a group label, not this row
    heads = list(_ROW_HEAD.finditer(work, i, key_start))
    if heads:
        i = heads[-1].start()
    while i < key_start and work[i] in " \t":
        i += 1
    return i


def _read_table(text: str, work: str, start: int, end: int):
    rows = _chain(text, start, end)
    if len(rows) < MIN_ROWS:
        return None
    floor = start
    for row in rows:
        row.label_start = _label_start(work, row.key_start, floor, row.spec.ordinal)
        floor = row.key_end
    for i, row in enumerate(rows):
        if i + 1 < len(rows):
            seg_end = rows[i + 1].label_start
        else:
            # the last row runs to the next section heading; a decoder may repeat the
            # "四、结转下年度继续办理" label cell before the numbers, which does not end it
            # (std-2020-hebei-gxt: a row left blank is followed by "四、政府信息公开行政复议、
            # 行政诉讼情况2020年…", whose year is no cell)
            m = _SECTION_END.search(work, row.key_end, end)
            while m and ROW_RES[row.spec.code].match(work, _skip_blank(work, m.end())):
                m = _SECTION_END.search(work, m.end(), end)
            digit = _DIGIT.search(work, row.key_end, m.start() if m else end)
            if digit:
                # after its first number the row ends at any heading, a repeat of its label
                # included (a PDF line printed twice, drv-pdf-html-std-2023-pt-zone)
                m = _SECTION_END.search(work, digit.start(), end)
            seg_end = m.start() if m else end
        row.seg_start = row.key_end
        row.segment = work[row.key_end:seg_end]
        row.cells = read_cells(row.segment, APPLICANT_SHAPE, masked=True)
    grid = _line_grid(rows)
    if grid is not None:
        unit, trailing = grid
        for i, row in enumerate(rows):
            if row.cells.status in ("unsplittable", "ambiguous"):
                again = read_line_cells(row.segment, APPLICANT_SHAPE, unit=unit, first=unit,
                                        trailing=trailing if i + 1 < len(rows) else None)
                if again is not None:
                    row.cells = again

    for row in rows:
        if row.cells.status == "unsplittable":
            # no reading with every cell and none on a line grid: blank cells may have been dropped
            row.cells = read_cells(row.segment, APPLICANT_SHAPE, masked=True, short=True)

    if _numbers_apart(work, rows):
        # PDF text where number rows stand on lines of their own: a label centred on two
        # lines puts its numbers above it (std-2023-hongze read without its table grid), so
        # only numbers on the label's own line can be trusted
        for row in rows:
            if row.cells.status not in ("blank", "ambiguous") and "\n" in row.segment[:row.cells.start]:
                row.cells = Cells("ambiguous", start=row.cells.start, end=row.cells.end)
    figures: list[Figure] = []
    warnings: list[Warning_] = []
    clean = all(r.cells.status != "ambiguous" for r in rows)
    found = {r.spec.code: r for r in rows}
    for row in rows:
        _row_figures(text, row, figures, warnings)
    for group in GROUP_CODES:
        if group in {f.code for f in figures}:
            continue  # a printed group total wins over the sum of its sub-rows
        _group_figure(text, group, found, clean, figures, warnings)
    last_end = max((r.seg_start + r.cells.end for r in rows if r.cells.status != "blank"),
                   default=rows[-1].key_end)
    _review_figures(text, work, last_end, end, figures, warnings, grid)
    return figures, warnings


def _skip_blank(work: str, pos: int) -> int:
    while pos < len(work) and work[pos] in " \t\n|":
        pos += 1
    return pos


_BARE_NUMBERS = re.compile(r"(?m)^[ \t|]*\d+(?:[ \t|]+\d+)+[ \t|]*$")


def _numbers_apart(work: str, rows: list[_Row]) -> bool:
    """True when a line of table 三 holds several numbers and no label."""
    last = rows[-1]
    end = last.seg_start + (last.cells.end if last.cells.status != "blank" else 0)
    return _BARE_NUMBERS.search(work, rows[0].label_start, end) is not None


def _line_grid(rows: list[_Row]) -> tuple[int, int] | None:
    """(unit, trailing) of a one-cell-per-line table: each cell `unit` line breaks after the
    previous one, `trailing` line breaks after a row's last cell. Taken only when at least
    three complete rows agree, so that blank lines can stand for blank cells."""
    seen = set()
    count = 0
    for row in rows[:-1]:
        if row.cells.status != "stated":
            continue
        layout = line_positions(row.segment)
        if layout is None or len(layout[0]) != APPLICANT_SHAPE.ncols:
            continue
        found, end_line = layout
        unit = found[0][0]
        if [i for i, _ in found] != [unit * k for k in range(1, len(found) + 1)]:
            return None
        seen.add((unit, end_line - found[-1][0]))
        count += 1
    if count >= 3 and len(seen) == 1:
        return seen.pop()
    return None


def _fig(text, code, value, start, end, rule) -> Figure:
    return Figure(code, Decimal(value), text[start:end], start, end, "table", rule=rule)


# The rule that read a row, by how its cells were read (cells.Cells.status).
ROW_RULE = {"stated": "std.row", "split": "std.row_split", "partial": "std.row_split",
            "short": "std.short_row"}


def _row_figures(text, row: _Row, figures, warnings):
    cells, code = row.cells, row.spec.code
    name = label(code)
    if cells.status == "blank":
        return
    ev_end = row.seg_start + cells.end
    digits = text[row.seg_start + cells.start:ev_end]
    if cells.status == "ambiguous":
        warnings.append(Warning_(
            "row_unreadable",
            f"表三“{name}”一行的数字位置不明（多处数字或多于7个数：“{_clip(digits)}”），未记录",
            (code,)))
        return
    if cells.status == "unsplittable":
        warnings.append(Warning_(
            "split_failed",
            f"表三“{name}”一行的数字串“{_clip(digits)}”无法拆成满足“各列之和=总计”的7个数，未记录",
            (code,)))
        return
    if code in APPLICANT_BASES and cells.unique:
        for (suffix, _zh, _en), value in zip(APPLICANT_COLUMNS, cells.values[:6]):
            if value is not None:
                figures.append(_fig(text, f"{code}_{suffix}", value, row.label_start, ev_end,
                                    ROW_RULE[cells.status]))
    total = cells.value(6)
    if total is None:
        if cells.status == "partial":
            warnings.append(Warning_(
                "split_ambiguous",
                f"表三“{name}”一行的数字串“{_clip(digits)}”有{cells.readings}种拆法且总计不唯一，未记录",
                (code,)))
        else:
            warnings.append(Warning_(
                "cell_blank", f"表三“{name}”一行的总计栏为空，未记录", (code,)))
        return
    figures.append(_fig(text, code, total, row.label_start, ev_end, ROW_RULE[cells.status]))


def _group_figure(text, group, found, clean, figures, warnings):
    subs = [found.get(code) for code, _zh, _en in SUB_ROWS[group]]
    present = [r for r in subs if r is not None]
    if not present:
        return
    stated = [r for r in present if r.cells.status != "blank"]
    name = label(group)
    if not stated:
        return  # the whole group is blank: nothing is stated
    # a blank sub-row counts as nothing only where no row's numbers went astray
    if len(present) < len(subs) or (not clean and len(stated) < len(present)):
        warnings.append(Warning_(
            "group_incomplete",
            f"表三“{name}”的分项未能全部识别，未计算其合计", (group,)))
        return
    if any(r.cells.value(6) is None for r in stated):
        return  # the unreadable sub-row has its own warning
    total = sum(r.cells.value(6) for r in stated)
    head = found.get(group)
    start = head.label_start if head is not None else present[0].label_start
    end = max(r.seg_start + r.cells.end for r in stated)
    figures.append(_fig(text, group, total, start, end, "std.group_sum"))
    if all(r.cells.unique and None not in r.cells.values for r in stated):
        for i, (suffix, _zh, _en) in enumerate(APPLICANT_COLUMNS):
            figures.append(_fig(text, f"{group}_{suffix}",
                                sum(r.cells.values[i] for r in stated), start, end, "std.group_sum"))


def _review_figures(text, work, start, end, figures, warnings, grid=None):
    head = REVIEW_HEADER_RE.search(work, start, end)
    if head is None:
        return
    tail = work[head.end():end]
    m = re.search(r"\d", tail)
    if m is None:
        return
    between = tail[:m.start()]
    if any(ch not in REVIEW_HEADER_CHARS for ch in between):
        return  # text other than the header comes first: no data row under the header
    run_end = m.start()
    while run_end < len(tail) and tail[run_end] in "0123456789 \t\n|":
        run_end += 1
    if tail[run_end:run_end + 1] in _COUNT_WORDS:
        return  # "2022年未发生…": a sentence under the header, not its data row
    seg_start = head.end()
    cells = read_cells(tail[:run_end], REVIEW_SHAPE, masked=True)
    if (cells.status in ("ambiguous", "unsplittable") and grid is not None
            and "|" not in tail[m.start():run_end]):
        # one cell per line: the data row starts `trailing` line breaks after the header's
        # last line, as every row of table 三 does after its last cell
        unit, trailing = grid
        header_end = len(between.rstrip(" \t\n"))
        again = read_line_cells(tail[header_end:run_end], REVIEW_SHAPE, unit=unit, first=trailing)
        if again is not None:
            seg_start += header_end
            cells = again
    ev_start, ev_end = seg_start + cells.start, seg_start + cells.end
    digits = text[ev_start:ev_end]
    if cells.status in ("ambiguous", "unsplittable"):
        warnings.append(Warning_(
            "split_failed",
            f"表四（行政复议、行政诉讼）的数字“{_clip(digits)}”无法拆成满足各组之和的15个数，未记录",
            ("review_total", "litigation_total")))
        return
    v = cells.values
    rule = "std.table4" if cells.status == "stated" else "std.table4_split"
    for code, value in zip(REVIEW_LITIGATION_COLUMNS, v):
        if value is not None:
            figures.append(_fig(text, code, value, ev_start, ev_end, rule))
    if v[9] is not None and v[14] is not None:
        figures.append(_fig(text, "litigation_total", v[9] + v[14], ev_start, ev_end, rule))
    if v[6] is not None and v[11] is not None:
        figures.append(_fig(text, "litigation_corrected", v[6] + v[11], ev_start, ev_end, rule))
    if cells.status == "partial" and (v[4] is None or v[9] is None or v[14] is None):
        warnings.append(Warning_(
            "split_ambiguous",
            f"表四的数字串“{_clip(digits)}”有{cells.readings}种拆法，只记录各拆法一致的数",
            ("review_total", "litigation_total")))


def _clip(s: str, n: int = 40) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[:n] + "…"
