"""/coverage/ in a real Chromium: drill down from provinces to a prefecture, follow cell links to a report and
to an absence, both languages (screenshots in tests/artifacts/); the review page's date takes a selected evidence."""
from datetime import date

import pytest

from agencies.models import Region
from reports.models import Report, Status
from tests.browser.conftest import ARTIFACTS, save_screenshot
from tests.browser.test_review_browser import SELECT, login
from tests.factories import AgencyFactory, RegionFactory, ReportFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def regions():
    """The divisions used here (a transactional test may find the loaded table flushed)."""
    fujian = RegionFactory(code="350000", name="福建省", level="province")
    fuzhou = RegionFactory(code="350100", name="福州市", level="prefecture", parent=fujian, province=fujian)
    RegionFactory(code="350128", name="平潭县", level="county", parent=fuzhou, province=fujian, prefecture=fuzhou)
    RegionFactory(code="350200", name="厦门市", level="prefecture", parent=fujian, province=fujian)
    RegionFactory(code="130000", name="河北省", level="province")


@pytest.fixture
def reports():
    regions()

    def agency(name, code):
        return AgencyFactory(name=name, region=Region.objects.get(code=code))

    def report(who, year, issued, layout=None, **fields):
        layout = layout or ("standard_2021" if year >= 2021 else "standard_2019")
        return ReportFactory(agency=who, year=year, issued_on=issued, layout=layout, **fields)

    pingtan = agency("平潭县教育局", "350128")
    report(pingtan, 2021, date(2022, 1, 20))
    report(pingtan, 2022, date(2023, 2, 14))                               # late
    report(agency("平潭县人民政府", "350128"), 2022, date(2023, 3, 20))     # a government: due 3月31日
    mingzheng = agency("福州市民政局", "350100")
    report(mingzheng, 2021, None)                                          # date unknown; 2022 missing
    report(agency("厦门市教育局", "350200"), 2022, date(2023, 1, 5), layout="standard_2019")
    report(agency("河北省教育厅", "130000"), 2022, date(2023, 1, 12))
    return {"late": Report.objects.get(agency=pingtan, year=2022), "missing": mingzheng}


def test_drill_down_and_follow_cell_links(page, live_server, reports):
    page.goto(f"{live_server.url}/coverage/?year__gte=2021&year__lte=2022")
    assert page.locator("table.coverage-regions th", has_text="福建省").count() == 1
    page.click("table.coverage-regions a.drill:text('福建省')")
    page.wait_for_url("**region=350000**")
    assert "各地区统计（地级）" in page.inner_text("#regions-h")
    page.click("table.coverage-regions a.drill:text('福州市')")
    page.wait_for_url("**region=350100**")
    matrix = page.locator("table.coverage-matrix")
    assert matrix.locator("tbody tr").count() == 3  # 平潭's two agencies and 福州市民政局
    save_screenshot(page, ARTIFACTS / "coverage-zh.png", full_page=True)

    late = matrix.locator("tr", has_text="平潭县教育局").locator("td.cell.state-late a")
    assert late.inner_text() == "逾期 14 天"
    late.click()
    page.wait_for_url(f"**/reports/{reports['late'].pk}/")
    assert "逾期发布" in page.inner_text("dl.meta")

    page.go_back()
    missing = page.locator("table.coverage-matrix tr", has_text="福州市民政局").locator("td.cell.state-missing a")
    missing.click()
    page.wait_for_url(f"**/reports/?agency={reports['missing'].pk}&year=2022")
    assert "2022" in page.inner_text("main")
    assert not page.requests.foreign(), page.requests.foreign()


def test_count_chip_narrows_the_matrix_and_english_reads_english(page, browser, live_server, reports):
    page.goto(f"{live_server.url}/coverage/?region=350000&year__gte=2022&year__lte=2022")
    page.click("table.coverage-regions tr:has-text('福州市') a.count.state-missing")
    page.wait_for_url("**state=missing**")
    names = page.locator("table.coverage-matrix tbody th").all_inner_texts()
    assert [n.strip() for n in names] == ["福州市民政局"]

    english = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    other = english.new_page()
    other.goto(f"{live_server.url}/en/coverage/?region=350100&year__gte=2021&year__lte=2022")
    text = other.inner_text("main")
    assert "Report coverage" in text and "14 days late" in text and "Missing" in text
    save_screenshot(other, ARTIFACTS / "coverage-en.png", full_page=True)
    english.close()


def test_review_page_takes_the_selected_date_as_evidence(page, live_server):
    text = "某市教育局2022年政府信息公开工作年度报告\n……\n某市教育局\n2023年2月3日\n"
    report = ReportFactory(status=Status.NEEDS_REVIEW, year=2022, text=text, original_text=text)
    login(page, live_server)
    page.goto(f"{live_server.url}/admin/reports/report/{report.pk}/review/")
    page.evaluate(SELECT, ["2023年2月3日", 0, "2023年2月3日", 9])
    page.wait_for_function("document.querySelector('#correct-issued-on input[name=issued_on]').value !== ''")
    assert page.input_value("#correct-issued-on input[name=issued_on]") == "2023-02-03"
    page.fill("#correct-issued-on input[name=reason]", "落款日期")
    page.click("#correct-issued-on button[type=submit]")
    page.wait_for_selector("#ev-issued_on", state="attached")
    report.refresh_from_db()
    at = text.index("2023年2月3日")
    assert (report.issued_on, report.issued_on_evidence, report.issued_on_start) == (date(2023, 2, 3), "2023年2月3日", at)
