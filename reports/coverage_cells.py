"""The HTML of /coverage/'s table cells, built with format_html: a page has hundreds of them, and a
template include per cell cost more than the queries (measured on 300,000 reports)."""
from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def count_cells(cells, *, wrong_label) -> SafeString:
    """The <td>s of one region row: per year a bar of the states, published of expected, and a
    link per state to the agencies in that state (reports/coverage.py _cell_links)."""
    return mark_safe("".join(_count_cell(c, wrong_label) for c in cells))  # noqa: S308  parts escaped


def _count_cell(cell, wrong_label) -> str:
    if not cell["agencies"]:
        return format_html('<td><span class="muted" title="{}">—</span></td>', _("没有已知应报或已报的机关"))
    # An SVG of rects, not styled spans: the Content-Security-Policy allows no style attributes.
    rects, x = [], 0.0
    for c in cell["chips"]:
        rects.append((c["slug"], f"{x:.2f}", f"{c['share']:.2f}"))
        x += c["share"]
    bar = format_html_join("", '<rect class="seg state-{}" x="{}" width="{}" height="8"></rect>', rects)
    chips = format_html_join("", '<li><a class="count state-{}" href="{}">{} {}</a></li>',
                             ((c["slug"], c["url"], c["label"], c["n"]) for c in cell["chips"]))
    if cell.get("wrong"):
        chips += format_html('<li><a class="count wrong" href="{}">{} {}</a></li>',
                             cell["wrong"]["url"], wrong_label, cell["wrong"]["n"])
    published = _("已发布 %(n)s / %(total)s") % {"n": cell["published"], "total": cell["agencies"]}
    return format_html('<td><svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">{}'
                       '</svg><div class="published">{}</div><ul class="chips">{}</ul></td>', bar, published, chips)


def matrix_cells(cells, *, wrong_label, wrong_help) -> SafeString:
    """The <td>s of one agency row: per year its state, linking to the report or its absence."""
    out = []
    for c in cells:
        badge = format_html(' <span class="wrong-badge" title="{}">{}</span>', wrong_help, wrong_label) if c["wrong"] else ""
        out.append(format_html('<td class="cell state-{}"><a href="{}" title="{}">{}</a>{}</td>',
                               c["state"], c["url"], c["title"], c["short"], badge))
    return mark_safe("".join(out))  # noqa: S308  every part is escaped by format_html
