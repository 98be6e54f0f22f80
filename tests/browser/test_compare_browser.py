"""/compare/ in a real Chromium: shared links redraw the same chart, chart kinds switch, nothing leaves localhost."""
import pytest

from agencies.models import Region
from tests.browser.conftest import ARTIFACTS
from tests.factories import AgencyFactory, RegionFactory, report_with_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROVINCES = [("110000", "北京市", 180), ("310000", "上海市", 260), ("330000", "浙江省", 320),
             ("440000", "广东省", 410), ("510000", "四川省", 150)]


@pytest.fixture
def reports():
    for code, name, requests in PROVINCES:
        region = Region.objects.filter(code=code).first() or RegionFactory(code=code, name=name)
        for i in range(2):
            agency = AgencyFactory(name=f"{name}测试局{i}", region=region)
            for year in (2021, 2022):
                report_with_figures(agency=agency, year=year, figures={
                    "requests_received": requests + 10 * i + year - 2021, "granted": requests // 2,
                    "partial": requests // 5, "denied": requests // 10, "unable": requests // 10,
                    "review_total": 4 + i, "review_corrected": 1, "litigation_total": 2,
                    "litigation_corrected": i,
                })


def chart_data(page):
    page.wait_for_selector("#chart[data-drawn='1']", timeout=20000)
    return page.evaluate("""() => document.getElementById('chart').data.map(t => ({
        type: t.type, name: t.name, x: t.x || null, y: t.y || null,
        locations: t.locations || null, z: t.z || null}))""")


def test_shared_link_shows_the_same_chart(page, browser, live_server, reports):
    url = f"{live_server.url}/compare/?chart=volume&year=2022&region=330000&region=440000&level=province"
    page.goto(url)
    drawn = chart_data(page)
    assert drawn == [{"type": "bar", "name": drawn[0]["name"], "x": ["浙江省", "广东省"],
                      "y": [652, 832], "locations": None, "z": None}]
    # A colleague opening the copied link in a fresh browser context sees the same traces.
    page.click("#copy-link")
    other = browser.new_context(locale="zh-CN")
    colleague = other.new_page()
    colleague.goto(page.url)
    assert chart_data(colleague) == drawn
    other.close()
    assert page.requests and not page.requests.foreign()


@pytest.mark.parametrize(("kind", "label", "trace_type"), [
    ("volume", "申请数量", "bar"),
    ("outcomes", "办理结果构成", "bar"),
    ("review", "行政复议与诉讼", "bar"),
    ("map", "地图", "choropleth"),
])
def test_switch_chart_kinds_and_save_screenshots(page, live_server, reports, kind, label, trace_type):
    page.goto(f"{live_server.url}/compare/?year=2022")
    chart_data(page)
    page.click(f"nav.chart-kinds a[data-chart='{kind}']")
    page.wait_for_url(f"**chart={kind}**")
    drawn = chart_data(page)
    assert {t["type"] for t in drawn} == {trace_type}
    if kind == "outcomes":
        assert len(drawn) == 6
    if kind == "map":
        assert sorted(drawn[0]["locations"]) == sorted(code for code, _n, _r in PROVINCES)
        # The provinces were drawn from the local GeoJSON, not from a base map.
        page.wait_for_function("document.querySelectorAll('#chart .choroplethlocation').length > 0")
        assert any("/static/geo/china-provinces.geojson" in url for url in page.requests)
    page.wait_for_timeout(300)  # let plotly finish its transition before the screenshot
    page.screenshot(path=str(ARTIFACTS / f"compare-{kind}.png"), full_page=True)
    assert not page.requests.foreign(), page.requests.foreign()


def test_control_change_navigates_to_the_new_url(page, live_server, reports):
    page.goto(f"{live_server.url}/compare/?chart=outcomes&year=2022")
    chart_data(page)
    page.select_option("select[name=mode]", "percent")
    page.wait_for_url("**mode=percent**")
    drawn = chart_data(page)
    totals = [sum(t["y"][i] for t in drawn) for i in range(len(drawn[0]["y"]))]
    assert totals == pytest.approx([100.0] * len(totals))
    page.select_option("select[name=level]", "agency")
    page.wait_for_url("**level=agency**")
    assert len(chart_data(page)[0]["x"]) == 2 * len(PROVINCES)
    assert not page.requests.foreign()


def test_lines_over_years_and_png_button(page, live_server, reports):
    page.goto(f"{live_server.url}/compare/?chart=volume&year__gte=2021&year__lte=2022")
    drawn = chart_data(page)
    assert {t["type"] for t in drawn} == {"scatter"}
    assert all(t["x"] == [2021, 2022] for t in drawn)
    assert page.locator(".modebar-btn[data-title*='png'], .modebar-btn[data-title*='PNG']").count() == 1
    page.screenshot(path=str(ARTIFACTS / "compare-volume-lines.png"), full_page=True)
    assert not page.requests.foreign()
