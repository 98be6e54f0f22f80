"""FilterSet of the agency list (/agencies/) and the peer-year choice of an agency page."""
import django_filters
from django import forms
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Region
from reports.facets import Facet
from reports.filters import LazyOrderingFilter, StrictFilterSet, province_choices
from reports.widgets import RegionChoiceFilter


class AgencyFilter(StrictFilterSet):
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("名称"))
    province = RegionChoiceFilter(
        field_name="region", method="filter_province", label=_("省份"),
        queryset=Region.objects.filter(level=Region.Level.PROVINCE),
    )
    level = django_filters.ChoiceFilter(
        field_name="level", lookup_expr="exact", label=_("行政级别"), choices=Agency.Level.choices,
    )
    o = LazyOrderingFilter(
        label=_("排序"), fields=(("name", "name"), ("level", "level"), ("n_reports", "reports")),
        field_labels={"name": _("名称"), "level": _("行政级别"), "n_reports": _("已发布报告数")},
    )

    class Meta:
        model = Agency
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["province"].widget.attrs.update({"data-autosubmit": "1", "data-clears": ""})

    def filter_province(self, queryset, name, value):
        # A province-level region may or may not point at itself as its own province.
        return queryset.filter(Q(region=value) | Q(region__province=value))


def agency_facets():
    """The facets of /agencies/: province (of the agency's region) and level."""
    levels = lambda: [(str(k), v) for k, v in Agency.Level.choices]  # noqa: E731
    return [
        # A province-level region may or may not point at itself as its own province.
        Facet(name="province", label=_("省份"), column=Coalesce("region__province_id", "region_id"),
              choices=province_choices),
        Facet(name="level", label=_("行政级别"), column="level", choices=levels),
    ]


class PeerYearForm(forms.Form):
    """The year of an agency page's peer comparison, among the years the agency reported."""

    year = forms.TypedChoiceField(label=_("比较年度"), coerce=int, required=False)

    def __init__(self, data, *, years):
        super().__init__(data)
        self.fields["year"].choices = [(y, str(y)) for y in sorted(years, reverse=True)]
        self.fields["year"].widget.attrs.update({"data-autosubmit": "1", "data-clears": ""})
