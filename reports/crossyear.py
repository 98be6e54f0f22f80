"""Checks of one report against the same agency's neighbouring years (issue 8), and the
last-year context that makes a jammed old-table pair unique at ingest.

The comparisons are pure functions over plain {code: Decimal} dicts; `neighbours()` loads the
previous and next year's figures of the agency in one query, and `findings()` turns failed
checks into Finding rows on the report checked, each naming both reports (ids in the message
and in `related_report`).

- 上年结转 this year = 结转下年度继续办理 last year (2019/2021 templates);
- an old table's 历年累计 column grows by this year's figure: cumulative this year = cumulative
  last year + this year's figure;
- a figure more than JUMP times its previous year's value (or less than 1/JUMP of it) is
  flagged for a look: typing slips and wrong units look like that.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from reports.parsing import PriorYear
from reports.parsing.metrics import CORE_CODES, CUMULATIVE_SUFFIX, label
from reports.parsing.result import fmt_value

JUMP = 10
# Below this neither value is large enough for a tenfold change to mean anything (1 -> 12).
JUMP_FLOOR = Decimal(20)
RULES = ("crossyear_carried", "crossyear_cumulative", "crossyear_jump")


@dataclass(frozen=True)
class Neighbour:
    """A neighbouring year's current report of the same agency: its id, year and figures."""

    report_id: int
    year: int
    values: dict


@dataclass(frozen=True)
class Issue:
    """A failed cross-year check between `earlier` and `later` (Neighbour-like)."""

    rule: str
    message: str
    codes: tuple[str, ...]
    earlier: Neighbour
    later: Neighbour


def _ref(n: Neighbour) -> str:
    return _("%(year)d 年度报告 #%(id)d") % {"year": n.year, "id": n.report_id}


def check_carried(earlier: Neighbour, later: Neighbour) -> list[Issue]:
    """上年结转 of the later year must equal 结转下年度继续办理 of the earlier one."""
    carried_over = later.values.get("requests_carried_over")
    carried_forward = earlier.values.get("carried_forward")
    if carried_over is None or carried_forward is None or carried_over == carried_forward:
        return []
    return [Issue("crossyear_carried", _(
        "%(later)s 的上年结转申请数 %(over)s 不等于 %(earlier)s 的结转下年度继续办理数 %(forward)s")
        % {"later": _ref(later), "over": fmt_value(carried_over), "earlier": _ref(earlier),
           "forward": fmt_value(carried_forward)},
        ("requests_carried_over", "carried_forward"), earlier, later)]


def check_cumulative(earlier: Neighbour, later: Neighbour) -> list[Issue]:
    """Each 历年累计 figure of the later year = the earlier year's + the later year's figure."""
    out = []
    for code, value in later.values.items():
        if not code.endswith(CUMULATIVE_SUFFIX):
            continue
        base = code[:-len(CUMULATIVE_SUFFIX)]
        before, this_year = earlier.values.get(code), later.values.get(base)
        if before is None or this_year is None or value == before + this_year:
            continue
        out.append(Issue("crossyear_cumulative", _(
            "%(label)s：%(later)s 的历年累计 %(value)s 不等于 %(earlier)s 的历年累计 %(before)s "
            "加本年度 %(this)s（应为 %(expected)s）")
            % {"label": label(base), "later": _ref(later), "value": fmt_value(value),
               "earlier": _ref(earlier), "before": fmt_value(before), "this": fmt_value(this_year),
               "expected": fmt_value(before + this_year)},
            (base, code), earlier, later))
    return out


def check_jumps(earlier: Neighbour, later: Neighbour) -> list[Issue]:
    """Core figures that grew or shrank more than JUMP times from one year to the next."""
    out = []
    for code in CORE_CODES:
        a, b = earlier.values.get(code), later.values.get(code)
        if a is None or b is None or max(a, b) < JUMP_FLOOR or min(a, b) <= 0:
            continue
        if b > a * JUMP or a > b * JUMP:
            out.append(Issue("crossyear_jump", _(
                "%(label)s 从 %(earlier)s 的 %(a)s 变为 %(later)s 的 %(b)s，相差超过 %(jump)d 倍，请核对")
                % {"label": label(code), "earlier": _ref(earlier), "a": fmt_value(a),
                   "later": _ref(later), "b": fmt_value(b), "jump": JUMP},
                (code,), earlier, later))
    return out


CHECKS = (check_carried, check_cumulative, check_jumps)


