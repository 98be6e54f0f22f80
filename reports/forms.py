"""The /compare/ query string as a form: tab, chart kind, metric, years, level, selection, mode, sort.

The URL is the whole state (DESIGN.md): the Chart, Table and Map tabs read the same parameters,
so switching tabs keeps every choice. An invalid value is a form error (HTTP 400), never a 500.
"""
from __future__ import annotations

from dataclasses import replace

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext as _, gettext_lazy

from agencies.models import Agency, Region
from reports.charts import MAP_RATES, REVIEW_RATES, Spec, metric_label
from reports.parsing.metrics import CORE
from reports.selection import Selection

TABS = (("chart", gettext_lazy("图表")), ("table", gettext_lazy("表格")), ("map", gettext_lazy("地图")))
CHARTS = (
    ("volume", gettext_lazy("申请数量")),
    ("outcomes", gettext_lazy("办理结果构成")),
    ("review", gettext_lazy("行政复议与诉讼")),
)
# Old links said chart=map; it now means the Map tab of the chart kind its metric belongs to.
LEGACY_CHARTS = (("map", gettext_lazy("地图")),)
LEVEL_CHOICES = (
    ("province", gettext_lazy("省级")), ("prefecture", gettext_lazy("地级")),
    ("county", gettext_lazy("县级")), ("agency", gettext_lazy("机关")),
)
MODES = {"volume": ("total", "per_agency"), "outcomes": ("absolute", "percent"), "review": ()}
MODE_CHOICES = (
    ("total", gettext_lazy("合计")), ("per_agency", gettext_lazy("每个报告机关平均")),
    ("absolute", gettext_lazy("件数")), ("percent", gettext_lazy("百分比")),
)
SORT_CHOICES = (
    ("", gettext_lazy("按区划代码")), ("-value", gettext_lazy("按数值从大到小")),
    ("value", gettext_lazy("按数值从小到大")),
)
# Lazy labels: the choices are built once at import, the label follows the active language.
_label = lazy(metric_label, str)
COUNT_METRICS = tuple((m.code, _label(m.code)) for m in CORE)
RATE_METRICS = tuple((name, _label(name)) for name in MAP_RATES)
MIN_REQUESTS = 30
FORMATS = (("html", "HTML"), ("csv", "CSV"), ("json", "JSON"))
# The documented URL parameters (README "Browsing and charts", /methodology/).
PARAMETERS = ("tab", "chart", "metric", "year", "year__gte", "year__lte", "level", "region", "agency",
              "mode", "sort", "min_requests", "include_unreviewed", "format")
MULTIPLE = ("region", "agency")


