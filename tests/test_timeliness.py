"""The rules of /coverage/ (reports/timeliness.py): deadlines of both Regulations, the template in force."""
from datetime import date

import pytest

from reports.timeliness import (
    State, days_late, deadline, is_government, missing_state, template_in_force, wrong_layouts,
)


@pytest.mark.parametrize(("year", "government", "due"), [
    (2008, False, date(2009, 3, 31)),   # 2008 Regulations art. 31: every agency by 3月31日
    (2018, False, date(2019, 3, 31)),   # still the 2008 Regulations: due before the 2019 ones took effect
    (2018, True, date(2019, 3, 31)),
    (2019, False, date(2020, 1, 31)),   # 2019 Regulations art. 49 para 1: departments by 1月31日
    (2019, True, date(2020, 3, 31)),    # art. 49 para 2: the government's own report by 3月31日
    (2024, False, date(2025, 1, 31)),
])
def test_deadline(year, government, due):
    assert deadline(year, government=government) == due


@pytest.mark.parametrize(("issued", "year", "government", "late"), [
    (date(2020, 1, 31), 2019, False, None),   # the last day is on time
    (date(2020, 2, 1), 2019, False, 1),
    (date(2020, 3, 31), 2019, True, None),
    (date(2020, 4, 1), 2019, True, 1),
    (date(2019, 3, 31), 2018, False, None),
    (date(2019, 4, 1), 2018, False, 1),
    (None, 2019, False, None),
])
def test_days_late_on_the_boundary_days(issued, year, government, late):
    assert days_late(issued, year, government=government) == late


@pytest.mark.parametrize(("name", "government"), [
    ("平潭县人民政府", True), ("淮安市人民政府 ", True), ("淮安市人民政府办公室", False), ("河北省教育厅", False),
])
def test_government_is_told_by_its_name(name, government):
    assert is_government(name) is government


@pytest.mark.parametrize(("year", "template", "wrong"), [
    (2008, None, ()),
    (2018, None, ()),   # no national layout before 2019: any layout is fine
    (2019, "standard_2019", ("standard_2021", "stat_table_pre2019", "prose")),
    (2020, "standard_2019", ("standard_2021", "stat_table_pre2019", "prose")),
    (2021, "standard_2021", ("standard_2019", "stat_table_pre2019", "prose")),
    (2024, "standard_2021", ("standard_2019", "stat_table_pre2019", "prose")),
])
def test_template_in_force_and_wrong_layouts(year, template, wrong):
    assert template_in_force(year) == template
    assert wrong_layouts(year) == wrong
    assert "unknown" not in wrong and "mixed" not in wrong  # no evidence either way


@pytest.mark.parametrize(("today", "government", "state"), [
    (date(2024, 1, 31), False, State.NOT_DUE),
    (date(2024, 2, 1), False, State.MISSING),
    (date(2024, 2, 1), True, State.NOT_DUE),
    (date(2024, 3, 31), True, State.NOT_DUE),
    (date(2024, 4, 1), True, State.MISSING),
])
def test_an_expected_report_is_missing_only_once_due(today, government, state):
    assert missing_state(2023, government=government, today=today) == state


@pytest.mark.django_db
def test_staff_word_on_government_overrides_the_name():
    from agencies.models import ReportingExpectation
    from reports.timeliness import agency_is_government, report_deadline
    from tests.factories import AgencyFactory, ReportFactory

    zone = AgencyFactory(name="平潭综合实验区")
    report = ReportFactory(agency=zone, year=2021)
    assert not agency_is_government(zone) and report_deadline(report) == date(2022, 1, 31)
    ReportingExpectation.objects.create(agency=zone, government=True)
    report.refresh_from_db()
    assert agency_is_government(report.agency) and report_deadline(report) == date(2022, 3, 31)
    assert agency_is_government(None) is False
