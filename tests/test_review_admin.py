"""The admin review page (reports/admin_review.py): evidence marks, correction forms, findings,
status buttons by permission, publish lock in the change form, the re-parse action."""
from decimal import Decimal

import pytest
from django.urls import reverse

from reports import review
from reports.admin_review import marked_text
from reports.models import Figure, Finding, ReportEvent, Status
from tests.factories import FigureFactory, FindingFactory, ReportFactory, user_in_group

pytestmark = pytest.mark.django_db

TEXT = "一、总体情况\n本年新收 | 12 | <b>注</b>\n办理结果总计 | 15 |\n四、行政复议 | 0 | 1 |\n"


@pytest.fixture(autouse=True)
def _plain_http(settings):
    """The test client speaks http; production settings redirect that to https."""
    settings.SECURE_SSL_REDIRECT = False


def url(report):
    return reverse("admin:reports_report_review", args=[report.pk])


@pytest.fixture
def report():
    report = ReportFactory(status=Status.NEEDS_REVIEW, text=TEXT, original_text=TEXT)
    start = TEXT.index("本年新收")
    FigureFactory(report=report, code="requests_received", value=12, evidence="本年新收 | 12 |",
                  start=start, end=start + len("本年新收 | 12 |"))
    start = TEXT.index("四、行政复议")
    line = "四、行政复议 | 0 | 1 |"
    # Two figures from one row: overlapping evidence.
    FigureFactory(report=report, code="review_total", value=1, evidence=line, start=start, end=start + len(line))
    FigureFactory(report=report, code="review_corrected", value=0, evidence=line, start=start, end=start + len(line))
    FindingFactory(report=report, codes=["requests_received", "outcome_total"])
    return report


def client_for(client, group):
    user = user_in_group(group, username=group)
    client.force_login(user)
    return client, user


# --- rendering ----------------------------------------------------------------------------------

def test_marked_text_cuts_overlaps_escapes_and_keeps_offsets():
    text = "a<b>c\nrow | 1 | 2 |"
    html = marked_text(text, [(1, 6, 18), (2, 6, 18), (3, 0, 3), (4, 50, 60)])
    assert "<b>" not in html and "a&lt;b" in html and "&gt;c" in html
    assert 'data-figs="1 2"' in html and 'id="ev-1"' in html and 'id="ev-3"' in html
    assert 'id="ev-4"' not in html  # out of range: not marked
    assert 'data-o="6"' in html


def test_review_page_shows_text_with_marks_figures_findings_history(admin_client, admin_user, report):
    review.correct_figure(report.figures.get(code="requests_received"), value=13, reason="原文为13",
                          user=admin_user)
    response = admin_client.get(url(report))
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;b&gt;注&lt;/b&gt;" in html and "<b>注</b>" not in html
    assert '<mark class="ev"' in html
    assert 'data-figs="' in html
    assert "本年新收申请数" in html  # catalog label of requests_received
    assert "本年新收 + 上年结转" in html  # the finding message
    assert "原文为13" in html  # history
    fig = report.figures.get(code="review_total")
    assert f'href="#ev-{fig.pk}"' in html and f'id="ev-{fig.pk}"' in html


