"""Admin for import batches: the list with their state, the batch page with live progress, its JSON and CSV, cancel."""
from __future__ import annotations

import csv

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports import imports
from reports.exports import Echo, csv_row
from reports.models import FileOutcome, ImportBatch

PAGE_SIZE = 100


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("__str__", "uploaded_by", "source", "created_at", "state", "done_of_total", "failed_files",
                    "dry_run")
    list_filter = ("state", "source", "dry_run")
    list_select_related = ("uploaded_by",)
    list_display_links = ("__str__",)

    # --- who sees what: uploaders their own batches; holders of the view permission all of them.

    @staticmethod
    def sees_all(user) -> bool:
        return user.has_perm("reports.view_importbatch")

    def has_view_permission(self, request, obj=None):
        user = request.user
        if self.sees_all(user):
            return True
        return user.has_perm("reports.add_report") and (obj is None or obj.uploaded_by_id == user.pk)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False  # batches come from the upload page and import_reports

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_open)

    def can_cancel(self, request, batch) -> bool:
        return batch.is_open and (batch.uploaded_by_id == request.user.pk
                                  or request.user.has_perm("reports.change_importbatch"))

    def get_queryset(self, request):
        batches = super().get_queryset(request).annotate(
            n_done=Count("files", filter=~Q(files__status=FileOutcome.PENDING)),
            n_failed=Count("files", filter=Q(files__status=FileOutcome.FAILED)),
        )
        if not self.sees_all(request.user):
            batches = batches.filter(uploaded_by=request.user)
        return batches

    @admin.display(description=gettext_lazy("进度"))
    def done_of_total(self, batch):
        return f"{batch.n_done} / {batch.total}"

    @admin.display(description=gettext_lazy("失败"), ordering="n_failed")
    def failed_files(self, batch):
        return batch.n_failed

    # --- the batch page and its companions

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/progress/", view(self.progress_view), name="reports_importbatch_progress"),
            path("<int:object_id>/outcomes.csv", view(self.csv_view), name="reports_importbatch_csv"),
            path("<int:object_id>/cancel/", view(self.cancel_view), name="reports_importbatch_cancel"),
            *super().get_urls(),
        ]

    def _batch(self, request, object_id) -> ImportBatch:
        batch = get_object_or_404(ImportBatch.objects.select_related("uploaded_by", "cancelled_by"), pk=object_id)
        if not self.has_view_permission(request, batch):
            raise PermissionDenied
        return batch

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The batch page: progress and the finished files; batch_progress.js keeps it current."""
        batch = self._batch(request, object_id)
        progress = imports.progress(batch)
        listing = _Listing(request, batch)
        context = {
            **self.admin_site.each_context(request),
            "title": str(batch),
            "opts": self.model._meta,
            "batch": batch,
            "progress": progress,
            "counts": _counts(progress),
            "elapsed": duration(progress.elapsed),
            "remaining": duration(progress.remaining),
            "listing": listing,
            "rows_html": listing.rows_html(),
            "outcome_choices": [(s, str(FileOutcome(s).label)) for s in FileOutcome.values if s != FileOutcome.PENDING],
            "can_cancel": self.can_cancel(request, batch),
            "progress_url": reverse("admin:reports_importbatch_progress", args=[batch.pk]),
            "csv_url": reverse("admin:reports_importbatch_csv", args=[batch.pk]),
            "cancel_url": reverse("admin:reports_importbatch_cancel", args=[batch.pk]),
            "upload_url": reverse("admin:reports_report_upload"),
        }
        return TemplateResponse(request, "admin/reports/importbatch/batch.html", context)

    def progress_view(self, request, object_id):
        """The JSON the batch page polls: state, counts, times, and its current page of rows."""
        batch = self._batch(request, object_id)
        progress = imports.progress(batch)
        listing = _Listing(request, batch, done=progress.done)
        return JsonResponse({
            "state": batch.state,
            "state_label": str(batch.get_state_display()),
            "open": progress.is_open,
            "total": progress.total,
            "done": progress.done,
            "pending": progress.pending,
            "counts": _counts(progress),
            "elapsed": duration(progress.elapsed),
            "remaining": duration(progress.remaining),
            "page": listing.page,
            "pages": listing.pages,
            "rows_html": listing.rows_html(),
        })

    def csv_view(self, request, object_id):
        """Every file of the batch with its outcome, in upload order (UTF-8 with BOM for spreadsheets)."""
        batch = self._batch(request, object_id)
        base = request.build_absolute_uri("/")[:-1]
        files = batch.files.order_by("position", "member").values_list(
            "name", "status", "message", "report_id", "existing_id")

        def lines():
            # Every cell through csv_row (reports/exports.py): file names and messages come from
            # uploads, and a cell a spreadsheet would run as a formula is quoted.
            writer = csv.writer(Echo())
            yield "\ufeff" + writer.writerow(csv_row([
                _("序号"), _("文件"), _("结果代码"), _("结果"), _("说明"), _("报告编号"), _("报告链接"),
                _("已有报告编号"), _("已有报告链接")]))
            rows = files.iterator(chunk_size=2000)
            for number, (name, status, message, report_id, existing_id) in enumerate(rows, start=1):
                yield writer.writerow(csv_row([
                    number, name, status, str(FileOutcome(status).label), message,
                    report_id, _admin_url(base, report_id), existing_id, _admin_url(base, existing_id)]))

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-batch-{batch.pk}.csv"'
        return response

    def cancel_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        batch = self._batch(request, object_id)
        if not self.can_cancel(request, batch):
            raise PermissionDenied
        if imports.cancel(batch, user=request.user):
            messages.success(request, _("已取消导入批次 #%(id)s：尚未处理的文件不会导入，已导入的报告保留。") % {"id": batch.pk})
        else:
            messages.info(request, _("导入批次 #%(id)s 已经结束，无需取消。") % {"id": batch.pk})
        return HttpResponseRedirect(reverse("admin:reports_importbatch_change", args=[batch.pk]))


class _Listing:
    """One page of a batch's finished files, failed first, optionally of one outcome."""

    def __init__(self, request, batch, *, done=None):
        status = request.GET.get("status") or ""
        self.status = status if status in FileOutcome.values and status != FileOutcome.PENDING else ""
        files = imports.finished_files(batch, status=self.status or None)
        count = files.count() if (self.status or done is None) else done
        self.pages = max(1, -(-count // PAGE_SIZE))
        try:
            self.page = min(max(1, int(request.GET.get("page", 1))), self.pages)
        except ValueError:
            self.page = 1
        self.count = count
        self.files = files[(self.page - 1) * PAGE_SIZE:self.page * PAGE_SIZE]

    def rows_html(self) -> str:
        return render_to_string("admin/reports/importbatch/rows.html", {"files": self.files})

    @property
    def page_range(self):
        return range(1, self.pages + 1)


def _counts(progress) -> list[dict]:
    return [{"status": s, "label": str(FileOutcome(s).label), "n": n} for s, n in progress.counts.items()]


def duration(seconds) -> str:
    """'12 秒', '3 分 05 秒', '1 小时 02 分'; '—' when unknown."""
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    if seconds < 60:
        return _("%(s)d 秒") % {"s": seconds}
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return _("%(m)d 分 %(s)02d 秒") % {"m": minutes, "s": seconds}
    hours, minutes = divmod(minutes, 60)
    return _("%(h)d 小时 %(m)02d 分") % {"h": hours, "m": minutes}


def _admin_url(base, report_id):
    return base + reverse("admin:reports_report_change", args=[report_id]) if report_id else ""
