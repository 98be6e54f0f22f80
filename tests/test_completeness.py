"""States of agency-years and counts per region, computed in the database (reports/completeness.py)."""
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from agencies.models import Region, ReportingExpectation
from reports.completeness import Completeness, Selection
from reports.models import Report, Status
from tests.factories import AgencyFactory, ReportFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 1)


@pytest.fixture
def fujian():
    return Region.objects.get(code="350000")


def region(code):
    return Region.objects.get(code=code)


def agency(name, code="350128"):
    return AgencyFactory(name=name, region=region(code))


def report(who, year, *, issued=None, layout=None, status=Status.PUBLISHED, **fields):
    layout = layout or ("standard_2021" if year >= 2021 else "standard_2019" if year >= 2019 else "prose")
    return ReportFactory(agency=who, year=year, issued_on=issued, layout=layout, status=status, **fields)


def visible(user=None):
    user = user or AnonymousUser()
    return Report.objects.visible_to(user, include_unreviewed=user.is_authenticated and user.is_staff)


def counts(code, level, years=(2021,)):
    """Completeness.region_counts() of the region with that code (None: the whole country)."""
    where = Region.objects.get(code=code) if code else None
    return Completeness(visible(), Selection(region=where, level=level, years=years, today=TODAY)).region_counts()


def states(years, *, region_=None, level=None, user=None, today=TODAY, state=None, own=False):
    """{(agency name, year): state slug, with "+wrong" when the template was wrong} for every
    cell with a state."""
    selection = Selection(region=region_, level=level, years=tuple(years), state=state, today=today, own=own)
    matrix = Completeness(visible(user), selection)
    out = {}
    rows, total = matrix.fetch(limit=1000)
    for row in rows:
        for year, cell in row["cells"].items():
            if cell["state"] is not None:
                out[row["name"], year] = cell["state"].slug + ("+wrong" if cell["wrong"] else "")
    assert matrix.count() == (total or 0) == len({name for name, _y in out})
    return out


@pytest.mark.parametrize(("name", "year", "issued", "expected"), [
    ("平潭县教育局", 2019, date(2020, 1, 31), "on_time"),      # 2019 Regulations art. 49: by 1月31日
    ("平潭县教育局", 2019, date(2020, 2, 1), "late"),
    ("平潭县人民政府", 2019, date(2020, 3, 31), "on_time"),     # the government's own report: 3月31日
    ("平潭县人民政府", 2019, date(2020, 4, 1), "late"),
    ("平潭县教育局", 2018, date(2019, 3, 31), "on_time"),      # 2008 Regulations art. 31: by 3月31日
    ("平潭县教育局", 2018, date(2019, 4, 1), "late"),
    ("平潭县人民政府", 2018, date(2019, 4, 1), "late"),
    ("平潭县教育局", 2022, None, "date_unknown"),              # never guessed
])
def test_timeliness_on_the_boundary_days(name, year, issued, expected):
    report(agency(name), year, issued=issued)
    assert states([year]) == {(name, year): expected}


@pytest.mark.parametrize(("year", "layout", "wrong"), [
    (2019, "standard_2019", False),
    (2020, "standard_2021", True),
    (2020, "stat_table_pre2019", True),
    (2021, "standard_2019", True),
    (2022, "prose", True),
    (2022, "unknown", False),          # no evidence of either template
    (2022, "mixed", False),
    (2018, "prose", False),             # old layouts are fine before 2019
    (2018, "stat_table_pre2019", False),
])
def test_template_rule(year, layout, wrong):
    report(agency("平潭县教育局"), year, issued=date(year + 1, 1, 10), layout=layout)
    assert states([year]) == {("平潭县教育局", year): "on_time" + ("+wrong" if wrong else "")}


def test_expected_for_two_years_after_a_report_then_not():
    report(agency("平潭县教育局"), 2019, issued=date(2020, 1, 10))
    assert states(range(2019, 2023)) == {
        ("平潭县教育局", 2019): "on_time", ("平潭县教育局", 2020): "missing", ("平潭县教育局", 2021): "missing"}


