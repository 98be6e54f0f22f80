"""The report-list FilterSet (the GET parameters of /reports/) and its summary in words."""
import django_filters
from django import forms
from django.db import models
from django.db.models import BooleanField, Case, Exists, F, Max, Min, OuterRef, Q, Value, When
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, Region
from reports.exports import KEY_CODES
from reports.facets import Facet, key_of
from reports.models import Figure, Layout, Report, Status
from reports.parsing.metrics import label
from reports.urlstate import url_without
from reports.widgets import JoinedSelect, RegionChoiceFilter

# Figures whose presence (> 0) marks a report as having reviews or lawsuits.
REVIEW_OR_LITIGATION_CODES = ("review_total", "litigation_total")
# Parameters only staff may use; for everyone else they are not part of the FilterSet at all.
STAFF_ONLY = ("status", "include_unreviewed")
# A metric's label from the catalog in the language of the request being rendered.
metric_label = lazy(lambda code: label(code, get_language() or "zh"), str)


def is_staff(request):
    return bool(request is not None and request.user.is_authenticated and request.user.is_staff)


# "X（降序）" is worded when a page renders: the sort choices are built at import, before any
# request language is active, and django-filter's own "%s (descending)" would be fixed then.
descending_label = lazy(lambda text: gettext("%s（降序）") % text, str)


class LazyOrderingFilter(django_filters.OrderingFilter):
    """An OrderingFilter whose descending choice labels follow the language of the request."""

    def build_choices(self, fields, labels):
        ascending = super().build_choices(fields, labels)[0::2]
        return [choice for param, text in ascending
                for choice in ((param, text), (f"-{param}", descending_label(text)))]


class NullsLastOrderingFilter(LazyOrderingFilter):
    """Sort reports without the figure after those with it, in both directions, then by id so
    that pages do not overlap (PostgreSQL sorts NULL first when descending)."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = self.param_map.get(param.lstrip("-"), param.lstrip("-"))
        return F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


class CheckboxFlag(forms.CheckboxInput):
    """A checkbox for a flag carried in the URL as name=1 (a ticked box submits "on")."""

    TRUE = {"1", "true", "on"}

    def __init__(self, attrs=None):
        super().__init__({"value": "1", **(attrs or {})}, check_test=lambda v: str(v).lower() in self.TRUE)

    def value_from_datadict(self, data, files, name):
        return str(data.get(name, "")).lower() in self.TRUE


class StrictBooleanField(forms.ChoiceField):
    """Yes / no / unset from "true"/"false" (or 1/0); anything else is a form error, where
    django-filter's BooleanWidget would silently ignore it."""

    ALIASES = {"1": "true", "0": "false", "on": "true", "off": "false"}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("", "---------"), ("true", _("是")), ("false", _("否"))])
        kwargs.pop("widget", None)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value).lower()
        return self.ALIASES.get(value, value)

    def clean(self, value):
        value = super().clean(value)
        return {"true": True, "false": False}.get(value)


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class YearFilter(django_filters.NumberFilter):
    """A whole year in the range reports can have (the model's check constraint), so that
    nonsense such as 2019.5 or 10**20 is a form error rather than a database error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)


class IdsField(django_filters.fields.ModelMultipleChoiceField):
    """Object ids; values that are not 64-bit integers are a form error before any query
    (SQLite cannot bind larger ints to an IN list and would raise OverflowError)."""

    def _check_values(self, value):
        for pk in value:
            try:
                ok = -(2**63) <= int(pk) < 2**63
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk},
                )
        return super()._check_values(value)


class IdsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = IdsField


class StrictFilterSet(django_filters.FilterSet):
    """Invalid input gives an empty result with the form errors shown, never a partly applied
    filter (django-filter's strict mode lives in its FilterView; these pages are functions).

    Every plain <select> of the form is a JoinedSelect: Django's per-option templates cost
    milliseconds per request on the list pages (issue 11).
    """

    def get_form_class(self):
        form_class = super().get_form_class()
        for field in form_class.base_fields.values():
            if type(field.widget) is forms.Select:
                widget = JoinedSelect(attrs=field.widget.attrs)
                widget.choices = field.widget.choices
                field.widget = widget
        return form_class

    def filter_queryset(self, queryset):
        if not self.form.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)

    def apply_filters(self, queryset, *, without=()):
        """The queryset with every valid filter of the URL applied except those named in
        `without` and the ordering: what a facet counts (reports/facets.py)."""
        if not self.is_valid():
            return queryset.none()
        for name, value in self.form.cleaned_data.items():
            if name in without or isinstance(self.filters[name], django_filters.OrderingFilter):
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    def selected_keys(self):
        """{parameter: URL spelling of its valid value} for the filters set in the URL."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: key_of(value) for name, value in self.form.cleaned_data.items()
                if value not in (None, "") and not isinstance(value, models.QuerySet)}


