"""The admin upload page: several files or a .zip at once, stored as an import batch for the workers."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.archive import is_zip
from reports.imports import create_batch
from reports.models import ImportBatch


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


def upload_view(model_admin, request):
    """GET shows the form; POST stores the files as an import batch and goes to its page, where
    the workers' progress shows (the request does no parsing, however many files)."""
    if not model_admin.has_upload_permission(request):
        raise PermissionDenied
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            batch = create_batch(
                ((f.name, f.read()) for f in data["files"]), uploaded_by=request.user,
                source=ImportBatch.Source.UPLOAD, replace=data["replace"], dry_run=data["dry_run"],
                agency=data.get("agency") or "", year=data.get("year") or None)
            return HttpResponseRedirect(batch.get_absolute_url())
    else:
        form = UploadForm()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("上传年度报告"),
        "opts": model_admin.model._meta,
        "form": form,
        "max_file": _megabytes(settings.REPORT_MAX_FILE_BYTES),
        "max_archive": _megabytes(settings.REPORT_MAX_ARCHIVE_BYTES),
        "recent_batches": ImportBatch.objects.filter(uploaded_by=request.user)[:5],
    }
    return TemplateResponse(request, "admin/reports/report/upload.html", context)


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n} B"
