"""Admin for reports: the list with its filters, the report page with figures and warnings, the upload page.

Reports are added only through the upload page (reports/ingest.py); the admin add form is off.
Review features (corrections, findings, status transitions) extend ReportAdmin from their own
module: the inlines below are separate classes so they can be swapped or added to.
"""
from django.contrib import admin
from django.db.models import Count, Q
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext_lazy as _

from reports import admin_imports  # noqa: F401  (registers the import batch admin)
from reports.admin_review import REVIEW_ACTIONS, ReviewAdminMixin
from reports.admin_upload import upload_view
from reports.models import Figure, Finding, Report, ReportEvent
from reports.parsing import metrics


class HasWarningsFilter(admin.SimpleListFilter):
    title = _("解析警告")
    parameter_name = "has_warnings"

    def lookups(self, request, model_admin):
        return [("yes", _("有警告")), ("no", _("无警告"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(warning_count__gt=0)
        if self.value() == "no":
            return queryset.filter(warning_count=0)
        return queryset


class ProvinceFilter(admin.RelatedOnlyFieldListFilter):
    """Only the provinces that have reports, not all 34."""


class FigureInline(admin.TabularInline):
    model = Figure
    extra = 0
    can_delete = False
    fields = ("code_label", "value", "evidence", "page", "method")
    readonly_fields = fields
    ordering = ("code",)
    verbose_name_plural = _("指标数据（含依据文本）")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(removed=False)

    @admin.display(description=_("指标"))
    def code_label(self, fig):
        lang = get_language() or "zh"
        return format_html("{}<br><code>{}</code>", metrics.label(fig.code, lang), fig.code)


class FindingInline(admin.TabularInline):
    model = Finding
    fk_name = "report"  # related_report names the other report of a cross-year finding
    extra = 0
    can_delete = False
    fields = ("rule", "message", "codes", "disposition")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "code", "old_value", "new_value", "reason", "user")
    readonly_fields = fields
    ordering = ("at", "id")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ReviewAdminMixin, admin.ModelAdmin):
    actions = REVIEW_ACTIONS
    list_display = ("__str__", "year", "province", "layout", "status", "warning_count", "figure_count",
                    "is_current", "uploaded_at")
    list_filter = ("year", ("province", ProvinceFilter), "layout", "status", HasWarningsFilter, "is_current")
    list_select_related = ("agency", "province")
    search_fields = ("agency__name", "title", "original_filename")
    date_hierarchy = "uploaded_at"
    autocomplete_fields = ("agency", "province", "prefecture", "county")
    readonly_fields = ("file_link", "original_filename", "file_size", "sha256", "file_kind", "encoding",
                       "script", "layout", "multi_year", "parser_version", "warning_list", "warning_count",
                       "is_current", "replaced_by", "uploaded_by", "uploaded_at", "updated_at",
                       "published_at", "text", "status")
    fieldsets = (
        (None, {"fields": ("agency", "year", "title", "province", "prefecture", "county", "status",
                           "status_reason")}),
        (_("解析结果"), {"fields": ("layout", "script", "multi_year", "warning_list", "parser_version")}),
        (_("原始文件"), {"fields": ("file_link", "original_filename", "file_size", "file_kind", "encoding",
                                "sha256", "uploaded_by", "uploaded_at", "updated_at", "published_at")}),
        (_("版本"), {"fields": ("is_current", "replaced_by")}),
        (_("规范化文本"), {"classes": ("collapse",), "fields": ("text",)}),
    )
    inlines = [FigureInline, FindingInline, ReportEventInline]

    def get_urls(self):
        upload = path("upload/", self.admin_site.admin_view(self.upload_view), name="reports_report_upload")
        return [upload, *super().get_urls()]

    def upload_view(self, request):
        return upload_view(self, request)

    def has_upload_permission(self, request):
        return request.user.has_perm("reports.add_report")

    def has_add_permission(self, request):
        # New reports come only through the upload page, the one path through reports/ingest.py.
        return False

    def changelist_view(self, request, extra_context=None):
        extra = {"upload_url": reverse("admin:reports_report_upload"),
                 "can_upload": self.has_upload_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("agency", "province").annotate(
            figure_total=Count("figures", filter=Q(figures__removed=False), distinct=True))

    @admin.display(description=_("指标数"), ordering="figure_total")
    def figure_count(self, report):
        return report.figure_total

    @admin.display(description=_("原始文件"))
    def file_link(self, report):
        if not report.file:
            return "-"
        # Served through the permission-checked admin view: /media/ is not served in production.
        url = reverse(f"{self.admin_site.name}:reports_report_review_file", args=[report.pk])
        return format_html('<a href="{}">{}</a>', url, report.original_filename)

    @admin.display(description=_("解析警告"))
    def warning_list(self, report):
        if not report.warnings:
            return _("无")
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li><code>{}</code> {}</li>",
            ((w.get("code", ""), w.get("message", "")) for w in report.warnings)))