class ReportFilter(StrictFilterSet):
    """Filters of /reports/. Bind with ``request`` so that staff-only parameters and
    visibility follow the user: anonymous users see published reports whatever the URL says.

    The queryset passed in may carry the key-figure annotations of reports/exports.py
    (``requests_received`` ...); sorting by them needs them.
    """

    province = RegionChoiceFilter(
        field_name="province", lookup_expr="exact", label=_("省份"),
        queryset=Region.objects.filter(level=Region.Level.PROVINCE),
    )
    prefecture = RegionChoiceFilter(
        field_name="prefecture", lookup_expr="exact", label=_("地市"),
        queryset=Region.objects.filter(level=Region.Level.PREFECTURE),
    )
    county = RegionChoiceFilter(
        field_name="county", lookup_expr="exact", label=_("区县"),
        queryset=Region.objects.filter(level=Region.Level.COUNTY),
    )
    # Exact agency ids, for links from agency and chart pages; not rendered as a select.
    agency = IdsFilter(
        field_name="agency", lookup_expr="exact", label=_("机关"),
        queryset=Agency.objects.all(), widget=forms.MultipleHiddenInput,
    )
    agency_name = django_filters.CharFilter(
        field_name="agency__name", lookup_expr="icontains", label=_("机关名称"),
    )
    year = YearFilter(field_name="year", lookup_expr="exact", label=_("年度"))
    year__gte = YearFilter(field_name="year", lookup_expr="gte", label=_("起始年度"))
    year__lte = YearFilter(field_name="year", lookup_expr="lte", label=_("截止年度"))
    layout = django_filters.ChoiceFilter(
        field_name="layout", lookup_expr="exact", label=_("版式"), choices=Layout.choices,
    )
    status = django_filters.ChoiceFilter(
        field_name="status", lookup_expr="exact", label=_("状态"), choices=Status.choices,
    )
    has_warnings = StrictBooleanFilter(
        field_name="warning_count", method="filter_has_warnings", label=_("有解析警告"),
    )
    has_review_or_litigation = StrictBooleanFilter(
        method="filter_has_review_or_litigation", label=_("有行政复议或诉讼"),
    )
    include_unreviewed = django_filters.BooleanFilter(
        method="filter_nothing", label=_("包含未发布（审核中）的报告"),
        widget=CheckboxFlag,
    )
    o = NullsLastOrderingFilter(
        label=_("排序"),
        fields=(
            ("agency__name", "agency"), ("year", "year"), ("province__code", "region"),
            ("layout", "layout"), ("status", "status"), ("warning_count", "warnings"),
            ("requests_received", "requests_received"), ("outcome_total", "outcome_total"),
            ("review_total", "review_total"), ("litigation_total", "litigation_total"),
        ),
        field_labels={
            "agency__name": _("机关"), "year": _("年度"), "province__code": _("地区"),
            "layout": _("版式"), "status": _("状态"), "warning_count": _("警告数"),
            **{code: metric_label(code) for code in KEY_CODES},
        },
    )

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        if not is_staff(request):
            for name in STAFF_ONLY:
                self.filters.pop(name)
        # Each region level offers only the regions inside the level above it (server-side,
        # so the narrowing works without JavaScript; the page re-submits on change).
        data = self.data or {}
        province, prefecture = _int(data.get("province")), _int(data.get("prefecture"))
        regions = self.filters
        if province is not None:
            regions["prefecture"].queryset = regions["prefecture"].queryset.filter(province_id=province)
            regions["county"].queryset = regions["county"].queryset.filter(province_id=province)
        if prefecture is not None:
            regions["county"].queryset = regions["county"].queryset.filter(prefecture_id=prefecture)
        elif province is None and not data.get("county"):
            # No parent chosen: listing every county of China would weigh more than the page.
            regions["county"].queryset = regions["county"].queryset.none()
        # static/js/filters.js submits the form when a region changes, clearing the levels below.
        for name, below in (("province", "prefecture county"), ("prefecture", "county"), ("county", "")):
            self.form.fields[name].widget.attrs.update({"data-autosubmit": "1", "data-clears": below})

    @property
    def shows_unreviewed(self):
        """True when a staff user asked to see reports that are not published."""
        if "include_unreviewed" not in self.filters or not self.is_valid():
            return False
        return bool(self.form.cleaned_data.get("include_unreviewed"))

    def filter_queryset(self, queryset):
        return super().filter_queryset(self.visible(queryset))

    def visible(self, queryset, *, all_statuses=False):
        """The reports the user may see here; `all_statuses`: staff see the unreviewed ones too
        (what the status facet counts, so that staff see every status to choose from)."""
        user = self.request.user if self.request is not None else None
        return queryset.visible_to(user, include_unreviewed=self.shows_unreviewed or all_statuses)

    def rows(self, queryset):
        """The visible reports under the URL's filters, without ordering or annotations: what
        the list counts."""
        return self.apply_filters(self.visible(queryset))

    def facet_queryset(self, queryset, facet):
        """What `facet` counts: visible reports under every filter of the URL but its own."""
        return self.apply_filters(self.visible(queryset, all_statuses=facet.widens), without=facet.own_filters)

    def filter_nothing(self, queryset, name, value):
        # Consumed by filter_queryset (visibility), not a row filter of its own.
        return queryset

    def filter_has_warnings(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(warning_count__gt=0) if value else queryset.filter(warning_count=0)

    def filter_has_review_or_litigation(self, queryset, name, value):
        if value is None:
            return queryset
        stated = Exists(Figure.objects.filter(
            report=OuterRef("pk"), code__in=REVIEW_OR_LITIGATION_CODES, removed=False, value__gt=0,
        ))
        return queryset.filter(stated) if value else queryset.filter(~Q(stated))


def _int(value):
    """An id from the URL, or None when it is not one (the form reports the error)."""
    try:
        value = int(value)
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None


# How an active filter reads in the summary; the default is "label：value".
SUMMARY_FORMATS = {
    "year__gte": _("年度 ≥ %(value)s"),
    "year__lte": _("年度 ≤ %(value)s"),
}
NOT_SUMMARISED = ("o",)


def active_filters(filterset):
    """Return [{"name", "text", "remove_url"}] for every valid, non-empty filter in the URL,
    in the FilterSet's order; invalid values are reported by the form instead."""
    if not filterset.is_bound or not filterset.is_valid():
        return []
    out = []
    cleaned = filterset.form.cleaned_data
    for name, field in filterset.form.fields.items():
        if name in NOT_SUMMARISED or not any(filterset.data.getlist(name)):
            continue
        value = cleaned.get(name)
        if value is None or (name == "include_unreviewed" and not value):
            continue
        fmt = SUMMARY_FORMATS.get(name, _("%(label)s：%(value)s"))
        out.append({
            "name": name,
            "text": fmt % {"label": field.label, "value": _display(field, value)},
            "remove_url": url_without(filterset.data, name),
        })
    return out


def _display(field, value):
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, models.QuerySet):
        return _("、").join(str(v) for v in value)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return dict(field.choices).get(value, value)
    return str(value)


