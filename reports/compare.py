"""The /compare/ views: one chart state in the URL shown as Chart, Table or Map, its CSV and
JSON, and the picker's search endpoint. Thin: the form (reports/forms.py) reads the state, the
chart registry (reports/charts.py) queries, tabulates and draws, reports/exports.py writes."""
from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import json_script
from django.utils.translation import gettext as _
from plotly.utils import PlotlyJSONEncoder

from agencies.divisions import default_gazetteer
from agencies.english_names import english_names, localized
from agencies.search import search
from reports import charts, queries
from reports.chart_frame import plotly_config
from reports.exports import table_csv, table_json
from reports.forms import (
    CHARTS, COUNT_METRICS, LEVEL_CHOICES, MODE_CHOICES, MODES, MULTIPLE, PARAMETERS, RATE_METRICS,
    SORT_CHOICES, TABS, CompareForm,
)
from reports.models import Report
from reports.rates import RATES
from reports.selection import scope_for
from reports.tables import html_headers, html_rows
from reports.urlstate import url_with

MAX_TABLE_ROWS = 300  # an agency-level table over ten years can reach thousands of rows
# Agency-level charts aggregate every report of their agencies per request (no rollup holds a
# row per agency): a page compares at most MAX_CHART_AGENCIES agencies, and asks for a smaller
# region (or a region level) beyond; exports take a province's worth.
MAX_CHART_AGENCIES = 300
MAX_EXPORT_AGENCIES = 10_000

# Every province with its code, for the map's "no data" layer (the bundled divisions, no query).
PROVINCES = tuple(sorted((d.code, d.name) for d in default_gazetteer().by_code.values()
                         if d.level == "province"))


def compare(request):
    form = CompareForm(request.GET)
    fmt = request.GET.get("format", "html")
    if not form.is_valid():
        if fmt in ("csv", "json"):
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return render(request, "reports/compare.html", _context(request, form), status=400)
    data = form.cleaned_data
    visible = Report.objects.visible_to(request.user, include_unreviewed=data["include_unreviewed"])
    # A Selection rather than a queryset, so that the rollups answer it where they can.
    scope = scope_for(request.user, include_unreviewed=data["include_unreviewed"])
    years = queries.report_years(form.selection(scope, years=False))
    if data.get("year"):
        year, over_years = data["year"], False
    elif data.get("year__gte") or data.get("year__lte"):
        year, over_years = None, True
    else:
        year, over_years = (years[-1] if years else None), False
    reports = form.selection(scope, year=year)
    facts = {**queries.coverage(reports), "year": year, "over_years": over_years}
    kind = "map" if data["tab"] == "map" else data["chart"]
    spec = form.spec(
        kind=kind, year=year, over_years=over_years,
        include_unreviewed=bool(data["include_unreviewed"] and request.user.is_staff),
        link=request.build_absolute_uri(url_with(request.GET, path=request.path, drop=("format", "find"))),
        geojson=static("geo/china-mainland.geojson"), inset_geojson=static("geo/china-inset.geojson"),
        provinces=tuple((code, localized(name, english_names().get(code))) for code, name in PROVINCES),
    )
    export = data["format"] in ("csv", "json")
    limit = MAX_EXPORT_AGENCIES if export else MAX_CHART_AGENCIES
    too_many = spec.level == "agency" and (facts.get("agencies") or 0) > limit
    if too_many and export:
        message = _("该范围有 %(n)s 个报告机关，按机关导出最多 %(max)s 个：请选择更小的地区或指定机关。") % {
            "n": facts["agencies"], "max": limit}
        return JsonResponse({"errors": {"level": [{"message": message, "code": "too_many_agencies"}]}}, status=400)
    # Too many agencies: nothing aggregated, the page says why and offers the region levels.
    table, figure, facts = charts.draw(kind, reports, spec, facts, rows=[] if too_many else None)
    if export:
        return _export(request, table, facts, data, year=year)
    shown = table.rows[:MAX_TABLE_ROWS] if data["tab"] == "table" else []
    whole_list, row_lists = list_links(data, shown, year=year, over_years=over_years, level=spec.level)
    context = _context(request, form)
    context.update(
        data=data, kind=kind, spec=spec, facts=facts, years=years, table=table, list_url=whole_list,
        too_many_agencies=too_many, max_chart_agencies=MAX_CHART_AGENCIES, max_export_agencies=MAX_EXPORT_AGENCIES,
        county_url=url_with(request.GET, {"level": "county"}, drop=("format", "find")) if too_many else "",
        # Only the Table tab shows the rows (a few hundred rows of cells cost tens of ms).
        table_headers=html_headers(table) if data["tab"] == "table" else "",
        table_rows=html_rows(table.head(MAX_TABLE_ROWS), row_lists, link_text=_("报告")) if data["tab"] == "table" else "",
        table_shown=len(shown), table_total=len(table.rows),
        figure_script=json_script({
            **figure,
            "config": {
                **plotly_config(_filename(data, year)),
                # plotly.js geo fetches a base-map topojson even with every layer hidden: an
                # empty local one keeps the request on this host (static/geo/topojson/).
                # A folder has no hashed manifest name: use the plain static URL.
                "topojsonURL": f"{settings.STATIC_URL}geo/topojson/",
            },
        }, "figure-data", encoder=PlotlyJSONEncoder) if data["tab"] != "table" else "",
        csv_url=url_with(request.GET, {"format": "csv"}, drop=("find",)),
        json_url=url_with(request.GET, {"format": "json"}, drop=("find",)),
        found=_found(request, data["find"], visible) if data.get("find") else None,
        year_choices=list(reversed(years)), year_choices_ascending=years,
        sortable=not (kind == "volume" and over_years),
        # The Table tab is captioned with the chart's title (metric, unit, years, scope).
        table_caption=figure["layout"]["title"]["text"].replace("<br>", " "),
    )
    return render(request, "reports/compare.html", context)


