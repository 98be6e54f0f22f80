"""Re-parse (reports/reparse.py) and `manage.py reparse_reports`: new parser values reach untouched
figures, staff corrections, additions and removals survive."""
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from reports import review
from reports.ingest import Override, ingest_files
from reports.models import Figure, ReportEvent, Status
from reports.parsing import parse_report as real_parse_report
from reports.parsing.result import Figure as ParsedFigure
from reports.parsing.result import Warning_
from reports.reparse import ReparseError, reparse_report
from tests.conftest import CORPUS_DIR
from tests.factories import ReportFactory, user_in_group

pytestmark = pytest.mark.django_db

# Seed 002 (呼和浩特市国土资源局 2017): a statistics table printed twice, prose around it.
SEED = CORPUS_DIR / "seeds" / "002_3ee8bf9952999bc0.txt"
# code -> words that start the line stating it, in that report.
LINES = {
    "requests_received": "(一)收到申请数",
    "requests_closed": "(二)申请办结数",
    "review_total": "四、行政复议数量",
    "fees_yuan": "七、依申请公开信息收取的费用",
    "proactive_total": "全年主动公开政府信息",
    "granted": "收到政府信息公开申请4件",
}


class FakeParser:
    """The real parser (real text, real offsets) with its figures and warnings replaced, so a test
    states what "the parser" reads now and what "the improved parser" reads later."""

    def __init__(self, values, warnings=()):
        self.values, self.warnings = dict(values), tuple(warnings)

    def __call__(self, data, *, filename, divisions=None):
        result = real_parse_report(data, filename=filename, divisions=divisions)
        figures = []
        for code, value in self.values.items():
            start = _line_start(result.text, LINES[code])
            end = result.text.find("\n", start)
            end = len(result.text) if end == -1 else end
            figures.append(ParsedFigure(code, Decimal(value), result.text[start:end], start, end))
        return replace(result, figures=tuple(figures), warnings=self.warnings)


def _line_start(text, words):
    # The normalizer may turn the brackets full- or half-width; match on the Chinese words.
    core = words.lstrip("(一)（）四、七")
    at = text.find(core)
    assert at != -1, words
    return text.rfind("\n", 0, at) + 1


def use_parser(monkeypatch, parser):
    monkeypatch.setattr("reports.ingest.parse_report", parser)
    monkeypatch.setattr("reports.reparse.parse_report", parser)


@pytest.fixture
def reviewer():
    return user_in_group("reviewer", username="reviewer")


@pytest.fixture
def corpus_report(monkeypatch):
    """Seed 002 ingested through reports.ingest with a parser reading four figures."""
    use_parser(monkeypatch, FakeParser({"requests_received": 4, "requests_closed": 4, "review_total": 0,
                                        "fees_yuan": 0}))
    outcome = ingest_files([(SEED.name, SEED.read_bytes())],
                           overrides={SEED.name: Override(agency="呼和浩特市国土资源局", year=2017)})[0]
    assert outcome.ok, outcome.message
    return outcome.report


def fig(report, code):
    return report.figures.get(code=code)


def test_untouched_figures_take_new_values_corrected_keep_staff_value(monkeypatch, corpus_report, reviewer):
    review.correct_figure(fig(corpus_report, "requests_received"), value=5, reason="原文另页为5", user=reviewer)
    use_parser(monkeypatch, FakeParser({"requests_received": 6, "requests_closed": 7, "review_total": 0,
                                        "fees_yuan": 0}))
    summary = reparse_report(corpus_report, user=reviewer)

    corrected = fig(corpus_report, "requests_received")
    assert (corrected.value, corrected.corrected, corrected.reparse_value) == (Decimal(5), True, Decimal(6))
    untouched = fig(corpus_report, "requests_closed")
    assert (untouched.value, untouched.parsed_value, untouched.reparse_value) == (Decimal(7), Decimal(7), None)
    assert "申请办结数" in untouched.evidence
    assert corpus_report.text[untouched.start:untouched.end] == untouched.evidence
    assert (summary.changed, summary.added, summary.removed, summary.conflicts) == (1, 0, 0, 1)
    assert "1 changed" in summary.line and "1 conflicts" in summary.line


