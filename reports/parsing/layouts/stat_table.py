"""Rules for the older statistics tables (统计表, 2008-2018): "label | unit | value" rows, however flattened.

A row is a catalog label (metrics.OLD_TABLE_ROWS) followed by an optional note in brackets, an
optional unit and its numbers. The same rule reads the three shapes crawled pages produce:
    "(一)收到申请数 | 件 | 4 |"          cells joined by " | " (HTML/DOCX/PDF tables)
    "主动公开信息数 条 425 1516"          cells flattened with spaces
    "主动公开信息数条4251516其中：1."     cells jammed with no separator
Tables with a 历年累计 (cumulative) column give two numbers per row: this year's is the figure,
the cumulative one is kept under `<code>_cumulative` (next year's parse and the cross-year checks
read it). A jammed pair ("主动公开文件数条7392238") is split only where something makes the split
unique (issue 8, item 1): the digits themselves ("99", "00": one split without leading zeros),
last year's cumulative figure plus this year's (a `PriorYear` context), the row's own sums (a
total and its numbered sub-rows, in both columns), or exactly one split agreeing with the
figure the report's prose states. Otherwise nothing is recorded and a warning names the code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import product

from reports.parsing import metrics
from reports.parsing.result import Figure, Warning_
from reports.parsing.result import fmt_value as _fmt

# A new table starts where two rows are further apart than this (the same table printed twice,
# seed 002, is two clusters separated by the whole report text).
CLUSTER_GAP = 800
# How far before a table's first row its header (指标名称 | 计量单位 | 2011年度 | 历年累计) is looked
# for; the header can sit far above the first row (a 附表 heading, notes), never across a "。".
HEADER_WINDOW = 600


def _spaced(label: str) -> str:
    # HTML cells break labels with spaces ("主动公开 文件 数"); normalize keeps them.
    return r"\s*".join(map(re.escape, label))


def _label_table():
    entries = [(label, ("row", code)) for code, labels in metrics.OLD_TABLE_ROWS for label in labels]
    entries += [(label, ("case", suffix)) for suffix, labels in metrics.OLD_TABLE_CASE_ROWS
                for label in labels]
    entries.sort(key=lambda e: -len(e[0]))  # longest first: 不同意公开答复数 before 同意公开答复数
    kinds = {f"l{i}": kind for i, (_, kind) in enumerate(entries)}
    first = "".join(sorted({label[0] for label, _ in entries}))
    # the lookahead on first characters lets the scan skip most positions at once
    pattern = f"(?=[{first}])(?:" + "|".join(
        f"(?P<l{i}>{_spaced(label)})" for i, (label, _) in enumerate(entries)) + ")"
    return re.compile(pattern), kinds


_LABEL_RE, _LABEL_KINDS = _label_table()
_NOTE_RE = re.compile(r"\s*\([^()\n]{1,80}\)")
_SEP_RE = re.compile(r"[\s|:：]*")
_UNIT_RE = re.compile("|".join(map(re.escape, metrics.OLD_TABLE_UNITS)))
_NUM_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")  # 1,234 is one number
_ORDINAL_AFTER_RE = re.compile(r" ?[、.．](?!\d)")
_ORDINAL_BEFORE_RE = re.compile(r"(?<!\d)(\d{1,2})\s*[、.．]\s*$")
# The header of a this-year/cumulative table: "2011 年度 历年累计", "本年度 | 累计" (a 累计 in
# the prose just before a one-column table is not a header).
_CUMULATIVE_RE = re.compile(r"(?:本\s*年|年\s*度|\d{4}\s*年)[^。,，;；]{0,20}?累\s*计")


@dataclass
class _Token:
    digits: str
    start: int
    end: int
    jammed: bool          # no separator between it and the label/unit before it
    ordinal_tail: bool    # followed by "、"/"." and a label: ends with the next row's ordinal


@dataclass
class _Row:
    kind: tuple[str, str]
    start: int
    label_end: int
    unit: str | None
    tokens: list[_Token] = field(default_factory=list)
    ordinal: str | None = None


def _parse_cells(text: str, pos: int) -> tuple[str | None, list[_Token]]:
    """Read the unit and number tokens that follow a row label at `pos`."""
    note = _NOTE_RE.match(text, pos)
    if note:
        pos = note.end()
    sep = _SEP_RE.match(text, pos)
    unit = None
    m = _UNIT_RE.match(text, sep.end())
    if m:
        unit, pos = m.group(0), m.end()
    tokens: list[_Token] = []
    while True:
        sep = _SEP_RE.match(text, pos)
        m = _NUM_RE.match(text, sep.end())
        if not m:
            break
        if tokens and "\n" in text[pos:sep.end()]:
            break  # one table row per line once its cells have started
        ordinal_tail = bool(_ORDINAL_AFTER_RE.match(text, m.end()))
        jammed = sep.end() == pos
        if ordinal_tail and (tokens or not jammed):
            break  # a separate token before "、": the next row's ordinal, not a value
        tokens.append(_Token(m.group(0).replace(",", ""), m.start(), m.end(), jammed, ordinal_tail))
        pos = m.end()
        if ordinal_tail:
            break
    return unit, tokens


def _find_rows(text: str) -> list[_Row]:
    rows: list[_Row] = []
    next_ordinal: tuple[int, str] | None = None  # (label position, ordinal) left by a jammed run
    for m in _LABEL_RE.finditer(text):
        kind = _LABEL_KINDS[m.lastgroup]
        unit, tokens = _parse_cells(text, m.end())
        if next_ordinal and next_ordinal[0] == m.start():
            ordinal = next_ordinal[1]
        else:
            before = _ORDINAL_BEFORE_RE.search(text[max(0, m.start() - 6):m.start()])
            ordinal = before.group(1) if before else None
        row = _Row(kind, m.start(), m.end(), unit, tokens, ordinal)
        rows.append(row)
        next_ordinal = None
        if tokens and tokens[-1].ordinal_tail:
            expected = str(int(ordinal) + 1) if ordinal else "1"
            label_at = _skip_ordinal(text, tokens[-1].end)
            next_ordinal = (label_at, expected)
    return rows


def _skip_ordinal(text: str, pos: int) -> int:
    pos = _ORDINAL_AFTER_RE.match(text, pos).end()
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _clusters(rows: list[_Row]) -> list[list[_Row]]:
    out: list[list[_Row]] = []
    for row in rows:
        if out and row.start - out[-1][-1].label_end <= CLUSTER_GAP:
            out[-1].append(row)
        else:
            out.append([row])
    return out


def _table_rows(text: str, cluster: list[_Row]) -> list[_Row]:
    """The cluster from its first table row: a sentence that mentions a row label does not
    start a table, whether it gives no number or gives one in prose word order, the unit after
    the number ("其中同意公开答复数17条" in old-2012-pt-county's section 三, 800 characters
    above its 附件1 table): a table prints the unit in its own column before the value."""
    first = next((i for i, r in enumerate(cluster) if r.tokens and not _prose_mention(text, r)),
                 len(cluster))
    return cluster[first:]


def _prose_mention(text: str, row: _Row) -> bool:
    return row.unit is None and bool(_UNIT_RE.match(text, row.tokens[-1].end))


def _two_columns(text: str, cluster: list[_Row]) -> bool:
    header = text[max(0, cluster[0].start - HEADER_WINDOW):cluster[0].start]
    header = header[header.rfind("。") + 1:]
    if _CUMULATIVE_RE.search(header):
        return True
    with_tokens = [r for r in cluster if r.tokens]
    pairs = sum(1 for r in with_tokens if len(r.tokens) == 2 and not r.tokens[1].jammed)
    # "00", "03": no cell of a one-column table starts with 0, so two cells were run together
    zeros = sum(1 for r in with_tokens if r.tokens[0].jammed and len(r.tokens) == 1
                and _stripped(r) is not None and len(_stripped(r)) > 1 and _stripped(r)[0] == "0")
    return bool(with_tokens) and (pairs * 2 > len(with_tokens) or zeros * 2 > len(with_tokens))


def _stripped(row: _Row) -> str | None:
    tok = row.tokens[0]
    return _strip_ordinal(tok.digits, row) if tok.ordinal_tail else tok.digits


def _valid(digits: str) -> bool:
    return digits == "0" or not digits.startswith("0")


def split_jammed(digits: str) -> list[tuple[int, int]]:
    """Every reading of a this-year/cumulative pair run together, without leading zeros.
    The cumulative column is not assumed to be the larger: reports print a cumulative 0 beside
    this year's 74 (old-2016-pt-nyn), so only evidence picks among the readings."""
    out = []
    for i in range(1, len(digits)):
        a, b = digits[:i], digits[i:]
        if _valid(a) and _valid(b):
            out.append((int(a), int(b)))
    return out