def test_a_report_before_the_range_makes_the_first_years_expected():
    report(agency("平潭县教育局"), 2018, issued=date(2019, 1, 10))
    assert states([2020, 2021]) == {("平潭县教育局", 2020): "missing"}


def test_unpublished_reports_wait_for_staff_and_are_missing_for_everyone_else():
    who = agency("平潭县教育局")
    report(who, 2020, issued=date(2021, 1, 5))
    report(who, 2021, status=Status.NEEDS_REVIEW)
    report(who, 2022, status=Status.WITHDRAWN)
    staff = UserFactory(is_staff=True)
    assert states([2021, 2022], user=staff) == {("平潭县教育局", 2021): "waiting", ("平潭县教育局", 2022): "missing"}
    assert states([2023], user=staff) == {("平潭县教育局", 2023): "missing"}
    assert states([2021, 2022]) == {("平潭县教育局", 2021): "missing", ("平潭县教育局", 2022): "missing"}
    assert states([2023]) == {}  # 2020 is too long ago; 2021 is only expected by staff who saw it


def test_replaced_versions_do_not_count():
    who = agency("平潭县教育局")
    new = report(who, 2021, issued=date(2022, 1, 5))
    report(who, 2021, issued=date(2022, 3, 5), is_current=False, replaced_by=new)
    assert states([2021]) == {("平潭县教育局", 2021): "on_time"}


def test_staff_listed_agencies_are_expected_from_their_first_year():
    who = agency("平潭县档案馆")
    ReportingExpectation.objects.create(agency=who, first_year=2021)
    assert states(range(2019, 2023)) == {("平潭县档案馆", 2021): "missing", ("平潭县档案馆", 2022): "missing"}


def test_no_longer_expected_after_the_last_year_whatever_it_reported():
    who = agency("平潭县国土资源局")
    report(who, 2018, issued=date(2019, 1, 10))
    report(who, 2019, issued=date(2020, 1, 10))
    ReportingExpectation.objects.create(agency=who, last_year=2019, end_reason="merged")
    assert states(range(2019, 2022)) == {("平潭县国土资源局", 2019): "on_time"}


def test_a_report_after_the_last_year_still_shows():
    who = agency("平潭县国土资源局")
    ReportingExpectation.objects.create(agency=who, last_year=2019, end_reason="abolished")
    report(who, 2021, issued=date(2022, 1, 10))
    assert states([2020, 2021]) == {("平潭县国土资源局", 2021): "on_time"}


@pytest.mark.parametrize(("today", "department", "government"), [
    (date(2025, 1, 31), "not_due", "not_due"),
    (date(2025, 2, 1), "missing", "not_due"),
    (date(2025, 3, 31), "missing", "not_due"),
    (date(2025, 4, 1), "missing", "missing"),
])
def test_expected_reports_are_not_due_until_their_deadline(today, department, government):
    report(agency("平潭县教育局"), 2023, issued=date(2024, 1, 10))
    report(agency("平潭县人民政府"), 2023, issued=date(2024, 3, 10))
    found = states([2024], today=today)
    assert found == {("平潭县教育局", 2024): department, ("平潭县人民政府", 2024): government}


def test_the_matrix_can_keep_only_agencies_in_one_state():
    report(agency("平潭县教育局"), 2021, issued=date(2022, 2, 10))
    report(agency("平潭县民政局"), 2021, issued=date(2022, 1, 10), layout="standard_2019")
    report(agency("平潭县财政局"), 2020, issued=date(2021, 1, 10))
    assert set(states([2021], state="late")) == {("平潭县教育局", 2021)}
    assert set(states([2021], state="wrong_template")) == {("平潭县民政局", 2021)}
    assert set(states([2021], state="missing")) == {("平潭县财政局", 2021)}