def test_agreement_clears_the_flag(monkeypatch, corpus_report, reviewer):
    review.correct_figure(fig(corpus_report, "requests_received"), value=5, reason="r", user=reviewer)
    use_parser(monkeypatch, FakeParser({"requests_received": 6}))
    reparse_report(corpus_report)
    use_parser(monkeypatch, FakeParser({"requests_received": 5}))
    summary = reparse_report(corpus_report)
    assert fig(corpus_report, "requests_received").reparse_value is None
    assert summary.conflicts == 0


def test_new_codes_added_vanished_untouched_deleted_staff_choices_kept(monkeypatch, corpus_report, reviewer):
    text = corpus_report.text
    review.remove_figure(fig(corpus_report, "fees_yuan"), reason="单位是万元，另行核对", user=reviewer)
    review.remove_figure(fig(corpus_report, "requests_closed"), reason="不是目录指标", user=reviewer)
    start = text.index("收到政府信息公开申请4件")
    manual = review.add_figure(corpus_report, code="granted", value=4, evidence_start=start,
                               evidence_end=start + len("收到政府信息公开申请4件"), reason="正文说明", user=reviewer)
    # The improved parser reads the removed codes again, a new code, granted (3, disagreeing with
    # staff), and no longer finds review_total.
    use_parser(monkeypatch, FakeParser({"requests_received": 4, "requests_closed": 4, "fees_yuan": 0,
                                        "proactive_total": 20, "granted": 3}))
    summary = reparse_report(corpus_report)

    codes = set(corpus_report.figures.values_list("code", flat=True))
    assert "review_total" not in codes  # untouched and no longer found: deleted
    assert fig(corpus_report, "proactive_total").value == 20
    assert fig(corpus_report, "fees_yuan").removed and fig(corpus_report, "requests_closed").removed
    manual.refresh_from_db()
    assert (manual.method, manual.value, manual.reparse_value, manual.start) == (
        Figure.Method.MANUAL, Decimal(4), Decimal(3), start)
    assert (summary.changed, summary.added, summary.removed, summary.conflicts) == (0, 1, 1, 1)
    event = corpus_report.events.get(action=ReportEvent.Action.REPARSED)
    assert event.details["removed"][0]["code"] == "review_total"
    assert event.details["added"] == [{"code": "proactive_total", "value": "20"}]


def test_reparse_records_one_event_and_updates_report(monkeypatch, corpus_report, reviewer):
    use_parser(monkeypatch, FakeParser({"requests_received": 9}))
    monkeypatch.setattr("reports.parsing.PARSER_VERSION", "9.9.9")
    reparse_report(corpus_report, user=reviewer)
    corpus_report.refresh_from_db()
    events = corpus_report.events.filter(action=ReportEvent.Action.REPARSED)
    assert events.count() == 1
    event = events.get()
    assert event.user == reviewer and event.details["changed"] == [{"code": "requests_received", "old": "4", "new": "9"}]
    assert "summary" in event.details
    assert corpus_report.text and corpus_report.parser_version


def test_findings_regenerated_for_open_ones_disposed_kept(monkeypatch, corpus_report, reviewer):
    monkeypatch.setattr("reports.ingest.check_rules", lambda: frozenset({"identity", "outcome_sum"}))
    old = Warning_("identity", "旧问题", ("requests_received",))
    kept = Warning_("outcome_sum", "已判定的问题", ("granted",))
    use_parser(monkeypatch, FakeParser({"requests_received": 4}, warnings=[old, kept]))
    reparse_report(corpus_report)
    assert corpus_report.findings.filter(disposition="open").count() == 2
    decided = corpus_report.findings.get(rule="outcome_sum")
    review.dispose_finding(decided, disposition="discrepancy", note="报告本身合计不符", user=reviewer)

    new = Warning_("identity", "新问题", ("requests_received", "outcome_total"))
    use_parser(monkeypatch, FakeParser({"requests_received": 4}, warnings=[new, kept]))
    summary = reparse_report(corpus_report)
    findings = {(f.rule, f.message, f.disposition) for f in corpus_report.findings.all()}
    assert findings == {("identity", "新问题", "open"), ("outcome_sum", "已判定的问题", "discrepancy")}
    assert (summary.findings_opened, summary.findings_closed) == (1, 1)