@dataclass
class _Reading:
    row: _Row
    value: Decimal | None
    end: int
    candidates: list[tuple[int, int]] = field(default_factory=list)  # (this year, cumulative)
    problem: str | None = None
    rule: str = "old.row"
    cumulative: Decimal | None = None


def _read(row: _Row, two_columns: bool) -> _Reading:
    tokens = row.tokens
    if not tokens:
        return _Reading(row, None, row.label_end, problem="no value")
    if not two_columns:
        tok = tokens[0]
        digits = tok.digits
        if tok.ordinal_tail:
            digits = _strip_ordinal(digits, row)
            if digits is None:
                return _Reading(row, None, tok.end, problem=f"“{tok.digits}”无法与下一行序号分开")
        if len(tokens) > 1:
            return _Reading(row, None, tokens[-1].end, problem="一列表格中出现多个数字")
        if len(digits) > 1 and digits[0] == "0" and digits[1] != ".":
            return _Reading(row, None, tok.end, problem=f"“{digits}”以0开头，可能是本年度与累计两列连写")
        return _Reading(row, Decimal(digits), tok.end if digits == tok.digits else tok.start + len(digits))
    if len(tokens) == 2:
        if not all(_valid(t.digits.split(".")[0]) for t in tokens):
            return _Reading(row, None, tokens[1].end, problem="数字以0开头")
        return _Reading(row, Decimal(tokens[0].digits), tokens[1].end, rule="old.pair",
                        cumulative=Decimal(tokens[1].digits))
    if len(tokens) > 2:
        return _Reading(row, None, tokens[-1].end, problem="数字多于两列")
    tok = tokens[0]
    if not tok.jammed:
        # "条 12" with the other cell empty: which column it stands in is unknown
        return _Reading(row, None, tok.end, problem="两列表格中只有一个数字")
    digits = tok.digits
    if tok.ordinal_tail:
        digits = _strip_ordinal(digits, row)
        if digits is None:
            return _Reading(row, None, tok.end, problem=f"“{tok.digits}”无法与下一行序号分开")
    if not digits.isdigit():
        return _Reading(row, None, tok.end, problem=f"“{digits}”不是两列整数")
    end = tok.start + len(digits)
    splits = split_jammed(digits)
    if len(splits) == 1:
        return _Reading(row, Decimal(splits[0][0]), end, rule="old.pair_digits",
                        cumulative=Decimal(splits[0][1]))
    if not splits:
        return _Reading(row, None, end, problem=f"“{digits}”不能拆成本年度与累计两列")
    return _Reading(row, None, end, candidates=splits,
                    problem=f"“{digits}”可拆为 " + "、".join(f"{a}/{b}" for a, b in splits))


