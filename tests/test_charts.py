"""Chart kinds (reports/charts.py) as pure functions: rows in, Table and plotly figure out.

Every figure is also validated against plotly's schema (the builders write plain dicts)."""
from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.utils import translation

from reports import charts
from reports.charts import Spec

FACTS = {"reports": 6, "agencies": 4, "year": 2022, "over_years": False, "first_year": 2022,
         "last_year": 2022, "lacking_reports": 0, "ungrouped_reports": 0, "stated_label": ""}


@pytest.fixture(autouse=True)
def _chinese():
    """Labels are checked in Chinese, whatever language an earlier test left active."""
    with translation.override("zh-hans"):
        yield


def group(key, name, **values):
    return {"key": key, "id": int(key[:2]), "name": name, "reports": 2, "agencies": 2, **values}


def draw(kind, rows, **spec):
    spec = Spec(kind=kind, **{"year": 2022, **spec})
    chart = charts.KINDS[kind]
    table = chart.table(rows, spec)
    fig = chart.figure(table, spec, FACTS)
    go.Figure({"data": fig["data"], "layout": fig["layout"]})  # raises on anything plotly rejects
    go.Figure({"data": fig["data"], "layout": {**fig["layout"], **fig["narrow"]}})
    return table, fig


ROWS = [
    group("110000", "北京市", requests_received=Decimal(3000), requests_received__n=2),
    group("310000", "上海市", requests_received=Decimal(119), requests_received__n=1),
    group("320000", "江苏省", requests_received=None, requests_received__n=0),
]


def test_volume_bars_total_per_agency_and_sorted():
    table, fig = draw("volume", ROWS)
    (bar,) = fig["data"]
    assert bar["orientation"] == "h"
    # A group whose reports state no figure gets no bar (the coverage note lists it).
    assert bar["y"] == ["110000", "310000"] and bar["x"] == [3000.0, 119.0]
    assert "3,000 件" in bar["customdata"][0] and "2 份报告" in bar["customdata"][0]
    assert fig["layout"]["yaxis"]["ticktext"] == ["北京市", "上海市"]
    _table, per_agency = draw("volume", ROWS, mode="per_agency")
    assert per_agency["data"][0]["x"] == [1500.0, 119.0]
    _table, ascending = draw("volume", ROWS, sort="value")
    assert ascending["data"][0]["y"] == ["310000", "110000"]
    assert [r["key"] for r in draw("volume", ROWS, sort="-value")[0].rows] == ["110000", "310000", "320000"]


def test_long_group_names_are_shortened_on_the_axis_only():
    rows = [group("110000", "北京市某某某某某某某某某某某某某某局", requests_received=Decimal(1), requests_received__n=1)]
    _table, fig = draw("volume", rows)
    assert fig["layout"]["yaxis"]["ticktext"] == ["北京市某某某某某某某某某某…"]
    assert "北京市某某某某某某某某某某某某某某局" in fig["data"][0]["customdata"][0]


def test_volume_lines_fill_missing_years_and_mark_agency_changes():
    rows = [dict(group("110000", "北京市", requests_received=Decimal(v), requests_received__n=1), year=y)
            for y, v in ((2019, 5), (2020, 7), (2022, 9))]
    rows.append(dict(group("310000", "上海市", requests_received=Decimal(9), requests_received__n=1), year=2020))
    rows = charts.with_agency_changes(rows, {(11, 2020): 1})  # 北京 had 2 agencies in 2019 and 2020, 1 kept
    _table, fig = draw("volume", rows, year=None, year_gte=2019, year_lte=2022, over_years=True)
    beijing, shanghai, legend = fig["data"]
    assert (beijing["name"], beijing["x"], beijing["y"]) == ("北京市", [2019, 2020, 2021, 2022], [5.0, 7.0, None, 9.0])
    assert beijing["marker"]["symbol"] == ["circle", "diamond-open", "circle", "circle"]
    assert "+1 −1" in beijing["customdata"][1]
    assert shanghai["y"] == [None, 9.0, None, None]
    assert legend["marker"]["symbol"] == "diamond-open"
    assert fig["layout"]["xaxis"]["type"] == "linear" and fig["layout"]["xaxis"]["dtick"] == 1


def test_line_styles_are_distinct_for_48_series():
    assert len({charts.line_style(i) for i in range(48)}) == 48


MIX = [group("110000", "北京市", disclosed=Decimal(50), partial=Decimal(20), withheld=Decimal(10),
             not_available=Decimal(10), not_processed=None, other=Decimal(10), outcomes=Decimal(100),
             outcomes__n=2),
       group("310000", "上海市", disclosed=None, partial=None, withheld=None, not_available=None,
             not_processed=None, other=None, outcomes=None, outcomes__n=0)]


def test_outcome_mix_absolute_and_percent():
    table, fig = draw("outcomes", MIX, mode="absolute")
    assert fig["layout"]["barmode"] == "stack"
    assert [t["name"] for t in fig["data"]] == ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]
    assert [t["y"] for t in fig["data"]] == [["110000"]] * 6  # 上海市 states no outcome at all
    assert [t["x"][0] for t in fig["data"]] == [50.0, 20.0, 10.0, 10.0, None, 10.0]
    assert {c.vocabulary for c in table.columns if c.code in ("disclosed", "outcomes")} == {"harmonized"}
    _table, percent = draw("outcomes", MIX, mode="percent")
    assert sum(t["x"][0] for t in percent["data"]) == pytest.approx(100)
    assert percent["layout"]["xaxis"]["range"] == [0, 100]
    assert "50 件（50.00%）" in percent["data"][0]["customdata"][0]


