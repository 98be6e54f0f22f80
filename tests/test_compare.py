"""The /compare/ view: each tab and chart kind, query counts, CSV/JSON equal to what is drawn,
self-describing figures, honest maps and lines, the picker, bad parameters (issue 10)."""
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
# (query, queries): report years, chart rows, coverage (one query, from the rollups), + agency
# continuity on line charts.
KINDS = [
    ("chart=volume&year=2022", 3),
    ("chart=volume&year__gte=2020&year__lte=2022", 4),
    ("chart=volume&year=2022&mode=per_agency&level=agency&sort=-value", 3),
    ("chart=outcomes&year=2022&mode=percent", 3),
    ("chart=outcomes&year__gte=2020&year__lte=2022&tab=table", 3),
    ("chart=review&year=2022&min_requests=10", 3),
    ("chart=review&year=2022&tab=table", 3),
    ("tab=map&chart=review&year=2022&metric=correction_rate", 3),
    ("tab=map&chart=volume&year=2022&mode=per_agency", 3),
    ("tab=map&chart=outcomes&year=2022", 3),
]
FULL = {"requests_received": 120, "granted": 60, "partial": 20, "denied": 10, "unable": 20,
        "review_total": 6, "review_corrected": 2, "litigation_total": 3, "litigation_corrected": 1}


def add_province(n, code, *, years=(2022,), figures=FULL):
    region = RegionFactory(code=code, name=f"测省{n}")
    for i in range(2):
        agency = AgencyFactory(name=f"测省{n}第{i}局", region=region)
        for year in years:
            report_with_figures(agency=agency, year=year, figures=figures)
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
    return json.loads(match.group(1))


def export(client, query, fmt):
    response = client.get(f"{URL}?{query}&format={fmt}")
    assert response.status_code == 200, response.content[:500]
    if fmt == "json":
        return response.json()
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(("query", "n"), KINDS)
def test_each_tab_and_chart_kind_renders_with_constant_queries(client, data, query, n, django_assert_num_queries):
    with django_assert_num_queries(n):
        response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    if "tab=table" in query:
        assert b'id="data-table"' in response.content and b'id="figure-data"' not in response.content
    else:
        assert figure_of(response)["data"]
    add_province(3, "970000", years=(2020, 2021, 2022))
    add_province(4, "960000")
    with django_assert_num_queries(n):
        assert client.get(f"{URL}?{query}").status_code == 200
    with django_assert_num_queries(n):
        assert client.get(f"{URL}?{query}&format=csv").status_code == 200


def test_default_is_volume_bars_for_the_latest_year(client, data, django_assert_num_queries):
    # The years of the selection give the latest year: no separate latest-year query.
    with django_assert_num_queries(3):
        response = client.get(URL)
    (bars,) = figure_of(response)["data"]
    assert bars["type"] == "bar" and bars["orientation"] == "h"
    assert bars["y"] == ["980000", "990000"]  # region code order
    assert bars["x"] == [240, 240]
    layout = figure_of(response)["layout"]
    assert layout["yaxis"]["ticktext"] == ["测省2", "测省1"]
    assert "2022年" in layout["title"]["text"]


def test_the_figure_describes_itself(client, data):
    """Title: metric, unit, year, scope, level; subtitle: mode; notes: source and coverage, all
    inside the figure so a saved PNG or SVG carries them (issue 10, item 6)."""
    fig = figure_of(client.get(f"{URL}?chart=volume&year=2022&region=990000&mode=per_agency&sort=-value"))
    layout = fig["layout"]
    assert layout["title"]["text"] == "本年新收申请数（件） · 2022年 · 测省1 · 按省级分组"
    assert layout["title"]["subtitle"]["text"].startswith("每个报告机关平均")
    notes = next(a for a in layout["annotations"] if a.get("name") == "notes")["text"]
    assert "来源：各机关政府信息公开工作年度报告（经人工审核并发布） · 2 份报告，2 个机关" in notes
    assert "http://testserver/compare/?chart=volume&amp;year=2022" in notes or \
        "http://testserver/compare/?chart=volume&year=2022" in notes
    # Phones get the same texts wrapped shorter.
    assert fig["narrow"]["title"]["text"].count("<br>") >= 1
    assert fig["narrow"]["height"] >= layout["height"] - 200


