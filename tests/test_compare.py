"""The /compare/ view: each chart kind, query counts, CSV/JSON equal to the drawn data, bad parameters."""
import csv
import io
import json
import re

import pytest
from django.urls import reverse

from reports.models import Status
from tests.factories import AgencyFactory, RegionFactory, UserFactory, report_with_figures

pytestmark = pytest.mark.django_db

URL = "/compare/"
KINDS = [
    "chart=volume&year=2022",
    "chart=volume&year__gte=2020&year__lte=2022",
    "chart=volume&year=2022&mode=per_agency&level=agency",
    "chart=outcomes&year=2022&mode=percent",
    "chart=review&year=2022&min_requests=10",
    "chart=map&year=2022&metric=correction_rate",
    "chart=map&year=2022&metric=requests_received&mode=per_agency",
]
FULL = {"requests_received": 120, "granted": 60, "partial": 20, "denied": 10, "unable": 20,
        "review_total": 6, "review_corrected": 2, "litigation_total": 3, "litigation_corrected": 1}


def add_province(n, code, *, years=(2022,)):
    region = RegionFactory(code=code, name=f"测省{n}")
    for i in range(2):
        agency = AgencyFactory(name=f"测省{n}第{i}局", region=region)
        for year in years:
            report_with_figures(agency=agency, year=year, figures=FULL)
    return region


@pytest.fixture
def data():
    north = add_province(1, "990000", years=(2020, 2021, 2022))
    south = add_province(2, "980000")
    unreviewed = AgencyFactory(name="待审局", region=south)
    report_with_figures(agency=unreviewed, year=2022, status=Status.NEEDS_REVIEW,
                        figures={"requests_received": 5000})
    return north, south


def figure_of(response):
    match = re.search(rb'<script id="figure-data" type="application/json">(.*?)</script>',
                      response.content, re.S)
    return json.loads(match.group(1))["figure"]


@pytest.mark.parametrize("query", KINDS)
def test_each_chart_kind_renders_with_constant_queries(client, data, query, django_assert_num_queries):
    # chart rows, coverage (2); the year is given, so no latest-year query.
    with django_assert_num_queries(3):
        response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert figure_of(response)["data"]
    add_province(3, "970000", years=(2020, 2021, 2022))
    add_province(4, "960000")
    with django_assert_num_queries(3):
        assert client.get(f"{URL}?{query}").status_code == 200


def test_default_is_volume_bars_for_the_latest_year(client, data, django_assert_num_queries):
    with django_assert_num_queries(4):
        response = client.get(URL)
    bars = figure_of(response)["data"]
    assert [t["type"] for t in bars] == ["bar"]
    assert bars[0]["x"] == ["测省2", "测省1"]  # region code order: 980000 before 990000
    assert bars[0]["y"] == [240, 240]
    assert "2022" in response.content.decode()


def test_region_filter_and_lines_over_years(client, data, django_assert_num_queries):
    with django_assert_num_queries(4):  # the region codes are validated in one query; no latest-year query
        response = client.get(f"{URL}?chart=volume&year__gte=2020&year__lte=2022&region=990000")
    traces = figure_of(response)["data"]
    assert [(t["name"], t["x"], t["y"]) for t in traces] == [("测省1", [2020, 2021, 2022], [240, 240, 240])]


@pytest.mark.parametrize("query", KINDS)
def test_json_and_csv_are_the_drawn_rows(client, data, query):
    drawn = figure_of(client.get(f"{URL}?{query}"))["data"]
    rows = client.get(f"{URL}?{query}&format=json").json()["rows"]
    text = client.get(f"{URL}?{query}&format=csv").content.decode("utf-8-sig")
    csv_rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["key"] for r in csv_rows] == [str(r["key"]) for r in rows]
    if "chart=volume" in query and "year__gte" not in query:
        assert drawn[0]["y"] == [r["value"] for r in rows]
        assert [float(r["value"]) for r in csv_rows] == [r["value"] for r in rows]
    elif "year__gte" in query:
        assert [y for t in drawn for y in t["y"]] == [r["value"] for r in rows]
    elif "outcomes" in query:
        assert drawn[0]["y"] == [r["value_disclosed"] for r in rows]
    elif "review" in query:
        assert drawn[0]["y"] == [r["review_rate"] for r in rows]
        assert drawn[2]["y"] == [r["correction_rate"] for r in rows]
    else:
        assert drawn[0]["z"] == [r["value"] for r in rows]
        assert drawn[0]["locations"] == [r["key"] for r in rows]


