"""/compare/ in a real Chromium: every tab and chart kind in both languages on a laptop and a
phone (screenshots in tests/artifacts/), the picker, the map's year slider, every toolbar button,
and nothing requested from another host (issue 10)."""
import re

import pytest
from django.urls import reverse
from django.utils import translation

from agencies.models import Region
from tests.browser.conftest import ARTIFACTS, save_screenshot
from tests.factories import AgencyFactory, RegionFactory, report_with_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROVINCES = [("110000", "北京市", 180), ("310000", "上海市", 260), ("330000", "浙江省", 3120),
             ("440000", "广东省", 410), ("510000", "四川省", 150)]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
# (name, query, trace type) of every tab and chart kind.
VIEWS = [
    ("volume", "chart=volume&year=2022", "bar"),
    ("volume-lines", "chart=volume&year__gte=2020&year__lte=2022", "scatter"),
    ("outcomes", "chart=outcomes&year=2022&mode=percent", "bar"),
    ("review", "chart=review&year=2022", "bar"),
    ("map", "tab=map&chart=review&year=2022&metric=correction_rate", "choropleth"),
    ("table", "tab=table&chart=review&year=2022", None),
]


@pytest.fixture
def reports():
    for code, name, requests in PROVINCES:
        region = Region.objects.filter(code=code).first() or RegionFactory(code=code, name=name)
        for i in range(2):
            agency = AgencyFactory(name=f"{name}测试局{i}", region=region)
            # 浙江省测试局1 starts reporting in 2021: the province's line marks the change.
            years = (2020, 2021, 2022) if code != "330000" or i == 0 else (2021, 2022)
            for year in years:
                report_with_figures(agency=agency, year=year, figures={
                    "requests_received": requests // 2 + 10 * i + year - 2021, "granted": requests // 4,
                    "partial": requests // 10, "denied": requests // 20, "unable": requests // 20,
                    "review_total": 4 + i, "review_corrected": 1, "litigation_total": 2,
                    "litigation_corrected": i,
                })


# Every Content-Security-Policy violation of the page, recorded before its scripts run: hovers
# and toolbar buttons must not need inline styles either (plotly draws <b> with one).
WATCH_CSP = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture(autouse=True)
def _watch_csp(page):
    page.add_init_script(WATCH_CSP)


def drawn(page):
    page.wait_for_selector("#chart[data-drawn='1']", timeout=20000)
    return page.evaluate("""() => document.getElementById('chart').data.map(t => ({
        type: t.type, name: t.name, x: t.x || null, y: t.y || null,
        locations: t.locations || null, z: t.z || null}))""")


def compare_url(live_server, query, lang="zh-hans"):
    """The compare page in a language: Chinese at /compare/, English under /en/ (reverse() knows)."""
    with translation.override(lang):
        return f"{live_server.url}{reverse('reports:compare')}?{query}"


@pytest.mark.slow  # about 5 s a view on a loaded 2-core machine: 4 layouts, 4 screenshots
@pytest.mark.parametrize(("name", "query", "trace_type"), VIEWS)
def test_every_view_in_both_languages_on_a_laptop_and_a_phone(page, live_server, reports, name, query, trace_type):
    """Chinese is loaded on a laptop and then narrowed to a phone (the resize path); English is
    loaded on a phone and then widened (the first-load path). Screenshots of all four."""
    for lang, sizes in (("zh", (LAPTOP, PHONE)), ("en", (PHONE, LAPTOP))):
        page.set_viewport_size(sizes[0])
        page.goto(compare_url(live_server, query, "zh-hans" if lang == "zh" else "en"))
        assert page.locator("html").get_attribute("lang") == ("zh-hans" if lang == "zh" else "en")
        # The active tab is marked, for the eye and for screen readers.
        tab = re.search(r"tab=(\w+)", query)
        assert page.locator(f"nav.tabs a[data-tab='{tab.group(1) if tab else 'chart'}']").get_attribute("aria-current") == "page"
        for size in sizes:
            page.set_viewport_size(size)
            if trace_type:
                assert trace_type in {t["type"] for t in drawn(page)}
                _wait_for_layout(page, narrow=size is PHONE)
                text = page.locator("#chart .infolayer").text_content()
                assert ("来源" if lang == "zh" else "Source") in text and "2022" in text
                # The drawn chart is as tall as its figure: no blank band under the notes.
                assert page.evaluate("""() => { const gd = document.getElementById('chart');
                    return Math.abs(gd.getBoundingClientRect().height - gd._fullLayout.height); }""") <= 2
            else:
                assert page.locator("#data-table tbody tr").count() == len(PROVINCES)
            # Nothing wider than the screen: no sideways scrolling on a phone.
            assert page.evaluate("document.documentElement.scrollWidth") <= size["width"] + 1, _overflowing(page)
            device = "phone" if size is PHONE else "laptop"
            save_screenshot(page, ARTIFACTS / f"compare-{name}-{lang}-{device}.png", full_page=True)
    assert page.requests and not page.requests.foreign(), page.requests.foreign()