def _strip_ordinal(digits: str, row: _Row) -> str | None:
    expected = str(int(row.ordinal) + 1) if row.ordinal else "1"
    if digits.endswith(expected) and len(digits) > len(expected):
        return digits[:-len(expected)]
    return None


def _code(row: _Row, group: str | None) -> str | None:
    kind, key = row.kind
    if kind == "row":
        return key
    if group is None:
        return None
    code = f"{group}_{key}"
    return code if metrics.is_known(code) else None


def extract(text: str, *, prose_figures=(), prior=None) -> tuple[list[Figure], list[Warning_]]:
    """Return the figures of every older statistics table in `text`, with warnings for rows
    whose numbers cannot be read with certainty. `prose_figures` are what the report's
    sentences state (evidence for jammed pairs); `prior` is last year's report of the same
    agency (result.PriorYear), whose cumulative figures make a jammed pair's split unique."""
    rows = _find_rows(text)
    warnings: list[Warning_] = []
    found: dict[str, list[tuple[Figure, str | None]]] = {}
    ambiguous: list[tuple[str, _Reading]] = []
    unsure: list[tuple[str, _Reading]] = []
    readings: list[tuple[str, _Reading]] = []
    for cluster in _clusters(rows):
        cluster = _table_rows(text, cluster)
        if not cluster:
            continue
        two = _two_columns(text, cluster)
        group = None
        for row in cluster:
            if row.kind[0] == "row":  # 维持/被依法纠错/其他 rows belong to the group above them
                group = metrics.OLD_TABLE_CASE_GROUPS.get(row.kind[1])
            code = _code(row, group)
            if code is None:
                continue
            reading = _read(row, two)
            readings.append((code, reading))
            if reading.value is None:
                if reading.candidates:
                    ambiguous.append((code, reading))
                elif reading.problem != "no value":
                    warnings.append(_unreadable(code, text, reading))
                continue
            if not two and row.tokens[0].jammed:
                unsure.append((code, reading))
            _add(found, code, text, reading)
    stated = _prose_values(prose_figures)
    open_rows = {r.row.start: (code, r) for code, r in ambiguous}
    for code, reading in ambiguous:
        if reading.value is None and _resolve_with_prior(text, code, reading, found, prior):
            open_rows.pop(reading.row.start, None)
    # totals whose sub-rows decide them (and, where one combination fits, the sub-rows)
    for code, reading in readings:
        if reading.value is None and reading.row.start not in open_rows:
            continue  # unreadable, or already taken
        if reading.value is not None and reading.cumulative is None:
            continue  # a one-column row: no pair to check its sub-rows against
        if _resolve_with_parts(text, code, reading, found, open_rows):
            open_rows.pop(reading.row.start, None)
    for code, reading in list(open_rows.values()):
        if not _resolve_with_prose(text, code, reading, found, stated):
            warnings.append(_unreadable(code, text, reading))
    for code, reading in unsure:
        _distrust_against_prose(text, code, reading, found, stated, warnings)
    figures = _settle(found, warnings)
    return _outcome_total(figures, warnings), warnings