def test_range_title_says_summed_over_the_years(client, data):
    fig = figure_of(client.get(f"{URL}?chart=outcomes&year__gte=2020&year__lte=2022&mode=percent"))
    assert "2020–2022年合计" in fig["layout"]["title"]["text"]
    assert "（%）" in fig["layout"]["title"]["text"]


def test_lines_on_a_numeric_year_axis_with_gaps_and_agency_changes(client, django_assert_num_queries):
    """A missing year breaks the line; a year whose reporting agencies differ from the year
    before gets a hollow diamond and a hover note (+added −dropped), computed in the database."""
    region = RegionFactory(code="990000", name="测省1")
    first, second, third = (AgencyFactory(name=f"测省1第{i}局", region=region) for i in range(3))
    for agency, years in ((first, (2019, 2020, 2021, 2023)), (second, (2019, 2020)), (third, (2021, 2023))):
        for year in years:
            report_with_figures(agency=agency, year=year, figures={"requests_received": 100})
    with django_assert_num_queries(5):  # + the region codes
        response = client.get(f"{URL}?chart=volume&year__gte=2019&year__lte=2023&region=990000")
    fig = figure_of(response)
    line, legend = fig["data"]
    assert line["x"] == [2019, 2020, 2021, 2022, 2023]
    assert line["y"] == [200, 200, 200, None, 200]
    assert line["connectgaps"] is False and fig["layout"]["xaxis"]["type"] == "linear"
    # 2021: third joined, second left; 2023 follows a gap (no mark: the line is broken there).
    assert line["marker"]["symbol"] == ["circle", "circle", "diamond-open", "circle", "circle"]
    assert "本年报告机关与上年不同：+1 −1" in line["customdata"][2]
    assert "2 份报告" in line["customdata"][0] and "2 个机关" in line["customdata"][0]
    assert legend["name"] == "本年报告机关与上年不同" and legend["x"] == [None]
    rows = export(client, "chart=volume&year__gte=2019&year__lte=2023&region=990000", "json")["rows"]
    assert [r["agencies_changed"] for r in rows] == ["", "", "+1 −1", ""]
    table = client.get(f"{URL}?chart=volume&year__gte=2019&year__lte=2023&region=990000&tab=table").content.decode()
    assert "+1 −1" in table and "None" not in table


def test_many_lines_keep_apart_by_colour_and_dash(client):
    region = RegionFactory(code="990000", name="测省1")
    for i in range(13):
        agency = AgencyFactory(name=f"测省1第{i}局", region=region)
        for year in (2021, 2022):
            report_with_figures(agency=agency, year=year, figures={"requests_received": 10 + i})
    fig = figure_of(client.get(f"{URL}?chart=volume&year__gte=2021&year__lte=2022&level=agency"))
    styles = [(t["line"]["color"], t["line"]["dash"]) for t in fig["data"] if t["mode"] == "lines+markers"]
    assert len(styles) == 13 and len(set(styles)) == 13


@pytest.mark.parametrize(("query", "drawn_key"), [
    ("chart=volume&year=2022", "requests_received"),
    ("chart=volume&year=2022&mode=per_agency&level=agency", "requests_received_per_agency"),
    ("chart=outcomes&year=2022&mode=percent", "disclosed_share"),
    ("chart=review&year=2022&min_requests=10", "review_rate"),
    ("tab=map&chart=review&year=2022&metric=correction_rate", "correction_rate"),
    ("tab=map&chart=volume&year=2022", "requests_received"),
])
def test_json_and_csv_are_the_drawn_rows(client, data, query, drawn_key):
    fig = figure_of(client.get(f"{URL}?{query}"))
    body = export(client, query, "json")
    header, *rows = export(client, query, "csv")
    codes = [c["code"] for c in body["columns"]]
    assert [h.rsplit(" (", 1)[1][:-1] for h in header] == codes
    assert [r[codes.index("key")] for r in rows] == [r["key"] for r in body["rows"]]
    drawn = [r[drawn_key] for r in body["rows"]]
    if "tab=map" in query:
        assert fig["data"][0]["z"] == drawn and fig["data"][0]["locations"] == [r["key"] for r in body["rows"]]
    else:
        assert fig["data"][0]["x"] == drawn
        assert fig["data"][0]["y"] == [r["key"] for r in body["rows"]]
    assert [float(r[codes.index(drawn_key)]) for r in rows] == pytest.approx(drawn)


