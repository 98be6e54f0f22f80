"""Chart kinds of /compare/: a registry (kind → query, table builder, figure builder).

`query(reports, spec)` calls only reports/queries.py; `table(rows, spec)` and
`figure(table, spec, facts)` are pure functions over rows: no request, no QuerySet. One Table
feeds the chart, the Table tab, the CSV and the JSON, so what is drawn is what is exported.
Figures are plain plotly dicts framed by reports/chart_frame.py (title, subtitle, notes).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from django.utils.translation import gettext_lazy

from reports import queries
from reports.chart_frame import (
    BLUES, GRID, MUTED, NO_DATA, PALETTE, frame, line_style, metric_title, plotly_text, source_notes,
    title_line, width,
)
# `_` is gettext cached per language: a chart repeats its words on every row (reports/formatting.py).
from reports.formatting import format_number, format_rate, is_zh, unit_label, with_unit
from reports.formatting import text as _
from reports.parsing.metrics import BY_CODE, HARMONIZED, label
from reports.rates import (
    COVERED_BY, DENOMINATOR_LABELS, PAIRED, PAIRED_CODES, RATE_LABELS, RATE_UNITS, RATES,
    rate_interval, rate_parts,
)
from reports.tables import CATALOG, HARMONIZED as HARMONIZED_VOCABULARY, Column, Table

CATEGORY_COLORS = {
    "disclosed": "#2a9d8f", "partial": "#8ab17d", "withheld": "#e76f51",
    "not_available": "#f4a261", "not_processed": "#9c89b8", "other": "#adb5bd",
}
REVIEW_RATES = ("review_rate", "litigation_rate", "correction_rate")
MAP_RATES = ("review_rate", "litigation_rate", "correction_rate", "disclosure_rate")
CHANGE_SYMBOL = "diamond-open"
NAME_CHARS = 14  # longer group names are shortened on the axis (in full in the hover and table)
# A line chart draws at most this many groups, those with the largest totals over the years
# shown (more lines cannot be told apart); the Table tab, the CSV and the JSON keep every group.
MAX_LINES = 20


@dataclass(frozen=True)
class Spec:
    """What the cleaned /compare/ form asks for, as plain values (reports/forms.py builds it)."""

    kind: str
    metric: str = "requests_received"
    level: str = "province"
    mode: str = "total"
    year: int | None = None
    year_gte: int | None = None
    year_lte: int | None = None
    over_years: bool = False
    min_requests: int = 30
    sort: str = ""
    scope: tuple = ()  # names of the chosen regions and agencies, for the title
    include_unreviewed: bool = False
    link: str = ""  # the page's absolute URL, printed under the chart
    geojson: str = ""  # URL of the province shapes without the South China Sea islands
    inset_geojson: str = ""  # URL of the shapes inside the inset box (reports/map_shapes.py)
    provinces: tuple = ()  # (code, name) of every province, for the map's "no data" layer


@dataclass(frozen=True)
class ChartKind:
    key: str
    label: object
    query: Callable  # (reports, spec) -> rows
    table: Callable  # (rows, spec) -> Table
    figure: Callable  # (table, spec, facts) -> figure dict
    stated: Callable  # spec -> the code whose `<code>__n` counts the reports stating what is drawn


# ---- vocabulary ------------------------------------------------------------------------------

def metric_label(metric):
    """Label of a metric code or a rate name in the active language."""
    if metric in RATE_LABELS:
        zh, en = RATE_LABELS[metric]
        return zh if is_zh() else en
    return label(metric, "zh" if is_zh() else "en")


def metric_unit(metric):
    if metric in RATE_UNITS:
        return RATE_UNITS[metric]
    return BY_CODE[metric].unit if metric in BY_CODE else "件"


def category_label(cat):
    zh, en = next((zh, en) for name, zh, en, _alts in HARMONIZED if name == cat)
    return zh if is_zh() else en


def group_label(row, level="province"):
    """The group's name; reports without a region at that level (or without an agency) are one
    group of their own, named for what they lack."""
    name = row.get("name")
    if name:
        return name
    return _("未确定机关") if level == "agency" else _("未确定区划")


def _num(value):
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def _short(name):
    return name if len(name) <= NAME_CHARS else name[:NAME_CHARS - 1] + "…"


def _reports_text(row, stating=None):
    """"12 份报告（11 份填报该指标），8 个机关": the sample behind a value."""
    reports, agencies = row.get("reports") or 0, row.get("agencies") or 0
    sample = _("%(n)s 份报告") % {"n": format_number(reports)}
    if stating is not None and stating != reports:
        sample += _("（%(n)s 份填报）") % {"n": format_number(stating)}
    return sample + _("，%(n)s 个机关") % {"n": format_number(agencies)}


def sort_rows(rows, spec, value):
    """Rows in region-code order, or by `value(row)` with sort=value (ascending) / -value; rows
    without a value stay last either way."""
    if spec.sort not in ("value", "-value"):
        return list(rows)
    present = [r for r in rows if value(r) is not None]
    absent = [r for r in rows if value(r) is None]
    return sorted(present, key=value, reverse=spec.sort == "-value") + absent


def _name_columns(over_years=False):
    columns = [Column("name", _("分组"), "name", kind="text"),
               Column("key", _("代码"), "key", kind="text", html=False)]
    if over_years:
        columns.append(Column("year", _("年度"), "year", kind="year"))
    columns += [Column("reports", _("报告数"), "reports", kind="count"),
                Column("agencies", _("机关数"), "agencies", kind="count")]
    return columns


def _rate_columns(name):
    """A rate with its interval, numerator, denominator and the reports it covers: the HTML cell
    shows the rate with the rest under it, the CSV has a column for each."""
    unit = RATE_UNITS[name]
    den_zh, den_en = DENOMINATOR_LABELS[name]
    den_label = den_zh if is_zh() else den_en

    def detail(row):
        if row.get(name) is None:
            return ""
        return _("95%% 区间 %(low)s–%(high)s · %(num)s / %(den)s %(what)s · %(n)s 份报告") % {
            "low": format_rate(row[f"{name}_low"]), "high": format_rate(row[f"{name}_high"]),
            "num": format_number(row[f"{name}_num"]), "den": format_number(row[f"{name}_den"]),
            "what": den_label, "n": format_number(row[f"{name}_reports"]),
        }

    what = metric_label(name)
    return [
        Column(name, metric_title(what, unit), name, kind="rate", unit=unit, detail=detail),
        Column(f"{name}_low", _("%(rate)s 95%%下限") % {"rate": what}, f"{name}_low", kind="rate", html=False),
        Column(f"{name}_high", _("%(rate)s 95%%上限") % {"rate": what}, f"{name}_high", kind="rate", html=False),
        Column(f"{name}_num", _("%(rate)s 分子") % {"rate": what}, f"{name}_numerator", html=False),
        Column(f"{name}_den", _("%(rate)s 分母（%(what)s）") % {"rate": what, "what": den_label},
               f"{name}_denominator", html=False),
        Column(f"{name}_reports", _("%(rate)s 所依据的报告数") % {"rate": what}, f"{name}_reports",
               kind="count", html=False),
    ]


def with_rate(row, name):
    """Add rate `name`, its Wilson bounds, numerator, denominator and the reports it covers."""
    interval = rate_interval(row, name)
    num, den = rate_parts(row, name)
    covered = [row.get(f"{code}__n") for code in COVERED_BY[name]]
    return {
        **row,
        name: interval.estimate if interval else None,
        f"{name}_low": interval.low if interval else None,
        f"{name}_high": interval.high if interval else None,
        f"{name}_num": num, f"{name}_den": den,
        f"{name}_reports": max((c for c in covered if c is not None), default=0),
    }


def _rate_hover(row, name):
    what, unit = metric_label(name), RATE_UNITS[name]
    den_zh, den_en = DENOMINATOR_LABELS[name]
    if row.get(name) is None:
        return f"{what}：—"
    return "<br>".join([
        f"{what}：{with_unit(format_rate(row[name]), unit)}",
        _("95%% 区间 %(low)s–%(high)s") % {"low": format_rate(row[f"{name}_low"]),
                                          "high": format_rate(row[f"{name}_high"])},
        f"{format_number(row[f'{name}_num'])} / {format_number(row[f'{name}_den'])} "
        + (den_zh if is_zh() else den_en)
        + _("（%(n)s 份报告）") % {"n": format_number(row[f"{name}_reports"])},
    ])


def _hbar_axes(rows, *, title, percent=False):
    """Layout pieces of horizontal bars: group names on the y axis (by key, so that two groups
    with the same name stay apart), the value axis from zero."""
    names = [plotly_text(_short(r["name"])) for r in rows]
    left = int(min(max([width(n) for n in names] + [4]), NAME_CHARS) * 13 + 24)
    yaxis = {"tickmode": "array", "tickvals": [r["key"] or "" for r in rows], "ticktext": names,
             "autorange": "reversed", "type": "category", "automargin": False}
    xaxis = {"title": {"text": title}, "rangemode": "tozero", "separatethousands": True,
             "exponentformat": "none", "gridcolor": GRID, "zeroline": True, "zerolinecolor": "#999"}
    if percent:
        xaxis.update(range=[0, 100], ticksuffix="%")
    return left, xaxis, yaxis


def _bar_height(n, bars=1):
    """Plot height for n groups of `bars` bars side by side: roomy for a few, denser for many."""
    per_group = min(30, 16 + 400 // max(n, 1)) + 8 * (bars - 1)
    return max(220, per_group * n + 40)


def _sort_subtitle(spec):
    if spec.sort == "-value":
        return _("按数值从大到小排列")
    if spec.sort == "value":
        return _("按数值从小到大排列")
    return _("按区划代码排列")


# ---- request volume -------------------------------------------------------------------------

def volume_query(reports, spec):
    rows = queries.chart_rows(reports, level=spec.level, codes=[spec.metric], by_year=spec.over_years)
    if spec.over_years:
        # An agency's own line continues where it reported the year before: the rows tell.
        continuing = (agency_continuing(rows) if spec.level == "agency"
                      else queries.continuing_agencies(reports, level=spec.level))
        rows = with_agency_changes(rows, continuing)
    return rows


def agency_continuing(rows):
    """queries.continuing_agencies() of agency-level rows: 1 where the agency has a row the year before."""
    present = {(r["id"], r["year"]) for r in rows if r["id"] is not None}
    return {(pk, year): 1 for pk, year in present if (pk, year - 1) in present}


def with_agency_changes(rows, continuing):
    """Add `agencies_added` and `agencies_dropped`: how the group's set of reporting agencies
    differs from the year before (None when the group has no report that year before).

    `continuing` maps (group id, year) to the number of agencies that reported in the group in
    both that year and the year before (queries.continuing_agencies)."""
    agencies = {(r["id"], r["year"]): r["agencies"] for r in rows}
    out = []
    for row in rows:
        before = agencies.get((row["id"], row["year"] - 1)) if row.get("year") is not None else None
        kept = continuing.get((row["id"], row.get("year")), 0)
        added = None if before is None else row["agencies"] - kept
        dropped = None if before is None else before - kept
        out.append({**row, "agencies_added": added, "agencies_dropped": dropped})
    return out


def change_text(row):
    """"+3 −1" when the group's reporting agencies differ from the year before, else ""."""
    added, dropped = row.get("agencies_added"), row.get("agencies_dropped")
    if not added and not dropped:
        return ""
    return f"+{added or 0} −{dropped or 0}"