def _add(found, code: str, text: str, reading: _Reading) -> None:
    """Record a reading: this year's figure, and the cumulative column's under
    `<code>_cumulative` where the catalog has that code."""
    fig = _figure(code, text, reading)
    found.setdefault(code, []).append((fig, reading.row.unit))
    cumulative = code + metrics.CUMULATIVE_SUFFIX
    if reading.cumulative is not None and metrics.is_known(cumulative):
        found.setdefault(cumulative, []).append(
            (replace(fig, code=cumulative, value=reading.cumulative), reading.row.unit))


def _prose_values(prose_figures) -> dict[str, set[Decimal]]:
    stated: dict[str, set[Decimal]] = {}
    for fig in prose_figures:
        stated.setdefault(fig.code, set()).add(fig.value)
    return stated


def _figure(code: str, text: str, reading: _Reading) -> Figure:
    start = reading.row.start
    return Figure(code, reading.value, text[start:reading.end], start, reading.end, "table",
                  rule=reading.rule)


def _unreadable(code: str, text: str, reading: _Reading) -> Warning_:
    row_text = text[reading.row.start:reading.end]
    return Warning_("table_unreadable",
                    f"统计表行“{row_text[:60]}”未能读取 {code}：{reading.problem}；未记录该数值", (code,))