def test_csv_headers_name_the_vocabulary(client, data):
    header = export(client, "chart=outcomes&year=2022", "csv")[0]
    assert "予以公开·统一口径 (disclosed)" in header and "部分公开·统一口径 (partial)" in header
    assert "办理结果合计（件）·统一口径 (outcomes)" in header
    header = export(client, "chart=volume&year=2022", "csv")[0]
    assert "本年新收申请数（件） (requests_received)" in header


def test_review_rates_come_with_their_denominators(client):
    """河北 221 requests in the table, 55 in the rate's denominator: the rate says which reports
    it covers (issue 10, item 5)."""
    region = RegionFactory(code="990000", name="测省1")
    stating = AgencyFactory(name="填报局", region=region)
    silent = AgencyFactory(name="未填报局", region=region)
    report_with_figures(agency=stating, year=2022, figures={"requests_received": 55, "review_total": 2})
    report_with_figures(agency=silent, year=2022, figures={"requests_received": 166})
    (row,) = export(client, "chart=review&year=2022", "json")["rows"]
    assert row["requests_received"] == 221
    assert row["review_rate_numerator"] == 2 and row["review_rate_denominator"] == 55
    assert row["review_rate_reports"] == 1 and row["review_rate"] == pytest.approx(100 * 2 / 55)
    assert row["review_rate_low"] < row["review_rate"] < row["review_rate_high"]
    html = client.get(f"{URL}?chart=review&year=2022&tab=table").content.decode()
    assert "221" in html and "2 / 55 件申请<br>1 份报告" in html
    hover = figure_of(client.get(f"{URL}?chart=review&year=2022"))["data"][0]["customdata"][0]
    assert "95% 区间" in hover and "2 / 55 件申请（1 份报告）" in hover


def test_too_small_groups_are_listed_under_the_plot_not_over_the_legend(client, data):
    fig = figure_of(client.get(f"{URL}?chart=review&year=2022&min_requests=300"))
    assert fig["data"][0]["x"] == []
    notes = next(a for a in fig["layout"]["annotations"] if a.get("name") == "notes")
    assert "测省1" in notes["text"] and "样本过小" in notes["text"]
    assert notes["yanchor"] == "top" and notes["yshift"] < 0 and notes["y"] == 0
    assert fig["layout"]["legend"]["y"] >= 1 and fig["layout"]["legend"]["yanchor"] == "bottom"


def test_bars_sort_by_value_and_the_table_and_csv_follow(client):
    for n, (code, requests) in enumerate((("990000", 10), ("980000", 300), ("970000", 40))):
        add_province(n, code, figures={"requests_received": requests})
    keys = lambda q: figure_of(client.get(f"{URL}?chart=volume&year=2022&{q}"))["data"][0]["y"]  # noqa: E731
    assert keys("") == ["970000", "980000", "990000"]
    assert keys("sort=-value") == ["980000", "970000", "990000"]
    assert keys("sort=value") == ["990000", "970000", "980000"]
    assert [r["key"] for r in export(client, "chart=volume&year=2022&sort=-value", "json")["rows"]] == \
        ["980000", "970000", "990000"]


def test_numbers_are_grouped_one_way_in_tables_and_hovers(client):
    add_province(1, "990000", figures={"requests_received": 1560})  # two agencies: 3,120
    html = client.get(f"{URL}?chart=volume&year=2022&tab=table").content.decode()
    assert '<td class="num">3,120</td>' in html
    hover = figure_of(client.get(f"{URL}?chart=volume&year=2022"))["data"][0]["customdata"][0]
    assert "3,120 件" in hover
    assert '<td class="num">1,560</td>' in client.get("/reports/").content.decode()


def test_year_column_only_on_line_tables(client, data):
    html = client.get(f"{URL}?chart=outcomes&year__gte=2020&year__lte=2022&tab=table").content.decode()
    assert 'class="num">年度</th>' not in html and "None" not in html
    assert "2020–2022年合计" in html  # the table's caption is the chart's title


def test_review_chart_rejects_a_count_metric_and_volume_a_rate(client, data):
    assert client.get(f"{URL}?chart=review&metric=requests_received").status_code == 400
    assert client.get(f"{URL}?chart=volume&metric=review_rate").status_code == 400