def compare(earlier: Neighbour, later: Neighbour) -> list[Issue]:
    """Every failed check between two consecutive years of one agency."""
    if later.year != earlier.year + 1:
        return []
    return [issue for check in CHECKS for issue in check(earlier, later)]


# ---------------------------------------------------------------- database side

def neighbours(report) -> tuple[Neighbour | None, Neighbour | None]:
    """(last year's, next year's) current report of the report's agency, with their
    non-removed figures; one query."""
    return neighbours_of([report]).get(report.pk, (None, None))


def neighbours_of(reports) -> dict:
    """{report id: (last year's, next year's) neighbour} for several reports at once (a chunk of
    an import); two queries whatever their number."""
    from reports.models import Figure, Report

    reports = [r for r in reports if r.agency_id is not None and r.year]
    if not reports:
        return {}
    wanted = {(r.agency_id, r.year + step) for r in reports for step in (-1, 1)}
    # Two steps, each on an index whatever the planner knows: the current reports by agency and
    # year, then their figures by report. (One join let a planner without fresh statistics, as
    # during a bulk load, scan every figure: 50 ms per chunk at 10,000 reports.)
    where = {pk: (agency_id, year) for pk, agency_id, year in Report.objects.filter(
        agency_id__in={a for a, _ in wanted}, is_current=True, year__in={y for _, y in wanted},
    ).order_by().values_list("pk", "agency_id", "year") if (agency_id, year) in wanted}
    by_report: dict[int, dict] = defaultdict(dict)
    if where:
        for report_id, code, value in Figure.objects.filter(report_id__in=list(where), removed=False) \
                .order_by().values_list("report_id", "code", "value"):
            by_report[report_id][code] = value
    found = {where[rid]: Neighbour(rid, where[rid][1], values) for rid, values in by_report.items()}
    out = {}
    for r in reports:
        last, following = found.get((r.agency_id, r.year - 1)), found.get((r.agency_id, r.year + 1))
        out[r.pk] = tuple(n if n is not None and n.report_id != r.pk else None for n in (last, following))
    return out


def this_report(report, figures) -> Neighbour:
    """The report being checked, with its figures as parsed ({code: value} or Figure objects)."""
    values = figures if isinstance(figures, dict) else {
        f.code: Decimal(f.value) for f in figures if not getattr(f, "removed", False)}
    return Neighbour(report.pk, report.year, values)


def findings(report, figures, *, around=None) -> list:
    """Unsaved Finding rows for every failed check of `report` (with `figures`) against the
    agency's previous and next year, each on this report and naming the other. `around` is the
    report's neighbours_of() entry when the caller has loaded them for many reports at once."""
    from reports.models import Finding

    if report.agency_id is None or not report.year:
        return []
    current = this_report(report, figures)
    last, following = around if around is not None else neighbours(report)
    issues = (compare(last, current) if last else []) + (compare(current, following) if following else [])
    out = []
    for issue in issues:
        other = issue.earlier if issue.later is current else issue.later
        out.append(Finding(report=report, rule=issue.rule, message=issue.message,
                           codes=list(issue.codes), related_report_id=other.report_id))
    return out


def prior_context(agency_id, year) -> PriorYear | None:
    """Last year's cumulative figures of the agency, as parse_report's `prior`; one query."""
    from reports.models import Figure

    if agency_id is None or not year:
        return None
    values = dict(Figure.objects
                  .filter(report__agency_id=agency_id, report__year=year - 1,
                          report__is_current=True, removed=False,
                          code__endswith=CUMULATIVE_SUFFIX)
                  .values_list("code", "value"))
    return PriorYear.from_figures(year - 1, values) if values else None


def parse_with_prior(result, data: bytes, *, filename: str, divisions, agency_id=None,
                     agency_name=None, year=None):
    """`result` again, parsed with last year's cumulative figures as context, where it left a
    jammed this-year/cumulative pair open and last year's report of its agency is stored;
    else `result` unchanged. The agency is `agency_id` (a stored report's) or found by name
    (the uploader's, else the parsed one). Two queries at most, and only for such reports."""
    from agencies.resolve import find_agency
    from reports.parsing import parse_report

    if not any(w.code == "table_unreadable" for w in result.warnings):
        return result
    if agency_id is None:
        name = agency_name or result.metadata.agency
        agency = find_agency(name) if name else None
        agency_id = agency.pk if agency else None
    prior = prior_context(agency_id, year or result.metadata.year)
    if prior is None:
        return result
    return parse_report(data, filename=filename, divisions=divisions, prior=prior)
