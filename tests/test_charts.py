"""Chart builders (reports/charts.py) as pure functions: rows in, plotly traces and layout out."""
from decimal import Decimal

import pytest
from django.utils import translation

from reports import charts


@pytest.fixture(autouse=True)
def _chinese():
    """Labels are checked in Chinese, whatever language an earlier test left active."""
    with translation.override("zh-hans"):
        yield


def group(key, name, **values):
    return {"key": key, "id": int(key[:2]), "name": name, "reports": 2, "agencies": 2, **values}


ROWS = [
    group("110000", "北京市", requests_received=Decimal(300), requests_received__n=3),
    group("310000", "上海市", requests_received=Decimal(100), requests_received__n=1),
    group("320000", "江苏省", requests_received=None, requests_received__n=0),
]


def test_volume_bars_total_and_per_agency():
    fig = charts.build_request_volume(ROWS, mode="total", kind="bars")
    (bar,) = fig.data
    assert bar.type == "bar"
    # A group whose reports state no figure gets no bar (the coverage note lists it).
    assert list(bar.x) == ["北京市", "上海市"]
    assert list(bar.y) == [300.0, 100.0]
    per_agency = charts.build_request_volume(ROWS, mode="per_agency", kind="bars").data[0]
    assert list(per_agency.y) == [100.0, 100.0]


def test_volume_lines_one_trace_per_group_over_years():
    rows = [dict(group("110000", "北京市", requests_received=Decimal(v), requests_received__n=1), year=y)
            for y, v in ((2020, 5), (2021, 7))]
    rows.append(dict(group("310000", "上海市", requests_received=Decimal(9), requests_received__n=1), year=2021))
    fig = charts.build_request_volume(rows, kind="lines")
    assert [(t.type, t.name, list(t.x), list(t.y)) for t in fig.data] == [
        ("scatter", "北京市", [2020, 2021], [5.0, 7.0]), ("scatter", "上海市", [2021], [9.0])]


MIX = [group("110000", "北京市", disclosed=Decimal(50), partial=Decimal(20), withheld=Decimal(10),
             not_available=Decimal(10), not_processed=None, other=Decimal(10), outcomes=Decimal(100)),
       group("310000", "上海市", disclosed=None, partial=None, withheld=None, not_available=None,
             not_processed=None, other=None, outcomes=None)]


def test_outcome_mix_absolute_and_percent():
    fig = charts.build_outcome_mix(MIX, mode="absolute")
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理"]
    assert [list(t.x) for t in fig.data] == [["北京市"]] * 6  # 上海市 states no outcome at all
    assert [t.y[0] for t in fig.data] == [50.0, 20.0, 10.0, 10.0, None, 10.0]
    percent = charts.build_outcome_mix(MIX, mode="percent")
    assert sum(t.y[0] for t in percent.data) == pytest.approx(100)
    assert list(percent.layout.yaxis.range) == [0, 100]


def review_row(key, name, requests, reviews, lawsuits, corrected):
    return group(key, name, requests_received=Decimal(requests), requests_with_review=Decimal(requests),
                 requests_with_litigation=Decimal(requests), review_total=Decimal(reviews),
                 litigation_total=Decimal(lawsuits), review_corrected=Decimal(corrected),
                 litigation_corrected=Decimal(0), reviews_with_corrections=Decimal(reviews),
                 litigation_with_corrections=Decimal(lawsuits))


def test_review_litigation_wilson_error_bars_and_too_small_groups():
    rows = [review_row("110000", "北京市", 100, 10, 5, 3),
            review_row("310000", "上海市", 12, 6, 0, 1),
            review_row("320000", "江苏省", 1000, 1, 1, 0)]
    fig = charts.build_review_litigation(rows, min_requests=30)
    review, litigation, correction = fig.data
    # Kept in the given (code) order, not sorted by rate; 上海市 is too small and not drawn.
    assert list(review.x) == ["北京市", "江苏省"]
    assert review.y[0] == pytest.approx(10.0)
    # Wilson 95% for 10/100: 5.52 to 17.44 per 100 (Newcombe 1998).
    assert review.error_y.arrayminus[0] == pytest.approx(10 - 5.523, abs=1e-2)
    assert review.error_y.array[0] == pytest.approx(17.437 - 10, abs=1e-2)
    assert correction.yaxis == "y2"
    assert correction.y[0] == pytest.approx(20.0)  # 3 corrected of 10 + 5
    assert "上海市" in fig.layout.annotations[0].text
    assert "上海市" not in list(review.x) + list(litigation.x)


def test_review_table_marks_too_small_without_rates():
    (row,) = charts.review_table([review_row("310000", "上海市", 12, 6, 0, 1)], min_requests=30)
    assert row["too_small"] is True
    assert row["review_rate"] is None and row["review_rate_low"] is None


def test_map_choropleth_uses_local_geojson_and_hides_the_base_map():
    rows = [review_row("110000", "北京市", 100, 10, 5, 3), review_row("310000", "上海市", 12, 6, 0, 1),
            {**review_row("999999", "x", 1, 1, 1, 1), "key": None}]
    fig = charts.build_map(rows, metric="correction_rate", geojson="/static/geo/china-provinces.geojson")
    (trace,) = fig.data
    assert trace.type == "choropleth"
    assert trace.geojson == "/static/geo/china-provinces.geojson"
    assert trace.featureidkey == "properties.adcode"
    assert list(trace.locations) == ["110000", "310000"]  # rows without a province are not drawn
    assert trace.z[0] == pytest.approx(20.0)
    geo = fig.layout.geo
    assert geo.visible is False and geo.fitbounds == "locations"
    assert not any([geo.showcountries, geo.showcoastlines, geo.showland, geo.showocean,
                    geo.showlakes, geo.showrivers, geo.showsubunits])


def test_map_draws_provinces_without_data_in_grey_never_as_zero():
    rows = [review_row("110000", "北京市", 100, 10, 5, 3)]
    provinces = [("110000", "北京市"), ("120000", "天津市"), ("130000", "河北省")]
    fig = charts.build_map(rows, metric="requests_received", geojson="/g.geojson", provinces=provinces)
    values, base = fig.data
    assert list(base.locations) == ["120000", "130000"] and base.showscale is False
    assert "无数据" in base.hovertemplate
    assert list(values.locations) == ["110000"] and list(values.z) == [100.0]


def test_map_of_a_metric_sum():
    fig = charts.build_map(ROWS, metric="requests_received", geojson={"type": "FeatureCollection", "features": []})
    assert list(fig.data[0].z) == [300.0, 100.0]