def test_parsed_report_with_new_warning_goes_to_needs_review(monkeypatch, corpus_report, reviewer):
    corpus_report.status = Status.PARSED
    corpus_report.warnings = []
    corpus_report.save()
    use_parser(monkeypatch, FakeParser({"requests_received": 4}, warnings=[Warning_("year_range", "年度不合理", ())]))
    reparse_report(corpus_report)
    corpus_report.refresh_from_db()
    assert corpus_report.status == Status.NEEDS_REVIEW
    assert corpus_report.warning_count == 1


def test_reviewed_report_whose_figures_change_goes_back_to_review(monkeypatch, corpus_report, reviewer):
    review.transition(corpus_report, Status.REVIEWED, user=reviewer)
    use_parser(monkeypatch, FakeParser({"requests_received": 4, "requests_closed": 4, "review_total": 0,
                                        "fees_yuan": 0}))
    reparse_report(corpus_report)
    corpus_report.refresh_from_db()
    assert corpus_report.status == Status.REVIEWED  # same figures: the review still holds
    use_parser(monkeypatch, FakeParser({"requests_received": 5, "requests_closed": 4, "review_total": 0,
                                        "fees_yuan": 0}))
    reparse_report(corpus_report)
    corpus_report.refresh_from_db()
    assert corpus_report.status == Status.NEEDS_REVIEW
    assert corpus_report.events.order_by("-at", "-id").first().user is None


def test_published_report_is_skipped(monkeypatch, corpus_report):
    corpus_report.status = Status.PUBLISHED
    corpus_report.save()
    use_parser(monkeypatch, FakeParser({"requests_received": 99}))
    summary = reparse_report(corpus_report)
    assert summary.skipped
    assert fig(corpus_report, "requests_received").value == 4


def test_missing_file_is_an_error_and_changes_nothing(corpus_report):
    corpus_report.file.storage.delete(corpus_report.file.name)
    with pytest.raises(ReparseError):
        reparse_report(corpus_report)
    assert not corpus_report.events.filter(action=ReportEvent.Action.REPARSED).exists()


def test_real_parser_reparse_keeps_correction(corpus_report, reviewer, monkeypatch):
    """With the parser as it is today (no fake): a correction survives and nothing crashes."""
    monkeypatch.undo()
    review.correct_figure(fig(corpus_report, "requests_received"), value=5, reason="r", user=reviewer)
    reparse_report(corpus_report)
    assert fig(corpus_report, "requests_received").value == 5


# --- the command --------------------------------------------------------------------------------

def test_command_prints_summary_lines_and_total(monkeypatch, corpus_report, capsys):
    use_parser(monkeypatch, FakeParser({"requests_received": 6, "requests_closed": 4}))
    call_command("reparse_reports", str(corpus_report.pk))
    out = capsys.readouterr().out
    assert f"#{corpus_report.pk} " in out and "1 changed" in out
    assert "total: 1 reports (0 skipped)" in out and "0 errors" in out


def test_command_all_reports_errors_exit_nonzero(monkeypatch, corpus_report, capsys):
    broken = ReportFactory(status=Status.NEEDS_REVIEW)
    broken.file.storage.delete(broken.file.name)
    use_parser(monkeypatch, FakeParser({"requests_received": 4}))
    with pytest.raises(CommandError):
        call_command("reparse_reports", "--all")
    captured = capsys.readouterr()
    assert f"#{corpus_report.pk} " in captured.out
    assert f"#{broken.pk} " in captured.err and "ERROR" in captured.err
    assert "1 errors" in captured.out


@pytest.mark.parametrize("args", [(), ("--all", "1"), ("424242",)])
def test_command_argument_errors(args):
    with pytest.raises(CommandError):
        call_command("reparse_reports", *args)
