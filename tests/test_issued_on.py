"""The report's own date (Report.issued_on): stored at ingest and re-parse from the parse result, corrected
by staff like a figure (reason, parsed value kept, audit event, publish lock), shown on the report page."""
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from reports import ingest, reparse, review
from reports.ingest import ingest_files
from reports.models import Report, ReportEvent, Status
from reports.parsing.result import Figure as ParsedFigure
from reports.parsing.result import Metadata, ParseResult
from tests.factories import ReportFactory, user_in_group

pytestmark = pytest.mark.django_db

SIGNED = "平潭综合实验区管委会\n2020年1月20日"
TEXT = "平潭综合实验区2019年政府信息公开工作年度报告\n" * 2 + "本年新收政府信息公开申请数量 12 件\n" + SIGNED
DATE_AT = TEXT.index("2020年1月20日")


def parsed(issued_on=date(2020, 1, 20), evidence="2020年1月20日", start=DATE_AT, end=DATE_AT + 10, text=TEXT):
    meta = Metadata(agency="平潭综合实验区", year=2019, region_code="350128", issued_on=issued_on,
                    issued_on_evidence=evidence, issued_on_start=start, issued_on_end=end)
    at = text.index("本年新收")
    return ParseResult(
        filename="a.txt", ok=True, text=text, original_text=text, offsets=tuple(range(len(text) + 1)),
        script="simplified", layout="standard_2019", file_kind="txt", encoding="utf-8", metadata=meta,
        figures=(ParsedFigure("requests_received", Decimal(12), "本年新收政府信息公开申请数量 12 件", at, at + 19),),
        parser_version="test",
    )


def use(monkeypatch, result):
    fake = lambda data, *, filename, divisions: result  # noqa: E731
    monkeypatch.setattr(ingest, "parse_report", fake)
    monkeypatch.setattr(reparse, "parse_report", fake)


@pytest.fixture
def reviewer():
    return user_in_group("reviewer", username="reviewer")


@pytest.fixture
def stored(monkeypatch):
    use(monkeypatch, parsed())
    [outcome] = ingest_files([("a.txt", b"bytes of the report")])
    assert outcome.ok, outcome.message
    return outcome.report


def test_ingest_stores_the_date_with_its_evidence_and_offsets(stored):
    report = Report.objects.get(pk=stored.pk)
    assert report.issued_on == date(2020, 1, 20) and report.issued_on_parsed == date(2020, 1, 20)
    assert report.text[report.issued_on_start:report.issued_on_end] == report.issued_on_evidence == "2020年1月20日"
    assert not report.issued_on_corrected


def test_no_date_from_the_parser_stores_none(monkeypatch):
    use(monkeypatch, parsed(issued_on=None, evidence="", start=None, end=None))
    [outcome] = ingest_files([("a.txt", b"x")])
    report = outcome.report
    assert (report.issued_on, report.issued_on_evidence, report.issued_on_start) == (None, "", None)


def test_offsets_outside_the_text_are_dropped_but_the_date_kept(monkeypatch):
    use(monkeypatch, parsed(start=len(TEXT) - 2, end=len(TEXT) + 40))
    [outcome] = ingest_files([("a.txt", b"x")])
    assert outcome.report.issued_on == date(2020, 1, 20)
    assert (outcome.report.issued_on_start, outcome.report.issued_on_end) == (None, None)


def test_reparse_updates_an_untouched_date(monkeypatch, stored, reviewer):
    use(monkeypatch, parsed(issued_on=date(2020, 2, 3), evidence="2020年2月3日"))
    summary = reparse.reparse_report(stored, user=reviewer)
    stored.refresh_from_db()
    assert stored.issued_on == stored.issued_on_parsed == date(2020, 2, 3)
    assert summary.details["issued_on"] == {"old": "2020-01-20", "new": "2020-02-03", "parsed": "2020-02-03",
                                            "kept": False}


def test_reparse_keeps_a_staff_date_and_records_what_the_parser_now_reads(monkeypatch, stored, reviewer):
    review.correct_issued_on(stored, value=date(2020, 1, 22), reason="网站发布日期为1月22日", user=reviewer)
    use(monkeypatch, parsed(issued_on=date(2020, 2, 3), evidence="2020年2月3日"))
    summary = reparse.reparse_report(stored, user=reviewer)
    stored.refresh_from_db()
    assert stored.issued_on == date(2020, 1, 22) and stored.issued_on_corrected
    assert stored.issued_on_parsed == date(2020, 2, 3)
    assert summary.details["issued_on"]["kept"] is True


def test_reparse_drops_a_staff_span_the_new_text_no_longer_holds(monkeypatch, stored, reviewer):
    review.correct_issued_on(stored, value=date(2020, 1, 20), reason="确认落款日期", user=reviewer,
                             evidence_start=DATE_AT, evidence_end=DATE_AT + 10)
    shifted = "前言\n" + TEXT
    use(monkeypatch, parsed(text=shifted, start=DATE_AT + 3, end=DATE_AT + 13))
    reparse.reparse_report(stored, user=reviewer)
    stored.refresh_from_db()
    assert stored.issued_on_evidence == "2020年1月20日" and stored.issued_on_start is None


