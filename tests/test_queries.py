"""Chart aggregations (reports/queries.py) on synthetic reports, checked against hand-computed sums."""
from decimal import Decimal

import pytest

from agencies.models import Region
from reports.models import Report, Status
from reports.queries import chart_rows, continuing_agencies, coverage, latest_year, report_years
from tests.factories import AgencyFactory, RegionFactory, report_with_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_provinces():
    north = RegionFactory(code="990000", name="北测省")
    south = RegionFactory(code="980000", name="南测省")
    a1 = AgencyFactory(name="北测省甲局", region=north)
    a2 = AgencyFactory(name="北测省乙局", region=north)
    a3 = AgencyFactory(name="南测省丙局", region=south)
    # 2021 template: `unable` stated, its sub-row not_held must not be counted again.
    report_with_figures(agency=a1, year=2022, figures={
        "requests_received": 100, "granted": 40, "already_public": 10, "partial": 20,
        "denied": 5, "unable": 15, "not_held": 12, "not_processed": 3, "other_handled": 7,
        "review_total": 4, "review_corrected": 1, "litigation_total": 2, "litigation_corrected": 0,
    })
    # Old statistics table: no `unable`, not_held + not_this_agency stand in.
    report_with_figures(agency=a2, year=2022, figures={
        "requests_received": 50, "granted": 30, "denied": 4, "not_held": 6, "not_this_agency": 2,
        "notified_to_amend": 1, "fees_yuan": 999,
    }, removed={"fees_yuan"})
    report_with_figures(agency=a3, year=2022, figures={
        "requests_received": 30, "granted": 25, "review_total": 1, "review_corrected": 1,
    })
    report_with_figures(agency=a3, year=2021, figures={"requests_received": 20})
    # Not published: never in the public aggregation.
    report_with_figures(agency=a1, year=2021, status=Status.NEEDS_REVIEW,
                        figures={"requests_received": 1000})
    return north, south


def by_key(rows):
    return {row["key"]: row for row in rows}


def test_sums_and_counts_by_province(two_provinces):
    rows = chart_rows(Report.objects.published().filter(year=2022), level="province",
                      codes=["requests_received", "fees_yuan"])
    rows = by_key(rows)
    assert rows["990000"]["name"] == "北测省"
    assert rows["990000"]["requests_received"] == 150
    assert rows["990000"]["requests_received__n"] == 2
    assert rows["990000"]["reports"] == 2
    assert rows["990000"]["agencies"] == 2
    # Removed figures never count: the only fees figure is removed.
    assert rows["990000"]["fees_yuan"] is None
    assert rows["990000"]["fees_yuan__n"] == 0
    assert rows["980000"]["requests_received"] == 30


def test_harmonized_mix_takes_first_stated_alternative(two_provinces):
    rows = by_key(chart_rows(Report.objects.published().filter(year=2022), level="province",
                             harmonized=True))
    north = rows["990000"]
    assert north["disclosed"] == 40 + 10 + 30
    assert north["partial"] == 20
    assert north["withheld"] == 5 + 4
    # Report 1: unable 15 (its not_held 12 ignored); report 2: 6 + 2 + 1.
    assert north["not_available"] == 15 + 9
    assert north["not_processed"] == 3
    assert north["other"] == 7
    assert north["outcomes"] == 80 + 20 + 9 + 24 + 3 + 7
    assert north["not_available__n"] == 2
    assert rows["980000"]["withheld"] is None


def test_rows_by_year_per_agency_and_paired_denominators(two_provinces):
    rows = chart_rows(Report.objects.published(), level="agency", codes=["requests_received"],
                      by_year=True, paired=["requests_with_review", "reviews_with_corrections"])
    got = {(r["name"], r["year"]): r for r in rows}
    assert got[("南测省丙局", 2021)]["requests_received"] == 20
    assert got[("南测省丙局", 2022)]["requests_with_review"] == 30
    # 北测省乙局 states no reviews, so its 50 requests are in no review denominator.
    assert got[("北测省乙局", 2022)]["requests_with_review"] is None
    assert got[("北测省甲局", 2022)]["reviews_with_corrections"] == 4
    assert ("北测省甲局", 2021) not in got
    assert [r["year"] for r in rows if r["name"] == "南测省丙局"] == [2021, 2022]


def test_reports_without_region_form_a_null_group(two_provinces):
    report_with_figures(agency=AgencyFactory(name="中央某部"), year=2022,
                        figures={"requests_received": 9})
    rows = by_key(chart_rows(Report.objects.published().filter(year=2022), level="province",
                             codes=["requests_received"]))
    assert rows[None]["requests_received"] == 9


def test_real_regions_group_by_prefecture():
    beijing = Region.objects.filter(code="110000").first()
    if beijing is None:
        pytest.skip("regions not loaded")
    haidian = Region.objects.get(code="110108")
    agency = AgencyFactory(name="海淀区测试局", region=haidian)
    report_with_figures(agency=agency, year=2023, county=haidian, figures={"requests_received": 7})
    rows = chart_rows(Report.objects.published(), level="county", codes=["requests_received"])
    assert [(r["key"], r["name"], r["requests_received"]) for r in rows] == [("110108", "海淀区", Decimal(7))]


def test_coverage_and_latest_year(two_provinces):
    cov = coverage(Report.objects.published())
    assert cov["reports"] == 4
    assert cov["agencies"] == 3
    assert cov["years"] == [2021, 2022]
    assert latest_year(Report.objects.published()) == 2022


def test_one_query_per_chart_rows(two_provinces, django_assert_num_queries):
    with django_assert_num_queries(1):
        chart_rows(Report.objects.published(), level="province", harmonized=True,
                   codes=["requests_received"], paired=["requests_with_review"], by_year=True)


def test_report_years_one_query(two_provinces, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert report_years(Report.objects.published()) == [2021, 2022]


def test_continuing_agencies_per_group_and_year(django_assert_num_queries):
    """Agencies reporting in a group both that year and the year before, in one query; with the
    agency counts of chart_rows this says who joined and who left (issue 10)."""
    north = RegionFactory(code="990000", name="北测省")
    agencies = [AgencyFactory(name=f"北测省{i}局", region=north) for i in range(4)]
    for agency, years in zip(agencies, ((2019, 2020, 2021), (2019, 2020), (2020, 2021), (2019, 2021))):
        for year in years:
            report_with_figures(agency=agency, year=year, figures={"requests_received": 1})
    nowhere = AgencyFactory(name="无区划局")
    for year in (2020, 2021):
        report_with_figures(agency=nowhere, year=year, figures={"requests_received": 1})
    with django_assert_num_queries(1):
        kept = continuing_agencies(Report.objects.published(), level="province")
    assert kept == {(north.pk, 2019): 0, (north.pk, 2020): 2, (north.pk, 2021): 2,
                    (None, 2020): 0, (None, 2021): 1}
    rows = chart_rows(Report.objects.published(), level="province", codes=["requests_received"], by_year=True)
    from reports.charts import with_agency_changes

    changes = {(r["key"], r["year"]): (r["agencies_added"], r["agencies_dropped"])
               for r in with_agency_changes(rows, kept)}
    # 2020: {0,1,2} after {0,1,3}: +1 −1; 2021: {0,2,3} after {0,1,2}: +1 −1.
    assert changes[("990000", 2019)] == (None, None)
    assert changes[("990000", 2020)] == (1, 1) and changes[("990000", 2021)] == (1, 1)
    by_agency = continuing_agencies(Report.objects.published(), level="agency")
    assert by_agency[(agencies[0].pk, 2021)] == 1 and by_agency[(agencies[3].pk, 2021)] == 0
