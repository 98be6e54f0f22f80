"""The rules /coverage/ applies to one agency-year: when the report is due, which template was in force, the states."""
from __future__ import annotations

from datetime import date
from enum import IntEnum
from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from reports.models import Layout

# 《政府信息公开条例》(2019 修订) took effect on 2019-05-15: reports on 2019 onwards are due under
# its article 49, reports on 2008–2018 under article 31 of the 2008 Regulations.
REGULATIONS_2019_FIRST_YEAR = 2019
FIRST_YEAR = 2008  # the 2008 Regulations took effect on 2008-05-01; the first reports are on 2008
# An agency that reported for either of the two years before is expected to report again.
LOOKBACK_YEARS = 2
# Art. 49 para 2: a people's government's own report (published by its disclosure office) is due
# on 3月31日; para 1: its departments' reports on 1月31日. The name tells one from the other.
GOVERNMENT_SUFFIXES = ("人民政府",)


def deadline(year: int, *, government: bool = False) -> date:
    """Return the last day on which the report on `year` is published on time.

    2008 Regulations art. 31: every agency by 3月31日 of the following year. 2019 Regulations
    art. 49: departments of governments at county level and above by 1月31日, the governments'
    own reports by 3月31日. The day itself is on time ("每年1月31日前" includes it).
    """
    if year >= REGULATIONS_2019_FIRST_YEAR and not government:
        return date(year + 1, 1, 31)
    return date(year + 1, 3, 31)


def is_government(name: str) -> bool:
    """True for a people's government itself (平潭县人民政府), not one of its departments."""
    return (name or "").strip().endswith(GOVERNMENT_SUFFIXES)


def template_in_force(year: int) -> str | None:
    """The national template a report on `year` must use: 国办公开办函〔2019〕60号 for 2019 and
    2020, 〔2021〕30号 from 2021; None before 2019 (no national layout: any layout is fine)."""
    if year >= 2021:
        return Layout.STANDARD_2021
    if year >= REGULATIONS_2019_FIRST_YEAR:
        return Layout.STANDARD_2019
    return None


def wrong_layouts(year: int) -> tuple[str, ...]:
    """Detected layouts that show a report on `year` used another template than the one in force.

    `unknown` and `mixed` (both table families in one text) are evidence of neither, so they are
    never counted as wrong: a wrong flag is worse than a missing one.
    """
    required = template_in_force(year)
    if required is None:
        return ()
    recognised = (Layout.STANDARD_2021, Layout.STANDARD_2019, Layout.STAT_TABLE, Layout.PROSE)
    return tuple(str(layout) for layout in recognised if layout != required)


class State(IntEnum):
    """What /coverage/ shows for one agency and year. The numbers are stored in SQL CASEs."""

    ON_TIME = 1
    LATE = 2
    DATE_UNKNOWN = 3
    WAITING = 4
    MISSING = 5
    NOT_DUE = 6

    @property
    def slug(self) -> str:
        return _SLUGS[self]

    @property
    def label(self) -> str:
        return _label(self, get_language())

    @classmethod
    def from_slug(cls, slug: str) -> "State":
        return cls[slug.upper()]


# Looked up, not computed: a coverage page reads thousands of slugs.
_SLUGS = {state: state.name.lower() for state in State}

STATE_LABELS = {
    State.ON_TIME: _("按时发布"),
    State.LATE: _("逾期发布"),
    State.DATE_UNKNOWN: _("日期不明"),
    State.WAITING: _("待审核"),
    State.MISSING: _("未发布"),
    State.NOT_DUE: _("未到期"),
}
STATE_HELP = {
    State.ON_TIME: _("报告日期不晚于期限"),
    State.LATE: _("报告日期晚于期限"),
    State.DATE_UNKNOWN: _("已发布，但报告日期未知，不推断是否按时"),
    State.WAITING: _("已上传，尚未审核发布（仅工作人员可见）"),
    State.MISSING: _("应报而没有报告"),
    State.NOT_DUE: _("应报，期限未到，尚无报告"),
}
@lru_cache(maxsize=64)
def _label(state: State, language: str | None) -> str:
    # Resolved once per language: a coverage page shows hundreds of states.
    return str(STATE_LABELS[state])


# A flag beside the state of a report, not a state of its own: a late report can also use the
# wrong template.
WRONG_TEMPLATE = "wrong_template"
WRONG_TEMPLATE_LABEL = _("模板不符")
WRONG_TEMPLATE_HELP = _("2019 年起未使用当年施行的年报模板（版式未识别的不计）")
# Published reports: every state a report can have once published.
PUBLISHED_STATES = (State.ON_TIME, State.LATE, State.DATE_UNKNOWN)


def agency_is_government(agency) -> bool:
    """Staff's word (ReportingExpectation.government) where given, else the agency's name."""
    if agency is None:
        return False
    # A missing expectation raises RelatedObjectDoesNotExist, an AttributeError.
    stated = getattr(getattr(agency, "expectation", None), "government", None)
    return is_government(agency.name) if stated is None else stated


def report_deadline(report) -> date | None:
    """The deadline of a Report (None without a year)."""
    if not report.year:
        return None
    return deadline(report.year, government=agency_is_government(report.agency if report.agency_id else None))


def missing_state(year: int, *, government: bool, today: date) -> State:
    """The state of an expected agency-year without a report: not due until its deadline passed."""
    return State.NOT_DUE if today <= deadline(year, government=government) else State.MISSING


def days_late(issued_on: date | None, year: int, *, government: bool) -> int | None:
    """Days after the deadline the report is dated (None when on time or undated)."""
    if issued_on is None:
        return None
    late = (issued_on - deadline(year, government=government)).days
    return late if late > 0 else None