def test_legacy_map_links_open_the_map_tab(client, data):
    response = client.get(f"{URL}?chart=map&year=2022&metric=correction_rate")
    assert response.context["tab"] == "map" and response.context["chart"] == "review"
    assert figure_of(response)["data"][0]["type"] == "choropleth"


def test_tabs_and_chart_kinds_keep_the_rest_of_the_state(client, data):
    response = client.get(f"{URL}?chart=outcomes&year=2022&region=990000&mode=percent&sort=-value")
    tabs = dict((key, href) for key, _label, href in response.context["tab_links"])
    assert tabs["map"] == "?chart=outcomes&year=2022&region=990000&mode=percent&sort=-value&tab=map"
    kinds = dict((key, href) for key, _label, href in response.context["chart_links"])
    assert kinds["volume"] == "?chart=volume&year=2022&region=990000&sort=-value"  # mode differs per kind
    html = response.content.decode()
    assert 'data-chart="outcomes" aria-current="page"' in html and 'data-tab="chart" aria-current="page"' in html


def test_map_scale_no_data_inset_and_hover(client, data):
    """The scale runs from 0 to an explicit maximum, provinces without data have a legend entry,
    the South China Sea islands are an inset, every base layer is off (nothing fetched from
    plotly's servers), and the hover carries the sample and the interval."""
    fig = figure_of(client.get(f"{URL}?tab=map&chart=review&year=2022&metric=review_rate"))
    layout = fig["layout"]
    assert layout["coloraxis"]["cmin"] == 0 and layout["coloraxis"]["cmax"] == 5  # max 5.0 per 100
    values, no_data, inset_values, inset_no_data = fig["data"]
    assert values["geojson"].endswith("/static/geo/china-mainland.geojson") and values["geo"] == "geo"
    assert inset_values["geojson"].endswith("/static/geo/china-inset.geojson") and inset_values["geo"] == "geo2"
    assert no_data["name"] == "无数据" and no_data["showlegend"] is True and inset_no_data["showlegend"] is False
    assert "990000" not in no_data["locations"] and "110000" in no_data["locations"]
    assert "95% 区间" in values["customdata"][0] and "份报告" in values["customdata"][0]
    for geo in (layout["geo"], layout["geo2"]):
        assert geo["visible"] is False and geo["fitbounds"] == "geojson"
        assert not any(geo.get(k) for k in ("showcountries", "showcoastlines", "showland", "showocean"))
    assert layout["geo2"]["showframe"] is True
    assert any(a["text"] == "南海诸岛" for a in layout["annotations"])


def test_map_year_slider_lists_the_years_with_reports(client, data):
    html = client.get(f"{URL}?tab=map&year=2021").content.decode()
    assert 'type="range" id="map-year" min="2020" max="2022"' in html and 'value="2021"' in html
    assert 'data-url="?tab=map&amp;year=YEAR"' in html


def test_plotly_config_keeps_everything_on_the_intranet(client, data):
    page = client.get(URL).content.decode()
    config = figure_of(client.get(URL))["config"]
    assert config["showSendToCloud"] is False and config["showEditInChartStudio"] is False
    assert config["plotlyServerURL"] == "" and config["displaylogo"] is False
    assert config["locale"] == "zh-CN" and config["toImageButtonOptions"]["format"] == "png"
    assert "/static/vendor/plotly-basic.min.js" in page and "/static/vendor/plotly-locale-zh-cn.js" in page
    assert page.index("plotly-basic.min.js") < page.index("plotly-locale-zh-cn.js") < page.index("charts.js")
    assert "/static/vendor/plotly-geo.min.js" in client.get(f"{URL}?tab=map").content.decode()
    # Every script, stylesheet and link stays on this host; no inline script (CSP script-src 'self').
    assert not re.findall(r'(?:src|href)="(?:https?:)?//', page)
    assert not re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))", page)


def test_invalid_parameters_are_form_errors(client, data):
    for query in ("chart=pie", "tab=pie", "year=abc", "year=1800", "year__gte=2022&year__lte=2020",
                  "region=000000", "agency=x", "mode=percent&chart=volume", "chart=volume&metric=review_rate",
                  "metric=nope", "level=street", "min_requests=0", "format=xml", "sort=name"):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 400, query
        assert response.context["form"].errors and "errorlist" in response.content.decode()
        if "format" not in query:
            assert client.get(f"{URL}?{query}&format=json").status_code == 400