def test_counts_per_prefecture_with_the_province_own_agencies_and_direct_counties(fujian):
    report(agency("福建省教育厅", "350000"), 2021, issued=date(2022, 1, 10))
    report(agency("福州市教育局", "350100"), 2021, issued=date(2022, 2, 10))
    report(agency("平潭县教育局", "350128"), 2021, issued=None)
    report(agency("平潭县民政局", "350128"), 2020, issued=date(2021, 1, 10))
    report(agency("厦门市教育局", "350200"), 2021, issued=date(2022, 1, 10), layout="standard_2019")
    report(agency("浙江省教育厅", "330000"), 2021, issued=date(2022, 1, 10))  # another province
    beijing = agency("北京市海淀区教育委员会", "110108")  # a district directly under its province
    report(beijing, 2021, issued=date(2022, 1, 10))
    found = counts("350000", "prefecture")
    fuzhou, xiamen = region("350100").pk, region("350200").pk
    assert set(found) == {None, fuzhou, xiamen}
    assert found[fuzhou][2021] == {"agencies": 3, "on_time": 0, "late": 1, "date_unknown": 1, "waiting": 0,
                                    "missing": 1, "not_due": 0, "wrong_template": 0}
    assert found[xiamen][2021]["on_time"] == 1 and found[xiamen][2021]["wrong_template"] == 1
    assert found[None][2021]["agencies"] == 1 and found[None][2021]["on_time"] == 1
    assert counts("110000", "prefecture")[region("110108").pk][2021]["on_time"] == 1
    country = counts(None, "province")
    assert country[fujian.pk][2021]["agencies"] == 5 and country[region("330000").pk][2021]["agencies"] == 1


def test_counts_by_county_inside_a_prefecture():
    report(agency("福州市教育局", "350100"), 2021, issued=date(2022, 1, 10))
    report(agency("平潭县教育局", "350128"), 2021, issued=date(2022, 1, 10))
    found = counts("350100", "county")
    assert found[region("350128").pk][2021]["on_time"] == 1 and found[None][2021]["on_time"] == 1


def test_agencies_without_region_count_at_country_level_only():
    report(AgencyFactory(name="国务院测试办公室", region=None), 2021, issued=date(2022, 1, 10))
    assert counts(None, "province")[None][2021]["on_time"] == 1
    assert counts("350000", "prefecture") == {}


def test_matrix_rows_carry_links_dates_and_order_by_region_code():
    early = report(agency("平潭县教育局"), 2021, issued=date(2022, 2, 3))
    report(agency("福建省教育厅", "350000"), 2021, issued=date(2022, 1, 3))
    matrix = Completeness(visible(), Selection(region=region("350000"), level="prefecture", years=(2021,),
                                               today=TODAY))
    rows, total = matrix.fetch(limit=10)
    assert [r["name"] for r in rows] == ["福建省教育厅", "平潭县教育局"] and total == 2
    cell = rows[1]["cells"][2021]
    assert (cell["report_id"], cell["issued_on"], cell["layout"]) == (early.pk, date(2022, 2, 3), "standard_2021")
    assert rows[1]["region_path"] == "福建省福州市平潭县"
    assert [r["name"] for r in matrix.fetch(offset=1, limit=5)[0]] == ["平潭县教育局"]
    assert matrix.fetch(offset=2, limit=5) == ([], None)


def test_own_keeps_the_agencies_of_the_region_itself():
    report(agency("福建省教育厅", "350000"), 2021, issued=date(2022, 1, 10))
    report(agency("平潭县教育局", "350128"), 2021, issued=date(2022, 1, 10))
    report(AgencyFactory(name="国务院测试办公室", region=None), 2021, issued=date(2022, 1, 10))
    assert set(states([2021], region_=region("350000"), own=True)) == {("福建省教育厅", 2021)}
    assert set(states([2021], own=True)) == {("国务院测试办公室", 2021)}


def test_staff_can_state_that_an_agency_reports_as_a_government_or_not():
    zone = agency("平潭综合实验区")  # the zone's own report, though not named 人民政府
    report(zone, 2021, issued=date(2022, 2, 8))
    county = agency("平潭县人民政府")
    report(county, 2021, issued=date(2022, 2, 8))
    assert states([2021]) == {("平潭综合实验区", 2021): "late", ("平潭县人民政府", 2021): "on_time"}
    ReportingExpectation.objects.create(agency=zone, government=True)
    ReportingExpectation.objects.create(agency=county, government=False)
    assert states([2021]) == {("平潭综合实验区", 2021): "on_time", ("平潭县人民政府", 2021): "late"}
