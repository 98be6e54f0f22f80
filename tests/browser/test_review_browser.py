"""The review page's selection script in Chromium: a selection in the report text becomes evidence
offsets in Report.text, and the added figure carries exactly that evidence (fixtures: conftest.py)."""
import pytest

from reports.models import Figure, Status
from tests.factories import FigureFactory, ReportFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "一、总体情况 <见下表>\n本年新收 | 12 |\n办理结果总计 | 15 |\n四、行政复议 | 0 | 1 |\n"

SELECT = """([startNeedle, startAt, endNeedle, endAt]) => {
  const pre = document.getElementById("report-text");
  const find = (needle) => {
    const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const i = node.data.indexOf(needle);
      if (i >= 0) { return [node, i]; }
    }
    throw new Error("not found: " + needle);
  };
  const [a, i] = find(startNeedle);
  const [b, j] = find(endNeedle);
  const range = document.createRange();
  range.setStart(a, i + startAt);
  range.setEnd(b, j + endAt);
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}"""


def login(page, live_server):
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("input[type=submit]")


def test_selection_across_marks_becomes_the_added_figures_evidence(page, live_server):
    report = ReportFactory(status=Status.NEEDS_REVIEW, text=TEXT, original_text=TEXT)
    row = "四、行政复议 | 0 | 1 |"
    FigureFactory(report=report, code="review_total", value=1, evidence=row,
                  start=TEXT.index(row), end=TEXT.index(row) + len(row))
    login(page, live_server)
    page.goto(f"{live_server.url}/admin/reports/report/{report.pk}/review/")
    assert page.locator("#report-text mark.ev").count() == 1
    assert "<见下表>" in page.inner_text("#report-text")  # escaped, shown as text

    # From "办理结果总计" into the middle of the marked row: two pieces of the text.
    page.evaluate(SELECT, ["办理结果总计", 0, "四、行政复议", 2])
    start, end = TEXT.index("办理结果总计"), TEXT.index("四、行政复议") + 2
    page.wait_for_function("document.querySelector('input[name=evidence_end]').value !== ''")
    assert page.input_value("input[name=evidence_start]") == str(start)
    assert page.input_value("input[name=evidence_end]") == str(end)

    # Within one piece, on the number only: the value is prefilled from the selection.
    page.evaluate(SELECT, ["办理结果总计 | 15", 9, "办理结果总计 | 15", 11])
    at = TEXT.index("15 |")
    page.wait_for_function(f"document.querySelector('input[name=evidence_start]').value === '{at}'")
    assert page.input_value("#add-figure input[name=value]") == "15"
    page.select_option("select[name=code]", "outcome_total")
    page.fill("#add-figure input[name=reason]", "解析器漏读")
    page.click("#add-figure button[type=submit]")
    page.wait_for_selector("#fig-outcome_total")
    added = Figure.objects.get(report=report, code="outcome_total")
    assert (added.evidence, added.start, added.end, added.method) == ("15", at, at + 2, Figure.Method.MANUAL)
