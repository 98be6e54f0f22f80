"""A shared link opens in the language it was copied in, whatever the colleague's browser prefers (issue 10)."""
import pytest

from agencies.models import Region
from tests.browser.conftest import ARTIFACTS, save_screenshot
from tests.factories import AgencyFactory, RegionFactory, report_with_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data():
    hebei = Region.objects.filter(code="130000").first() or RegionFactory(code="130000", name="河北省", name_en="Hebei")
    agency = AgencyFactory(name="河北省测试厅", region=hebei, level="province")
    report_with_figures(agency=agency, province=hebei, year=2022, figures={"requests_received": 3119, "granted": 1362})


@pytest.mark.parametrize(("prefix", "browser_locale", "lang", "nav", "region"), [
    ("", "en-US", "zh-hans", "比较", "河北省"),
    ("/en", "zh-CN", "en", "Compare", "Hebei"),
])
def test_copied_links_keep_their_language(browser, live_server, data, prefix, browser_locale, lang, nav, region):
    context = browser.new_context(locale=browser_locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # The compare page's Table tab: its names and numbers are page text (the Chart tab's are SVG).
    for name, url in (("compare", "/compare/?chart=volume&year=2022&tab=table"), ("reports", "/reports/?year=2022")):
        page.goto(f"{live_server.url}{prefix}{url}")
        assert page.get_attribute("html", "lang") == lang
        assert nav in page.inner_text(".site-header nav")
        assert region in page.inner_text("main") and "3,119" in page.inner_text("main")
        save_screenshot(page, ARTIFACTS / f"shared-{name}-{lang}-in-{browser_locale}.png", full_page=False)
    context.close()
