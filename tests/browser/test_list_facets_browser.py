"""/reports/ and /agencies/ in a real Chromium: click a facet, see the list filtered and the facet
marked, remove it again; the English page reads English (screenshots in tests/artifacts/)."""
import pytest

from agencies.models import Region
from reports.models import Status
from tests.browser.conftest import ARTIFACTS, save_screenshot
from tests.factories import AgencyFactory, RegionFactory, ReportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reports():
    fujian = RegionFactory(code="350000", name="福建省", name_en="Fujian", level=Region.Level.PROVINCE)
    hebei = RegionFactory(code="130000", name="河北省", name_en="Hebei", level=Region.Level.PROVINCE)
    for i, year in enumerate((2021, 2022, 2022)):
        ReportFactory(agency=AgencyFactory(name=f"福建省第{i}厅", region=fujian), year=year)
    ReportFactory(agency=AgencyFactory(name="河北省教育厅", region=hebei), year=2022, warning_count=2,
                  layout="standard_2019")
    ReportFactory(agency=AgencyFactory(name="河北省待审核厅", region=hebei), year=2022, status=Status.NEEDS_REVIEW)
    return {"fujian": fujian, "hebei": hebei}


def facet(page, name):
    return page.locator(f".facet[data-facet='{name}']")


def test_clicking_a_facet_filters_the_list(page, live_server, reports):
    page.goto(f"{live_server.url}/reports/?year=2022")
    province = facet(page, "province")
    assert province.locator("li", has_text="福建省").locator(".count").inner_text() == "2"
    assert province.locator("li", has_text="河北省").locator(".count").inner_text() == "1"  # published only
    assert "共 3 份报告" in page.inner_text(".result-count")

    province.locator("a", has_text="河北省").click()
    page.wait_for_url(f"**province={reports['hebei'].pk}**")
    rows = page.locator("table.reports tbody th").all_inner_texts()
    assert [r.strip() for r in rows] == ["河北省教育厅"]
    assert "共 1 份报告" in page.inner_text(".result-count")
    chosen = facet(page, "province").locator("li.selected")
    assert "河北省" in chosen.inner_text()
    # The other province stays a choice, counted under the year filter (its own filter left out).
    assert facet(page, "province").locator("li", has_text="福建省").locator(".count").inner_text() == "2"
    # Other facets count under the province: Hebei's one report has warnings.
    warnings = facet(page, "has_warnings")
    assert warnings.locator("li", has_text="有警告").locator(".count").inner_text() == "1"
    save_screenshot(page, ARTIFACTS / "reports-facets-zh.png", full_page=True)

    chosen.locator("a.facet-remove").click()
    page.wait_for_url("**/reports/?year=2022")
    assert "共 3 份报告" in page.inner_text(".result-count")
    assert not page.requests.foreign(), page.requests.foreign()


def test_english_facets_and_agency_list(page, browser, live_server, reports):
    page.goto(f"{live_server.url}/agencies/")
    level = facet(page, "level")
    assert level.locator("li", has_text="地级").locator(".count").inner_text() == "4"  # not the unpublished one
    facet(page, "province").locator("a", has_text="福建省").click()
    page.wait_for_url(f"**province={reports['fujian'].pk}**")
    assert "共 3 个机关" in page.inner_text(".result-count")

    english = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    other = english.new_page()
    other.goto(f"{live_server.url}/en/reports/")
    text = other.inner_text("main")
    assert "Fujian" in text and "4 reports" in text and "With warnings" in text
    save_screenshot(other, ARTIFACTS / "reports-facets-en.png", full_page=True)
    english.close()
    assert not page.requests.foreign(), page.requests.foreign()
