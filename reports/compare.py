"""The /compare/ page: its GET-parameter form, the chart it draws and the CSV/JSON of the drawn rows."""
from __future__ import annotations

import csv
from urllib.parse import urlencode
from decimal import Decimal

from django import forms
from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext as _, gettext_lazy
from plotly.utils import PlotlyJSONEncoder

from agencies.divisions import default_gazetteer
from agencies.english_names import english_names, localized
from agencies.models import Agency, Region
from reports import charts, queries
from reports.models import Report
from reports.parsing.metrics import CORE, HARMONIZED
from reports.rates import RATE_LABELS, RATES
from reports.serialize import number
from reports.urlstate import url_with

CHARTS = (
    ("volume", gettext_lazy("申请数量")),
    ("outcomes", gettext_lazy("办理结果构成")),
    ("review", gettext_lazy("行政复议与诉讼")),
    ("map", gettext_lazy("地图")),
)
LEVEL_CHOICES = (
    ("province", gettext_lazy("省级")), ("prefecture", gettext_lazy("地级")),
    ("county", gettext_lazy("县级")), ("agency", gettext_lazy("机关")),
)
MODES = {
    "volume": ("total", "per_agency"), "map": ("total", "per_agency"),
    "outcomes": ("absolute", "percent"), "review": (),
}
MODE_CHOICES = (
    ("total", gettext_lazy("合计")), ("per_agency", gettext_lazy("每个报告机关平均")),
    ("absolute", gettext_lazy("件数")), ("percent", gettext_lazy("百分比")),
)
# Lazy labels: the choices are built once at import, the label follows the active language.
METRIC_CHOICES = tuple((m.code, lazy(charts.metric_label, str)(m.code)) for m in CORE) + tuple(
    (name, lazy(charts.metric_label, str)(name)) for name in RATE_LABELS
)
MIN_REQUESTS = 30
FORMATS = (("html", "HTML"), ("csv", "CSV"), ("json", "JSON"))
# The documented URL parameters (README "Browsing and charts", /methodology/).
PARAMETERS = ("chart", "metric", "year", "year__gte", "year__lte", "level", "region", "agency",
              "mode", "min_requests", "include_unreviewed", "format")

MAX_TABLE_ROWS = 300  # an agency-level table over ten years can reach thousands of rows

# Every province with its code, for the map's "no data" layer (the bundled divisions, no query).
PROVINCES = tuple(sorted((d.code, d.name) for d in default_gazetteer().by_code.values()
                         if d.level == "province"))


class CompareForm(forms.Form):
    """Validates the /compare/ query string; an invalid value is a form error, never a 500."""

    chart = forms.ChoiceField(label=gettext_lazy("图表"), choices=CHARTS, required=False)
    metric = forms.ChoiceField(label=gettext_lazy("指标"), choices=METRIC_CHOICES, required=False)
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
    min_requests = forms.IntegerField(
        label=gettext_lazy("最少申请数"), min_value=1, max_value=1_000_000, required=False,
    )
    include_unreviewed = forms.BooleanField(label=gettext_lazy("包含未发布（审核中）的报告"), required=False)
    format = forms.ChoiceField(choices=FORMATS, required=False)

    def clean(self):
        data = super().clean()
        chart = data.get("chart") or "volume"
        data["chart"] = chart
        mode = data.get("mode")
        allowed = MODES[chart]
        if mode and mode not in allowed:
            self.add_error("mode", _("此图表不支持该显示方式。"))
        data["mode"] = mode if mode in allowed else (allowed[0] if allowed else "")
        metric = data.get("metric") or "requests_received"
        if chart == "volume" and metric in RATE_LABELS:
            self.add_error("metric", _("申请数量图只能显示数量指标；比率请用地图或复议诉讼图。"))
        data["metric"] = metric
        low, high = data.get("year__gte"), data.get("year__lte")
        if low and high and low > high:
            self.add_error("year__lte", _("截止年度不能早于起始年度。"))
        data["level"] = "province" if chart == "map" else (data.get("level") or "province")
        data["min_requests"] = data.get("min_requests") or MIN_REQUESTS
        data["format"] = data.get("format") or "html"
        return data


def _filtered(reports, data, *, year):
    if data["region"]:
        q = Q()
        for region in data["region"]:
            q |= Q(**{region.level: region})
        reports = reports.filter(q)
    if data["agency"]:
        reports = reports.filter(agency__in=data["agency"])
    if year is not None:
        return reports.filter(year=year)
    if data.get("year__gte"):
        reports = reports.filter(year__gte=data["year__gte"])
    if data.get("year__lte"):
        reports = reports.filter(year__lte=data["year__lte"])
    return reports


def selection(data, visible):
    """Return (year, over_years): one year (given, or the latest) or the range of years."""
    if data.get("year"):
        return data["year"], False
    if data.get("year__gte") or data.get("year__lte"):
        return None, True
    return queries.latest_year(_filtered(visible, data, year=None)), False


