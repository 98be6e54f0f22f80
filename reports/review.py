"""The review workflow: transitions, corrections, finding dispositions, publish and reopen, each audited."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext as _

from reports.models import Figure, Finding, Report, ReportEvent, Status
from reports.parsing.metrics import is_known, label
from reports.rollups import refresh_rollups
from reports.summary import refresh_metrics

Action = ReportEvent.Action
Disposition = Finding.Disposition

REVIEW_PERM = "reports.review_report"
PUBLISH_PERM = "reports.publish_report"
REOPEN_PERM = "reports.reopen_report"

# Status -> statuses that `transition()` may move it to. Publishing goes through `publish()` (it
# checks findings) and leaving `published` only through `reopen()` (publishing locks a report).
TRANSITIONS = {
    Status.PARSED: {Status.NEEDS_REVIEW, Status.REVIEWED, Status.RETURNED, Status.WITHDRAWN},
    Status.NEEDS_REVIEW: {Status.REVIEWED, Status.RETURNED, Status.WITHDRAWN},
    Status.REVIEWED: {Status.PUBLISHED, Status.NEEDS_REVIEW, Status.RETURNED, Status.WITHDRAWN},
    Status.RETURNED: {Status.NEEDS_REVIEW, Status.WITHDRAWN},
    Status.WITHDRAWN: {Status.NEEDS_REVIEW},
    Status.PUBLISHED: set(),
}
# Sending a report back or taking it out of the workflow must say why.
REASON_REQUIRED = {Status.RETURNED, Status.WITHDRAWN}


class ReportLocked(ValidationError):
    """A published report cannot change until someone with reopen_report reopens it."""


def allowed_transitions(report: Report) -> set[str]:
    return set(TRANSITIONS[Status(report.status)])


def can_review(user) -> bool:
    return user is not None and user.has_perm(REVIEW_PERM)


def can_publish(user) -> bool:
    return user is not None and user.has_perm(PUBLISH_PERM)


def can_reopen(user) -> bool:
    return user is not None and user.has_perm(REOPEN_PERM)


def transition(report: Report, to: str, *, user, reason: str = "") -> Report:
    """Move `report` to status `to` and record a "status" event.

    user=None means the system (ingest, re-parse) and is allowed only to send a parsed or
    reviewed report to needs_review; every other move needs review_report. `to=published` is
    `publish()` without an override. Raises ValidationError for a move TRANSITIONS does not allow
    or a missing reason, ReportLocked for a published report, PermissionDenied without permission.
    """
    to = Status(to)
    if to == Status.PUBLISHED:
        return publish(report, user=user)
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock(report)
        if locked.status == Status.PUBLISHED:
            raise ReportLocked(_("报告已发布并锁定：请先重新打开（需要“重新打开”权限）。"), code="locked")
        # The system (ingest, re-parse) may only send a report (back) to review.
        system = (user is None and to == Status.NEEDS_REVIEW
                  and locked.status in (Status.PARSED, Status.REVIEWED))
        if not system:
            _require(user, REVIEW_PERM)
        if to not in TRANSITIONS[Status(locked.status)]:
            raise ValidationError(
                _("不能从“%(old)s”变为“%(new)s”。")
                % {"old": Status(locked.status).label, "new": to.label},
                code="transition",
            )
        if to in REASON_REQUIRED and not reason:
            raise ValidationError(_("“%(new)s”必须填写原因。") % {"new": to.label}, code="reason")
        _set_status(locked, to, user=user, reason=reason)
    report.refresh_from_db()
    return report


def publish(report: Report, *, user, override_reason: str | None = None, reason: str = "") -> Report:
    """Publish a reviewed report. Open findings block publishing unless `override_reason` is given,
    which is recorded as an "override" event naming the findings left open. `reason`, when given,
    is recorded on the status event (load_demo names itself there); an override reason wins."""
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        locked = _lock(report)
        _require(user, PUBLISH_PERM)
        if locked.status == Status.PUBLISHED:
            raise ReportLocked(_("报告已经发布。"), code="locked")
        if locked.status != Status.REVIEWED:
            raise ValidationError(
                _("只有“已审核”的报告可以发布（当前：%(status)s）。") % {"status": locked.get_status_display()},
                code="transition",
            )
        if not locked.is_current:
            raise ValidationError(_("该报告已被新版本替换，不能发布。"), code="not_current")
        if locked.agency_id is None or locked.year is None:
            raise ValidationError(_("发布前必须确定机关和年度。"), code="metadata")
        still_open = list(locked.findings.filter(disposition=Disposition.OPEN).order_by("id"))
        if still_open and not override_reason:
            raise ValidationError(
                _("还有 %(n)d 条检查发现未处理：请先处理，或填写越过原因后发布。") % {"n": len(still_open)},
                code="open_findings",
            )
        if still_open:
            ReportEvent.objects.create(
                report=locked, action=Action.OVERRIDE, reason=override_reason, user=user,
                details={"findings": [{"id": f.pk, "rule": f.rule, "message": f.message} for f in still_open]},
            )
        locked.published_at = timezone.now()
        _set_status(locked, Status.PUBLISHED, user=user, reason=override_reason or (reason or "").strip(),
                    extra_fields=["published_at"])
    report.refresh_from_db()
    return report


def reopen(report: Report, *, user, reason: str) -> Report:
    """Unlock a published report: it leaves the public pages and goes back to needs_review, so that
    whatever is changed is reviewed again before it is published again."""
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock(report)
        _require(user, REOPEN_PERM)
        if locked.status != Status.PUBLISHED:
            raise ValidationError(_("只有已发布的报告需要重新打开。"), code="transition")
        if not reason:
            raise ValidationError(_("重新打开必须填写原因。"), code="reason")
        ReportEvent.objects.create(
            report=locked, action=Action.REOPENED, reason=reason, user=user,
            old_value=Status.PUBLISHED, new_value=Status.NEEDS_REVIEW,
            details={"published_at": locked.published_at.isoformat() if locked.published_at else None},
        )
        locked.status = Status.NEEDS_REVIEW
        locked.status_reason = reason
        locked.published_at = None
        locked.save(update_fields=["status", "status_reason", "published_at", "updated_at"])
        refresh_rollups([locked.pk])
    report.refresh_from_db()
    return report


def correct_figure(figure: Figure, *, value, reason: str, user) -> Figure:
    """Set a figure to the value staff read in the report; parsed_value keeps what the parser read."""
    value = clean_value(value)
    reason = _required_reason(reason)
    with transaction.atomic():
        report = _lock_for_change(figure.report, user)
        figure = Figure.objects.select_for_update(of=("self",)).get(pk=figure.pk)
        if figure.removed:
            raise ValidationError(_("该指标已删除；如需恢复请重新新增。"), code="removed")
        old = figure.value
        figure.value = value
        figure.corrected = True
        # The staff value now stands; a re-parse flag about the old value no longer applies.
        figure.reparse_value = None
        figure.save(update_fields=["value", "corrected", "reparse_value"])
        refresh_metrics([report.pk])
        refresh_rollups([report.pk])
        ReportEvent.objects.create(
            report=report, action=Action.CORRECTED, code=figure.code, old_value=format_value(old),
            new_value=format_value(value), reason=reason, user=user,
            details={"figure": figure.pk, "parsed_value": format_value(figure.parsed_value)},
        )
    return figure


def add_figure(report: Report, *, code: str, value, evidence_start: int, evidence_end: int,
               reason: str, user) -> Figure:
    """Add a figure the parser missed, with evidence = report.text[evidence_start:evidence_end].

    A code staff removed earlier is revived as a manual figure (one figure per code)."""
    value = clean_value(value)
    reason = _required_reason(reason)
    code = (code or "").strip()
    if not is_known(code):
        raise ValidationError(_("未知指标代码：%(code)s") % {"code": code}, code="code")
    with transaction.atomic():
        report = _lock_for_change(report, user)
        evidence = evidence_span(report.text, evidence_start, evidence_end)
        figure = Figure.objects.select_for_update(of=("self",)).filter(report=report, code=code).first()
        if figure is not None and not figure.removed:
            raise ValidationError(
                _("指标“%(label)s”已存在，请直接更正其数值。") % {"label": label(code, get_language() or "zh")},
                code="exists",
            )
        old_value = ""
        if figure is None:
            figure = Figure(report=report, code=code)
        else:
            old_value = format_value(figure.value)
        figure.value = value
        figure.evidence = evidence
        figure.start, figure.end = evidence_start, evidence_end
        figure.page = None
        figure.method = Figure.Method.MANUAL
        figure.corrected = False
        figure.reparse_value = None
        figure.removed = False
        figure.save()
        refresh_metrics([report.pk])
        refresh_rollups([report.pk])
        ReportEvent.objects.create(
            report=report, action=Action.ADDED, code=code, old_value=old_value, new_value=format_value(value),
            reason=reason, user=user,
            details={"figure": figure.pk, "start": evidence_start, "end": evidence_end, "evidence": evidence},
        )
    return figure


def remove_figure(figure: Figure, *, reason: str, user) -> Figure:
    """Mark a wrong figure removed. The row stays (removed=True) so that a re-parse does not bring
    it back and aggregations, which exclude removed figures, stop counting it."""
    reason = _required_reason(reason)
    with transaction.atomic():
        report = _lock_for_change(figure.report, user)
        figure = Figure.objects.select_for_update(of=("self",)).get(pk=figure.pk)
        if figure.removed:
            raise ValidationError(_("该指标已删除。"), code="removed")
        figure.removed = True
        figure.reparse_value = None
        figure.save(update_fields=["removed", "reparse_value"])
        refresh_metrics([report.pk])
        refresh_rollups([report.pk])
        ReportEvent.objects.create(
            report=report, action=Action.REMOVED, code=figure.code, old_value=format_value(figure.value),
            reason=reason, user=user, details={"figure": figure.pk},
        )
    return figure


def correct_issued_on(report: Report, *, value, reason: str, user, evidence_start=None,
                      evidence_end=None) -> Report:
    """Set the date the report states as staff read it; None when it states none.

    `issued_on_parsed` keeps what the parser read. The evidence is the text staff selected
    (report.text[evidence_start:evidence_end]); without a selection the date has no evidence in
    the text (e.g. taken from the publishing website), which the reason should say. Raises
    ValidationError for a date before the report's year or in the future, or for no change.
    """
    reason = _required_reason(reason)
    if value is not None and not isinstance(value, date):
        raise ValidationError(_("日期无效：%(value)s") % {"value": value}, code="date")
    with transaction.atomic():
        locked = _lock_for_change(report, user)
        if value is not None and (value > timezone.localdate()
                                  or value < date(max(locked.year or 2000, 2000), 1, 1)):
            raise ValidationError(_("报告日期须在报告年度开始之后、今天之前。"), code="date")
        evidence, start, end = "", None, None
        if evidence_start is not None or evidence_end is not None:
            evidence = evidence_span(locked.text, evidence_start, evidence_end)
            start, end = int(evidence_start), int(evidence_end)
        if (value, evidence) == (locked.issued_on, locked.issued_on_evidence) and locked.issued_on_corrected:
            raise ValidationError(_("报告日期和依据都没有改变。"), code="unchanged")
        old = locked.issued_on
        locked.issued_on, locked.issued_on_corrected = value, True
        locked.issued_on_evidence, locked.issued_on_start, locked.issued_on_end = evidence, start, end
        locked.save(update_fields=["issued_on", "issued_on_corrected", "issued_on_evidence",
                                   "issued_on_start", "issued_on_end", "updated_at"])
        ReportEvent.objects.create(
            report=locked, action=Action.DATED, code="issued_on", old_value=_iso(old),
            new_value=_iso(value), reason=reason, user=user,
            details={"parsed": _iso(locked.issued_on_parsed), "evidence": evidence, "start": start, "end": end},
        )
    report.refresh_from_db()
    return report


def _iso(value) -> str:
    return value.isoformat() if value else ""


def dispose_finding(finding: Finding, *, disposition: str, note: str, user) -> Finding:
    """Record a reviewer's decision on a finding: a real discrepancy in the report itself, resolved
    by a correction, or back to open. The note is required: it is what a later reader needs."""
    disposition = Disposition(disposition)
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("请填写处理说明。"), code="note")
    with transaction.atomic():
        report = _lock_for_change(finding.report, user)
        finding = Finding.objects.select_for_update(of=("self",)).get(pk=finding.pk)
        old = finding.disposition
        finding.disposition = disposition
        finding.note = note
        finding.decided_by = user if disposition != Disposition.OPEN else None
        finding.decided_at = timezone.now() if disposition != Disposition.OPEN else None
        finding.save(update_fields=["disposition", "note", "decided_by", "decided_at"])
        ReportEvent.objects.create(
            # ReportEvent.code holds 64 characters; the full list of codes is in details.
            report=report, action=Action.FINDING, code=",".join(finding.codes or [])[:64],
            old_value=old, new_value=disposition, reason=note, user=user,
            details={"finding": finding.pk, "rule": finding.rule, "message": finding.message,
                     "codes": list(finding.codes or [])},
        )
    return finding


def record_metadata_change(report: Report, *, changes: dict, user, reason: str = "") -> None:
    """Write a "metadata" event for fields staff changed in the admin form: {field: (old, new)}.

    Call it before saving: it refuses a locked report, and keeps the trace."""
    if not changes:
        return
    with transaction.atomic():
        _lock_for_change(report, user)
        ReportEvent.objects.create(
            report=report, action=Action.METADATA, code=",".join(changes)[:64], reason=reason, user=user,
            old_value="; ".join(f"{k}={v[0]}" for k, v in changes.items())[:300],
            new_value="; ".join(f"{k}={v[1]}" for k, v in changes.items())[:300],
            details={k: [str(v[0]), str(v[1])] for k, v in changes.items()},
        )


def ensure_unlocked(report: Report) -> None:
    """Raise ReportLocked if the report is published (its figures and metadata are frozen)."""
    if report.status == Status.PUBLISHED:
        raise ReportLocked(
            _("报告“%(report)s”已发布并锁定：修改前请先重新打开（需要“重新打开”权限）。") % {"report": report},
            code="locked",
        )


def clean_value(value) -> Decimal:
    """Return the value as a Decimal that fits Figure.value (non-negative, at most 2 decimals)."""
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace("，", "")
    try:
        number = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(_("数值无效：%(value)s") % {"value": value}, code="value") from None
    if not number.is_finite() or number < 0:
        raise ValidationError(_("数值必须是非负数。"), code="value")
    # Check the size first: quantize() raises on numbers too long for the context.
    if number >= Decimal(10) ** 16 or number != number.quantize(Decimal("0.01")):
        raise ValidationError(_("数值最多两位小数、十六位整数。"), code="value")
    return number.quantize(Decimal("0.01"))


def evidence_span(text: str, start, end) -> str:
    """Return text[start:end] after checking the offsets select some non-blank text."""
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        raise ValidationError(_("请在报告原文中选择依据文本。"), code="evidence") from None
    if not (0 <= start < end <= len(text)) or not text[start:end].strip():
        raise ValidationError(_("请在报告原文中选择依据文本。"), code="evidence")
    return text[start:end]


def _lock(report: Report) -> Report:
    # Row lock so two reviewers acting at once serialize (PostgreSQL; SQLite locks the database).
    return Report.objects.select_for_update(of=("self",)).get(pk=report.pk)


def _lock_for_change(report: Report, user) -> Report:
    _require(user, REVIEW_PERM)
    locked = _lock(report)
    ensure_unlocked(locked)
    return locked


def _require(user, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied(_("没有权限：%(perm)s") % {"perm": perm})


def _required_reason(reason) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写原因。"), code="reason")
    return reason


def _set_status(report: Report, to: Status, *, user, reason: str, extra_fields=()) -> None:
    old = report.status
    report.status = to
    report.status_reason = reason
    report.save(update_fields=["status", "status_reason", "updated_at", *extra_fields])
    refresh_rollups([report.pk])
    ReportEvent.objects.create(
        report=report, action=Action.STATUS, old_value=old, new_value=to, reason=reason, user=user,
    )


def format_value(value) -> str:
    """The value as event text: "12" for 12.00, "12.50" otherwise."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return str(value)
