"""The admin review page (figures beside the marked text), publish lock and re-parse action for ReportAdmin."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import review, rollups, timeliness
from reports.offsets import original_span
from reports.models import Figure, Finding, Report, ReportEvent, Status
from reports.parsing.metrics import ALL_CODES, label
from reports.reparse import ReparseError, reparse_report

CATALOG_ORDER = {code: i for i, code in enumerate(ALL_CODES)}


class CorrectForm(forms.Form):
    figure = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.DecimalField(label=gettext_lazy("正确数值"), min_value=0, max_digits=18, decimal_places=2)
    reason = forms.CharField(label=gettext_lazy("更正原因"), max_length=2000)


class RemoveForm(forms.Form):
    figure = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=gettext_lazy("删除原因"), max_length=2000)


class AddForm(forms.Form):
    code = forms.ChoiceField(label=gettext_lazy("指标"))
    value = forms.DecimalField(label=gettext_lazy("数值"), min_value=0, max_digits=18, decimal_places=2)
    evidence_start = forms.IntegerField(widget=forms.HiddenInput, required=False)
    evidence_end = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=gettext_lazy("新增原因"), max_length=2000)

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        lang = get_language() or "zh-hans"
        self.fields["code"].choices = [("", "---------")] + [(c, f"{label(c, lang)} ({c})") for c in codes]

    def clean(self):
        data = super().clean()
        if data.get("evidence_start") is None or data.get("evidence_end") is None:
            raise ValidationError(_("请先在左侧报告原文中选中该数值所在的文字作为依据。"), code="evidence")
        return data


class IssuedOnForm(forms.Form):
    """Correct the date the report states (reports/review.py correct_issued_on)."""

    issued_on = forms.DateField(label=gettext_lazy("报告日期"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    no_date = forms.BooleanField(label=gettext_lazy("报告未写明日期"), required=False)
    evidence_start = forms.IntegerField(widget=forms.HiddenInput, required=False)
    evidence_end = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=gettext_lazy("更正原因"), max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("no_date") == bool(data.get("issued_on")):
            raise ValidationError(_("请填写报告日期，或勾选“报告未写明日期”（二者选一）。"), code="date")
        if data.get("no_date"):
            data["issued_on"] = data["evidence_start"] = data["evidence_end"] = None
        return data


class DisposeForm(forms.Form):
    finding = forms.IntegerField(widget=forms.HiddenInput)
    disposition = forms.ChoiceField(label=gettext_lazy("处理结果"), choices=Finding.Disposition.choices)
    note = forms.CharField(label=gettext_lazy("处理说明"), max_length=2000)


class StatusForm(forms.Form):
    to = forms.ChoiceField(choices=Status.choices)
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=2000, required=False)


class PublishForm(forms.Form):
    override_reason = forms.CharField(label=gettext_lazy("越过原因"), max_length=2000, required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("重新打开原因"), max_length=2000)


def marked_text(text: str, spans) -> str:
    """Return the report text as HTML with each evidence span in a <mark>.

    `spans` are (figure id, start, end) in `text`. Spans overlap (a section-四 row is the evidence
    of fifteen figures), so the text is cut at every span boundary; each piece carries its offset
    in data-o, which is how the selection script maps a selection back to offsets in Report.text.
    """
    spans = [(fid, s, e) for fid, s, e in spans if s is not None and e is not None and 0 <= s < e <= len(text)]
    cuts = sorted({0, len(text), *(s for _, s, _ in spans), *(e for *_, e in spans)})
    starts_at: dict[int, list[int]] = {}
    for fid, s, _e in spans:
        starts_at.setdefault(s, []).append(fid)
    out = []
    for a, b in zip(cuts, cuts[1:]):
        for fid in starts_at.get(a, ()):
            out.append(f'<span class="ev-anchor" id="ev-{fid}"></span>')
        covering = " ".join(str(fid) for fid, s, e in spans if s <= a < e)
        piece = escape(text[a:b])
        if covering:
            out.append(f'<mark class="ev" data-o="{a}" data-figs="{covering}">{piece}</mark>')
        else:
            out.append(f'<span data-o="{a}">{piece}</span>')
    return mark_safe("".join(out))


class ReviewAdminMixin:
    """ReportAdmin's review page, publish lock, metadata audit and re-parse action."""

    review_template = "admin/reports/report/review.html"

    # Locking: a published report opens read-only in the change form until reopened.
    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == Status.PUBLISHED:
            return False
        return super().has_change_permission(request, obj)

    def has_review_permission(self, request):
        return review.can_review(request.user)

    def save_model(self, request, obj, form, change):
        if change and form.changed_data:
            # `obj` already holds the form's values; the stored row still has the old ones.
            stored = type(obj).objects.get(pk=obj.pk)
            changes = {name: (getattr(stored, name, ""), getattr(obj, name, ""))
                       for name in form.changed_data}
            review.record_metadata_change(stored, changes=changes, user=request.user)
        # The form may move the report (agency, year, region, status): its old cells too.
        before = rollups.report_keys([obj.pk]) if change else []
        super().save_model(request, obj, form, change)
        rollups.refresh_rollups([obj.pk], before=before)

    def delete_model(self, request, obj):
        before = rollups.report_keys([obj.pk])
        super().delete_model(request, obj)
        rollups.refresh_rollups([], before=before)

    def delete_queryset(self, request, queryset):
        before = rollups.report_keys(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        rollups.refresh_rollups([], before=before)

    def get_list_display(self, request):
        return [*super().get_list_display(request), "review_link"]

    @admin.display(description=gettext_lazy("审核"))
    def review_link(self, obj):
        return format_html('<a href="{}">{}</a>', self.review_url(obj), _("审核"))

    def review_url(self, obj):
        return reverse(f"{self.admin_site.name}:reports_report_review", args=[obj.pk])

    def get_urls(self):
        custom = [
            path("<path:object_id>/review/file/", self.admin_site.admin_view(self.review_file_view),
                 name="reports_report_review_file"),
            path("<path:object_id>/review/", self.admin_site.admin_view(self.review_view),
                 name="reports_report_review"),
        ]
        return custom + super().get_urls()

    @admin.action(description=gettext_lazy("重新解析"), permissions=["review"])
    def reparse_selected(self, request, queryset):
        errors = 0
        for report in queryset.order_by("pk"):
            try:
                summary = reparse_report(report, user=request.user)
            except ReparseError as exc:
                errors += 1
                self.message_user(request, f"#{report.pk} {report}: {exc}", messages.ERROR)
                continue
            self.message_user(request, summary.line, messages.WARNING if summary.skipped else messages.INFO)
        if not errors:
            self.message_user(request, _("重新解析完成。"), messages.SUCCESS)

    def review_file_view(self, request, object_id):
        """The original file for staff who may view the report, published or not (MEDIA_ROOT is
        not served publicly; the public download is reports:file, for published reports only)."""
        report = self.get_object(request, object_id)
        if report is None or not report.file:
            raise Http404(_("原始文件不存在"))
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        try:
            handle = report.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404(_("原始文件不存在")) from exc
        return FileResponse(handle, as_attachment=False, filename=report.original_filename or report.file.name)

    # --- the review page -------------------------------------------------------------------------

    def review_view(self, request, object_id):
        report = self.get_object(request, object_id)
        if report is None:
            raise Http404(_("没有这份报告。"))
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        failed = None
        if request.method == "POST":
            op = request.POST.get("op", "")
            handler = getattr(self, f"_review_{op}", None) if op in REVIEW_OPS else None
            if handler is None:
                raise PermissionDenied(_("未知操作"))
            form, anchor = handler(request, report)
            if form is None:
                return HttpResponseRedirect(self.review_url(report) + (f"#{anchor}" if anchor else ""))
            failed = (op, form)
            messages.error(request, _("未保存：%(errors)s") % {"errors": _form_errors(form)})
            report.refresh_from_db()
        return TemplateResponse(request, self.review_template, self.review_context(request, report, failed))

    def review_context(self, request, report, failed=None):
        user = request.user
        figures = sorted(report.figures.all(), key=lambda f: (CATALOG_ORDER.get(f.code, len(CATALOG_ORDER)), f.code))
        text = report.text
        lang = get_language() or "zh-hans"
        by_code = {}
        for fig in figures:
            fig.label = label(fig.code, lang)
            fig.span_ok = fig.start is not None and fig.end is not None and 0 <= fig.start < fig.end <= len(text)
            fig.span_matches = fig.span_ok and text[fig.start:fig.end] == fig.evidence
            fig.original_evidence = _original(report, fig) if fig.span_ok else ""
            by_code[fig.code] = fig
        findings = list(report.findings.select_related("decided_by"))
        for finding in findings:
            finding.figures = [by_code[c] for c in finding.codes or () if c in by_code]
            finding.missing_codes = [c for c in finding.codes or () if c not in by_code]
        locked = report.status == Status.PUBLISHED
        may_review = review.can_review(user) and not locked
        open_count = sum(1 for f in findings if f.disposition == Finding.Disposition.OPEN)
        taken = {f.code for f in figures if not f.removed}
        failed_op, failed_form = failed or (None, None)

        def bound(op, key=None, field="figure"):
            if failed_op == op and (key is None or str(failed_form.data.get(field)) == str(key)):
                return failed_form
            return None

        for fig in figures:
            fig.correct_form = bound("correct", fig.pk)
            fig.remove_form = bound("remove", fig.pk)
        for finding in findings:
            finding.form = bound("dispose", finding.pk, "finding")
        add_form = bound("add") or AddForm(codes=[c for c in ALL_CODES if c not in taken])
        if failed_op == "add":
            add_form.fields["code"].choices = AddForm(codes=[c for c in ALL_CODES if c not in taken]).fields["code"].choices
        transitions = []
        if review.can_review(user):
            for to in Status:
                if to in review.allowed_transitions(report) and to != Status.PUBLISHED:
                    transitions.append({"to": to.value, "label": _status_button(to),
                                        "reason_required": to in review.REASON_REQUIRED})
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("审核：%(report)s") % {"report": report},
            "subtitle": None,
            "report": report,
            "text_html": marked_text(text, [(f.pk, f.start, f.end) for f in figures if not f.removed]
                                     + [("issued_on", report.issued_on_start, report.issued_on_end)]),
            "issued_form": bound("dated"),
            "issued_deadline": timeliness.report_deadline(report),
            "figures": figures,
            "findings": findings,
            "open_findings": open_count,
            "events": _events(report),
            "locked": locked,
            "may_review": may_review,
            "may_publish": review.can_publish(user) and report.status == Status.REVIEWED,
            "may_reopen": review.can_reopen(user) and locked,
            "transitions": transitions,
            "add_form": add_form,
            "failed_op": failed_op,
            "failed_form": failed_form,
            "status_form": bound("status"),
            "publish_form": bound("publish"),
            "reopen_form": bound("reopen"),
            "dispositions": Finding.Disposition.choices,
            "change_url": reverse(f"{self.admin_site.name}:reports_report_change", args=[report.pk]),
            "file_url": reverse(f"{self.admin_site.name}:reports_report_review_file", args=[report.pk]),
            "has_view_permission": True,
        }

    # Each handler returns (None, anchor) on success or (bound form with errors, None).
    def _run(self, request, form, call, success):
        if not form.is_valid():
            return form, None
        try:
            anchor = call(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return form, None
        messages.success(request, success)
        return None, anchor

    def _figure(self, report, figure_id):
        try:
            return report.figures.get(pk=figure_id)
        except Figure.DoesNotExist:
            raise Http404(_("没有这个指标。")) from None

    def _review_correct(self, request, report):
        def call(data):
            fig = review.correct_figure(self._figure(report, data["figure"]), value=data["value"],
                                        reason=data["reason"], user=request.user)
            return f"fig-{fig.code}"
        return self._run(request, CorrectForm(request.POST), call, _("已更正数值。"))

    def _review_remove(self, request, report):
        def call(data):
            fig = review.remove_figure(self._figure(report, data["figure"]), reason=data["reason"],
                                       user=request.user)
            return f"fig-{fig.code}"
        return self._run(request, RemoveForm(request.POST), call, _("已删除指标。"))

    def _review_add(self, request, report):
        def call(data):
            fig = review.add_figure(report, code=data["code"], value=data["value"],
                                    evidence_start=data["evidence_start"], evidence_end=data["evidence_end"],
                                    reason=data["reason"], user=request.user)
            return f"fig-{fig.code}"
        return self._run(request, AddForm(request.POST, codes=ALL_CODES), call, _("已新增指标。"))

    def _review_dated(self, request, report):
        def call(data):
            review.correct_issued_on(report, value=data["issued_on"], reason=data["reason"], user=request.user,
                                     evidence_start=data["evidence_start"], evidence_end=data["evidence_end"])
            return "issued-on"
        return self._run(request, IssuedOnForm(request.POST), call, _("已更正报告日期。"))

    def _review_dispose(self, request, report):
        def call(data):
            try:
                finding = report.findings.get(pk=data["finding"])
            except Finding.DoesNotExist:
                raise Http404(_("没有这条检查发现。")) from None
            review.dispose_finding(finding, disposition=data["disposition"], note=data["note"], user=request.user)
            return f"finding-{finding.pk}"
        return self._run(request, DisposeForm(request.POST), call, _("已记录处理结果。"))

    def _review_status(self, request, report):
        def call(data):
            review.transition(report, data["to"], user=request.user, reason=data["reason"])
            return "status"
        return self._run(request, StatusForm(request.POST), call, _("状态已更新。"))

    def _review_publish(self, request, report):
        def call(data):
            review.publish(report, user=request.user, override_reason=data["override_reason"] or None)
            return "status"
        return self._run(request, PublishForm(request.POST), call, _("报告已发布。"))

    def _review_reopen(self, request, report):
        def call(data):
            review.reopen(report, user=request.user, reason=data["reason"])
            return "status"
        return self._run(request, ReopenForm(request.POST), call, _("报告已重新打开。"))


REVIEW_OPS = {"correct", "remove", "add", "dispose", "status", "publish", "reopen", "dated"}
# Actions ReportAdmin lists in `actions`.
REVIEW_ACTIONS = ["reparse_selected"]


def _status_button(to: Status) -> str:
    return {
        Status.NEEDS_REVIEW: _("转为待审核"),
        Status.REVIEWED: _("标记为已审核"),
        Status.RETURNED: _("退回（需填写原因）"),
        Status.WITHDRAWN: _("撤回（需填写原因）"),
    }.get(to, str(to.label))


def _events(report: Report) -> list:
    """The history in order, with status and disposition codes shown as their labels."""
    labels = {**dict(Status.choices), **dict(Finding.Disposition.choices)}
    events = list(report.events.select_related("user").order_by("at", "id"))
    for event in events:
        if event.action in (ReportEvent.Action.STATUS, ReportEvent.Action.REOPENED, ReportEvent.Action.FINDING):
            event.old_value = labels.get(event.old_value, event.old_value)
            event.new_value = labels.get(event.new_value, event.new_value)
    return events


def _original(report: Report, fig: Figure) -> str:
    """The evidence in the report's own characters (traditional originals), when it differs."""
    if fig.start is None or fig.end is None or fig.end > len(report.text):
        return ""
    start, end = original_span(report.offsets, fig.start, fig.end)
    original = report.original_text[start:end]
    return original if original != fig.evidence else ""


def _form_errors(form) -> str:
    parts = []
    for field, errors in form.errors.items():
        name = form.fields[field].label if field in form.fields and form.fields[field].label else ""
        joined = _("；").join(errors)
        parts.append(_("%(name)s：%(reason)s") % {"name": name, "reason": joined} if name else joined)
    return _("；").join(parts)