def volume_table(rows, spec):
    metric, per_agency = spec.metric, spec.mode == "per_agency"
    out = []
    for row in rows:
        total, stating = _num(row.get(metric)), row.get(f"{metric}__n") or 0
        if per_agency:
            value = total / stating if total is not None and stating else None
        else:
            value = total
        out.append({**row, "name": group_label(row, spec.level), "value": value, "change": change_text(row)})
    if not spec.over_years:
        out = sort_rows(out, spec, lambda r: r["value"])
    what, unit = metric_label(metric), metric_unit(metric)
    columns = _name_columns(spec.over_years)
    if per_agency:
        columns += [
            Column("value", _("%(metric)s·每个报告机关平均") % {"metric": metric_title(what, unit)},
                   f"{metric}_per_agency", unit=unit),
            Column(metric, _("%(metric)s·合计") % {"metric": metric_title(what, unit)}, metric,
                   unit=unit, vocabulary=CATALOG),
        ]
    else:
        columns.append(Column("value", metric_title(what, unit), metric, unit=unit, vocabulary=CATALOG))
    columns.append(Column(f"{metric}__n", _("填报该指标的报告数"), f"{metric}_reports", kind="count"))
    if spec.over_years:
        columns.append(Column("change", _("报告机关与上年相比（增 − 减）"), "agencies_changed", kind="note"))
    return Table(tuple(columns), out)