def review_row(key, name, requests, reviews, lawsuits, corrected):
    return group(key, name, requests_received=Decimal(requests), requests_with_review=Decimal(requests),
                 requests_with_litigation=Decimal(requests), review_total=Decimal(reviews),
                 litigation_total=Decimal(lawsuits), review_corrected=Decimal(corrected),
                 litigation_corrected=Decimal(0), reviews_with_corrections=Decimal(reviews),
                 litigation_with_corrections=Decimal(lawsuits), review_total__n=2,
                 litigation_total__n=2, review_corrected__n=2, litigation_corrected__n=1)


def test_review_litigation_wilson_error_bars_and_too_small_groups():
    rows = [review_row("110000", "北京市", 100, 10, 5, 3),
            review_row("310000", "上海市", 12, 6, 0, 1),
            review_row("320000", "江苏省", 1000, 1, 1, 0)]
    table, fig = draw("review", rows, min_requests=30)
    review, litigation, correction = fig["data"]
    # Kept in code order; 上海市 is too small and not drawn.
    assert review["y"] == ["110000", "320000"]
    assert review["x"][0] == pytest.approx(10.0)
    # Wilson 95% for 10/100: 5.52 to 17.44 per 100 (Newcombe 1998).
    assert review["error_x"]["arrayminus"][0] == pytest.approx(10 - 5.523, abs=1e-2)
    assert review["error_x"]["array"][0] == pytest.approx(17.437 - 10, abs=1e-2)
    assert correction["xaxis"] == "x2" and correction["x"][0] == pytest.approx(20.0)  # 3 of 10 + 5
    notes = fig["layout"]["annotations"][-1]["text"]
    assert "上海市" in notes and "样本过小" in notes
    beijing = table.rows[0]
    assert (beijing["correction_rate_num"], beijing["correction_rate_den"], beijing["correction_rate_reports"]) == (3, 15, 2)
    assert "3 / 15 件复议诉讼" in next(c for c in table.columns if c.key == "correction_rate").detail(beijing)


def test_review_table_marks_too_small_without_rates():
    table, _fig = draw("review", [review_row("310000", "上海市", 12, 6, 0, 1)], min_requests=30)
    (row,) = table.rows
    assert row["too_small"] is True
    assert row["review_rate"] is None and row["review_rate_low"] is None
    assert row["review_rate_den"] == 12  # the denominator is still shown


PROVINCES = (("110000", "北京市"), ("120000", "天津市"), ("310000", "上海市"))


def test_map_scale_from_zero_to_an_explicit_top_no_data_and_inset():
    rows = [review_row("110000", "北京市", 100, 10, 5, 3), review_row("310000", "上海市", 12, 6, 0, 1),
            {**review_row("999999", "x", 1, 1, 1, 1), "key": None}]
    table, fig = draw("map", rows, metric="correction_rate", geojson="/m.geojson", inset_geojson="/i.geojson",
                      provinces=PROVINCES)
    values, no_data, inset, inset_no_data = fig["data"]
    assert values["locations"] == ["110000", "310000"]  # rows without a province are not drawn
    assert values["z"][0] == pytest.approx(20.0)
    assert (values["geojson"], inset["geojson"]) == ("/m.geojson", "/i.geojson")
    assert no_data["locations"] == ["120000"] and no_data["showlegend"] and not inset_no_data["showlegend"]
    coloraxis = fig["layout"]["coloraxis"]
    assert (coloraxis["cmin"], coloraxis["cmax"]) == (0, 20)
    assert "95% 区间" in values["customdata"][0]


@pytest.mark.parametrize(("value", "top"), [(0, 1), (0.3, 0.3), (3.3, 4), (43, 50), (97, 100), (100, 100),
                                            (120, 120), (3119, 4000), (15000, 15000)])
def test_nice_maximum(value, top):
    assert charts.nice_maximum(value) == pytest.approx(top)


def test_map_of_a_metric_sum_per_agency():
    rows = [group("110000", "北京市", requests_received=Decimal(300), requests_received__n=3)]
    table, fig = draw("map", rows, metric="requests_received", mode="per_agency", provinces=PROVINCES)
    assert fig["data"][0]["z"] == [100.0]
    assert "每个报告机关平均" in fig["data"][0]["customdata"][0]


def test_english_figures_use_english_words_and_the_same_number_format():
    with translation.override("en"):
        _table, fig = draw("volume", ROWS)
    assert fig["layout"]["title"]["text"].startswith("New requests received (cases) · 2022")
    assert "3,000 cases" in fig["data"][0]["customdata"][0]


def test_names_are_text_to_plotly_never_markup():
    """plotly reads <a href>, <b> and entities in its texts: a name from a report is escaped, and
    nothing is bold (plotly draws bold with a style attribute, which the CSP refuses)."""
    rows = [group("110000", '<a href="http://evil.example">局</a> & <b>x</b>',
                  requests_received=Decimal(5), requests_received__n=1)]
    _table, fig = draw("volume", rows, scope=("<i>所选</i>",))
    (bar,) = fig["data"]
    assert bar["customdata"][0].startswith("&lt;a href=\"http://evil.example\"&gt;局&lt;/a&gt; &amp; &lt;b&gt;x")
    assert fig["layout"]["yaxis"]["ticktext"][0].startswith("&lt;a href=")
    assert "&lt;i&gt;所选&lt;/i&gt;" in fig["layout"]["title"]["text"]
    texts = [bar["customdata"][0], fig["layout"]["title"]["text"], fig["layout"]["annotations"][-1]["text"]]
    assert not any("<b>" in t or "<a " in t for t in texts)
