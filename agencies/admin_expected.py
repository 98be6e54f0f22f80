"""Admin for the agencies expected to report: the list, the no-longer-expected mark, the CSV upload page."""
from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.expected import COLUMNS, MAX_BYTES, MAX_ROWS, FileRefused, RowStatus, import_expected
from agencies.models import ReportingExpectation


class ExpectedUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("应报机关清单（CSV）"), allow_empty_file=True)
    dry_run = forms.BooleanField(label=gettext_lazy("试运行（只匹配并显示结果，不保存）"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("“%(name)s”超过 %(max)d MB 的上限。")
                                        % {"name": upload.name, "max": MAX_BYTES // 2**20})
        return upload


class ExpectationInline(admin.StackedInline):
    """On an agency's admin page: the years it must report, and the no-longer-expected mark."""

    model = ReportingExpectation
    fk_name = "agency"
    extra = 0
    max_num = 1
    fields = ("first_year", "last_year", "end_reason", "government", "note")
    verbose_name_plural = gettext_lazy("应报年度与期限（留空则按前两年是否发布报告、机关名称推定）")


@admin.register(ReportingExpectation)
class ReportingExpectationAdmin(admin.ModelAdmin):
    list_display = ("agency", "agency_region", "first_year", "last_year", "end_reason", "government", "updated_by",
                    "updated_at")
    list_filter = ("end_reason", "government", "first_year", "last_year")
    list_select_related = ("agency__region", "updated_by")
    search_fields = ("agency__name", "agency__aliases__name", "note")
    autocomplete_fields = ("agency",)
    fields = ("agency", "first_year", "last_year", "end_reason", "government", "note", "updated_by", "updated_at")
    readonly_fields = ("updated_by", "updated_at")

    @admin.display(description=gettext_lazy("所在区划"), ordering="agency__region__code")
    def agency_region(self, obj):
        return obj.agency.region.full_name if obj.agency.region_id else "—"

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        upload = path("upload/", self.admin_site.admin_view(self.upload_view),
                      name="agencies_reportingexpectation_upload")
        return [upload, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = {"upload_url": reverse("admin:agencies_reportingexpectation_upload"),
                 "can_upload": self.has_add_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def upload_view(self, request):
        """GET shows the form and the accepted columns; POST applies the file, one line per row."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        result, refused = None, ""
        form = ExpectedUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_expected(upload.read(), filename=upload.name, user=request.user,
                                         dry_run=form.cleaned_data["dry_run"])
            except FileRefused as exc:
                refused = str(exc)
        return TemplateResponse(request, "admin/agencies/reportingexpectation/upload.html", {
            **self.admin_site.each_context(request),
            "title": _("上传应报机关清单"),
            "opts": self.model._meta,
            "form": form,
            "result": result,
            "refused": refused,
            "summary": [(str(RowStatus(s).label), n) for s, n in result.counts().items()] if result else [],
            "columns": [(key, labels) for key, labels in COLUMNS.items()],
            "max_rows": MAX_ROWS,
            "max_mb": MAX_BYTES // 2**20,
        })