def test_review_rates_and_intervals(client, data):
    rows = client.get(f"{URL}?chart=review&year=2022&format=json").json()["rows"]
    north = next(r for r in rows if r["key"] == "990000")
    assert north["review_rate"] == pytest.approx(100 * 12 / 240)
    assert north["correction_rate"] == pytest.approx(100 * 6 / 18)
    assert north["correction_rate_low"] < north["correction_rate"] < north["correction_rate_high"]


def test_too_small_groups_are_listed_not_drawn(client, data):
    response = client.get(f"{URL}?chart=review&year=2022&min_requests=300")
    fig = figure_of(response)
    assert fig["data"][0]["x"] == []
    assert "测省1" in fig["layout"]["annotations"][0]["text"]


@pytest.mark.parametrize("query", [
    "chart=pie", "year=abc", "year=1800", "year__gte=2022&year__lte=2020", "region=000000",
    "agency=x", "mode=percent&chart=volume", "chart=volume&metric=review_rate", "metric=nope",
    "level=street", "min_requests=0", "format=xml",
])
def test_invalid_parameters_are_form_errors(client, data, query):
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert response.context["form"].errors
    assert "errorlist" in response.content.decode()
    if "format" not in query:
        assert client.get(f"{URL}?{query}&format=json").status_code == 400


def test_anonymous_never_sees_unreviewed(client, data):
    rows = client.get(f"{URL}?year=2022&include_unreviewed=1&format=json").json()["rows"]
    assert next(r for r in rows if r["key"] == "980000")["value"] == 240


def test_staff_may_include_unreviewed(client, data):
    client.force_login(UserFactory(username="staff", is_staff=True))
    rows = client.get(f"{URL}?year=2022&include_unreviewed=1&format=json").json()["rows"]
    assert next(r for r in rows if r["key"] == "980000")["value"] == 5240
    rows = client.get(f"{URL}?year=2022&format=json").json()["rows"]
    assert next(r for r in rows if r["key"] == "980000")["value"] == 240


def test_coverage_and_links_to_the_report_list(client, data):
    response = client.get(f"{URL}?chart=volume&year=2022&region=990000&metric=fees_yuan")
    page = response.content.decode()
    assert "本图汇总 2 份报告" in page
    assert "2 份报告未填报" in page
    north = data[0]
    assert f'href="{reverse("reports:list")}?year=2022&amp;province={north.pk}"' in page
    assert reverse("reports:list") in page


def test_png_button_and_no_cdn(client, data):
    page = client.get(URL).content.decode()
    assert '"toImageButtonOptions"' in page
    assert "/static/vendor/plotly-basic.min.js" in page
    # Every script, stylesheet and link stays on this host.
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', page)


def test_map_hides_every_base_layer(client, data):
    geo = figure_of(client.get(f"{URL}?chart=map"))["layout"]["geo"]
    assert geo["visible"] is False and geo["fitbounds"] == "locations"
    assert not any(geo.get(k) for k in ("showcountries", "showcoastlines", "showland", "showocean"))


def test_methodology_lists_metrics_categories_and_rates(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        page = client.get(reverse("reports:methodology")).content.decode()
    for text in ("requests_received", "not_available", "notified_to_amend", "Wilson",
                 "correction_rate", "year__gte", "include_unreviewed"):
        assert text in page


def test_long_tables_show_their_first_rows_and_point_to_the_full_csv(client, data, monkeypatch):
    """The HTML table is capped (an agency-level table over years has thousands of rows); the CSV
    on the same URL keeps every drawn row."""
    from reports import compare

    monkeypatch.setattr(compare, "MAX_TABLE_ROWS", 2)
    query = "chart=volume&year__gte=2020&year__lte=2022&level=agency"
    page = client.get(f"{URL}?{query}").content.decode()
    assert page.count('<td class="num">') < 20
    assert "format=csv" in page and ("共 " in page or "of" in page)
    rows = list(csv.DictReader(io.StringIO(client.get(f"{URL}?{query}&format=csv").content.decode("utf-8-sig"))))
    assert len(rows) > 2


def test_table_rows_are_escaped():
    from reports.compare import table_rows_html

    html = table_rows_html([{"name": "<b>局</b>", "year": 2022, "reports": 1, "agencies": 1,
                             "values": ["1,234"], "list_url": "/reports/?a=1&b=2"}], over_years=True)
    assert "<b>" not in html and "&lt;b&gt;局&lt;/b&gt;" in html
    assert '<td>2022</td>' in html and '<td class="num">1,234</td>' in html
    assert 'href="/reports/?a=1&amp;b=2"' in html
