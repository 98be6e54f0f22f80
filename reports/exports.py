"""Exports: figure columns of report lists, the CSV of a filtered list, the CSV and JSON of a chart.

Every CSV cell goes through csv_cell(), which defuses spreadsheet formulas (reports/spreadsheet.py).
"""
import csv
from decimal import Decimal

from django.db.models import F, OuterRef, Subquery
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext as _

from agencies.english_names import localized
from reports.models import Figure
from reports.parsing.metrics import CORE_CODES, label
from reports.summary import SUMMARY_CODES
from reports.serialize import number
from reports.spreadsheet import safe_cell
from reports.tables import header
from reports.urlstate import url_with

# The figures shown as columns of the report lists (reports, an agency's reports).
KEY_CODES = ("requests_received", "outcome_total", "review_total", "litigation_total")


def figure_column(code):
    """The expression for one report's (non-removed) figure value of `code`, or None.

    Codes of the ReportMetrics summary read its column (one LEFT JOIN for all of them, which
    also makes sorting a list by a figure cheap); a finer code falls back to a correlated
    subquery on figures (unique report+code: at most one row).
    """
    if code in SUMMARY_CODES:
        return F(f"metrics__{code}")
    return Subquery(Figure.objects.filter(report=OuterRef("pk"), code=code, removed=False).values("value")[:1])


def with_key_figures(reports, codes=KEY_CODES):
    """Annotate each report with one column per code: its (non-removed) figure value or None.

    Read from the summary (figure_column), so a page costs no extra query, counting ignores
    them, and sorting by a figure works.
    """
    return reports.annotate(**{code: figure_column(code) for code in codes})


def figure_pivot(reports, codes=CORE_CODES):
    """Return .values() rows of `reports`, one per report, with one column per code
    (`m_<code>`), read from the ReportMetrics summary (removed figures excluded)."""
    return reports.values(
        "pk", "agency__name", "year", "province__name", "prefecture__name", "county__name",
        "province__name_en", "prefecture__name_en", "layout", "status", "warning_count", **{f"m_{code}": figure_column(code) for code in codes},
    )


def csv_cell(value):
    """Return the CSV text of one cell: "" for None, plain numbers, and text through
    reports/spreadsheet.py's safe_cell (the one formula rule, OWASP CSV injection: a leading
    = + - @ tab or CR gets a single quote, so an agency named "=HYPERLINK(...)" stays text).

    Numbers (int, float, Decimal) are exempt: a negative number is a number, and "-3" quoted
    would become text that no spreadsheet sums. Only values that are numbers in Python are
    exempt; a string "-3" is text and gets the quote like any other.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return number(value)
    return safe_cell(str(value))


def csv_row(values):
    return [csv_cell(v) for v in values]


class Echo:
    """A file-like sink for csv.writer: writerow() returns the line, for streamed responses."""

    def write(self, value):
        return value


def csv_header(codes=CORE_CODES):
    """Headers in the active language with the stable English names,
    e.g. "本年新收申请数 (requests_received)"."""
    fixed = [
        (_("机关"), "agency"), (_("年度"), "year"), (_("省份"), "province"),
        (_("地市"), "prefecture"), (_("区县"), "county"), (_("版式"), "layout"),
        (_("状态"), "status"), (_("警告数"), "warnings"), (_("链接"), "url"),
    ]
    lang = get_language() or "zh"
    return [f"{zh} ({code})" for zh, code in fixed] + [f"{label(c, lang)} ({c})" for c in codes]


def csv_response(reports, *, request, filename="reports.csv", codes=CORE_CODES):
    """Stream the CSV of `reports` (already filtered, visible and ordered): one row per report.

    UTF-8 with a byte-order mark so that spreadsheet programs read the Chinese headers.
    """
    rows = figure_pivot(reports, codes)
    base = request.build_absolute_uri("/")[:-1]
    lang = get_language()  # the rows are written after the view returns: fix the language now

    def lines():
        writer = csv.writer(Echo())
        yield "\ufeff" + writer.writerow(csv_row(csv_header(codes)))
        for r in rows.iterator(chunk_size=2000):
            yield writer.writerow(csv_row([
                r["agency__name"], r["year"],
                localized(r["province__name"], r["province__name_en"], lang),
                localized(r["prefecture__name"], r["prefecture__name_en"], lang),
                r["county__name"], r["layout"], r["status"], r["warning_count"],
                base + reverse("reports:detail", args=[r["pk"]]), *(r[f"m_{c}"] for c in codes),
            ]))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_csv(table, *, filename):
    """The CSV of a chart's Table (reports/tables.py): headers that name each column's code and
    vocabulary, one row per drawn row, UTF-8 with a byte-order mark for spreadsheets."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(csv_row(header(c) for c in table.columns))
    writer.writerows(csv_row(row.get(c.key) for c in table.columns) for row in table.rows)
    return response


def table_json(table, *, parameters, coverage):
    """The JSON twin of table_csv: the columns (code, label, unit, vocabulary) and one object per
    row keyed by column code, with the request's parameters and the coverage behind it."""
    return JsonResponse({
        "parameters": parameters,
        "coverage": coverage,
        "columns": [{"code": c.code, "label": c.label, "unit": c.unit, "vocabulary": c.vocabulary}
                    for c in table.columns],
        "rows": [{c.code: _plain(row.get(c.key)) for c in table.columns} for row in table.rows],
    }, json_dumps_params={"ensure_ascii": False})


def _plain(value):
    """Decimal sums as plain numbers (362, not "362.00"); everything else unchanged."""
    return number(value) if isinstance(value, Decimal) else value


def echo_parameters(params, *, repeatable=()):
    """The request's parameters as the JSON twins echo them: without format, the names in
    `repeatable` as lists, the others as strings."""
    return {name: values if name in repeatable else values[-1]
            for name, values in params.lists() if name != "format"}


def list_json(request, *, page, rows, facets, max_rows, parameters):
    """The JSON twin of a list page (/reports/, /agencies/): the page's rows, the count (an
    estimate when `count_estimated`), links to the pages before and after, and the facets with
    their counts (null when the facet was too large to count: more than `max_rows` rows).
    Every URL is absolute and keeps format=json (facet links are built with the request's path)."""
    absolute = request.build_absolute_uri

    def page_url(number):
        return absolute(url_with(request.GET, {"page": number}, path=request.path))

    def facet(result):
        data = result.as_json()
        for value in data["values"]:
            value["toggle_url"] = absolute(value["toggle_url"])
        data["more_url"] = absolute(data["more_url"]) if data["more_url"] else None
        return data

    return JsonResponse({
        "parameters": parameters,
        "count": page.count.value,
        "count_estimated": page.count.estimated,
        "page": page.number,
        "per_page": page.per_page,
        "pages": page.num_pages,
        "next": page_url(page.next_page_number) if page.has_next else None,
        "previous": page_url(page.previous_page_number) if page.has_previous else None,
        "facets": [facet(f) for f in facets],
        "facet_count_max_rows": max_rows,
        "rows": rows,
    }, json_dumps_params={"ensure_ascii": False})