def chart_data(data, visible, *, geojson_url=""):
    """Return (rows drawn, figure, coverage facts) for cleaned form data and visible reports."""
    year, over_years = selection(data, visible)
    reports = _filtered(visible, data, year=year)
    chart, level, mode, metric = data["chart"], data["level"], data["mode"], data["metric"]
    if chart == "volume":
        kind = "lines" if over_years else "bars"
        rows = queries.chart_rows(reports, level=level, codes=[metric], by_year=over_years)
        table = charts.volume_table(rows, metric=metric, mode=mode)
        figure = charts.build_request_volume(rows, mode=mode, kind=kind, metric=metric)
        stated = metric
    elif chart == "outcomes":
        rows = queries.chart_rows(reports, level=level, harmonized=True)
        table = charts.outcome_mix_table(rows, mode=mode)
        figure = charts.build_outcome_mix(rows, mode=mode)
        stated = "outcomes"
    elif chart == "review":
        rows = queries.chart_rows(
            reports, level=level,
            codes=["requests_received", "review_total", "review_corrected", "litigation_total",
                   "litigation_corrected"],
            paired=list(queries.PAIRED),
        )
        table = charts.review_table(rows, min_requests=data["min_requests"])
        figure = charts.build_review_litigation(rows, min_requests=data["min_requests"])
        stated = "review_total"
    else:
        if metric in RATES:
            numerators, denominators, _scale = RATES[metric]
            harmonized = metric == "disclosure_rate"
            codes = [] if harmonized else list(numerators)
            paired = list(queries.PAIRED_CODES.get(metric, ()))
            stated = "outcomes" if harmonized else numerators[0]
        else:
            harmonized, codes, paired, stated = False, [metric], [], metric
        rows = queries.chart_rows(reports, level="province", codes=codes, harmonized=harmonized,
                                  paired=paired)
        if mode == "per_agency" and metric not in RATES:
            rows = [{**r, metric: None if r[metric] is None or not r[f"{metric}__n"]
                     else float(r[metric]) / r[f"{metric}__n"]} for r in rows]
        table = charts.map_table(rows, metric=metric)
        provinces = [(code, localized(name, english_names().get(code))) for code, name in PROVINCES]
        figure = charts.build_map(rows, metric=metric, geojson=geojson_url, provinces=provinces)
    facts = queries.coverage(reports)
    facts.update(_missing(rows, stated, chart))
    facts.update(year=year, over_years=over_years)
    return table, figure, facts


def _missing(rows, stated, chart):
    """What the chart leaves out: reports silent on the metric, reports without a group."""
    lacking = [(r["name"] or _("未确定区划"), r["reports"] - (r.get(f"{stated}__n") or 0))
               for r in rows if r["key"] is not None]
    ungrouped = sum(r["reports"] for r in rows if r["key"] is None)
    return {
        "lacking": [(name, n) for name, n in lacking if n > 0],
        "lacking_reports": sum(n for _name, n in lacking if n > 0),
        "ungrouped_reports": ungrouped if chart == "map" or ungrouped else 0,
        "stated_label": charts.metric_label(stated) if stated != "outcomes" else _("办理结果"),
    }


def list_links(data, rows):
    """Return (link for the whole chart, one link per row) to /reports/ with the same reports.

    /reports/ takes one region per level (by primary key) and repeatable agency ids; a row
    link narrows the list to that group. Built once, not per row: long tables have hundreds.
    """
    common = []
    year, over_years = data.get("_year"), data.get("_over_years")
    if year:
        common.append(("year", year))
    elif over_years:
        common += [(name, data[name]) for name in ("year__gte", "year__lte") if data.get(name)]
    if data.get("include_unreviewed"):
        common.append(("include_unreviewed", "1"))
    agencies = [("agency", a.pk) for a in data.get("agency") or []]
    regions = list(data.get("region") or [])
    single_region = [(regions[0].level, regions[0].pk)] if len(regions) == 1 else []
    path = reverse("reports:list")

    def href(params):
        return f"{path}?{urlencode(params)}" if params else path

    whole = href(common + single_region + agencies)
    per_row = []
    for row in rows:
        if row.get("id") is None:
            per_row.append("")
        elif data["level"] == "agency":
            per_row.append(href(common + single_region + [("agency", row["id"])]))
        else:
            per_row.append(href(common + [(data["level"], row["id"])] + agencies))
    return whole, per_row


def export_columns(table):
    columns = []
    for row in table:
        for name in row:
            if name not in columns and name != "id":
                columns.append(name)
    return columns


def table_rows_html(cells, *, over_years):
    """The <tr> rows of the table under the chart, escaped. Built here, not by a template loop:
    a few hundred rows of template tags cost tens of milliseconds (bench/pages_bench.py)."""
    link_text = _("报告")
    rows = []
    for row in cells:
        year = format_html("<td>{}</td>", row["year"]) if over_years else ""
        values = format_html_join("", '<td class="num">{}</td>', ((v,) for v in row["values"]))
        link = format_html('<a href="{}">{}</a>', row["list_url"], link_text) if row["list_url"] else ""
        rows.append(format_html(
            '<tr><td>{}</td>{}<td class="num">{}</td><td class="num">{}</td>{}<td>{}</td></tr>',
            row["name"], year, row["reports"], row["agencies"], values, link,
        ))
    return mark_safe("\n".join(rows))  # noqa: S308  every part above is escaped by format_html