def _overflowing(page):
    return page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")


def _wait_for_layout(page, *, narrow):
    """Wait until the figure shows the wrapping of this width (charts.js swaps it on resize)."""
    page.wait_for_function(
        """narrow => { const gd = document.getElementById('chart');
            const spec = JSON.parse(document.getElementById('figure-data').textContent);
            const want = (narrow ? spec.narrow : spec.layout).title.text;
            return gd.layout && gd.layout.title.text === want; }""", arg=narrow, timeout=10000)
    page.wait_for_timeout(150)  # let plotly finish drawing before the screenshot


def test_lines_break_at_missing_years_and_mark_changed_agencies(page, live_server, reports):
    page.goto(f"{live_server.url}/compare/?chart=volume&year__gte=2019&year__lte=2022")
    traces = drawn(page)
    zhejiang = next(t for t in traces if t["name"] == "浙江省")
    assert zhejiang["x"] == [2020, 2021, 2022] and zhejiang["y"][0] == 1559
    symbols = page.evaluate("document.getElementById('chart').data.find(t => t.name === '浙江省').marker.symbol")
    assert symbols == ["circle", "diamond-open", "circle"]
    assert any(t["name"] == "本年报告机关与上年不同" for t in traces)
    assert page.evaluate("document.getElementById('chart').layout.xaxis.type") == "linear"


def test_tabs_share_one_state(page, live_server, reports):
    page.goto(f"{live_server.url}/compare/?chart=review&year=2022&region=330000&region=440000&sort=-value")
    assert len(drawn(page)[0]["y"]) == 2
    page.click("nav.tabs a[data-tab='table']")
    page.wait_for_url("**tab=table**")
    assert page.locator("#data-table tbody tr").count() == 2
    assert "region=330000" in page.url and "sort=-value" in page.url
    page.click("nav.tabs a[data-tab='map']")
    page.wait_for_url("**tab=map**")
    assert sorted(drawn(page)[0]["locations"]) == ["330000", "440000"]
    page.click("nav.chart-kinds a[data-chart='volume']")
    page.wait_for_url("**chart=volume**")
    assert "tab=map" in page.url and drawn(page)[0]["type"] == "choropleth"
    assert not page.requests.foreign()


def test_picker_by_keyboard_and_by_mouse(page, live_server, reports):
    page.goto(f"{live_server.url}/compare/?chart=volume&year=2022")
    drawn(page)
    picker = page.locator("#picker-input")
    picker.fill("浙江")
    page.wait_for_selector("#picker-list [role=option]")
    assert picker.get_attribute("aria-expanded") == "true"
    assert page.locator("#picker-list [role=option]").first.text_content().startswith("浙江省")
    picker.press("ArrowDown")
    assert picker.get_attribute("aria-activedescendant") == "picker-option-0"
    assert page.locator("#picker-option-0").get_attribute("aria-selected") == "true"
    picker.press("Enter")
    page.wait_for_url("**region=330000**")
    assert drawn(page)[0]["y"] == ["330000"]
    # The picker keeps the focus for the next name; this one is chosen with the mouse.
    assert page.evaluate("document.activeElement.id") == "picker-input"
    page.locator("#picker-input").fill("广东省测试局1")
    page.wait_for_selector("#picker-list [role=option]")
    page.locator("#picker-list [role=option]").first.dispatch_event("mousedown")
    page.wait_for_url("**agency=**")
    assert "region=330000" in page.url
    chips = page.locator("ul.chips .chip")
    assert chips.count() == 2 and "广东省测试局1" in chips.nth(1).text_content()
    # Escape closes the list; × removes a choice.
    page.locator("#picker-input").fill("北京")
    page.wait_for_selector("#picker-list [role=option]")
    page.locator("#picker-input").press("Escape")
    assert page.locator("#picker-list").is_hidden()
    chips.nth(0).locator("a").click()
    page.wait_for_load_state()
    assert "region=330000" not in page.url and "agency=" in page.url
    save_screenshot(page, ARTIFACTS / "compare-picker.png", full_page=True)
    assert not page.requests.foreign()