# "其中：1、网站公开条41815092.政府公报公开条77": the rows a total is made of, numbered 1, 2, ...
_PARTS_START_RE = re.compile(r"\s*其中\s*[:：]?\s*")
_PART_RE = re.compile(r"[\s|]*(?P<k>\d{1,2})\s*[、.．]\s*[^\d|\n]{1,30}?(?=(?:%s)\s*\d)" % "|".join(
    map(re.escape, metrics.OLD_TABLE_UNITS)))
MAX_COMBINATIONS = 10000


def _part_pairs(text: str, pos: int) -> list[tuple[tuple[int, int], list[tuple[int, int]]]] | None:
    """((start, end) of its label, its (this year, cumulative) readings) for each numbered
    sub-row after `pos`, or None where a sub-row cannot be read."""
    start = _PARTS_START_RE.match(text, pos)
    if not start:
        return None
    parts, pos, k = [], start.end(), 1
    while (m := _PART_RE.match(text, pos)) and int(m.group("k")) == k:
        unit, tokens = _parse_cells(text, m.end())
        row = _Row(("part", ""), m.start(), m.end(), unit, tokens, str(k))
        if not tokens or not all(t.digits.isdigit() for t in tokens):
            return None
        reading = _read(row, True)
        if reading.value is not None:
            parts.append(((m.start(), m.end()), [(int(reading.value), int(reading.cumulative))]))
        elif reading.candidates:
            parts.append(((m.start(), m.end()), reading.candidates))
        else:
            return None
        # a jammed run ends with the next sub-row's ordinal: that row starts inside it
        pos = tokens[-1].end - len(str(k + 1)) if tokens[-1].ordinal_tail else tokens[-1].end
        k += 1
    return parts or None


def _take(text, code, reading: _Reading, split: tuple[int, int], rule: str, found) -> None:
    reading.value, reading.cumulative, reading.rule = Decimal(split[0]), Decimal(split[1]), rule
    _add(found, code, text, reading)


def _resolve_with_prior(text, code, reading, found, prior) -> bool:
    """Exactly one reading whose cumulative figure is last year's cumulative plus this year's."""
    last = prior.cumulative.get(code) if prior is not None else None
    if last is None:
        return False
    fitting = [(a, b) for a, b in reading.candidates if Decimal(b) == last + a]
    if len(fitting) != 1:
        return False
    _take(text, code, reading, fitting[0], "old.pair_prior", found)
    return True


def _resolve_with_parts(text, code, reading, found, open_rows) -> bool:
    """A jammed total is taken where exactly one of its readings equals the sum of its
    sub-rows' readings in both columns (old-2011-pingtan-county: 4251516 = 418/1509 + 7/7);
    where exactly one combination of the sub-rows fits it, their open pairs are taken too.
    `open_rows` maps a row's start to its (code, unresolved reading)."""
    parts = _part_pairs(text, reading.end)
    if not parts:
        return False
    size = 1
    for _span, p in parts:
        size *= len(p)
    if size > MAX_COMBINATIONS:
        return False
    candidates = set(reading.candidates) if reading.value is None else {
        (int(reading.value), int(reading.cumulative))}
    combos = [combo for combo in product(*(p for _span, p in parts))
              if (sum(a for a, _ in combo), sum(b for _, b in combo)) in candidates]
    totals = {(sum(a for a, _ in combo), sum(b for _, b in combo)) for combo in combos}
    if len(totals) != 1:
        return False
    if reading.value is None:
        _take(text, code, reading, totals.pop(), "old.pair_parts", found)
    if len(combos) == 1:
        for ((start, end), _p), split in zip(parts, combos[0]):
            for row_start, (part_code, part) in list(open_rows.items()):
                if start <= row_start < end and part.value is None:
                    _take(text, part_code, part, split, "old.pair_parts", found)
                    del open_rows[row_start]
    return True