def _cell(value):
    """Table cell text, formatted here rather than by a template filter per cell (long tables)."""
    if value is None:
        return "—"
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    text = f"{float(value):,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _plain(value):
    """Decimal sums as plain numbers (362, not "362.00"); everything else unchanged."""
    return number(value) if isinstance(value, Decimal) else value


def export(table, fmt, *, params, facts):
    rows = [{k: _plain(v) for k, v in row.items() if k != "id"} for row in table]
    if fmt == "json":
        return JsonResponse({
            "parameters": params,
            "coverage": {k: facts[k] for k in ("reports", "agencies", "years", "lacking_reports",
                                               "ungrouped_reports")},
            "rows": rows,
        }, json_dumps_params={"ensure_ascii": False})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="compare.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese names correctly only with a BOM.
    writer = csv.DictWriter(response, fieldnames=export_columns(table))
    writer.writeheader()
    writer.writerows(rows)
    return response


def compare(request):
    form = CompareForm(request.GET)
    fmt = request.GET.get("format", "html")
    if not form.is_valid():
        if fmt in ("csv", "json"):
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return render(request, "reports/compare.html", _context(request, form), status=400)
    data = form.cleaned_data
    visible = Report.objects.visible_to(request.user, include_unreviewed=data["include_unreviewed"])
    table, figure, facts = chart_data(data, visible, geojson_url=static("geo/china-provinces.geojson"))
    data["_year"], data["_over_years"] = facts["year"], facts["over_years"]
    if data["format"] in ("csv", "json"):
        params = {k: request.GET.getlist(k) if k in ("region", "agency") else request.GET.get(k)
                  for k in PARAMETERS if k in request.GET and k != "format"}
        return export(table, data["format"], params=params, facts=facts)
    columns = _table_columns(data)
    # The page's table shows the first rows; csv/json on the same URL carry every row drawn.
    shown = table[:MAX_TABLE_ROWS]
    facts["table_rows"], facts["table_shown"] = len(table), len(shown)
    whole_list, row_lists = list_links(data, shown)
    cells = [{
        "name": row["name"] or _("未确定区划"), "year": row.get("year"), "reports": row["reports"],
        "agencies": row["agencies"], "values": [_cell(row.get(key)) for key, _h in columns],
        "list_url": link,
    } for row, link in zip(shown, row_lists)]
    context = _context(request, form)
    context.update(
        data=data, table=table, facts=facts, list_url=whole_list,
        figure_script=json_script({
            "figure": figure.to_plotly_json(),
            "config": {
                "responsive": True, "displaylogo": False,
                # plotly.js geo fetches a base-map topojson even with every layer hidden: an
                # empty local one keeps the request on this host (static/geo/topojson/).
                # A folder has no hashed manifest name: use the plain static URL.
                "topojsonURL": f"{settings.STATIC_URL}geo/topojson/",
                "toImageButtonOptions": {"format": "png", "filename": f"compare-{data['chart']}",
                                         "scale": 2},
            },
        }, "figure-data", encoder=PlotlyJSONEncoder),
        columns=columns, cells=cells, table_rows=table_rows_html(cells, over_years=facts["over_years"]),
        csv_url=url_with(request.GET, {"format": "csv"}),
        json_url=url_with(request.GET, {"format": "json"}),
    )
    return render(request, "reports/compare.html", context)


def _table_columns(data):
    """(column key, heading) of the HTML table under the chart: the drawn values first."""
    chart = data["chart"]
    if chart == "volume":
        cols = [("value", charts.metric_label(data["metric"])), (f"{data['metric']}__n", _("填报报告数"))]
    elif chart == "outcomes":
        zh_active = (get_language() or "zh-hans").startswith("zh")
        cols = [(f"value_{cat}", zh if zh_active else en) for cat, zh, en, _alts in HARMONIZED]
    elif chart == "review":
        cols = []
        for name in charts.REVIEW_RATES:
            cols += [(name, charts.metric_label(name)), (f"{name}_low", _("95%下限")),
                     (f"{name}_high", _("95%上限"))]
        cols += [("requests_received", _("申请数")), ("too_small", _("样本过小"))]
    else:
        cols = [("value", charts.metric_label(data["metric"]))]
    return cols


def _context(request, form):
    chart = form.data.get("chart") or "volume"
    return {
        "form": form, "charts": CHARTS, "chart": chart,
        # Modes differ per chart and only the map and review charts draw rates: drop what the
        # target chart would reject, keep the rest of the selection.
        "chart_links": [(key, label, url_with(
            request.GET, {"chart": key},
            drop=("mode", "format") + (("metric",) if key == "volume" and request.GET.get("metric") in RATES else ()),
        )) for key, label in CHARTS],
        "is_staff": request.user.is_authenticated and request.user.is_staff,
        "parameters": PARAMETERS,
    }
