"""Pure plotly figure builders over the aggregated rows of reports/queries.py (no request, no QuerySet).

Each chart has a `*_table` function that adds the drawn values to the rows; the builder draws
exactly those values and the views export the same table as CSV and JSON.
"""
from __future__ import annotations

from decimal import Decimal

import plotly.graph_objects as go
from django.utils.translation import get_language, gettext as _

from reports.parsing.metrics import HARMONIZED, label
from reports.rates import RATE_LABELS, RATES, rate, rate_interval

CATEGORY_COLORS = {
    "disclosed": "#2a9d8f", "partial": "#8ab17d", "withheld": "#e76f51",
    "not_available": "#f4a261", "not_processed": "#9c89b8", "other": "#adb5bd",
}
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, WenQuanYi Micro Hei, sans-serif"


def _num(value):
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def _zh():
    return (get_language() or "zh-hans").startswith("zh")


def metric_label(metric):
    """Label of a metric code or a rate name in the active language."""
    if metric in RATE_LABELS:
        zh, en = RATE_LABELS[metric]
        return zh if _zh() else en
    return label(metric, "zh" if _zh() else "en")


def group_label(row):
    name = row.get("name")
    return name if name else _("未确定区划")


def _layout(title, **extra):
    layout = dict(
        title={"text": title, "x": 0.01}, font={"family": FONT, "size": 13},
        margin={"l": 60, "r": 20, "t": 60, "b": 90}, plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.25},
    )
    layout.update(extra)
    return layout


# ---- request volume -------------------------------------------------------------------------

def volume_table(rows, *, metric="requests_received", mode="total"):
    """Add `value`: the sum, or with mode per_agency the sum per reporting agency."""
    out = []
    for row in rows:
        total, stating = _num(row.get(metric)), row.get(f"{metric}__n") or 0
        if mode == "per_agency":
            value = total / stating if total is not None and stating else None
        else:
            value = total
        out.append({**row, "value": value})
    return out


def build_request_volume(rows, *, mode="total", kind="bars", metric="requests_received"):
    """Bars by group for one year, or one line per group over the years (rows need `year`)."""
    table = volume_table(rows, metric=metric, mode=mode)
    what = metric_label(metric)
    title = what + (_("（每个报告机关平均）") if mode == "per_agency" else _("（合计）"))
    hover = "%{x}<br>%{y:,.1f}<br>" + _("报告数") + " %{customdata}<extra>%{fullData.name}</extra>"
    if kind == "lines":
        groups = {}
        for row in table:
            groups.setdefault(row["key"], []).append(row)
        # Agencies of a province over ten years are hundreds of traces: validating each against
        # plotly's schema cost 1 ms a trace (bench/pages_bench.py). These plain trace dicts are
        # fixed by this function, so validation is skipped here; the JSON is the same.
        fig = go.Figure(_validate=False)
        fig.add_traces([dict(
            type="scatter",
            x=[r["year"] for r in series], y=[r["value"] for r in series],
            customdata=[r["reports"] for r in series], mode="lines+markers",
            name=group_label(series[0]), hovertemplate=hover, connectgaps=False,
        ) for series in groups.values()])
        fig.update_layout(**_layout(title, xaxis={"title": _("年度"), "dtick": 1}, yaxis={"title": what}))
    else:
        fig = go.Figure()
        drawn = [r for r in table if r["value"] is not None]
        fig.add_trace(go.Bar(
            x=[group_label(r) for r in drawn], y=[r["value"] for r in drawn],
            customdata=[r["reports"] for r in drawn], name=what, hovertemplate=hover,
            marker_color="#457b9d",
        ))
        fig.update_layout(**_layout(title, yaxis={"title": what}, showlegend=False))
    return fig


# ---- outcome mix ------------------------------------------------------------------------------

def outcome_mix_table(rows, *, mode="absolute"):
    """Add `value_<category>`: the harmonized sum, or with mode percent its share of outcomes."""
    out = []
    for row in rows:
        drawn = dict(row)
        outcomes = _num(row.get("outcomes"))
        for cat, *_rest in HARMONIZED:
            value = _num(row.get(cat))
            if mode == "percent":
                value = (value or 0) / outcomes * 100 if outcomes else None
            drawn[f"value_{cat}"] = value
        out.append(drawn)
    return out


def build_outcome_mix(rows, *, mode="absolute"):
    """Stacked bars of the six harmonized outcome categories per group (100% stacked in percent)."""
    table = [r for r in outcome_mix_table(rows, mode=mode) if r.get("outcomes")]
    zh = _zh()
    fig = go.Figure()
    for cat, cat_zh, cat_en, _alts in HARMONIZED:
        fig.add_trace(go.Bar(
            x=[group_label(r) for r in table], y=[r[f"value_{cat}"] for r in table],
            name=cat_zh if zh else cat_en, marker_color=CATEGORY_COLORS[cat],
            hovertemplate="%{x}<br>%{y:,.1f}" + ("%" if mode == "percent" else "") + "<extra>%{fullData.name}</extra>",
        ))
    percent = mode == "percent"
    fig.update_layout(**_layout(
        _("申请办理结果构成") + (_("（百分比）") if percent else _("（件数）")), barmode="stack",
        yaxis={"title": _("占办理结果的百分比") if percent else _("件数"),
               **({"range": [0, 100], "ticksuffix": "%"} if percent else {})},
    ))
    return fig


# ---- review and litigation --------------------------------------------------------------------

REVIEW_RATES = ("review_rate", "litigation_rate", "correction_rate")