def _resolve_with_prose(text, code, reading, found, stated) -> bool:
    """A jammed pair with several readings is taken only where exactly one reading agrees with
    the one figure the report's prose states for the same code, this year's or the cumulative
    one (old-2015-pingtan-zone: 294981916; old-2017-pt-hzs: 7392238 and "主动公开政府信息739条";
    "6262027" and "历年累计主动公开政府信息2027条")."""
    values = stated.get(code, set())
    totals = stated.get(code + metrics.CUMULATIVE_SUFFIX, set())
    agreeing = {(a, b) for a, b in reading.candidates
                if (len(values) == 1 and Decimal(a) in values) or (len(totals) == 1 and Decimal(b) in totals)}
    if len(agreeing) != 1:
        return False
    _take(text, code, reading, agreeing.pop(), "old.pair_prose", found)
    return True


def _distrust_against_prose(text, code, reading, found, stated, warnings) -> None:
    """A one-column table's number run straight into its label may be two columns whose header
    was lost: where the prose states the code as a figure whose digits begin that run
    ("主动公开文件数条740" against "主动公开政府信息74条"), the table reading is unsure and
    the prose figure stands (never an unsure table reading over a prose figure)."""
    values = stated.get(code, set())
    digits = _fmt(reading.value)
    if len(values) != 1 or reading.value in values:
        return
    said = _fmt(next(iter(values)))
    if not (digits.startswith(said) and len(digits) > len(said)):
        return
    kept = [(f, u) for f, u in found.get(code, []) if f.start != reading.row.start]
    if kept:
        found[code] = kept
    else:
        found.pop(code, None)
    row_text = text[reading.row.start:reading.end]
    warnings.append(Warning_(
        "table_unsure",
        f"统计表行“{row_text[:40]}”的数字“{digits}”可能是本年度与累计两列连写，"
        f"文字部分为 {said}；未采用表格数值", (code,)))


def _settle(found, warnings) -> list[Figure]:
    """One figure per code: a table printed twice agrees with itself; if copies disagree,
    nothing is recorded."""
    out = []
    for code, copies in found.items():
        fee = code in ("fees_yuan", "fees_yuan" + metrics.CUMULATIVE_SUFFIX)
        values = {_in_yuan(fig, unit) if fee else fig.value for fig, unit in copies}
        if len(values) > 1:
            warnings.append(Warning_(
                "table_copies_disagree",
                f"统计表中 {code} 出现多次且数值不一（{'、'.join(_fmt(v) for v in values if v is not None)}）；未记录",
                (code,)))
            continue
        fig, unit = copies[0]
        if fee:
            yuan = _in_yuan(fig, unit)
            if yuan is None:
                warnings.append(Warning_(
                    "fee_unit_unknown", f"费用行“{fig.evidence[:40]}”未注明单位（元或万元）；未记录",
                    (code,)))
                continue
            fig = replace(fig, value=yuan)
        out.append(fig)
    return sorted(out, key=lambda f: f.start)


def _in_yuan(fig: Figure, unit: str | None) -> Decimal | None:
    factor = metrics.UNIT_TO_YUAN.get(unit or "")
    return None if factor is None else fig.value * factor


def _outcome_total(figures: list[Figure], warnings) -> list[Figure]:
    by_code = {f.code: f for f in figures}
    closed = by_code.get("requests_closed")
    if closed is None or "outcome_total" in by_code:
        return figures
    parts = [by_code[c].value for c in metrics.OLD_TABLE_OUTCOME_PARTS if c in by_code]
    if parts and sum(parts) == closed.value:
        figures.append(replace(closed, code="outcome_total", rule="old.closed_as_total"))
    return figures