def _volume_hover(row, spec):
    what, unit = metric_label(spec.metric), metric_unit(spec.metric)
    head = plotly_text(row["name"]) + (f" · {row['year']}" if spec.over_years else "")
    value = with_unit(format_number(row["value"]), unit)
    lines = [head, f"{what}{_('（每个报告机关平均）') if spec.mode == 'per_agency' else ''}：{value}",
             _reports_text(row, row.get(f"{spec.metric}__n"))]
    if row.get("change"):
        lines.append(_("本年报告机关与上年不同：%(change)s") % {"change": row["change"]})
    return "<br>".join(lines)


def volume_figure(table, spec, facts):
    what, unit = metric_label(spec.metric), metric_unit(spec.metric)
    title = title_line(metric_title(what, unit), spec, facts)
    mode = _("每个报告机关平均（合计 ÷ 填报该指标的报告数）") if spec.mode == "per_agency" else _("合计")
    notes = _coverage_notes(spec, facts)
    if spec.over_years:
        return _volume_lines(table, spec, title, mode, notes)
    drawn = [r for r in table.rows if r["value"] is not None]
    left, xaxis, yaxis = _hbar_axes(drawn, title=metric_title(what, unit))
    bars = [{
        "type": "bar", "orientation": "h", "y": [r["key"] or "" for r in drawn],
        "x": [r["value"] for r in drawn], "name": what, "marker": {"color": PALETTE[0]},
        "customdata": [_volume_hover(r, spec) for r in drawn], "hovertemplate": "%{customdata}<extra></extra>",
    }]
    return frame(bars, title=title, subtitle=f"{mode} · {_sort_subtitle(spec)}", notes=notes,
                 height=_bar_height(len(drawn)), left=left, xaxis=xaxis, yaxis=yaxis, bargap=0.25)