class CompareForm(forms.Form):
    """Validates the /compare/ query string; cleaned_data holds the resolved state."""

    tab = forms.ChoiceField(label=gettext_lazy("视图"), choices=TABS, required=False)
    chart = forms.ChoiceField(label=gettext_lazy("图表"), choices=CHARTS + LEGACY_CHARTS, required=False)
    metric = forms.ChoiceField(label=gettext_lazy("指标"), choices=COUNT_METRICS + RATE_METRICS, required=False)
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100, required=False)
    year__gte = forms.IntegerField(label=gettext_lazy("起始年度"), min_value=2000, max_value=2100, required=False)
    year__lte = forms.IntegerField(label=gettext_lazy("截止年度"), min_value=2000, max_value=2100, required=False)
    level = forms.ChoiceField(label=gettext_lazy("比较层级"), choices=LEVEL_CHOICES, required=False)
    # Regions by GB/T 2260 code, so that links stay readable and stable across databases.
    region = forms.ModelMultipleChoiceField(
        label=gettext_lazy("区划（代码）"), queryset=Region.objects.all(), to_field_name="code",
        required=False, widget=forms.MultipleHiddenInput,
    )
    agency = forms.ModelMultipleChoiceField(
        label=gettext_lazy("机关"), queryset=Agency.objects.all(), required=False,
        widget=forms.MultipleHiddenInput,
    )
    mode = forms.ChoiceField(label=gettext_lazy("显示方式"), choices=MODE_CHOICES, required=False)
    sort = forms.ChoiceField(label=gettext_lazy("排序"), choices=SORT_CHOICES, required=False)
    min_requests = forms.IntegerField(
        label=gettext_lazy("最少申请数"), min_value=1, max_value=1_000_000, required=False,
    )
    include_unreviewed = forms.BooleanField(label=gettext_lazy("包含未发布（审核中）的报告"), required=False)
    format = forms.ChoiceField(choices=FORMATS, required=False)
    # The picker's search box without JavaScript: the page lists matching regions and agencies.
    find = forms.CharField(label=gettext_lazy("查找地区或机关"), max_length=50, required=False)

    def clean(self):
        data = super().clean()
        chart, tab, metric = data.get("chart") or "", data.get("tab") or "", data.get("metric") or ""
        if chart == "map":
            tab = "map"
            chart = "review" if metric in REVIEW_RATES else "outcomes" if metric == "disclosure_rate" else "volume"
        chart = chart or "volume"
        data["chart"], data["tab"] = chart, tab or "chart"
        if chart == "volume":
            if metric in MAP_RATES:
                self.add_error("metric", _("申请数量图只能显示数量指标；比率请选择“行政复议与诉讼”或“办理结果构成”。"))
            data["metric"] = metric or "requests_received"
        elif chart == "review":
            if metric and metric not in REVIEW_RATES:
                self.add_error("metric", _("行政复议与诉讼图的指标只能是复议率、诉讼率或纠错率。"))
            data["metric"] = metric if metric in REVIEW_RATES else "review_rate"
        else:
            data["metric"] = "disclosure_rate"  # the outcome mix maps its disclosure rate
        mode, allowed = data.get("mode"), MODES[chart]
        if mode and mode not in allowed:
            self.add_error("mode", _("此图表不支持该显示方式。"))
        data["mode"] = mode if mode in allowed else (allowed[0] if allowed else "")
        low, high = data.get("year__gte"), data.get("year__lte")
        if low and high and low > high:
            self.add_error("year__lte", _("截止年度不能早于起始年度。"))
        data["level"] = data.get("level") or "province"
        data["sort"] = data.get("sort") or ""
        data["min_requests"] = data.get("min_requests") or MIN_REQUESTS
        data["format"] = data.get("format") or "html"
        return data

    @property
    def map_metric(self):
        """The one number per province the Map tab shows for this chart kind."""
        data = self.cleaned_data
        return data["metric"] if data["chart"] != "outcomes" else "disclosure_rate"

    def selection(self, scope, *, year=None, years=True):
        """The chosen regions' and agencies' reports of `scope` as a Selection (which the rollups
        answer where they can): of `year`, else of the range (years=False: of every year, for
        the year controls)."""
        data = self.cleaned_data
        chosen = Selection(scope=scope, regions=tuple(data["region"] or ()), agencies=tuple(data["agency"] or ()))
        if not years:
            return chosen
        if year is not None:
            return replace(chosen, year=year)
        return replace(chosen, year_gte=data.get("year__gte"), year_lte=data.get("year__lte"))

    def spec(self, *, kind, year, over_years, include_unreviewed, link="", geojson="", inset_geojson="",
             provinces=()):
        """The chart Spec of this state for chart kind `kind` (the Map tab draws kind "map")."""
        data = self.cleaned_data
        is_map = kind == "map"
        return Spec(
            kind=kind, metric=self.map_metric if is_map else data["metric"],
            level="province" if is_map else data["level"],
            mode=data["mode"] if not is_map or data["chart"] == "volume" else "",
            year=year, year_gte=data.get("year__gte"), year_lte=data.get("year__lte"),
            over_years=over_years and not is_map, min_requests=data["min_requests"],
            sort=data["sort"], include_unreviewed=include_unreviewed,
            scope=tuple(r.local_name for r in data["region"]) + tuple(a.name for a in data["agency"]),
            link=link, geojson=geojson, inset_geojson=inset_geojson, provinces=provinces,
        )