def test_anonymous_is_sent_to_login(client, report):
    response = client.get(url(report))
    assert response.status_code == 302 and "/login/" in response["Location"]
    response = client.post(url(report), {"op": "publish"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.NEEDS_REVIEW


def test_links_from_changelist_and_change_page(admin_client, report):
    assert url(report) in admin_client.get(reverse("admin:reports_report_changelist")).content.decode()
    assert url(report) in admin_client.get(reverse("admin:reports_report_change", args=[report.pk])).content.decode()


# --- corrections --------------------------------------------------------------------------------

def test_correction_without_reason_is_an_error(admin_client, report):
    fig = report.figures.get(code="requests_received")
    response = admin_client.post(url(report), {"op": "correct", "figure": fig.pk, "value": "21", "reason": ""})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    fig.refresh_from_db()
    assert fig.value == 12 and not fig.corrected
    assert not ReportEvent.objects.filter(action="corrected").exists()


def test_correction_with_reason_is_saved_and_recorded(admin_client, report):
    fig = report.figures.get(code="requests_received")
    response = admin_client.post(url(report), {"op": "correct", "figure": fig.pk, "value": "21",
                                               "reason": "原文为21"})
    assert response.status_code == 302 and response["Location"].endswith("#fig-requests_received")
    fig.refresh_from_db()
    assert (fig.value, fig.parsed_value, fig.corrected) == (Decimal(21), Decimal(12), True)
    event = ReportEvent.objects.get(action="corrected")
    assert (event.old_value, event.new_value, event.reason, event.user.is_superuser) == ("12", "21", "原文为21", True)


def test_remove_and_add_through_the_page(admin_client, report):
    fig = report.figures.get(code="review_corrected")
    admin_client.post(url(report), {"op": "remove", "figure": fig.pk, "reason": "同行重复"})
    fig.refresh_from_db()
    assert fig.removed
    start = TEXT.index("办理结果总计")
    end = TEXT.index("\n", start)
    response = admin_client.post(url(report), {"op": "add", "code": "outcome_total", "value": "15",
                                               "evidence_start": start, "evidence_end": end, "reason": "漏读"})
    assert response.status_code == 302
    added = report.figures.get(code="outcome_total")
    assert (added.method, added.evidence, added.value) == (Figure.Method.MANUAL, "办理结果总计 | 15 |", Decimal(15))
    page = admin_client.get(url(report)).content.decode()
    assert f'id="ev-{added.pk}"' in page


def test_add_without_selection_is_an_error(admin_client, report):
    response = admin_client.post(url(report), {"op": "add", "code": "outcome_total", "value": "15", "reason": "r"})
    assert response.status_code == 200
    assert "选中" in response.content.decode()
    assert not report.figures.filter(code="outcome_total").exists()


def test_dispose_finding_through_the_page(admin_client, report):
    finding = report.findings.get()
    response = admin_client.post(url(report), {"op": "dispose", "finding": finding.pk,
                                               "disposition": "discrepancy", "note": "报告表格本身不平"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.disposition == Finding.Disposition.DISCREPANCY and finding.note == "报告表格本身不平"


# --- status buttons and permissions -------------------------------------------------------------

def test_uploader_sees_the_page_without_forms_and_cannot_publish(client, report):
    client, _ = client_for(client, "uploader")
    report.status = Status.REVIEWED
    report.save()
    html = client.get(url(report)).content.decode()
    assert 'value="correct"' not in html and 'value="publish"' not in html and 'value="status"' not in html
    assert client.post(url(report), {"op": "publish", "override_reason": "x"}).status_code == 403
    fig = report.figures.first()
    assert client.post(url(report), {"op": "correct", "figure": fig.pk, "value": "1", "reason": "r"}).status_code == 403
    report.refresh_from_db()
    assert report.status == Status.REVIEWED


def test_reviewer_marks_reviewed_but_cannot_publish(client, report):
    client, reviewer = client_for(client, "reviewer")
    html = client.get(url(report)).content.decode()
    assert 'value="correct"' in html and 'value="reviewed"' in html and 'value="publish"' not in html
    response = client.post(url(report), {"op": "status", "to": "reviewed", "reason": ""})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.REVIEWED
    assert client.post(url(report), {"op": "publish", "override_reason": "x"}).status_code == 403


def test_return_without_reason_is_an_error(client, report):
    client, _ = client_for(client, "reviewer")
    response = client.post(url(report), {"op": "status", "to": "returned", "reason": ""})
    assert response.status_code == 200 and "原因" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.NEEDS_REVIEW


def test_publisher_publishes_with_override_then_reopens(client, report):
    client, publisher = client_for(client, "publisher")
    report.status = Status.REVIEWED
    report.save()
    html = client.get(url(report)).content.decode()
    assert 'name="override_reason"' in html  # one finding is open
    response = client.post(url(report), {"op": "publish", "override_reason": ""})
    assert response.status_code == 200 and "未处理" in response.content.decode()
    response = client.post(url(report), {"op": "publish", "override_reason": "原文如此"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.PUBLISHED
    html = client.get(url(report)).content.decode()
    assert "已发布并锁定" in html and 'value="correct"' not in html and 'value="reopen"' in html
    client.post(url(report), {"op": "reopen", "reason": "发现错误"})
    report.refresh_from_db()
    assert report.status == Status.NEEDS_REVIEW
    assert list(report.events.values_list("action", flat=True).order_by("at", "id")) == [
        "override", "status", "reopened"]


def test_reviewer_cannot_reopen(client, report):
    client, _ = client_for(client, "reviewer")
    report.status = Status.PUBLISHED
    report.save()
    assert 'value="reopen"' not in client.get(url(report)).content.decode()
    assert client.post(url(report), {"op": "reopen", "reason": "r"}).status_code == 403


def test_unknown_op_is_refused(admin_client, report):
    assert admin_client.post(url(report), {"op": "delete_everything"}).status_code == 403


# --- the change form lock and metadata audit ----------------------------------------------------

def _change_form_data(report, **changes):
    data = {"agency": report.agency_id, "year": report.year, "title": report.title,
            "province": report.province_id or "", "prefecture": "", "county": "",
            "status_reason": report.status_reason}
    for prefix in ("figures", "findings", "events"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return data


def test_published_report_change_form_is_read_only(client, report):
    client, _ = client_for(client, "publisher")
    report.status = Status.PUBLISHED
    report.save()
    change = reverse("admin:reports_report_change", args=[report.pk])
    assert 'name="_save"' not in client.get(change).content.decode()
    assert client.post(change, _change_form_data(report, year=2021)).status_code == 403
    report.refresh_from_db()
    assert report.year == 2022


def test_metadata_change_in_change_form_is_recorded(client, report):
    client, reviewer = client_for(client, "reviewer")
    change = reverse("admin:reports_report_change", args=[report.pk])
    response = client.post(change, _change_form_data(report, year=2021))
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.year == 2021
    event = report.events.get(action=ReportEvent.Action.METADATA)
    assert event.user == reviewer and event.details == {"year": ["2022", "2021"]}


def test_reparse_action_in_changelist(admin_client, report, monkeypatch):
    seen = []

    def fake_reparse(r, *, user=None, divisions=None):
        from reports.reparse import ReparseSummary

        seen.append((r.pk, user.is_superuser))
        return ReparseSummary(report_id=r.pk, label=str(r), changed=2)

    monkeypatch.setattr("reports.admin_review.reparse_report", fake_reparse)
    response = admin_client.post(reverse("admin:reports_report_changelist"),
                                 {"action": "reparse_selected", "_selected_action": [report.pk]}, follow=True)
    assert seen == [(report.pk, True)]
    assert "2 changed" in response.content.decode()


def test_uploader_has_no_reparse_action(client, report):
    client, _ = client_for(client, "uploader")
    html = client.get(reverse("admin:reports_report_changelist")).content.decode()
    assert "reparse_selected" not in html


# --- the walk-through: upload → correction → finding disposition → publish → /compare/ ---

def test_walkthrough_demo_report_from_upload_to_compare(client):
    """std-2023-hongze.pdf (demo data): its table 四 prints 总计 0 against 维持 10 + 纠正 1 and
    复议后起诉 维持 5, so the checks warn twice and the report needs review."""
    from reports.ingest import ingest_files
    from reports.management.commands.load_demo import DEMO_DIR

    uploader = user_in_group("uploader", username="uploader")
    reviewer = user_in_group("reviewer", username="reviewer")
    publisher = user_in_group("publisher", username="publisher")
    path = DEMO_DIR / "std-2023-hongze.pdf"
    report = ingest_files([(path.name, path.read_bytes())], uploaded_by=uploader)[0].report
    assert report.status == Status.NEEDS_REVIEW
    assert sorted(report.findings.values_list("rule", flat=True)) == ["litigation_sum", "review_sum"]
    compare = reverse("reports:compare") + "?chart=volume&metric=review_total&level=agency&year=2023&format=csv"
    assert "洪泽" not in client.get(compare).content.decode()

    client.force_login(reviewer)
    page = client.get(url(report)).content.decode()
    total = report.figures.get(code="review_total")
    assert f'id="ev-{total.pk}"' in page and "行政复议总数" in page
    review_sum = report.findings.get(rule="review_sum")
    litigation_sum = report.findings.get(rule="litigation_sum")
    client.post(url(report), {"op": "correct", "figure": total.pk, "value": "11",
                              "reason": "表四行政复议“总计”印为0，与维持10、纠正1不符，按分项合计更正"})
    client.post(url(report), {"op": "dispose", "finding": review_sum.pk, "disposition": "resolved",
                              "note": "已将行政复议总数更正为11"})
    client.post(url(report), {"op": "dispose", "finding": litigation_sum.pk, "disposition": "discrepancy",
                              "note": "原表复议后起诉“总计”印为0，保留原表数字"})
    client.post(url(report), {"op": "status", "to": "reviewed"})
    assert client.post(url(report), {"op": "publish"}).status_code == 403

    client.force_login(publisher)
    assert 'value="publish"' in client.get(url(report)).content.decode()
    assert client.post(url(report), {"op": "publish"}).status_code == 302
    report.refresh_from_db()
    assert report.status == Status.PUBLISHED
    assert list(report.events.order_by("at", "id").values_list("action", "user__username")) == [
        ("uploaded", "uploader"), ("corrected", "reviewer"), ("finding", "reviewer"),
        ("finding", "reviewer"), ("status", "reviewer"), ("status", "publisher")]

    client.logout()
    shown = client.get(compare).content.decode()
    row = next(line for line in shown.splitlines() if "洪泽区人民政府" in line)
    assert ",11," in row  # the corrected review_total


def test_staff_open_the_original_file_of_an_unpublished_report(client, report):
    file_url = reverse("admin:reports_report_review_file", args=[report.pk])
    assert client.get(file_url).status_code == 302  # anonymous: to the login page
    client, _ = client_for(client, "uploader")
    response = client.get(file_url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == TEXT.encode()
    assert file_url in client.get(url(report)).content.decode()


def test_review_page_queries_do_not_grow_with_figures(admin_client, report):
    """Figures, findings and history are one query each, however many rows they hold."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(url(report)).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for code in ("granted", "partial", "denied", "unable", "not_processed", "other_handled"):
        FigureFactory(report=report, code=code, value=1, start=0, end=3)
    FindingFactory(report=report, codes=["granted"])
    review.correct_figure(report.figures.get(code="granted"), value=2, reason="r",
                          user=user_in_group("reviewer"))
    assert count() == few


def test_change_page_links_the_original_file_through_the_checked_view(admin_client):
    """/media/ is not served outside DEBUG, so the admin links the permission-checked download."""
    report = ReportFactory(status=Status.NEEDS_REVIEW)
    page = admin_client.get(reverse("admin:reports_report_change", args=[report.pk])).content.decode()
    url = reverse("admin:reports_report_review_file", args=[report.pk])
    assert f'href="{url}"' in page
    assert admin_client.get(url).status_code == 200