def _volume_lines(table, spec, title, mode, notes):
    """One line per group on a numeric year axis; a year without a value breaks the line; a
    hollow diamond marks a year whose reporting agencies differ from the year before."""
    groups = {}
    for row in table.rows:
        if row.get("year") is not None:
            groups.setdefault(row["key"], []).append(row)
    years = sorted({r["year"] for rows in groups.values() for r in rows})
    if len(groups) > MAX_LINES:
        largest = sorted(groups, key=lambda key: -sum(r["value"] or 0 for r in groups[key]))[:MAX_LINES]
        notes = [_("图中为合计最大的 %(shown)d 个（共 %(total)d 个）；表格、CSV 和 JSON 含全部。")
                 % {"shown": MAX_LINES, "total": len(groups)}, *notes]
        groups = {key: groups[key] for key in largest}
    span = list(range(years[0], years[-1] + 1)) if years else []
    traces, marked = [], False
    for i, rows in enumerate(groups.values()):
        by_year = {r["year"]: r for r in rows}
        points = [by_year.get(y) for y in span]
        color, dash = line_style(i)
        changed = [bool(p and p.get("change")) for p in points]
        marked = marked or any(changed)
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": plotly_text(rows[0]["name"]), "x": span,
            "y": [p["value"] if p else None for p in points], "connectgaps": False,
            "line": {"color": color, "dash": dash, "width": 2},
            "marker": {"color": color, "size": [11 if c else 6 for c in changed],
                       "symbol": [CHANGE_SYMBOL if c else "circle" for c in changed]},
            "customdata": [_volume_hover(p, spec) if p else "" for p in points],
            "hovertemplate": "%{customdata}<extra></extra>",
        })
    if marked:
        traces.append({
            "type": "scatter", "mode": "markers", "x": [None], "y": [None], "hoverinfo": "skip",
            "name": _("本年报告机关与上年不同"),
            "marker": {"symbol": CHANGE_SYMBOL, "size": 11, "color": MUTED},
        })
    what, unit = metric_label(spec.metric), metric_unit(spec.metric)
    subtitle = mode + " · " + _("空心菱形：该年报告机关与上年不同；缺少数据的年份不连线")
    return frame(
        traces, title=title, subtitle=subtitle, notes=notes, height=460,
        legend=[t["name"] for t in traces], side_legend=True, hovermode="closest",
        xaxis={"type": "linear", "dtick": 1, "tickformat": "d", "title": {"text": _("年度")},
               "range": [span[0] - 0.5, span[-1] + 0.5] if span else None, "gridcolor": GRID},
        yaxis={"title": {"text": metric_title(what, unit)}, "rangemode": "tozero",
               "separatethousands": True, "exponentformat": "none", "gridcolor": GRID},
    )


# ---- outcome mix ------------------------------------------------------------------------------

def outcomes_query(reports, spec):
    return queries.chart_rows(reports, level=spec.level, harmonized=True)


