"""The HTML of /coverage/'s table cells, built in Python with every text escaped: a page has
hundreds to thousands of them, and a template include per cell cost more than the queries
(measured on 300,000 reports)."""
from __future__ import annotations

from functools import lru_cache

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext as _


def count_cells(cells, *, wrong_label) -> SafeString:
    """The <td>s of one region row: per year a bar of the states, published of expected, and a
    link per state to the agencies in that state (reports/coverage.py _cell_links)."""
    said = _texts(get_language())
    return mark_safe("".join(_count_cell(c, wrong_label, said) for c in cells))  # noqa: S308  every text escaped


@lru_cache(maxsize=8)
def _texts(language) -> tuple[str, str]:
    # Translated once per language, not once per cell.
    return escape(_("没有已知应报或已报的机关")), _("已发布 %(n)s / %(total)s")


def _count_cell(cell, wrong_label, said) -> str:
    nobody, published = said
    if not cell["agencies"]:
        return f'<td><span class="muted" title="{nobody}">—</span></td>'
    # An SVG of rects, not styled spans: the Content-Security-Policy allows no style attributes.
    # f-strings with escape() on every text and URL: format_html per part cost most of a
    # country page by prefecture (450 rows of five years).
    rects, chips, x = [], [], 0.0
    for c in cell["chips"]:
        rects.append(f'<rect class="seg state-{c["slug"]}" x="{x:.2f}" width="{c["share"]:.2f}" height="8"></rect>')
        chips.append(f'<li><a class="count state-{c["slug"]}" href="{escape(c["url"])}">{escape(c["label"])} '
                     f'{int(c["n"])}</a></li>')
        x += c["share"]
    if cell.get("wrong"):
        chips.append(f'<li><a class="count wrong" href="{escape(cell["wrong"]["url"])}">{escape(wrong_label)} '
                     f'{int(cell["wrong"]["n"])}</a></li>')
    published = published % {"n": cell["published"], "total": cell["agencies"]}
    return (f'<td><svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">{"".join(rects)}'
            f'</svg><div class="published">{escape(published)}</div><ul class="chips">{"".join(chips)}</ul></td>')


def matrix_cells(cells, *, wrong_label, wrong_help) -> SafeString:
    """The <td>s of one agency row: per year its state, linking to the report or its absence."""
    out = []
    for c in cells:
        badge = format_html(' <span class="wrong-badge" title="{}">{}</span>', wrong_help, wrong_label) if c["wrong"] else ""
        out.append(format_html('<td class="cell state-{}"><a href="{}" title="{}">{}</a>{}</td>',
                               c["state"], c["url"], c["title"], c["short"], badge))
    return mark_safe("".join(out))  # noqa: S308  every part is escaped by format_html
