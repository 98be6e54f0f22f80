"""What every chart carries inside its figure: title, subtitle, source and coverage notes, styles.

A chart saved as PNG or SVG or pasted into a report keeps its title (metric, unit, years,
scope), its mode and its source and coverage (issue 10), because all of them are layout text,
not page HTML. Figures are plain dicts (plotly's JSON); tests validate them against plotly's
schema. Phones get a narrower wrapping of the same texts (`narrow` in the figure spec).
"""
from __future__ import annotations

import unicodedata

from django.utils.translation import gettext as _

from reports.formatting import PER_100, is_zh, unit_label

FONT = ("Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, "
        "WenQuanYi Micro Hei, sans-serif")
TEXT = "#1d2733"
MUTED = "#5b6773"
GRID = "#e5e8eb"
NO_DATA = "#e5e7eb"
# Okabe–Ito's colour-blind-safe eight, then four darker hues; with four dash styles a line
# chart keeps 48 series apart by colour and dash (issue 10: 13 agency lines shared 10 colours).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000", "#8C564B", "#7F7F7F", "#17BECF", "#9467BD")
DASHES = ("solid", "dash", "dot", "dashdot")
# Sequential blues from white-ish to dark; the map's scale always starts at 0.
BLUES = [[0.0, "#f1f6fb"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"], [1.0, "#08306b"]]

WIDE, NARROW = 110, 27  # wrap widths (in CJK characters) of the texts, desktop and phone
NOTE_LINE = 16  # px per note line at font size 11


def plotly_text(value):
    """Text for plotly's pseudo-HTML (titles, hovers, legends, ticks): plotly reads <b>, <a href>
    and entities in them, so a name from a report must have & < > escaped. Bold is not used at
    all: plotly draws it with a style attribute, which the Content-Security-Policy refuses."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def line_style(i):
    """(colour, dash) of the i-th series: every colour solid first, then every colour dashed..."""
    return PALETTE[i % len(PALETTE)], DASHES[(i // len(PALETTE)) % len(DASHES)]


def width(text):
    """Display width in CJK-character units (Latin letters and digits count half)."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def wrap(text, limit):
    """Split text into lines no wider than `limit`, at " · ", "；", "、", "，" or spaces when
    possible (never inside a number or a name), else hard."""
    lines, current = [], ""
    for piece in _pieces(text):
        if current and width(current + piece) > limit:
            lines.append(current.rstrip())
            current = piece.lstrip()
        else:
            current += piece
        while width(current) > limit:  # one piece longer than a line
            cut = _cut(current, limit)
            lines.append(current[:cut])
            current = current[cut:]
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _pieces(text):
    piece = ""
    for ch in text:
        piece += ch
        if ch in "；、，,; ·）)":
            yield piece
            piece = ""
    if piece:
        yield piece


def _cut(text, limit):
    total = 0.0
    for i, ch in enumerate(text):
        total += width(ch)
        if total > limit:
            return max(i, 1)
    return len(text)


def years_text(spec, facts):
    """"2022年", "2015–2024年", "2015–2024年合计" (a range summed into one value per group)."""
    if spec.year or facts.get("year"):
        year = spec.year or facts["year"]
        return _("%(year)s年") % {"year": year}
    low = spec.year_gte or facts.get("first_year")
    high = spec.year_lte or facts.get("last_year")
    if low is None and high is None:
        return ""
    span = f"{low}–{high}" if low != high else str(low)
    if spec.over_years and spec.kind == "volume":
        return _("%(years)s年") % {"years": span}
    return _("%(years)s年合计") % {"years": span}


def scope_text(spec):
    """The regions and agencies chosen ("浙江省、江苏省"), or all of them."""
    if not spec.scope:
        return _("全部地区")
    names = list(spec.scope)
    if len(names) > 3:
        return _("%(names)s等 %(n)s 个") % {"names": _("、").join(names[:3]), "n": len(names)}
    return _("、").join(names)


def level_text(level):
    return {"province": _("按省级分组"), "prefecture": _("按地级分组"), "county": _("按县级分组"),
            "agency": _("按机关分组")}[level]


def metric_title(label, unit):
    """"本年新收申请数（件）"; a label that already names its unit (收取费用（元）) keeps it once."""
    shown = unit_label(unit)
    if not unit or unit == PER_100 or shown in label:
        return label
    return _("%(label)s（%(unit)s）") % {"label": label, "unit": shown}


def title_line(what, spec, facts, *, level=True):
    parts = [what, years_text(spec, facts), scope_text(spec)]
    if level:
        parts.append(level_text(spec.level))
    return " · ".join(p for p in parts if p)


def source_notes(spec, facts, extra=()):
    """The notes printed under the plot: source and coverage, then what the chart leaves out."""
    source = _("来源：各机关政府信息公开工作年度报告") + (
        _("（含未发布、审核中的报告）") if spec.include_unreviewed else _("（经人工审核并发布）"))
    counted = _("%(reports)s 份报告，%(agencies)s 个机关") % {
        "reports": f"{facts.get('reports') or 0:,}", "agencies": f"{facts.get('agencies') or 0:,}"}
    notes = [f"{source} · {counted}"]
    if facts.get("lacking_reports"):
        notes.append(_("%(n)s 份报告未填报“%(what)s”，不计入。") % {
            "n": f"{facts['lacking_reports']:,}", "what": facts["stated_label"]})
    if facts.get("ungrouped_reports"):
        n = f"{facts['ungrouped_reports']:,}"
        notes.append(_("%(n)s 份报告未确定机关。") % {"n": n} if spec.level == "agency" and spec.kind != "map"
                     else _("%(n)s 份报告没有该层级的区划（如中央机关）。") % {"n": n})
    notes.extend(extra)
    if spec.link:
        notes.append(spec.link)
    return notes


def frame(data, *, title, subtitle, notes, height=560, legend=(), side_legend=False, left=60,
          axis_space=70, narrow_height=None, narrow_layout=None, **layout):
    """Return the figure dict: traces, title and subtitle, notes as paper annotations under the
    plot (with the bottom margin they need), the legend above the plot (or at its right with
    side_legend), and `narrow`: the layout overrides a phone applies (texts wrapped shorter).

    `legend` names the legend entries, to reserve the rows a horizontal legend takes; `left` is
    the left margin (the group names of horizontal bars), `axis_space` the room under the plot
    for the x axis before the notes start. `narrow_height` and `narrow_layout` replace the plot
    height and layout parts on phones.
    """
    texts = dict(title=title, subtitle=subtitle, notes=notes, legend=list(legend),
                 side_legend=side_legend, left=left, axis_space=axis_space)
    wide = _texts(**texts, height=height, limit=WIDE, plot_width=900)
    # A 390 px phone leaves about 360 px for the figure; the legend may use all of it.
    narrow = _texts(**texts, height=narrow_height or height, limit=NARROW, plot_width=340, font=11)
    narrow.update(narrow_layout or {})
    base = {
        "font": {"family": FONT, "size": 13, "color": TEXT},
        "separators": ".,",
        "paper_bgcolor": "white", "plot_bgcolor": "white",
        "hoverlabel": {"font": {"family": FONT}, "align": "left"},
        "showlegend": bool(legend),
    }
    base.update(wide)
    base.update(layout)
    fixed = list(layout.get("annotations", []))
    base["annotations"] = fixed + wide["annotations"]
    narrow["annotations"] = fixed + narrow["annotations"]
    return {"data": data, "layout": base, "narrow": narrow}


def _legend_rows(names, plot_width, font):
    """Rows a horizontal legend of these names takes at this width: plotly gives every entry the
    width of the widest once they do not fit on one line (symbol ~40 px + text)."""
    items = [44 + width(name) * font for name in names]
    if sum(items) <= plot_width:
        return 1
    per_row = max(1, int(plot_width // max(items)))
    return -(-len(items) // per_row)


def _texts(*, title, subtitle, notes, height, legend, side_legend, left, axis_space, limit,
           plot_width, font=13):
    title_lines = [plotly_text(line) for line in wrap(title, limit * 13 / 16)]
    sub_lines = [plotly_text(line) for line in wrap(subtitle, limit)] if subtitle else []
    note_lines = [plotly_text(line) for note in notes for line in wrap(note, limit * 1.15)]
    side_legend = side_legend and plot_width >= 600  # on a phone the legend goes above the plot
    legend_rows = _legend_rows(legend, plot_width, font) if legend and not side_legend else 0
    title_size, sub_size = font + 3, font - 1
    title_height = 1.3 * title_size * len(title_lines) + 1.4 * sub_size * len(sub_lines)
    top = int(14 + title_height + 12 + (font + 9) * legend_rows)
    notes_height = NOTE_LINE * len(note_lines)
    total = height + top + notes_height
    layout = {
        "title": {
            # plotly anchors a title of several lines by its first line (a top anchor pushes the
            # first line out of the figure): put that line's baseline just under the top edge.
            "text": "<br>".join(title_lines), "x": 0.01, "xanchor": "left",
            "y": 1 - (10 + title_size) / total, "yanchor": "bottom", "yref": "container",
            "font": {"size": title_size},
            "subtitle": {"text": "<br>".join(sub_lines), "font": {"size": sub_size, "color": MUTED}},
        },
        "margin": {"t": top, "b": axis_space + notes_height + 8, "l": left, "r": 24},
        "height": total,
        "annotations": [{
            "text": "<br>".join(note_lines), "xref": "paper", "yref": "paper", "x": 0, "y": 0,
            "xanchor": "left", "yanchor": "top", "xshift": -(left - 10), "yshift": -axis_space,
            "align": "left", "showarrow": False, "font": {"size": 11, "color": MUTED},
            "name": "notes",
        }],
    }
    if legend and side_legend:
        layout["legend"] = {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"}
    elif legend:
        layout["legend"] = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0,
                            "yanchor": "bottom", "yref": "paper", "traceorder": "normal",
                            "font": {"size": font}}
    return layout


def plotly_config(filename):
    """plotly.js config for every chart: nothing that talks to plotly's cloud, no editing,
    the toolbar in the page's language (its zh-CN locale file is served with plotly.js)."""
    return {
        "responsive": True,
        "displaylogo": False,
        # plotly.js 4 shows "Share chart..." (upload to cloud.plotly.com) unless told not to.
        "showSendToCloud": False,
        "showEditInChartStudio": False,
        "plotlyServerURL": "",
        "editable": False,
        "locale": "zh-CN" if is_zh() else "en",
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendDataToCloud", "editInChartStudio"],
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
    }
