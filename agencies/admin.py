"""Admin for regions (GB/T 2260, loaded from agencies/data) and the agencies that publish reports."""
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from agencies.admin_expected import ExpectationInline
from agencies.models import Agency, AgencyAlias, Region, RegionName, ReportingExpectation


class RegionNameInline(admin.TabularInline):
    model = RegionName
    extra = 0
    fields = ("code", "name", "level", "start_year", "end_year")
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = _("历史名称")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "province")
    list_filter = ("level",)
    list_select_related = ("parent", "province")
    search_fields = ("code", "name", "names__name")
    ordering = ("code",)
    raw_id_fields = ("parent", "province", "prefecture")
    inlines = [RegionNameInline]


class AgencyAliasInline(admin.TabularInline):
    model = AgencyAlias
    extra = 1
    fields = ("name",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "region", "report_count")
    list_filter = ("level",)
    list_select_related = ("region",)
    search_fields = ("name", "normalized_name", "aliases__name")
    autocomplete_fields = ("region",)
    readonly_fields = ("normalized_name", "created_at")
    inlines = [AgencyAliasInline, ExpectationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(report_total=Count("reports", distinct=True))

    def save_formset(self, request, form, formset, change):
        if formset.model is ReportingExpectation:
            for inline_form in formset.forms:
                inline_form.instance.updated_by = request.user
        super().save_formset(request, form, formset, change)

    @admin.display(description=_("报告数"), ordering="report_total")
    def report_count(self, agency):
        return agency.report_total