def outcomes_table(rows, spec):
    """The six harmonized categories per group: counts, and with mode percent their shares of
    the group's outcomes (the denominator is in the table beside them)."""
    percent = spec.mode == "percent"
    out = []
    for row in rows:
        drawn = {**row, "name": group_label(row, spec.level)}
        outcomes = _num(row.get("outcomes"))
        for cat, *_rest in HARMONIZED:
            value = _num(row.get(cat))
            drawn[f"{cat}_share"] = (value or 0) / outcomes * 100 if outcomes else None
        out.append(drawn)
    first = HARMONIZED[0][0]
    out = sort_rows(out, spec, (lambda r: r[f"{first}_share"]) if percent else (lambda r: _num(r.get("outcomes"))))
    columns = _name_columns()
    for cat, *_rest in HARMONIZED:
        name = category_label(cat)
        count = Column(cat, name, cat, unit="件", vocabulary=HARMONIZED_VOCABULARY, html=not percent)
        if percent:
            columns.append(Column(
                f"{cat}_share", _("%(category)s占比（%%）") % {"category": name}, f"{cat}_share",
                kind="rate", unit="%",
                detail=lambda r, cat=cat: with_unit(format_number(r.get(cat)), "件") if r.get(cat) is not None else "",
            ))
        columns.append(count)
    columns += [
        Column("outcomes", metric_title(_("办理结果合计"), "件"), "outcomes", unit="件",
               vocabulary=HARMONIZED_VOCABULARY),
        Column("outcomes__n", _("填报办理结果的报告数"), "outcomes_reports", kind="count"),
    ]
    return Table(tuple(columns), out)


def outcomes_figure(table, spec, facts):
    percent = spec.mode == "percent"
    drawn = [r for r in table.rows if r.get("outcomes")]
    axis_title = _("占办理结果的百分比") if percent else metric_title(_("件数"), "件")
    left, xaxis, yaxis = _hbar_axes(drawn, title=axis_title, percent=percent)
    traces = []
    for cat, *_rest in HARMONIZED:
        name = category_label(cat)
        traces.append({
            "type": "bar", "orientation": "h", "name": name, "marker": {"color": CATEGORY_COLORS[cat]},
            "y": [r["key"] or "" for r in drawn],
            "x": [r[f"{cat}_share"] if percent else _num(r.get(cat)) for r in drawn],
            "customdata": ["<br>".join([
                f"{plotly_text(r['name'])} · {name}",
                f"{with_unit(format_number(r.get(cat)), '件')}（{with_unit(format_rate(r[f'{cat}_share']), '%')}）",
                _("办理结果合计 %(total)s") % {"total": with_unit(format_number(r.get('outcomes')), '件')},
                _reports_text(r, r.get("outcomes__n")),
            ]) for r in drawn],
            "hovertemplate": "%{customdata}<extra></extra>",
        })
    title = title_line(_("申请办理结果构成（统一口径）") + (_("（%）") if percent else _("（件）")), spec, facts)
    subtitle = (_("各类结果占该组办理结果合计的百分比") if percent else _("件数")) + " · " + _sort_subtitle(spec)
    return frame(traces, title=title, subtitle=subtitle, notes=_coverage_notes(spec, facts),
                 height=_bar_height(len(drawn)), legend=[t["name"] for t in traces], left=left,
                 barmode="stack", xaxis=xaxis, yaxis=yaxis, bargap=0.25)


# ---- review and litigation --------------------------------------------------------------------

REVIEW_CODES = ("requests_received", "review_total", "review_corrected", "litigation_total",
                "litigation_corrected")


def review_query(reports, spec):
    return queries.chart_rows(reports, level=spec.level, codes=list(REVIEW_CODES), paired=list(PAIRED))


def review_table(rows, spec):
    """Each rate with its Wilson 95% bounds, numerator, denominator and covered reports;
    `too_small` (requests below min_requests) rows get no rates: too few to compare."""
    out = []
    for row in rows:
        drawn = {**row, "name": group_label(row, spec.level)}
        drawn["too_small"] = (_num(row.get("requests_received")) or 0) < spec.min_requests
        for name in REVIEW_RATES:
            drawn = with_rate(drawn, name)
            if drawn["too_small"]:
                drawn.update({name: None, f"{name}_low": None, f"{name}_high": None})
        out.append(drawn)
    out = sort_rows(out, spec, lambda r: r["review_rate"])
    columns = _name_columns() + [
        Column("requests_received", metric_title(metric_label("requests_received"), "件"),
               "requests_received", unit="件", vocabulary=CATALOG),
    ]
    for name in REVIEW_RATES:
        columns += _rate_columns(name)
    columns.append(Column("too_small", _("样本过小"), "too_small", kind="flag"))
    return Table(tuple(columns), out)