def test_anonymous_never_sees_unreviewed(client, data):
    rows = export(client, "year=2022&include_unreviewed=1", "json")["rows"]
    assert next(r for r in rows if r["key"] == "980000")["requests_received"] == 240


def test_staff_may_include_unreviewed(client, data):
    client.force_login(UserFactory(username="staff", is_staff=True))
    rows = export(client, "year=2022&include_unreviewed=1", "json")["rows"]
    assert next(r for r in rows if r["key"] == "980000")["requests_received"] == 5240
    fig = figure_of(client.get(f"{URL}?year=2022&include_unreviewed=1"))
    assert "含未发布、审核中的报告" in fig["layout"]["annotations"][-1]["text"]
    rows = export(client, "year=2022", "json")["rows"]
    assert next(r for r in rows if r["key"] == "980000")["requests_received"] == 240


def test_coverage_and_links_to_the_report_list(client, data):
    response = client.get(f"{URL}?chart=volume&year=2022&region=990000&metric=fees_yuan")
    page = response.content.decode()
    assert "本图汇总 2 份报告" in page
    assert "2 份报告未填报" in page
    assert "收取费用（元） · 2022年" in figure_of(response)["layout"]["title"]["text"]  # 元 not said twice
    north = data[0]
    table = client.get(f"{URL}?chart=volume&year=2022&region=990000&tab=table").content.decode()
    assert f'href="{reverse("reports:list")}?year=2022&amp;province={north.pk}"' in table


def test_line_table_rows_link_to_their_year(client, data):
    north = data[0]
    table = client.get(f"{URL}?chart=volume&year__gte=2020&year__lte=2022&tab=table").content.decode()
    assert f'href="{reverse("reports:list")}?year=2021&amp;province={north.pk}"' in table


