"""The table behind a chart: its columns (label, code, unit, vocabulary) and its rows as escaped HTML.

The same Table feeds the chart, the Table tab, the CSV and the JSON, so what is drawn and what is
exported cannot drift apart. HTML rows are built here with format_html rather than by a template
loop: a few hundred rows of template tags cost tens of milliseconds (bench/pages_bench.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reports.formatting import MISSING, format_number, format_rate

HARMONIZED = "harmonized"  # DESIGN.md's outcome categories (disclosed, withheld, ...)
CATALOG = "catalog"  # metric codes as reports state them (reports/parsing/metrics.py)
DERIVED = "derived"  # computed here: rates, intervals, means, counts of reports


@dataclass(frozen=True)
class Column:
    """One column: `key` in the rows, `code` in CSV headers and JSON, `kind` for formatting.

    kind: "text", "year", "count" (reports, agencies), "number" (sums and means), "rate" (0-100
    scale), "flag", "note". `detail`, when given, adds a second line to the HTML cell (a rate's
    interval and denominator); the CSV has those as columns of their own. Columns with
    html=False appear in CSV and JSON only.
    """

    key: str
    label: str
    code: str
    kind: str = "number"
    unit: str = ""
    vocabulary: str = DERIVED
    html: bool = True
    detail: Callable | None = field(default=None, compare=False)

    def format(self, value):
        if value is None or value == "":
            return MISSING if self.kind not in ("text", "note") else ""
        if self.kind == "rate":
            return format_rate(value)
        if self.kind in ("number", "count", "flag"):
            return format_number(value)
        return str(value)

    @property
    def numeric(self):
        return self.kind in ("number", "count", "rate", "year")


@dataclass
class Table:
    columns: tuple
    rows: list

    def head(self, n):
        """The same table with its first n rows (the page shows those; the CSV keeps all)."""
        return Table(self.columns, self.rows[:n])

    def html_columns(self):
        return [c for c in self.columns if c.html]


def header(column):
    """A CSV/JSON header saying what the column holds and in which vocabulary:
    "本年新收申请数 (requests_received)", "予以公开·统一口径 (disclosed)"."""
    label = column.label
    if column.vocabulary == HARMONIZED:
        label = _("%(label)s·统一口径") % {"label": label}
    return f"{label} ({column.code})"


def html_rows(table, links, *, link_text):
    """The <tr> rows of the Table tab, escaped; `links` has one /reports/ href (or "") per row."""
    columns = table.html_columns()
    out = []
    for row, link in zip(table.rows, links):
        cells = []
        for i, column in enumerate(columns):
            text = column.format(row.get(column.key))
            detail = column.detail(row) if column.detail else ""
            if i == 0:
                cells.append(format_html('<th scope="row">{}</th>', text))
            elif detail:
                # One part per line (interval, numerator / denominator, reports), each unbroken.
                lines = format_html_join(mark_safe("<br>"), "{}", ((part,) for part in detail.split(" · ")))
                cells.append(format_html('<td class="num">{}<br><small class="muted">{}</small></td>', text, lines))
            else:
                cells.append(format_html('<td class="{}">{}</td>', "num" if column.numeric else "", text))
        anchor = format_html('<a href="{}">{}</a>', link, link_text) if link else ""
        out.append(format_html("<tr>{}<td>{}</td></tr>", mark_safe("".join(cells)), anchor))  # noqa: S308
    return mark_safe("\n".join(out))  # noqa: S308  every part above is escaped by format_html


def html_headers(table):
    return format_html_join("", '<th scope="col" class="{}">{}</th>',
                            (("num" if c.numeric else "", c.label) for c in table.html_columns()))