def review_figure(table, spec, facts):
    """Review and lawsuit rates per 100 requests (left) and the correction rate (right), with
    Wilson 95% error bars. Groups with fewer than min_requests requests are not drawn; the notes
    under the chart name them."""
    shown = [r for r in table.rows if not r["too_small"]]
    small = [r["name"] for r in table.rows if r["too_small"]]
    left, xaxis, yaxis = _hbar_axes(shown, title=_("每百件申请"))
    traces = []
    for name, color, axis in (("review_rate", PALETTE[0], "x"), ("litigation_rate", PALETTE[1], "x"),
                              ("correction_rate", PALETTE[3], "x2")):
        traces.append({
            "type": "bar", "orientation": "h", "name": metric_label(name), "xaxis": axis, "yaxis": "y",
            "y": [r["key"] or "" for r in shown], "x": [r[name] for r in shown],
            "marker": {"color": color},
            "error_x": {
                "type": "data", "symmetric": False, "color": "#333", "thickness": 1,
                "array": [None if r[name] is None else r[f"{name}_high"] - r[name] for r in shown],
                "arrayminus": [None if r[name] is None else r[name] - r[f"{name}_low"] for r in shown],
            },
            "customdata": [f"{plotly_text(r['name'])}<br>{_rate_hover(r, name)}" for r in shown],
            "hovertemplate": "%{customdata}<extra></extra>",
        })
    extra = []
    if small:
        extra.append(_("样本过小（申请少于 %(n)s 件），不作比较：") % {"n": format_number(spec.min_requests)}
                     + _("、").join(small))
    title = title_line(_("行政复议、行政诉讼与纠错率"), spec, facts)
    subtitle = _("误差线为 Wilson 95% 置信区间；比率的分母只计填报了分子的报告") + " · " + _sort_subtitle(spec)
    xaxis.update(domain=[0, 0.6])
    return frame(
        traces, title=title, subtitle=subtitle, notes=_coverage_notes(spec, facts, extra),
        height=_bar_height(len(shown), bars=2), legend=[t["name"] for t in traces], left=left,
        barmode="group", xaxis=xaxis, yaxis=yaxis, bargap=0.2,
        xaxis2={"domain": [0.68, 1], "anchor": "y", "title": {"text": _("纠错率（%）")},
                "rangemode": "tozero", "gridcolor": GRID, "ticksuffix": "%"},
    )


# ---- map --------------------------------------------------------------------------------------

# The main map draws the provinces without the South China Sea islands (南海诸岛); an inset box
# at the lower right draws the southern coast and the islands at a smaller scale, as Chinese
# maps do. Both shape files are derived from the bundled provinces (reports/map_shapes.py).
# The inset has its own strip of the panel, so it never covers the coast at any page width.
MAIN_DOMAIN = {"x": [0.0, 0.80], "y": [0.0, 1.0]}
INSET_DOMAIN = {"x": [0.82, 1.0], "y": [0.02, 0.42]}
NARROW_INSET_DOMAIN = {"x": [0.82, 1.0], "y": [0.02, 0.36]}


def map_codes(metric):
    """(codes, harmonized, paired) that chart_rows needs for the map's metric."""
    if metric not in RATES:
        return [metric], False, []
    harmonized = metric == "disclosure_rate"
    codes = [] if harmonized else sorted({c for c in RATES[metric][0] + COVERED_BY[metric]})
    return codes, harmonized, list(PAIRED_CODES[metric])


def map_query(reports, spec):
    codes, harmonized, paired = map_codes(spec.metric)
    return queries.chart_rows(reports, level="province", codes=codes, harmonized=harmonized, paired=paired)


def map_table(rows, spec):
    """One row per province with a code: `value` is the rate (with its parts), the sum, or with
    mode per_agency the sum per stating report."""
    metric, out = spec.metric, []
    for row in rows:
        if not row.get("key"):
            continue
        drawn = {**row, "name": group_label(row)}
        if metric in RATES:
            drawn = with_rate(drawn, metric)
            drawn["value"] = drawn[metric]
        else:
            total, stating = _num(row.get(metric)), row.get(f"{metric}__n") or 0
            drawn["value"] = (total / stating if total is not None and stating else None) \
                if spec.mode == "per_agency" else total
        out.append(drawn)
    out = sort_rows(out, spec, lambda r: r["value"])
    columns = _name_columns()
    if metric in RATES:
        columns += _rate_columns(metric)
    else:
        what, unit = metric_label(metric), metric_unit(metric)
        if spec.mode == "per_agency":
            columns += [Column("value", _("%(metric)s·每个报告机关平均") % {"metric": metric_title(what, unit)},
                               f"{metric}_per_agency", unit=unit),
                        Column(metric, metric_title(what, unit), metric, unit=unit, vocabulary=CATALOG)]
        else:
            columns.append(Column("value", metric_title(what, unit), metric, unit=unit, vocabulary=CATALOG))
        columns.append(Column(f"{metric}__n", _("填报该指标的报告数"), f"{metric}_reports", kind="count"))
    return Table(tuple(columns), out)


