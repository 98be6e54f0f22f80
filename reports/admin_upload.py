"""The admin upload page: several files or a .zip at once, one result line per file (via ingest)."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.archive import is_zip
from reports.ingest import Outcome, OutcomeStatus, Override, count_by_status, ingest_files


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A FileField that takes several files (Django's documented pattern for multiple uploads)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        # An empty file gets its own result line from ingest instead of blocking the whole upload.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)) and data:
            return [single(d, initial) for d in data]
        if data and not isinstance(data, (list, tuple)):
            return [single(data, initial)]
        return single(None, initial)  # raises "required"


class UploadForm(forms.Form):
    files = MultipleFileField(
        label=gettext_lazy("报告文件"),
        help_text=gettext_lazy("可一次选择多个文件（txt、html、docx、pdf），或一个文件夹打包的 .zip。"),
    )
    agency = forms.CharField(
        label=gettext_lazy("发布机关（可选）"), max_length=200, required=False,
        help_text=gettext_lazy("填写后适用于本次上传的全部文件，优先于自动识别的机关。"),
    )
    year = forms.IntegerField(
        label=gettext_lazy("年度（可选）"), required=False, min_value=2000, max_value=2100,
        help_text=gettext_lazy("填写后适用于本次上传的全部文件，优先于自动识别的年度。"),
    )
    replace = forms.BooleanField(
        label=gettext_lazy("替换同一机关同一年度的现有报告"), required=False,
        help_text=gettext_lazy("旧版本保留可查，但不再作为当前版本。"),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("试运行（只解析并显示结果，不保存）"), required=False,
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        too_large = []
        for f in files:
            limit = settings.REPORT_MAX_ARCHIVE_BYTES if is_zip(f.name, b"") else settings.REPORT_MAX_FILE_BYTES
            if f.size > limit:
                too_large.append(_("“%(name)s”大小为 %(size)s，超过上限 %(max)s") % {
                    "name": f.name, "size": _megabytes(f.size), "max": _megabytes(limit)})
        if too_large:
            raise forms.ValidationError(
                [_("文件过大，未上传任何文件 (file too large, nothing uploaded)：")] + too_large)
        return files

    def overrides(self) -> dict[str, Override]:
        agency, year = self.cleaned_data.get("agency") or None, self.cleaned_data.get("year") or None
        if not agency and not year:
            return {}
        return {f.name: Override(agency=agency, year=year) for f in self.cleaned_data["files"]}


def upload_view(model_admin, request):
    """GET shows the form; POST ingests the files and lists one outcome per file."""
    if not model_admin.has_upload_permission(request):
        raise PermissionDenied
    outcomes: list[Outcome] = []
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            files = [(f.name, f.read()) for f in form.cleaned_data["files"]]
            outcomes = ingest_files(
                files, uploaded_by=request.user, replace=form.cleaned_data["replace"],
                dry_run=form.cleaned_data["dry_run"], overrides=form.overrides(),
            )
    else:
        form = UploadForm()
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("上传年度报告"),
        "opts": opts,
        "form": form,
        "rows": [_row(o) for o in outcomes],
        "summary": _summary(outcomes),
        "max_file": _megabytes(settings.REPORT_MAX_FILE_BYTES),
        "max_archive": _megabytes(settings.REPORT_MAX_ARCHIVE_BYTES),
        "dry_run": request.method == "POST" and form.is_valid() and form.cleaned_data["dry_run"],
    }
    return TemplateResponse(request, "admin/reports/report/upload.html", context)


def _row(outcome: Outcome) -> dict:
    target = outcome.report or outcome.existing
    return {
        "outcome": outcome,
        "status": outcome.status,
        "label": outcome.status_label,
        "url": reverse("admin:reports_report_change", args=[target.pk]) if target is not None else None,
        "link_text": str(target) if target is not None else "",
    }


def _summary(outcomes: list[Outcome]) -> list[tuple[str, int]]:
    return [(str(OutcomeStatus(s).label), n) for s, n in count_by_status(outcomes).items()]


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n} B"