def review_table(rows, *, min_requests=30):
    """Add each rate with its Wilson 95% bounds and `too_small` (requests below min_requests)."""
    out = []
    for row in rows:
        drawn = dict(row)
        requests = _num(row.get("requests_received")) or 0
        drawn["too_small"] = requests < min_requests
        for name in REVIEW_RATES:
            interval = None if drawn["too_small"] else rate_interval(row, name)
            drawn[name] = interval.estimate if interval else None
            drawn[f"{name}_low"] = interval.low if interval else None
            drawn[f"{name}_high"] = interval.high if interval else None
        out.append(drawn)
    return out


def build_review_litigation(rows, *, min_requests=30):
    """Review and lawsuit rates per 100 requests and the correction rate, with Wilson 95% error bars.

    Groups keep the order of `rows` (region code or agency), never sorted by value: the intervals
    overlap too often for a ranking to mean anything. Groups with fewer than `min_requests`
    requests get no bar and are listed as too small to compare.
    """
    table = review_table(rows, min_requests=min_requests)
    shown = [r for r in table if not r["too_small"]]
    small = [group_label(r) for r in table if r["too_small"]]
    fig = go.Figure()
    x = [group_label(r) for r in shown]
    for name, color, axis in (("review_rate", "#457b9d", "y"), ("litigation_rate", "#e9c46a", "y"),
                              ("correction_rate", "#e76f51", "y2")):
        values = [r[name] for r in shown]
        fig.add_trace(go.Bar(
            x=x, y=values, name=metric_label(name), marker_color=color, yaxis=axis,
            xaxis="x" if axis == "y" else "x2",
            error_y={
                "type": "data", "symmetric": False, "color": "#333",
                "array": [None if r[name] is None else r[f"{name}_high"] - r[name] for r in shown],
                "arrayminus": [None if r[name] is None else r[name] - r[f"{name}_low"] for r in shown],
            },
            hovertemplate="%{x}<br>%{y:.2f}<extra>%{fullData.name}</extra>",
        ))
    annotations = []
    if small:
        annotations.append({
            "text": _("样本过小，不作比较（申请少于 %(n)s 件）：") % {"n": min_requests} + _("、").join(small),
            "xref": "paper", "yref": "paper", "x": 0, "y": -0.32, "showarrow": False,
            "align": "left", "font": {"size": 12, "color": "#555"},
        })
    fig.update_layout(**_layout(
        _("行政复议、行政诉讼与纠错率（误差线为 Wilson 95% 置信区间）"),
        barmode="group", annotations=annotations,
        xaxis={"domain": [0, 1], "anchor": "y"}, xaxis2={"domain": [0, 1], "anchor": "y2", "matches": "x"},
        yaxis={"domain": [0.55, 1], "title": _("每百件申请")},
        yaxis2={"domain": [0, 0.4], "title": _("纠错率（%）"), "rangemode": "tozero"},
    ))
    return fig


# ---- map --------------------------------------------------------------------------------------

MAP_METRICS = ("review_rate", "litigation_rate", "correction_rate", "disclosure_rate")


def map_table(rows, *, metric):
    """Add `value`: the metric's sum or the rate, for province rows with a code."""
    out = []
    for row in rows:
        if not row.get("key"):
            continue
        value = rate(row, metric) if metric in RATES else _num(row.get(metric))
        out.append({**row, "value": value})
    return out


def build_map(rows, *, metric, geojson, provinces=()):
    """Province choropleth; `geojson` is the FeatureCollection or its URL (properties.adcode keys).

    `provinces` lists (code, name) of every province: those without a value are drawn in grey
    (a second trace, after the values) and labelled as having no data, so a blank area never
    reads as zero or as "not China".
    layout.geo hides every base layer so that plotly.js never fetches its world topojson from
    the internet: the shapes come only from `geojson`.
    """
    table = [r for r in map_table(rows, metric=metric) if r["value"] is not None]
    what = metric_label(metric)
    drawn = {r["key"] for r in table}
    missing = [(code, name) for code, name in provinces if code not in drawn]
    fig = go.Figure(go.Choropleth(
        geojson=geojson, featureidkey="properties.adcode",
        locations=[r["key"] for r in table], z=[r["value"] for r in table],
        text=[group_label(r) for r in table], customdata=[r["reports"] for r in table],
        # The scale starts at zero (values are counts or rates), so the palest blue is a small
        # value, never the smallest of the drawn provinces made to look like none.
        colorscale="Blues", zmin=0, marker_line_color="#666", marker_line_width=0.5,
        colorbar={"title": {"text": what}},
        hovertemplate="%{text}<br>%{z:,.2f}<br>" + _("报告数") + " %{customdata}<extra></extra>",
    ))
    if missing:
        fig.add_trace(go.Choropleth(
            geojson=geojson, featureidkey="properties.adcode",
            locations=[code for code, _name in missing], z=[0] * len(missing),
            text=[name for _code, name in missing], name=_("无数据"),
            colorscale=[[0, "#e5e7eb"], [1, "#e5e7eb"]], showscale=False,
            marker_line_color="#999", marker_line_width=0.5,
            hovertemplate="%{text}<br>" + _("无数据") + "<extra></extra>",
        ))
    fig.update_layout(**_layout(what, margin={"l": 0, "r": 0, "t": 50, "b": 0}))
    fig.update_geos(
        fitbounds="locations", visible=False, showcountries=False, showcoastlines=False,
        showland=False, showocean=False, showlakes=False, showrivers=False, showframe=False,
        showsubunits=False, projection_type="mercator", bgcolor="rgba(0,0,0,0)",
    )
    return fig