def test_map_year_slider_by_keyboard(page, live_server, reports):
    page.goto(f"{live_server.url}/compare/?tab=map&year=2022")
    before = drawn(page)[0]["z"]
    slider = page.locator("#map-year")
    slider.focus()
    slider.press("ArrowLeft")
    page.wait_for_url("**year=2021**")
    after = drawn(page)[0]["z"]
    assert after != before
    assert page.locator("#map-year-value").text_content() == "2021"
    assert not page.requests.foreign()


def test_control_change_navigates_to_the_new_url(page, live_server, reports):
    page.goto(f"{live_server.url}/compare/?chart=outcomes&year=2022")
    drawn(page)
    page.check("input[name=mode][value=percent]", force=True)
    page.wait_for_url("**mode=percent**")
    traces = drawn(page)
    totals = [sum(t["x"][i] for t in traces) for i in range(len(traces[0]["x"]))]
    assert totals == pytest.approx([100.0] * len(totals))
    page.select_option("select[name=level]", "agency")
    page.wait_for_url("**level=agency**")
    assert len(drawn(page)[0]["y"]) == 2 * len(PROVINCES)
    page.select_option("select[name=sort]", "-value")
    page.wait_for_url("**sort=-value**")
    assert not page.requests.foreign()


def test_shared_link_shows_the_same_chart_in_a_fresh_browser(page, browser, live_server, reports):
    page.goto(f"{live_server.url}/compare/?chart=volume&year=2022&region=330000&region=440000&level=province")
    traces = drawn(page)
    assert traces[0]["y"] == ["330000", "440000"] and traces[0]["x"] == [3132, 422]
    page.click("#copy-link")
    other = browser.new_context(locale="zh-CN")
    colleague = other.new_page()
    colleague.goto(page.url)
    assert drawn(colleague) == traces
    other.close()
    assert page.requests and not page.requests.foreign()


TOOLBAR_VIEWS = ["chart=volume&year=2022", "chart=volume&year__gte=2020&year__lte=2022",
                 "chart=outcomes&year=2022", "chart=review&year=2022", "tab=map&year=2022"]


@pytest.mark.slow  # about 3 s a chart kind: every button, three downloads
@pytest.mark.parametrize("query", TOOLBAR_VIEWS)
def test_every_toolbar_button_stays_on_this_host(page, live_server, reports, query):
    """No "Share chart" (plotly's cloud), no edit button; every button is clicked, downloads
    (PNG, SVG, CSV) included, and no request leaves the server."""
    page.goto(f"{live_server.url}/compare/?{query}")
    drawn(page)
    _click_every_button(page)


def test_agency_trend_toolbar_stays_on_this_host(page, live_server, reports):
    from agencies.models import Agency

    agency = Agency.objects.get(name="浙江省测试局0")
    page.goto(f"{live_server.url}/agencies/{agency.pk}/")
    page.wait_for_selector("#trend-chart[data-drawn='1']", timeout=20000)
    _click_every_button(page, chart="#trend-chart", csv=False)


def _click_every_button(page, chart="#chart", csv=True):
    # Hover a drawn mark (bar, line point or province): the hover label is drawn too.
    page.hover(f"{chart} .point, {chart} .choroplethlocation, {chart} .scatterlayer .trace path >> nth=0",
               force=True)
    page.wait_for_selector(f"{chart} .hoverlayer .hovertext", timeout=5000)
    page.hover(chart)
    buttons = page.locator(f"{chart} .modebar-btn")
    titles = [buttons.nth(i).get_attribute("data-title") for i in range(buttons.count())]
    assert titles and not [t for t in titles if re.search("share|cloud|edit|studio|分享|编辑", t, re.I)]
    # The toolbar speaks Chinese on Chinese pages (plotly's zh-CN locale is registered).
    assert "下载图表为PNG格式" in titles and "下载 SVG 矢量图" in titles
    assert ("下载本图数据（CSV）" in titles) is csv
    downloads = {"下载图表为PNG格式": ".png", "下载 SVG 矢量图": ".svg", "下载本图数据（CSV）": ".csv"}
    for i, title in enumerate(titles):
        page.hover(chart)
        if title in downloads:
            with page.expect_download() as download:
                buttons.nth(i).click(force=True)
            assert download.value.suggested_filename.endswith(downloads[title])
        else:
            buttons.nth(i).click(force=True)
    page.wait_for_timeout(200)
    assert not page.requests.foreign(), page.requests.foreign()
    assert page.evaluate("window.__violations") == []