def nice_maximum(value, *, percent=False):
    """The top of the colour scale: the smallest 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k at or
    above `value` (100 at most for percentages). plotly ignores zmin without zmax (issue 10)."""
    if not value or value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * power >= value - 1e-9:
            top = step * power
            break
    return min(top, 100) if percent and value <= 100 else top


def _map_hover(row, spec):
    metric = spec.metric
    if metric in RATES:
        body = _rate_hover(row, metric)
    else:
        what, unit = metric_label(metric), metric_unit(metric)
        suffix = _("（每个报告机关平均）") if spec.mode == "per_agency" else ""
        body = f"{what}{suffix}：{with_unit(format_number(row['value']), unit)}"
    return f"{plotly_text(row['name'])}<br>{body}<br>{_reports_text(row, row.get(f'{metric}__n'))}"


def map_figure(table, spec, facts):
    """Province choropleth on a scale from 0 to an explicit maximum, provinces without data in
    grey with a legend entry, the South China Sea islands in an inset. Only the local GeoJSON
    is drawn: every base layer is off, so plotly.js never fetches its world map."""
    metric = spec.metric
    drawn = [r for r in table.rows if r["value"] is not None]
    present = {r["key"] for r in drawn}
    missing = [(code, name) for code, name in spec.provinces if code not in present]
    unit = metric_unit(metric)
    top = nice_maximum(max((r["value"] for r in drawn), default=0), percent=unit == "%")
    traces = []
    for geo, geojson in (("geo", spec.geojson), ("geo2", spec.inset_geojson)):
        inset = geo == "geo2"
        shapes = {"geojson": geojson, "featureidkey": "properties.adcode",
                  "marker": {"line": {"color": "#666", "width": 0.5 if not inset else 0.3}}}
        traces.append({
            "type": "choropleth", **shapes, "geo": geo, "coloraxis": "coloraxis",
            "name": metric_label(metric), "showlegend": False,
            "locations": [r["key"] for r in drawn], "z": [r["value"] for r in drawn],
            "customdata": [_map_hover(r, spec) for r in drawn],
            "hovertemplate": "%{customdata}<extra></extra>",
        })
        if missing:
            traces.append({
                "type": "choropleth", **shapes, "geo": geo, "name": _("无数据"),
                "showlegend": not inset, "legendgroup": "no-data", "showscale": False,
                "locations": [code for code, _name in missing], "z": [0] * len(missing),
                "colorscale": [[0, NO_DATA], [1, NO_DATA]],
                "customdata": [f"{plotly_text(name)}<br>" + _("无数据") for _code, name in missing],
                "hovertemplate": "%{customdata}<extra></extra>",
            })
    hidden = {"visible": False, "showcountries": False, "showcoastlines": False, "showland": False,
              "showocean": False, "showlakes": False, "showrivers": False, "showsubunits": False,
              "projection": {"type": "mercator"}, "bgcolor": "rgba(0,0,0,0)", "fitbounds": "geojson"}
    inset = {**hidden, "domain": INSET_DOMAIN, "showframe": True, "framecolor": "#888",
             "framewidth": 1, "bgcolor": "white"}
    what = metric_label(metric)
    mode = _("每个报告机关平均") if spec.mode == "per_agency" and metric not in RATES else (
        _("比率；悬停可见 95% 置信区间与分母") if metric in RATES else _("合计"))
    title = title_line(metric_title(what, unit), spec, facts, level=False)
    return frame(
        traces, title=title, subtitle=_("按省级") + " · " + mode, notes=_coverage_notes(spec, facts),
        height=600, legend=[_("无数据")] if missing else [], left=10, axis_space=74,
        # The colour scale runs from 0 to an explicit top, under the map like a map's key.
        coloraxis={"cmin": 0, "cmax": top, "colorscale": BLUES,
                   "colorbar": {"title": {"text": unit_label(unit), "side": "top"},
                                "orientation": "h", "x": 0, "xanchor": "left", "y": -0.02,
                                "yanchor": "top", "len": 0.5, "thickness": 12,
                                "separatethousands": True, "exponentformat": "none",
                                **({"ticksuffix": "%"} if unit == "%" else {})}},
        geo={**hidden, "domain": MAIN_DOMAIN, "showframe": False},
        geo2=inset,
        # On a phone the map is bounded by the width: a lower panel keeps it from floating in
        # white space, and the inset strip is shaped for the box it holds.
        narrow_height=250, narrow_layout={"geo2": {**inset, "domain": NARROW_INSET_DOMAIN}},
        annotations=[{"text": _("南海诸岛"), "xref": "paper", "yref": "paper", "showarrow": False,
                      "x": INSET_DOMAIN["x"][1], "xanchor": "right", "y": INSET_DOMAIN["y"][0], "yanchor": "top",
                      "font": {"size": 11, "color": MUTED}}],
    )


