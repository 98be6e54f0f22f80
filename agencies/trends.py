"""Pure plotly builder of an agency's figures over the years (rows in, figure dict out)."""
from __future__ import annotations

import json
from decimal import Decimal

import plotly.graph_objects as go

from reports.parsing.metrics import label

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


def build_trend(rows, codes, *, lang="zh", title=""):
    """Return a plotly figure (as a JSON-ready dict) with one line per code over `rows`.

    `rows` are dicts or objects with `year` and one attribute per code (None when the report
    of that year does not state it: the line shows a gap, never a zero). Codes that no row
    states get no line.
    """
    years = [_get(r, "year") for r in rows]
    # The "none" template keeps the JSON small (the default one adds about 6 kB of styling).
    fig = go.Figure(layout={"template": "none"})
    for code in codes:
        values = [_num(_get(r, code)) for r in rows]
        if all(v is None for v in values):
            continue
        fig.add_trace(go.Scatter(
            x=years, y=values, name=label(code, lang), mode="lines+markers",
            connectgaps=False, hovertemplate="%{x}: %{y}<extra>" + label(code, lang) + "</extra>",
        ))
    fig.update_layout(
        title=title or None, font={"family": FONT}, height=360,
        margin={"l": 50, "r": 20, "t": 50 if title else 20, "b": 40},
        legend={"orientation": "h", "y": -0.2}, hovermode="x unified",
        xaxis={"type": "category", "title": None},
        yaxis={"rangemode": "tozero", "title": None, "gridcolor": "#e5e8eb", "separatethousands": True},
    )
    return json.loads(fig.to_json())


def _get(row, name):
    return row.get(name) if isinstance(row, dict) else getattr(row, name, None)


def _num(value):
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value
