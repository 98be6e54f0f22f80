"""/agencies/ and /agencies/<id>/: counts, visibility, trends, peer median and quartiles (in SQL)."""
import statistics
from decimal import Decimal

import pytest

from agencies.models import Agency, Region
from django.utils import translation

from reports.charts import build_agency_trend
from reports.peers import peer_stats
from reports.models import Status
from tests.factories import AgencyFactory, FigureFactory, RegionFactory, ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return RegionFactory(name="河北省", level=Region.Level.PROVINCE)


def _peer(province, requests, reviews=None, *, year=2022, level=Agency.Level.PREFECTURE, status=Status.PUBLISHED):
    r = ReportFactory(agency=AgencyFactory(level=level, region=province), year=year, province=province, status=status)
    if requests is not None:
        FigureFactory(report=r, code="requests_received", value=Decimal(requests))
    if reviews is not None:
        FigureFactory(report=r, code="review_total", value=Decimal(reviews))
    return r


def _expected(values):
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, median, q3


@pytest.mark.parametrize("values", [
    [10], [10, 20], [5, 1, 9], [1, 2, 3, 4], [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5], list(range(0, 170, 7)),
])
def test_peer_quartiles_match_percentile_cont(province, values):
    for v in values:
        _peer(province, v)
    stats = peer_stats(year=2022, province_id=province.pk, level=Agency.Level.PREFECTURE, metric="requests_received")
    assert stats.n == len(values)
    assert (stats.minimum, stats.maximum) == (min(values), max(values))
    expected = _expected(values) if len(values) > 1 else (values[0],) * 3
    assert (stats.q1, stats.median, stats.q3) == pytest.approx(expected)


def test_peers_are_same_level_same_province_same_year_published_and_stating(province):
    for v in (10, 20, 30):
        _peer(province, v)
    _peer(province, 1000, level=Agency.Level.COUNTY)
    _peer(province, 1000, year=2021)
    _peer(province, 1000, status=Status.NEEDS_REVIEW)
    _peer(RegionFactory(name="浙江省"), 1000)
    _peer(province, None)  # states no figure
    removed = _peer(province, None)
    FigureFactory(report=removed, code="requests_received", value=Decimal(1000), removed=True)
    stats = peer_stats(year=2022, province_id=province.pk, level=Agency.Level.PREFECTURE, metric="requests_received")
    assert (stats.n, stats.median, stats.maximum) == (3, 20, 30)


def test_review_rate_per_100_requests_only_for_reports_stating_both(province):
    _peer(province, 100, 5)
    _peer(province, 200, 2)
    _peer(province, 50, None)
    _peer(province, 0, 3)
    stats = peer_stats(year=2022, province_id=province.pk, level=Agency.Level.PREFECTURE, metric="review_rate")
    assert stats.n == 2
    assert stats.median == pytest.approx(3.0)
    assert (stats.minimum, stats.maximum) == (pytest.approx(1.0), pytest.approx(5.0))


def test_no_peers(province):
    stats = peer_stats(year=2022, province_id=province.pk, level=Agency.Level.PREFECTURE, metric="review_rate", value=None)
    assert (stats.n, stats.median, stats.position) == (0, None, None)


@pytest.mark.parametrize("n", [3, 30])
def test_agency_list_query_count_and_report_counts(client, django_assert_max_num_queries, province, n):
    for i in range(n):
        _peer(province, i)
    hidden = AgencyFactory(name="只有待审核报告的机关")
    ReportFactory(agency=hidden, status=Status.NEEDS_REVIEW)
    # count (+ its estimate on PostgreSQL), page rows (regions joined), province choices;
    # facets: province (counts, names), level (size of its set, counts).
    with django_assert_max_num_queries(8):
        response = client.get("/agencies/?level=prefecture&o=-reports")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == n
    assert all(a.n_reports == 1 for a in response.context["agencies"])
    assert "只有待审核报告的机关" not in response.content.decode()


def test_agency_list_search_and_invalid_input(client, staff_client, province):
    a = _peer(province, 1).agency
    a.name = "石家庄市教育局"
    a.save()
    html = client.get("/agencies/?name=教育").content.decode()
    assert "石家庄市教育局" in html and "名称：教育" in html
    response = client.get("/agencies/?level=bogus&province=x")
    assert response.status_code == 200 and "石家庄市教育局" not in response.content.decode()
    assert response.context["filter"].errors
    hidden = AgencyFactory(name="只有待审核报告的机关")
    ReportFactory(agency=hidden, status=Status.NEEDS_REVIEW)
    assert "只有待审核报告的机关" in staff_client.get("/agencies/").content.decode()


