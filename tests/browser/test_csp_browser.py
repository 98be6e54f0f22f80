"""Each public page type and the admin upload and review pages run under the Content-Security-Policy
in Chromium without a single violation or console error (issue 10): the policy blocks nothing a
page needs, and no page needs anything from another host."""
import pytest

from agencies.models import Region
from reports.ingest import ingest_files
from reports.models import Report, Status
from tests.browser.conftest import ARTIFACTS, save_screenshot
from tests.conftest import CORPUS_DIR
from tests.factories import AgencyFactory, RegionFactory, UserFactory, report_with_figures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Recorded before any page script runs; plotly's own warnings go to console.warn, errors fail.
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ""}`);
});
"""


@pytest.fixture
def watched(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_init_script(WATCH)
    page = context.new_page()
    page.errors = []
    # Failed loads are recorded by URL (the console message does not name it); browsers ask for
    # /favicon.ico on their own, which is no page's doing.
    page.on("console", lambda m: m.type == "error" and not m.text.startswith("Failed to load resource")
            and page.errors.append(m.text))
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
            and page.errors.append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


@pytest.fixture
def data():
    # Transactional tests flush the regions the migration loaded: recreate the one needed.
    zhejiang = Region.objects.filter(code="330000").first() or RegionFactory(code="330000", name="浙江省")
    agency = AgencyFactory(name="浙江省测试厅", region=zhejiang, level="province")
    for year in (2021, 2022):
        report_with_figures(agency=agency, province=zhejiang, year=year, figures={
            "requests_received": 100 + year - 2021, "granted": 50, "partial": 10, "denied": 5,
            "review_total": 3, "review_corrected": 1, "litigation_total": 1})
    path = CORPUS_DIR / "standard-and-old" / "std-2021-hebei-kjt.txt"
    [outcome] = ingest_files([(path.name, path.read_bytes())], uploaded_by=None)
    Report.objects.filter(pk=outcome.report.pk).update(status=Status.PUBLISHED)
    return agency, outcome.report


def assert_clean(page, name):
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__violations")
    save_screenshot(page, ARTIFACTS / f"csp-{name}.png", full_page=False)
    assert violations == [] and page.errors == [], (violations, page.errors)


def test_public_pages_run_without_csp_violations(watched, live_server, data):
    agency, report = data
    pages = {
        "report-list": "/reports/?year__gte=2020",
        "report-detail": f"/reports/{report.pk}/",
        "agency-list": "/agencies/",
        "agency-detail": f"/agencies/{agency.pk}/",
        "methodology": "/methodology/",
        "compare-volume": "/compare/?chart=volume&year=2022",
        "compare-lines": "/compare/?chart=volume&year__gte=2021&year__lte=2022",
        "compare-outcomes": "/compare/?chart=outcomes&year=2022&mode=percent",
        "compare-review": "/compare/?chart=review&year=2022",
        "compare-map": "/compare/?chart=map&year=2022",
        "compare-map-en": "/en/compare/?chart=map&year=2022",
        "coverage": "/coverage/?year__gte=2020&year__lte=2022",
        "coverage-region-en": "/en/coverage/?region=330000&year__gte=2020&year__lte=2022",
    }
    for name, url in pages.items():
        watched.goto(live_server.url + url)
        if name.startswith("compare"):
            watched.wait_for_selector("#chart[data-drawn='1']", timeout=20000)
            watched.hover("#chart")  # draws hover labels and the modebar
        if name == "agency-detail":
            watched.wait_for_selector("#trend-chart .main-svg", timeout=20000)
        assert_clean(watched, name)


def test_png_download_runs_under_the_policy(watched, live_server, data):
    watched.goto(f"{live_server.url}/compare/?chart=volume&year=2022")
    watched.wait_for_selector("#chart[data-drawn='1']", timeout=20000)
    watched.hover("#chart")
    with watched.expect_download() as download:
        watched.click(".modebar-btn[data-title*='PNG'], .modebar-btn[data-title*='png']")
    assert download.value.suggested_filename.endswith(".png")
    assert_clean(watched, "png-download")


def test_admin_upload_and_review_pages_run_without_csp_violations(watched, live_server, data):
    _agency, report = data
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    watched.goto(f"{live_server.url}/admin/login/")
    watched.fill("#id_username", "boss")
    watched.fill("#id_password", "pw-for-tests-only")
    watched.click("input[type=submit]")
    watched.wait_for_url("**/admin/")
    for name, url in {"admin-index": "/admin/", "admin-upload": "/admin/reports/report/upload/",
                      "admin-review": f"/admin/reports/report/{report.pk}/review/",
                      "admin-change": f"/admin/reports/report/{report.pk}/change/",
                      "admin-changelist": "/admin/reports/report/",
                      "admin-expected-upload": "/admin/agencies/reportingexpectation/upload/"}.items():
        watched.goto(live_server.url + url)
        assert_clean(watched, name)
