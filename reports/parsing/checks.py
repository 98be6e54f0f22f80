"""Consistency checks over extracted figures; a failed check is a warning naming the figures.

Values are never changed here: a report whose totals do not add up keeps what it states
(SCHEMA.md), and staff see the warning. Each rule is a small function over {code: value}
returning the warnings it raises; `RULES` lists them in the order they run.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from reports.parsing import metrics
from reports.parsing.metrics import (
    APPLICANT_BASES, APPLICANT_COLUMNS, REVIEW_LITIGATION_COLUMNS, SUB_ROWS, label,
)
from reports.parsing.result import Warning_
from reports.parsing.result import fmt_value as _fmt

FIRST_YEAR = 2007  # the national regulations took effect on 2008-05-01; 2007 reports exist
# Outcome rows (一)..(六) of the 2019/2021 table 三, which add up to (七)总计.
STANDARD_OUTCOMES = ("granted", "partial", "denied", "unable", "not_processed", "other_handled")
# The answer rows of the older statistics tables, which add up to 申请答复数 (outcome_total).
OLD_OUTCOMES = getattr(metrics, "OLD_TABLE_OUTCOME_PARTS", (
    "already_public", "granted", "partial", "denied", "not_this_agency", "not_held",
    "notified_to_amend", "notified_other_channel", "other_handled",
))
# The eight rows every older table prints; only with all of them is a shortfall an error.
OLD_OUTCOMES_FULL = ("already_public", "granted", "partial", "denied", "not_this_agency",
                     "not_held", "notified_to_amend", "notified_other_channel")
# Codes only the 2019/2021 template has: their presence means the standard era.
STANDARD_ONLY = ("unable", "not_processed", "unable_needs_creation", "unable_unclear")
# Section 四 groups of REVIEW_LITIGATION_COLUMNS (five columns each): 维持 + 纠正 + 其他 +
# 尚未审结 = 总计, for 行政复议, 未经复议直接起诉 and 复议后起诉.
CASE_GROUPS = tuple(
    (rule, REVIEW_LITIGATION_COLUMNS[i:i + 4], REVIEW_LITIGATION_COLUMNS[i + 4])
    for rule, i in (("review_sum", 0), ("litigation_sum", 5), ("litigation_sum", 10))
)


def run_checks(figures, *, year, multi_year=False) -> list[Warning_]:
    """Return one warning per failed rule over `figures` (Figure objects) and the report year."""
    values = {f.code: f.value for f in figures}
    out: list[Warning_] = []
    for rule in RULES:
        out += rule(values, year=year, multi_year=multi_year)
    return out


def _terms(values, codes) -> str:
    return " + ".join(f"{label(c)} {_fmt(values[c])}" for c in codes)


def _sum(values, codes):
    return sum((values[c] for c in codes), Decimal(0))


def _parts_vs_total(rule, values, parts, total, full=None) -> list[Warning_]:
    """Parts that are all stated must add up to the total; stated parts may never exceed it.
    `full` names the parts that must all be present for a shortfall to count (default: all)."""
    if total not in values:
        return []
    present = [c for c in parts if c in values]
    if not present:
        return []
    got = _sum(values, present)
    complete = all(c in values for c in (full or parts))
    if got == values[total] or (got < values[total] and not complete):
        return []
    relation = "不等于" if complete else "超过"
    return [Warning_(
        rule,
        f"{_terms(values, present)} = {_fmt(got)}，{relation}{label(total)} {_fmt(values[total])}",
        tuple(present) + (total,))]


def check_identity(values, *, year, multi_year) -> list[Warning_]:
    """本年新收 + 上年结转 = 办理结果总计 + 结转下年度继续办理 (printed in the template itself).
    Not applied to multi-year summaries, whose carried-over figures do not chain."""
    codes = ("requests_received", "requests_carried_over", "outcome_total", "carried_forward")
    if multi_year or not all(c in values for c in codes):
        return []
    left = values["requests_received"] + values["requests_carried_over"]
    right = values["outcome_total"] + values["carried_forward"]
    if left == right:
        return []
    return [Warning_(
        "identity",
        f"{_terms(values, codes[:2])} = {_fmt(left)}，不等于 {_terms(values, codes[2:])} = {_fmt(right)}",
        codes)]


def check_outcomes(values, *, year, multi_year) -> list[Warning_]:
    """Outcome rows against their total: (一)..(六) = (七)总计, or for the older tables the
    answer rows = 申请答复数."""
    if any(c in values for c in STANDARD_ONLY):
        return _parts_vs_total("outcome_sum", values, STANDARD_OUTCOMES, "outcome_total")
    return _parts_vs_total("outcome_sum", values, OLD_OUTCOMES, "outcome_total",
                           full=OLD_OUTCOMES_FULL)


def check_subrows(values, *, year, multi_year) -> list[Warning_]:
    """不予公开 = its 8 reasons, 无法提供 = its 3, 不予处理 = its 5, 其他处理 = its 3."""
    out = []
    for group, rows in SUB_ROWS.items():
        out += _parts_vs_total("subrow_sum", values, tuple(c for c, _zh, _en in rows), group)
    return out


def check_applicants(values, *, year, multi_year) -> list[Warning_]:
    """自然人 + the five organisation columns = 总计, row by row."""
    out = []
    for base in APPLICANT_BASES:
        cols = tuple(f"{base}_{suffix}" for suffix, _zh, _en in APPLICANT_COLUMNS)
        out += _parts_vs_total("applicant_sum", values, cols, base)
    return out


def check_cases(values, *, year, multi_year) -> list[Warning_]:
    """Review and litigation columns against their 总计; 行政诉讼 total and corrections are the
    two lawsuit columns added; a count of corrections never exceeds its total."""
    out = []
    for rule, parts, total in CASE_GROUPS:
        if not any(c in values for c in parts[3:]):
            # the older tables have no 尚未审结 column: 维持 + 纠错 + 其他 must add up
            out += _parts_vs_total(rule, values, parts[:3], total)
        else:
            out += _parts_vs_total(rule, values, parts, total)
    direct, after = CASE_GROUPS[1], CASE_GROUPS[2]
    out += _parts_vs_total("litigation_sum", values, (direct[2], after[2]), "litigation_total")
    out += _parts_vs_total("litigation_sum", values, (direct[1][1], after[1][1]),
                           "litigation_corrected")
    for rule, part, total in (("review_sum", "review_corrected", "review_total"),
                              ("litigation_sum", "litigation_corrected", "litigation_total")):
        if any(total in w.figures for w in out):
            continue  # the group's own sum warning already names it
        if part in values and total in values and values[part] > values[total]:
            out.append(Warning_(
                rule,
                f"{label(part)} {_fmt(values[part])} 超过{label(total)} {_fmt(values[total])}",
                (part, total)))
    return out


def check_year(values, *, year, multi_year) -> list[Warning_]:
    """The year reported on lies in 2007..next year."""
    last = date.today().year + 1
    if year is None or FIRST_YEAR <= year <= last:
        return []
    return [Warning_("year_range", f"报告年度 {year} 不在 {FIRST_YEAR}–{last} 之间，请核对", ())]


RULES = (check_identity, check_outcomes, check_subrows, check_applicants, check_cases, check_year)
# The warning codes these rules raise; ingest turns each such warning into a reviewer Finding.
RULE_CODES = ("identity", "outcome_sum", "subrow_sum", "applicant_sum", "review_sum",
              "litigation_sum", "year_range")