@pytest.mark.parametrize("years", [3, 9])
def test_agency_detail_query_count_does_not_grow(client, django_assert_num_queries, province, years):
    agency = AgencyFactory(level=Agency.Level.PREFECTURE, region=province)
    for y in range(2014, 2014 + years):
        r = ReportFactory(agency=agency, year=y, province=province)
        FigureFactory(report=r, code="requests_received", value=Decimal(y - 2000))
        FigureFactory(report=r, code="review_total", value=Decimal(1))
    for v in range(5):
        _peer(province, v * 10, 1, year=2014 + years - 1)
    # agency, its reports with key figures, one peer query per metric.
    with django_assert_num_queries(4):
        response = client.get(f"/agencies/{agency.pk}/")
    assert response.status_code == 200
    assert len(response.context["rows"]) == years
    stats = {p["stats"].metric: p["stats"] for p in response.context["peers"]}
    assert stats["requests_received"].n == 6
    assert response.context["year"] == 2014 + years - 1
    html = response.content.decode()
    assert 'id="trend-data"' in html and "/static/vendor/plotly-basic.min.js" in html
    assert "/static/vendor/plotly-locale-zh-cn.js" in html and '"showSendToCloud": false' in html
    assert "cdn" not in html.lower()


def test_agency_detail_visibility_and_year_choice(client, staff_client, province):
    agency = AgencyFactory(region=province)
    pending_only = AgencyFactory(region=province)
    ReportFactory(agency=pending_only, status=Status.NEEDS_REVIEW)
    old = ReportFactory(agency=agency, year=2020, province=province)
    FigureFactory(report=old, value=Decimal(40))
    ReportFactory(agency=agency, year=2021, province=province, status=Status.NEEDS_REVIEW)
    assert client.get(f"/agencies/{pending_only.pk}/").status_code == 404
    assert client.get(f"/agencies/{pending_only.pk}/?include_unreviewed=1").status_code == 404
    assert staff_client.get(f"/agencies/{pending_only.pk}/").status_code == 200
    response = client.get(f"/agencies/{agency.pk}/?include_unreviewed=1")
    assert [row["report"].year for row in response.context["rows"]] == [2020]
    response = staff_client.get(f"/agencies/{agency.pk}/?include_unreviewed=1")
    assert [row["report"].year for row in response.context["rows"]] == [2020, 2021]
    response = client.get(f"/agencies/{agency.pk}/?year=1999")
    assert response.status_code == 200 and response.context["form"].errors
    assert response.context["year"] == 2020
    assert response.context["peers"][0]["stats"].value == 40


def test_trend_builder_draws_gaps_not_zeros():
    """A year without the figure, or without a report (2022), breaks the line on a numeric axis."""
    rows = [{"year": 2019, "requests_received": Decimal(10), "review_total": None},
            {"year": 2020, "requests_received": None, "review_total": None},
            {"year": 2021, "requests_received": Decimal(3119), "review_total": None},
            {"year": 2023, "requests_received": Decimal(5), "review_total": None}]
    fig = build_agency_trend(rows, ("requests_received", "review_total"))
    (trace,) = fig["data"]
    assert trace["x"] == [2019, 2020, 2021, 2022, 2023] and trace["y"] == [10.0, None, 3119.0, None, 5.0]
    assert trace["connectgaps"] is False and fig["layout"]["xaxis"]["type"] == "linear"
    assert trace["name"] == "本年新收申请数" and "3,119 件" in trace["customdata"][2]
    with translation.override("en"):
        assert build_agency_trend(rows, ("requests_received",))["data"][0]["name"] == "New requests received"


@pytest.mark.parametrize(("value", "position"), [
    (1, "below_q1"), (17, "q1_median"), (20, "at_median"), (25, "median_q3"), (40, "above_q3"), (None, None),
])
def test_position_among_peers(province, value, position):
    for v in (10, 15, 20, 30, 35):
        _peer(province, v)
    stats = peer_stats(year=2022, province_id=province.pk, level=Agency.Level.PREFECTURE,
                       metric="requests_received", value=value)
    assert (stats.q1, stats.median, stats.q3) == (15, 20, 30)
    assert stats.position == position


def test_single_peer_has_no_position(province):
    _peer(province, 10)
    stats = peer_stats(year=2022, province_id=province.pk, level=Agency.Level.PREFECTURE,
                       metric="requests_received", value=10)
    assert (stats.n, stats.position) == (1, None)


@pytest.mark.parametrize("url", [
    "/agencies/?province=99999999999999999999", "/agencies/?o=bogus&page=zz", "/agencies/99999999999999999999/",
])
def test_out_of_range_values_never_500(client, url):
    assert client.get(url).status_code in (200, 404)