def test_methodology_lists_metrics_categories_rates_and_parameters(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        page = client.get(reverse("reports:methodology")).content.decode()
    for text in ("requests_received", "not_available", "notified_to_amend", "Wilson",
                 "correction_rate", "year__gte", "include_unreviewed", "<code>tab</code>", "<code>sort</code>"):
        assert text in page


def test_long_tables_show_their_first_rows_and_point_to_the_full_csv(client, data, monkeypatch):
    """The HTML table is capped (an agency-level table over years has thousands of rows); the CSV
    on the same URL keeps every drawn row."""
    from reports import compare

    monkeypatch.setattr(compare, "MAX_TABLE_ROWS", 2)
    query = "chart=volume&year__gte=2020&year__lte=2022&level=agency&tab=table"
    page = client.get(f"{URL}?{query}").content.decode()
    assert page.count('<th scope="row">') == 2
    assert "format=csv" in page and "共 " in page
    assert len(export(client, query, "csv")) - 1 > 2


def test_picker_options_endpoint(client, data):
    """Regions by name or code prefix, provinces first; agencies only with a visible report."""
    AgencyFactory(name="测省1待审机关")  # no report at all: never offered
    body = client.get(reverse("reports:compare_options"), {"q": "测省1"}).json()["results"]
    assert [(r["param"], r["value"]) for r in body][0] == ("region", "990000")
    agencies = [r["label"] for r in body if r["param"] == "agency"]
    assert agencies == ["测省1第0局", "测省1第1局"]
    assert client.get(reverse("reports:compare_options"), {"q": "99"}).json()["results"][0]["value"] == "990000"
    assert client.get(reverse("reports:compare_options"), {"q": ""}).json()["results"] == []


def test_picker_options_query_count(client, data, django_assert_num_queries):
    with django_assert_num_queries(2):
        client.get(reverse("reports:compare_options"), {"q": "测省"})


def test_picker_without_javascript_lists_matches_as_links(client, data):
    page = client.get(f"{URL}?chart=volume&year=2022&region=980000&find=测省1").content.decode()
    assert 'href="?chart=volume&amp;year=2022&amp;region=980000&amp;region=990000"' in page
    assert "测省1第0局" in page


def test_table_rows_are_escaped():
    from reports.tables import Column, Table, html_rows

    table = Table((Column("name", "分组", "name", kind="text"), Column("v", "值", "v")),
                  [{"name": "<b>局</b>", "v": 1234}])
    html = html_rows(table, ["/reports/?a=1&b=2"], link_text="报告")
    assert "<b>" not in html and "&lt;b&gt;局&lt;/b&gt;" in html
    assert '<td class="num">1,234</td>' in html
    assert 'href="/reports/?a=1&amp;b=2"' in html


def test_legacy_map_links_switch_tabs_by_their_chart_kind(client, data):
    tabs = dict((k, href) for k, _l, href in client.get(f"{URL}?chart=map&metric=correction_rate").context["tab_links"])
    assert tabs["table"] == "?chart=review&metric=correction_rate&tab=table"
    assert tabs["chart"] == "?chart=review&metric=correction_rate"


def test_a_line_chart_draws_the_largest_groups_and_says_so(client, monkeypatch):
    """More lines than can be told apart: the MAX_LINES groups with the largest totals over the
    years are drawn, a note says how many there are, and the exports keep every group."""
    from reports import charts

    monkeypatch.setattr(charts, "MAX_LINES", 3)
    region = RegionFactory(code="990000", name="测省1")
    for i in range(5):
        agency = AgencyFactory(name=f"测省1第{i}局", region=region)
        for year in (2021, 2022):
            report_with_figures(agency=agency, year=year, figures={"requests_received": 10 * (i + 1)})
    query = "chart=volume&year__gte=2021&year__lte=2022&level=agency"
    fig = figure_of(client.get(f"{URL}?{query}"))
    lines = [t for t in fig["data"] if t["mode"] == "lines+markers"]
    assert [t["name"] for t in lines] == ["测省1第4局", "测省1第3局", "测省1第2局"]
    notes = " ".join(a["text"] for a in fig["layout"]["annotations"])
    assert "合计最大的 3 个（共 5 个）" in notes
    assert len(export(client, query, "json")["rows"]) == 10


def test_agency_lines_mark_their_own_gaps_without_a_query(client, django_assert_num_queries):
    """At agency level an agency's line continues where it reported the year before: the rows
    tell, so the continuity query of the region levels is not run."""
    from reports import charts, queries
    from reports.models import Report

    region = RegionFactory(code="990000", name="测省1")
    for i, years in enumerate(((2019, 2020, 2022), (2020, 2021))):
        agency = AgencyFactory(name=f"测省1第{i}局", region=region)
        for year in years:
            report_with_figures(agency=agency, year=year, figures={"requests_received": 5})
    reports = Report.objects.published()
    rows = queries.chart_rows(reports, level="agency", codes=["requests_received"], by_year=True)
    continuing = {k: n for k, n in queries.continuing_agencies(reports, level="agency").items() if n}
    assert charts.agency_continuing(rows) == continuing
    with django_assert_num_queries(3):  # years, coverage, chart rows
        client.get(f"{URL}?chart=volume&year__gte=2019&year__lte=2022&level=agency")


def test_agency_level_with_too_many_agencies_asks_for_a_smaller_scope(client, data, monkeypatch,
                                                                       django_assert_max_num_queries):
    """No rollup holds a row per agency: a page over more agencies than it can compare does not
    aggregate them, says why and links to the region levels; the CSV goes up to its own bound."""
    from reports import compare

    monkeypatch.setattr(compare, "MAX_CHART_AGENCIES", 3)
    query = "chart=volume&year=2022&level=agency"
    with django_assert_max_num_queries(4):
        page = client.get(f"{URL}?{query}").content.decode()
    assert 'id="too-many-agencies"' in page and 'id="figure-data"' not in page
    assert "该范围有 4 个报告机关，按机关比较最多 3 个" in page
    assert "level=county" in page
    assert len(export(client, query, "csv")) - 1 == 4
    monkeypatch.setattr(compare, "MAX_EXPORT_AGENCIES", 3)
    response = client.get(f"{URL}?{query}&format=csv")
    assert response.status_code == 400 and response.json()["errors"]["level"][0]["code"] == "too_many_agencies"
    assert "format=csv" not in client.get(f"{URL}?{query}").content.decode().split('id="too-many-agencies"')[1].split("</div>")[0]
    # Within the bound the chart is drawn.
    assert 'id="figure-data"' in client.get(f"{URL}?{query}&region=980000").content.decode()
