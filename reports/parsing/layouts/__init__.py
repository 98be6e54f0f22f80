"""Dispatch from a detected layout to the rules that read its figures, and the table/prose merge.

Each layout module exposes `extract(text) -> (list[Figure], list[Warning_])`. Where a report
carries both a table and prose about the same figures, the table wins and every disagreeing
prose figure becomes a warning (issue 2, item 3); prose fills in only codes no table states.
"""
from __future__ import annotations

from reports.parsing.layouts import prose, stat_table, standard
from reports.parsing.result import Figure, Warning_
from reports.parsing.result import fmt_value as _fmt

STANDARD_LAYOUTS = ("standard_2021", "standard_2019")
# 主动公开政府信息数 is an older-table metric (SCHEMA.md); a 2019/2021-template report's prose
# count of "主动公开各类文件信息316条" (std-2020-hebei-kjt) is not that figure.
PROSE_ONLY_BEFORE_STANDARD = frozenset({"proactive_total"})
# Where a 2019/2021 table was read, prose adds only what the template puts in words (fees, in
# section 六) and the review/lawsuit totals tied to disclosure where table 四 gave none
# (std-2019-hebei-jyt: "未发生因信息公开引起的行政复议和行政诉讼"); its other counts may mean
# something else (std-2022-pingtan: "收到…申请75件" is 74 new + 1 carried over), so they only
# check the table.
PROSE_BESIDE_STANDARD_TABLE = frozenset({"fees_yuan", "review_total", "litigation_total"})


def extract(layout: str, text: str, *, prior=None) -> tuple[list[Figure], list[Warning_]]:
    """Figures and warnings of one normalized text; `prior` (result.PriorYear) is last year's
    report of the same agency, when known."""
    # Prose first: its figures are evidence for splitting the old tables' jammed pairs.
    prose_figs, prose_warnings = prose.extract(text)
    if layout in STANDARD_LAYOUTS:
        table_figs, warnings = standard.extract(text)
    elif layout == "mixed":
        # Tables of either era may be present: the standard table first, else an older one.
        table_figs, warnings = standard.extract(text)
        if not table_figs:
            table_figs, warnings = stat_table.extract(text, prose_figures=prose_figs, prior=prior)
    else:
        # stat_table_pre2019 and prose: detection keys on a few labels (收到申请数), but Fujian's
        # tables say 受理依申请公开信息总数; the table rules find nothing in true prose.
        table_figs, warnings = stat_table.extract(text, prose_figures=prose_figs, prior=prior)
    fill = None
    warnings = list(warnings) + list(prose_warnings)
    if layout in STANDARD_LAYOUTS or (layout == "mixed" and _is_standard(table_figs)):
        prose_figs = [f for f in prose_figs if f.code not in PROSE_ONLY_BEFORE_STANDARD]
        if table_figs:
            fill = PROSE_BESIDE_STANDARD_TABLE - _unread(warnings)
            prose_figs = _set_aside(prose_figs, _unread(warnings), warnings)
    return merge(table_figs, prose_figs, warnings, fill=fill)


# Warnings of a table row that is printed but could not be read (layouts/standard.py).
UNREAD_ROW_WARNINGS = frozenset({"split_failed", "row_unreadable", "split_ambiguous"})


def _unread(warnings) -> frozenset[str]:
    """Codes a template table prints in a row that could not be read: the prose does not stand
    in for them, since the table may state otherwise (std-2024-pt-hzs: table 四 '100000000000000'
    has 复议 维持 1 under a 总计 of 0, the prose 复议1起)."""
    return frozenset(code for w in warnings if w.code in UNREAD_ROW_WARNINGS for code in w.figures)


def _set_aside(prose_figs, codes, warnings):
    kept = []
    for fig in prose_figs:
        if fig.code in codes:
            warnings.append(Warning_(
                "prose_not_used",
                f"文字部分称 {fig.code}={_fmt(fig.value)}（“{fig.evidence[:40]}”），但表格中该行无法读取；"
                f"未采用，请核对", (fig.code,)))
        else:
            kept.append(fig)
    return kept


def _is_standard(figs) -> bool:
    return any(f.code in ("requests_carried_over", "carried_forward", "unable") for f in figs)


def merge(table_figs, prose_figs, warnings, *, fill=None):
    """Table figures first; prose only for codes the table does not state (and, if `fill` is
    given, only for those codes); every prose figure that disagrees with the table is warned
    (std-2022-pingtan: the narrative's 75 received against the table's 74 new + 1 carried)."""
    by_code = {f.code: f for f in table_figs}
    out = list(table_figs)
    for fig in prose_figs:
        stated = by_code.get(fig.code)
        if stated is None:
            if fill is not None and fig.code not in fill:
                continue
            by_code[fig.code] = fig
            out.append(fig)
        elif stated.method != "prose" and stated.value != fig.value:
            warnings.append(Warning_(
                "prose_disagrees",
                f"文字部分称 {fig.code}={_fmt(fig.value)}（“{fig.evidence[:40]}”），"
                f"表格为 {_fmt(stated.value)}；采用表格数值",
                (fig.code,),
            ))
    return out, warnings