def province_choices():
    """[(id, name in the page's language)] of the provinces, in code order: one small query."""
    return [(str(r.pk), r.local_name) for r in Region.objects.filter(level=Region.Level.PROVINCE).order_by("code")]


def report_facets(filterset):
    """The facets of /reports/ for this user: province, year, layout, status (staff only: the
    statuses of unpublished reports are theirs alone), warnings."""
    layouts = lambda: [(str(k), v) for k, v in Layout.choices]  # noqa: E731
    statuses = lambda: [(str(k), v) for k, v in Status.choices if k != Status.WITHDRAWN]  # noqa: E731
    warnings = lambda: [("true", _("有警告")), ("false", _("无警告"))]  # noqa: E731

    def years():
        # Too many reports to count: the span of years (two index probes), newest first.
        span = filterset.visible(Report.objects.all()).aggregate(lo=Min("year"), hi=Max("year"))
        if span["lo"] is None:
            return []
        return [(str(y), str(y)) for y in range(span["hi"], span["lo"] - 1, -1)]

    facets = [
        Facet(name="province", label=_("省份"), column="province_id", choices=province_choices,
              excludes=("prefecture", "county"), drop=("prefecture", "county")),
        Facet(name="year", label=_("年度"), column="year", choices=years, label_of=str, by_value=True),
        Facet(name="layout", label=_("版式"), column="layout", choices=layouts),
    ]
    if "status" in filterset.filters:
        facets.append(Facet(
            name="status", label=_("状态"), column="status", choices=statuses, widens=True,
            link_extra=lambda key: {"include_unreviewed": "" if key == Status.PUBLISHED else "1"},
        ))
    facets.append(Facet(
        name="has_warnings", label=_("解析警告"),
        column=Case(When(warning_count__gt=0, then=Value(True)), default=Value(False), output_field=BooleanField()),
        choices=warnings,
    ))
    return facets