def _found(request, text, visible):
    """Search results for the picker without JavaScript, each with the link that adds it."""
    get = request.GET
    return [{**item, "add_url": url_with(get, {item["param"]: get.getlist(item["param"]) + [item["value"]]},
                                         drop=("find", "format"))}
            for item in search(text, reports=visible)]


def options(request):
    """JSON for the picker: regions and agencies whose name contains ?q= (agencies only with a
    report the user may see). Two queries."""
    visible = Report.objects.visible_to(request.user, include_unreviewed=request.GET.get("include_unreviewed") == "1")
    text = (request.GET.get("q") or "")[:50]
    return JsonResponse({"results": search(text, reports=visible)}, json_dumps_params={"ensure_ascii": False})


def _filename(data, year):
    years = str(year) if year else "-".join(str(data[k]) for k in ("year__gte", "year__lte") if data.get(k))
    return "-".join(p for p in ("compare", data["chart"] if data["tab"] != "map" else "map", years) if p)


def _export(request, table, facts, data, *, year):
    if data["format"] == "json":
        parameters = {k: request.GET.getlist(k) if k in MULTIPLE else request.GET.get(k)
                      for k in PARAMETERS if k in request.GET and k != "format"}
        coverage = {k: facts[k] for k in ("reports", "agencies", "years", "lacking_reports",
                                          "ungrouped_reports")}
        return table_json(table, parameters=parameters, coverage=coverage)
    return table_csv(table, filename=_filename(data, year) + ".csv")


def list_links(data, rows, *, year, over_years, level):
    """Return (link for the whole chart, one link per row) to /reports/ with the same reports.

    /reports/ takes one region per level (by primary key) and repeatable agency ids; a row
    link narrows the list to that group (and year, on a line chart's table). Built once, not
    per row: long tables have hundreds.
    """
    common = []
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
        when = [("year", row["year"])] if row.get("year") is not None and not year else []
        rest = [p for p in common if not (when and p[0] in ("year__gte", "year__lte"))] + when
        if row.get("id") is None:
            per_row.append("")
        elif level == "agency":
            per_row.append(href(rest + single_region + [("agency", row["id"])]))
        else:
            per_row.append(href(rest + [(level, row["id"])] + agencies))
    return whole, per_row


def _context(request, form):
    """Links of the tabs and chart kinds: the current URL with one change. A chart kind link
    drops what the target kind would reject (its modes differ; volume takes no rate and review
    only rates), so every other choice survives the switch."""
    get = request.GET
    cleaned = getattr(form, "cleaned_data", None) or {}
    chart = cleaned.get("chart") or get.get("chart") or "volume"
    tab = cleaned.get("tab") or ("map" if chart == "map" else get.get("tab") or "chart")
    chart = chart if chart in MODES else "volume"  # an invalid or legacy (map) kind
    # Old chart=map links: the tab links name the chart kind the map belongs to.
    kind = {"chart": chart} if get.get("chart") == "map" else {}
    metric = get.get("metric", "")
    links = []
    for key, label in CHARTS:
        drop = ["mode", "format", "find"]
        if (key == "volume" and metric in RATES) or (key == "review" and metric and metric not in RATES):
            drop.append("metric")
        changes = {"chart": key, "tab": tab if tab != "chart" else None}
        links.append((key, label, url_with(get, changes, drop=drop)))
    return {
        "form": form, "chart": chart, "tab": tab,
        "metric_choices": COUNT_METRICS if chart == "volume" else (
            tuple((k, v) for k, v in RATE_METRICS if k in charts.REVIEW_RATES) if chart == "review" else ()),
        "mode_choices": [(k, v) for k, v in MODE_CHOICES if k in MODES[chart]],
        "level_choices": LEVEL_CHOICES, "sort_choices": SORT_CHOICES,
        "chart_links": links,
        "tab_links": [(key, label, url_with(get, {**kind, "tab": key if key != "chart" else None},
                                            drop=("format", "find"))) for key, label in TABS],
        "is_staff": request.user.is_authenticated and request.user.is_staff,
        "parameters": PARAMETERS,
    }