# ---- coverage ---------------------------------------------------------------------------------

def coverage_facts(rows, stated, *, kind, level):
    """What the chart leaves out: reports silent on the stated metric, reports without a group."""
    lacking = [(group_label(r, level), r["reports"] - (r.get(f"{stated}__n") or 0))
               for r in rows if r["key"] is not None]
    ungrouped = sum(r["reports"] for r in rows if r["key"] is None)
    return {
        "lacking": [(name, n) for name, n in lacking if n > 0],
        "lacking_reports": sum(n for _name, n in lacking if n > 0),
        "ungrouped_reports": ungrouped if kind == "map" or ungrouped else 0,
        "stated_label": _("办理结果") if stated == "outcomes" else metric_label(stated),
    }


def _coverage_notes(spec, facts, extra=()):
    return source_notes(spec, facts, extra)


def _stated_map(spec):
    return COVERED_BY[spec.metric][0] if spec.metric in RATES else spec.metric


KINDS = {kind.key: kind for kind in (
    ChartKind("volume", gettext_lazy("申请数量"), volume_query, volume_table, volume_figure,
              lambda spec: spec.metric),
    ChartKind("outcomes", gettext_lazy("办理结果构成"), outcomes_query, outcomes_table, outcomes_figure,
              lambda spec: "outcomes"),
    ChartKind("review", gettext_lazy("行政复议与诉讼"), review_query, review_table, review_figure,
              lambda spec: "review_total"),
    ChartKind("map", gettext_lazy("地图"), map_query, map_table, map_figure, _stated_map),
)}


def draw(kind, reports, spec, facts, *, rows=None):
    """Run one chart kind: (table, figure, facts with what the chart leaves out); `rows` instead
    of its query ([]: an empty chart)."""
    chart = KINDS[kind]
    rows = chart.query(reports, spec) if rows is None else rows
    facts = {**facts, **coverage_facts(rows, chart.stated(spec), kind=kind, level=spec.level)}
    table = chart.table(rows, spec)
    return table, chart.figure(table, spec, facts), facts


# ---- an agency over the years (agency pages) --------------------------------------------------

def build_agency_trend(rows, codes, *, title="", notes=()):
    """One line per code over `rows` (dicts or objects with `year` and one attribute per code;
    None where that year's report does not state it). Years are a numeric axis and a year
    without a report or a value breaks the line, never bridges it; codes no row states get no
    line."""
    def get(row, name):
        return row.get(name) if isinstance(row, dict) else getattr(row, name, None)

    by_year = {get(r, "year"): r for r in rows if get(r, "year") is not None}
    span = list(range(min(by_year), max(by_year) + 1)) if by_year else []
    traces = []
    for code in codes:
        values = [_num(get(by_year[y], code)) if y in by_year else None for y in span]
        if all(v is None for v in values):
            continue
        color, dash = line_style(len(traces))
        name, unit = metric_label(code), metric_unit(code)
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": name, "x": span, "y": values,
            "connectgaps": False, "line": {"color": color, "dash": dash},
            "marker": {"color": color, "size": 7},
            "customdata": [f"{y} · {name}：{with_unit(format_number(v), unit)}" if v is not None else ""
                           for y, v in zip(span, values)],
            "hovertemplate": "%{customdata}<extra></extra>",
        })
    return frame(
        traces, title=title, subtitle=_("缺少数据的年份不连线"), notes=list(notes), height=300,
        legend=[t["name"] for t in traces], hovermode="closest",
        xaxis={"type": "linear", "dtick": 1, "tickformat": "d", "gridcolor": GRID,
               "range": [span[0] - 0.5, span[-1] + 0.5] if span else None},
        yaxis={"rangemode": "tozero", "separatethousands": True, "exponentformat": "none", "gridcolor": GRID},
    )

