"""Dispatch from a detected layout to the rules that read its figures.

Each layout module exposes `extract(text) -> (list[Figure], list[Warning_])`. Where a report
carries both a table and prose about the same figures, the table wins and every disagreeing
prose figure becomes a warning (issue 2, item 3); prose fills in only codes no table states.
"""
from __future__ import annotations

from reports.parsing.layouts import prose, stat_table, standard
from reports.parsing.result import Figure, Warning_

TABLE_RULES = {
    "standard_2021": standard.extract,
    "standard_2019": standard.extract,
    "stat_table_pre2019": stat_table.extract,
    "mixed": None,  # tables of either era may be present: try both, below
}


def extract(layout: str, text: str) -> tuple[list[Figure], list[Warning_]]:
    if layout == "mixed":
        table_figs, warnings = standard.extract(text)
        if not table_figs:
            table_figs, warnings = stat_table.extract(text)
    elif layout in TABLE_RULES:
        table_figs, warnings = TABLE_RULES[layout](text)
    else:
        table_figs, warnings = [], []
    prose_figs, prose_warnings = prose.extract(text)
    return merge(table_figs, prose_figs, list(warnings) + list(prose_warnings))


def merge(table_figs, prose_figs, warnings):
    """Table figures first; prose only for codes the table does not state; disagreements warned."""
    by_code = {f.code: f for f in table_figs}
    out = list(table_figs)
    for fig in prose_figs:
        stated = by_code.get(fig.code)
        if stated is None:
            by_code[fig.code] = fig
            out.append(fig)
        elif stated.value != fig.value:
            warnings.append(Warning_(
                "prose_disagrees",
                f"文字部分称 {fig.code}={_fmt(fig.value)}（“{fig.evidence[:40]}”），"
                f"表格为 {_fmt(stated.value)}；采用表格数值",
                (fig.code,),
            ))
    return out, warnings


def _fmt(value):
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
