"""The review service (reports/review.py): transitions, permissions, corrections, findings, publishing, locking, audit trail."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from reports import review
from reports.models import Figure, Finding, Report, ReportEvent, Status
from tests.factories import FigureFactory, FindingFactory, ReportFactory, UserFactory, user_in_group

pytestmark = pytest.mark.django_db

TEXT = "三、收到和处理政府信息公开申请情况\n本年新收 | 12 | 3 |\n办理结果总计 | 15 |\n"


@pytest.fixture
def reviewer():
    return user_in_group("reviewer", username="reviewer")


@pytest.fixture
def publisher():
    return user_in_group("publisher", username="publisher")


@pytest.fixture
def uploader():
    return user_in_group("uploader", username="uploader")


def make_report(status=Status.NEEDS_REVIEW, **fields):
    return ReportFactory(status=status, text=TEXT, original_text=TEXT, **fields)


def actions(report):
    return list(report.events.order_by("at", "id").values_list("action", flat=True))


# --- transitions --------------------------------------------------------------------------------

ALLOWED = [
    (Status.PARSED, Status.NEEDS_REVIEW), (Status.PARSED, Status.REVIEWED),
    (Status.NEEDS_REVIEW, Status.REVIEWED), (Status.REVIEWED, Status.NEEDS_REVIEW),
    (Status.NEEDS_REVIEW, Status.RETURNED), (Status.REVIEWED, Status.WITHDRAWN),
    (Status.RETURNED, Status.NEEDS_REVIEW), (Status.WITHDRAWN, Status.NEEDS_REVIEW),
]


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_allowed_transition_moves_and_records_a_status_event(reviewer, old, new):
    report = make_report(old)
    review.transition(report, new, user=reviewer, reason="检查完毕")
    assert report.status == new
    event = report.events.get(action=ReportEvent.Action.STATUS)
    assert (event.old_value, event.new_value, event.reason, event.user) == (old, new, "检查完毕", reviewer)


REFUSED = [
    (Status.RETURNED, Status.REVIEWED), (Status.WITHDRAWN, Status.REVIEWED),
    (Status.NEEDS_REVIEW, Status.PARSED), (Status.REVIEWED, Status.PARSED),
    (Status.WITHDRAWN, Status.RETURNED),
]


@pytest.mark.parametrize(("old", "new"), REFUSED)
def test_refused_transition_changes_nothing(reviewer, old, new):
    report = make_report(old)
    with pytest.raises(ValidationError):
        review.transition(report, new, user=reviewer, reason="x")
    report.refresh_from_db()
    assert report.status == old
    assert not report.events.exists()


@pytest.mark.parametrize("new", [Status.RETURNED, Status.WITHDRAWN])
def test_return_and_withdraw_need_a_reason(reviewer, new):
    report = make_report()
    with pytest.raises(ValidationError, match="原因"):
        review.transition(report, new, user=reviewer, reason="  ")
    review.transition(report, new, user=reviewer, reason="上传的是另一机关的报告")
    assert report.status == new and report.status_reason == "上传的是另一机关的报告"


def test_system_may_only_flag_needs_review():
    """user=None is the automatic step to needs_review (a check warned, a re-parse changed
    figures) from parsed or reviewed, nothing else."""
    report = make_report(Status.PARSED)
    review.transition(report, Status.NEEDS_REVIEW, user=None)
    assert report.status == Status.NEEDS_REVIEW
    assert report.events.get().user is None
    with pytest.raises(PermissionDenied):
        review.transition(report, Status.REVIEWED, user=None)
    review.transition(report, Status.RETURNED, user=_reviewer(), reason="r")
    with pytest.raises(PermissionDenied):
        review.transition(report, Status.NEEDS_REVIEW, user=None)


def _reviewer():
    return user_in_group("reviewer")


def test_transition_to_published_goes_through_publish(reviewer, publisher):
    report = make_report(Status.REVIEWED)
    with pytest.raises(PermissionDenied):
        review.transition(report, Status.PUBLISHED, user=reviewer)
    review.transition(report, Status.PUBLISHED, user=publisher)
    assert report.status == Status.PUBLISHED and report.published_at is not None


# --- permissions --------------------------------------------------------------------------------

def test_uploader_cannot_review_correct_or_publish(uploader):
    report = make_report(Status.REVIEWED)
    fig = FigureFactory(report=report)
    with pytest.raises(PermissionDenied):
        review.transition(report, Status.NEEDS_REVIEW, user=uploader)
    with pytest.raises(PermissionDenied):
        review.correct_figure(fig, value=3, reason="r", user=uploader)
    with pytest.raises(PermissionDenied):
        review.publish(report, user=uploader)
    report.refresh_from_db()
    assert report.status == Status.REVIEWED


def test_reviewer_cannot_publish_publisher_can(reviewer, publisher):
    report = make_report(Status.REVIEWED)
    with pytest.raises(PermissionDenied):
        review.publish(report, user=reviewer)
    review.publish(report, user=publisher)
    assert report.status == Status.PUBLISHED


def test_reopen_requires_reopen_permission(reviewer, publisher):
    report = make_report(Status.REVIEWED)
    review.publish(report, user=publisher)
    with pytest.raises(PermissionDenied):
        review.reopen(report, user=reviewer, reason="数字有误")
    review.reopen(report, user=publisher, reason="数字有误")
    assert report.status == Status.NEEDS_REVIEW and report.published_at is None
    event = report.events.get(action=ReportEvent.Action.REOPENED)
    assert (event.user, event.reason) == (publisher, "数字有误")


def test_reopen_needs_a_reason_and_a_published_report(publisher):
    report = make_report(Status.REVIEWED)
    with pytest.raises(ValidationError):
        review.reopen(report, user=publisher, reason="x")
    review.publish(report, user=publisher)
    with pytest.raises(ValidationError, match="原因"):
        review.reopen(report, user=publisher, reason="")


def test_plain_staff_without_group_has_no_review_rights():
    staff = UserFactory(is_staff=True)
    report = make_report()
    with pytest.raises(PermissionDenied):
        review.transition(report, Status.REVIEWED, user=staff)


def test_superuser_may_do_everything():
    boss = UserFactory(is_staff=True, is_superuser=True)
    report = make_report()
    review.transition(report, Status.REVIEWED, user=boss)
    review.publish(report, user=boss)
    review.reopen(report, user=boss, reason="复核")
    assert report.status == Status.NEEDS_REVIEW


# --- publishing ---------------------------------------------------------------------------------

def test_publish_refused_with_open_findings_unless_override_reason(publisher):
    report = make_report(Status.REVIEWED)
    finding = FindingFactory(report=report)
    with pytest.raises(ValidationError, match="未处理"):
        review.publish(report, user=publisher)
    with pytest.raises(ValidationError):
        review.publish(report, user=publisher, override_reason="   ")
    report.refresh_from_db()
    assert report.status == Status.REVIEWED
    review.publish(report, user=publisher, override_reason="报告原文即如此，已电话核实")
    assert report.status == Status.PUBLISHED
    override = report.events.get(action=ReportEvent.Action.OVERRIDE)
    assert override.reason == "报告原文即如此，已电话核实" and override.user == publisher
    assert override.details["findings"][0]["id"] == finding.pk
    assert actions(report) == ["override", "status"]


def test_publish_after_findings_disposed_needs_no_override(reviewer, publisher):
    report = make_report(Status.REVIEWED)
    finding = FindingFactory(report=report)
    review.dispose_finding(finding, disposition=Finding.Disposition.DISCREPANCY,
                           note="报告表格本身合计不符", user=reviewer)
    review.publish(report, user=publisher)
    assert report.status == Status.PUBLISHED
    assert not report.events.filter(action=ReportEvent.Action.OVERRIDE).exists()


@pytest.mark.parametrize("status", [Status.PARSED, Status.NEEDS_REVIEW, Status.RETURNED, Status.WITHDRAWN])
def test_only_reviewed_reports_can_be_published(publisher, status):
    report = make_report(status)
    with pytest.raises(ValidationError):
        review.publish(report, user=publisher)


def test_publish_needs_agency_and_year(publisher):
    report = make_report(Status.REVIEWED, year=None)
    with pytest.raises(ValidationError, match="年度"):
        review.publish(report, user=publisher)


def test_published_report_becomes_public(publisher):
    from django.contrib.auth.models import AnonymousUser

    report = make_report(Status.REVIEWED)
    assert not Report.objects.visible_to(AnonymousUser()).filter(pk=report.pk).exists()
    review.publish(report, user=publisher)
    assert Report.objects.visible_to(AnonymousUser()).filter(pk=report.pk).exists()


# --- locking ------------------------------------------------------------------------------------

def test_published_report_is_locked_until_reopened(reviewer, publisher):
    report = make_report(Status.REVIEWED)
    fig = FigureFactory(report=report, code="requests_received", value=12, start=19, end=32)
    finding = FindingFactory(report=report, disposition=Finding.Disposition.RESOLVED)
    review.publish(report, user=publisher)
    attempts = [
        lambda: review.correct_figure(fig, value=13, reason="r", user=publisher),
        lambda: review.remove_figure(fig, reason="r", user=publisher),
        lambda: review.add_figure(report, code="granted", value=1, evidence_start=0, evidence_end=5,
                                  reason="r", user=publisher),
        lambda: review.dispose_finding(finding, disposition="open", note="n", user=publisher),
        lambda: review.transition(report, Status.WITHDRAWN, user=publisher, reason="r"),
        lambda: review.record_metadata_change(report, changes={"year": (2022, 2021)}, user=publisher),
    ]
    for attempt in attempts:
        with pytest.raises(review.ReportLocked, match="已发布"):
            attempt()
    fig.refresh_from_db()
    assert fig.value == 12 and not fig.removed
    review.reopen(report, user=publisher, reason="更正第三部分")
    review.correct_figure(fig, value=13, reason="原文为13", user=reviewer)
    fig.refresh_from_db()
    assert fig.value == 13


# --- corrections --------------------------------------------------------------------------------

def test_correction_keeps_parsed_value_and_records_who_what_why(reviewer):
    report = make_report()
    fig = FigureFactory(report=report, code="requests_received", value=12, start=19, end=32)
    review.correct_figure(fig, value="21", reason="原文为21，解析读错列", user=reviewer)
    fig.refresh_from_db()
    assert (fig.value, fig.parsed_value, fig.corrected) == (Decimal(21), Decimal(12), True)
    event = report.events.get(action=ReportEvent.Action.CORRECTED)
    assert (event.code, event.old_value, event.new_value) == ("requests_received", "12", "21")
    assert (event.reason, event.user) == ("原文为21，解析读错列", reviewer)
    assert event.at is not None


@pytest.mark.parametrize("value", ["-1", "abc", "1.234", "", "1e30"])
def test_correction_refuses_bad_values(reviewer, value):
    fig = FigureFactory(report=make_report(), value=5)
    with pytest.raises(ValidationError):
        review.correct_figure(fig, value=value, reason="r", user=reviewer)
    fig.refresh_from_db()
    assert fig.value == 5 and not fig.corrected


def test_correction_needs_a_reason(reviewer):
    fig = FigureFactory(report=make_report(), value=5)
    with pytest.raises(ValidationError, match="原因"):
        review.correct_figure(fig, value=6, reason=" ", user=reviewer)
    assert not ReportEvent.objects.exists()


def test_remove_is_soft_and_recorded(reviewer):
    report = make_report()
    fig = FigureFactory(report=report, code="granted", value=3)
    review.remove_figure(fig, reason="目录页码被误读", user=reviewer)
    fig.refresh_from_db()
    assert fig.removed and Figure.objects.filter(pk=fig.pk).exists()
    event = report.events.get(action=ReportEvent.Action.REMOVED)
    assert (event.code, event.old_value, event.reason) == ("granted", "3", "目录页码被误读")
    with pytest.raises(ValidationError):
        review.correct_figure(fig, value=1, reason="r", user=reviewer)


def test_add_figure_takes_evidence_from_the_text(reviewer):
    report = make_report()
    start = TEXT.index("办理结果总计")
    end = TEXT.index("\n", start)
    fig = review.add_figure(report, code="outcome_total", value=15, evidence_start=start, evidence_end=end,
                            reason="解析器漏读", user=reviewer)
    assert fig.evidence == "办理结果总计 | 15 |"
    assert (fig.method, fig.start, fig.end, fig.value, fig.parsed_value) == (
        Figure.Method.MANUAL, start, end, Decimal(15), None)
    event = report.events.get(action=ReportEvent.Action.ADDED)
    assert event.details["evidence"] == fig.evidence and event.user == reviewer


@pytest.mark.parametrize(("code", "start", "end"), [
    ("no_such_metric", 0, 5), ("granted", 5, 5), ("granted", 0, 10_000), ("granted", -1, 3),
    ("granted", None, 3),
])
def test_add_figure_refuses_unknown_codes_and_bad_offsets(reviewer, code, start, end):
    report = make_report()
    with pytest.raises(ValidationError):
        review.add_figure(report, code=code, value=1, evidence_start=start, evidence_end=end,
                          reason="r", user=reviewer)
    assert not report.figures.exists()


def test_add_existing_code_is_refused_but_a_removed_one_comes_back_manual(reviewer):
    report = make_report()
    fig = FigureFactory(report=report, code="granted", value=3)
    with pytest.raises(ValidationError, match="已存在"):
        review.add_figure(report, code="granted", value=4, evidence_start=0, evidence_end=3, reason="r",
                          user=reviewer)
    review.remove_figure(fig, reason="读错行", user=reviewer)
    again = review.add_figure(report, code="granted", value=4, evidence_start=0, evidence_end=3,
                              reason="从正文补录", user=reviewer)
    assert again.pk == fig.pk and not again.removed and again.method == Figure.Method.MANUAL


# --- findings -----------------------------------------------------------------------------------

def test_dispose_finding_records_decision(reviewer):
    finding = FindingFactory()
    review.dispose_finding(finding, disposition=Finding.Disposition.RESOLVED, note="已更正本年新收", user=reviewer)
    finding.refresh_from_db()
    assert finding.disposition == "resolved" and finding.decided_by == reviewer and finding.decided_at
    event = finding.report.events.get()
    assert (event.action, event.old_value, event.new_value, event.reason) == (
        "finding", "open", "resolved", "已更正本年新收")


def test_dispose_finding_needs_a_note_and_a_valid_disposition(reviewer):
    finding = FindingFactory()
    with pytest.raises(ValidationError):
        review.dispose_finding(finding, disposition="resolved", note="", user=reviewer)
    with pytest.raises(ValueError):
        review.dispose_finding(finding, disposition="ignored", note="n", user=reviewer)
    finding.refresh_from_db()
    assert finding.disposition == "open"


# --- audit trail --------------------------------------------------------------------------------

def test_audit_trail_in_order_with_who_and_why(reviewer, publisher):
    report = make_report(Status.NEEDS_REVIEW)
    fig = FigureFactory(report=report, code="requests_received", value=12)
    finding = FindingFactory(report=report)
    review.correct_figure(fig, value=21, reason="读错列", user=reviewer)
    review.dispose_finding(finding, disposition="resolved", note="更正后相符", user=reviewer)
    review.transition(report, Status.REVIEWED, user=reviewer)
    review.publish(report, user=publisher)
    review.reopen(report, user=publisher, reason="发现遗漏")
    trail = list(report.events.order_by("at", "id").values_list("action", "user__username", "reason"))
    assert trail == [
        ("corrected", "reviewer", "读错列"),
        ("finding", "reviewer", "更正后相符"),
        ("status", "reviewer", ""),
        ("status", "publisher", ""),
        ("reopened", "publisher", "发现遗漏"),
    ]
    times = list(report.events.order_by("id").values_list("at", flat=True))
    assert times == sorted(times)


def test_finding_with_many_codes_fits_the_event(reviewer):
    """Found on PostgreSQL with std-2023-hongze: five litigation codes exceed ReportEvent.code (64)."""
    codes = ["litigation_after_review_upheld", "litigation_after_review_corrected",
             "litigation_after_review_other", "litigation_after_review_pending", "litigation_after_review_total"]
    finding = FindingFactory(codes=codes)
    review.dispose_finding(finding, disposition="discrepancy", note="原表总计印为0", user=reviewer)
    event = finding.report.events.get()
    assert len(event.code) <= 64 and event.details["codes"] == codes