def test_correction_needs_a_reason_keeps_the_parsed_date_and_is_audited(stored, reviewer):
    with pytest.raises(ValidationError):
        review.correct_issued_on(stored, value=date(2020, 2, 1), reason=" ", user=reviewer)
    start = TEXT.index("平潭综合实验区管委会")
    review.correct_issued_on(stored, value=date(2020, 2, 1), reason="落款日期识别错误", user=reviewer,
                             evidence_start=start, evidence_end=start + 10)
    stored.refresh_from_db()
    assert (stored.issued_on, stored.issued_on_parsed, stored.issued_on_corrected) == (
        date(2020, 2, 1), date(2020, 1, 20), True)
    assert stored.issued_on_evidence == "平潭综合实验区管委会"
    event = ReportEvent.objects.get(report=stored, action=ReportEvent.Action.DATED)
    assert (event.code, event.old_value, event.new_value, event.reason, event.user) == (
        "issued_on", "2020-01-20", "2020-02-01", "落款日期识别错误", reviewer)
    assert event.details["parsed"] == "2020-01-20"


def test_staff_may_state_that_the_report_has_no_date(stored, reviewer):
    review.correct_issued_on(stored, value=None, reason="所识别日期为印发文件日期，非报告日期", user=reviewer)
    stored.refresh_from_db()
    assert stored.issued_on is None and stored.issued_on_parsed == date(2020, 1, 20)
    assert stored.issued_on_evidence == "" and stored.issued_on_start is None


@pytest.mark.parametrize("value", [date(2018, 12, 31), date(2099, 1, 1)])
def test_a_date_before_the_report_year_or_in_the_future_is_refused(stored, reviewer, value):
    with pytest.raises(ValidationError):
        review.correct_issued_on(stored, value=value, reason="x", user=reviewer)


def test_published_reports_are_locked_and_uploaders_cannot_correct(stored, reviewer):
    with pytest.raises(PermissionDenied):
        review.correct_issued_on(stored, value=date(2020, 2, 1), reason="x",
                                 user=user_in_group("uploader", username="up"))
    Report.objects.filter(pk=stored.pk).update(status=Status.PUBLISHED)
    with pytest.raises(review.ReportLocked):
        review.correct_issued_on(stored, value=date(2020, 2, 1), reason="x", user=reviewer)
    assert Report.objects.get(pk=stored.pk).issued_on == date(2020, 1, 20)


def test_review_page_shows_and_corrects_the_date(client, stored, reviewer):
    client.force_login(reviewer)
    url = reverse("admin:reports_report_review", args=[stored.pk])
    html = client.get(url).content.decode()
    assert "2020-01-20" in html and 'id="correct-issued-on"' in html and 'id="ev-issued_on"' in html
    assert "发布期限 2020-01-31" in html
    response = client.post(url, {"op": "dated", "issued_on": "2020-02-05", "reason": ""})
    assert response.status_code == 200 and "未保存" in response.content.decode()
    response = client.post(url, {"op": "dated", "issued_on": "2020-02-05", "no_date": "1", "reason": "x"})
    assert "二者选一" in response.content.decode()
    response = client.post(url, {"op": "dated", "issued_on": "2020-02-05", "reason": "网站显示2月5日发布",
                                 "evidence_start": "", "evidence_end": ""})
    assert response.status_code == 302 and response["Location"].endswith("#issued-on")
    stored.refresh_from_db()
    assert stored.issued_on == date(2020, 2, 5) and stored.issued_on_evidence == ""
    html = client.get(url).content.decode()
    assert "解析值 2020-01-20" in html and "更正报告日期" in html


def test_review_page_of_a_published_report_offers_no_date_form(client, reviewer):
    report = ReportFactory(status=Status.PUBLISHED, issued_on=date(2021, 1, 5))
    client.force_login(reviewer)
    html = client.get(reverse("admin:reports_report_review", args=[report.pk])).content.decode()
    assert "2021-01-05" in html and 'id="correct-issued-on"' not in html


def test_report_page_shows_the_date_its_evidence_and_timeliness(client):
    text = "某市教育局2022年度报告\n某市教育局\n2023年2月10日"
    at = text.index("2023")
    report = ReportFactory(year=2022, text=text, original_text=text, issued_on=date(2023, 2, 10),
                           issued_on_evidence="2023年2月10日", issued_on_start=at, issued_on_end=at + 10)
    html = client.get(report.get_absolute_url()).content.decode()
    assert 'href="#ev-issued_on"' in html and 'id="ev-issued_on"' in html
    assert "发布期限 2023-01-31" in html and "逾期发布" in html


def test_report_page_without_a_date_says_unknown(client):
    html = client.get(ReportFactory(year=2022).get_absolute_url()).content.decode()
    assert "报告日期" in html and "未知" in html


def test_reparse_of_a_result_without_the_fields_changes_nothing(monkeypatch, stored, reviewer):
    use(monkeypatch, replace(parsed(), metadata=replace(parsed().metadata)))
    summary = reparse.reparse_report(stored, user=reviewer)
    assert "issued_on" not in summary.details
