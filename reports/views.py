"""Public report pages: the filtered list (HTML, CSV or JSON), a report with its evidence, its file."""
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reports import issued, timeliness
from reports.exports import KEY_CODES, csv_response, echo_parameters, list_json, with_key_figures
from reports.facets import facet_results, max_facet_rows
from reports.filters import ReportFilter, active_filters, is_staff, report_facets
from reports.evidence import evidence_blocks
from reports.highlight import highlight, valid_spans
from reports.models import Report
from reports.paging import count_rows, list_page, page_number
from reports.parsing.metrics import ALL_CODES, CORE_CODES, label
from reports.serialize import number
from reports.urlstate import sort_links, url_toggle, url_with

PER_PAGE = 50
FORMATS = ("html", "csv", "json")
SORTABLE = ("agency", "year", "region", "layout", "status", "warnings") + KEY_CODES
CATALOG_ORDER = {code: i for i, code in enumerate(ALL_CODES)}
# Parameters that may repeat; the JSON twin echoes them as lists, the others as strings.
REPEATABLE = ("agency",)


def list_queryset():
    """Reports with what the list rows show: regions, agency and key figures, newest first.

    The default order (year, then the most recently added first) is the index
    report_list_idx backwards, so a page reads its 50 rows and no more (issue 11: ordering by
    agency name sorted every report of the year first). Other orders are the sort links'."""
    return with_key_figures(
        Report.objects.select_related("agency", "province", "prefecture", "county")
        .defer("text", "original_text", "offsets", "warnings")
        .order_by("-year", "-pk")
    )


def report_list(request):
    filterset = ReportFilter(request.GET, queryset=list_queryset(), request=request)
    fmt = request.GET.get("format") or "html"
    if fmt in ("csv", "json") and not filterset.is_valid():
        if fmt == "json":
            return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
        return HttpResponse(filterset.errors.as_text(), status=400, content_type="text/plain; charset=utf-8")
    if fmt == "csv":
        return csv_response(filterset.qs, request=request)
    count = count_rows(filterset.rows(Report.objects.all()))
    page = list_page(filterset.qs, number=page_number(request.GET.get("page")), per_page=PER_PAGE, count=count)
    max_rows = max_facet_rows()
    facets = facet_results(
        report_facets(filterset), base_for=lambda facet: filterset.facet_queryset(Report.objects.all(), facet),
        selected=filterset.selected_keys(), page_count=count, params=request.GET, path=request.path,
        max_rows=max_rows,
    )
    if fmt == "json":
        return list_json(request, page=page, rows=[report_row(r, request) for r in page.rows], facets=facets,
                         max_rows=max_rows, parameters=echo_parameters(request.GET, repeatable=REPEATABLE))
    sort = sort_links(request.GET, SORTABLE)
    lang = get_language() or "zh"
    return render(request, "reports/report_list.html", {
        "filter": filterset,
        "page": page,
        "reports": with_key_values(page.rows),
        "facets": facets,
        "facets_capped": not all(f.counted for f in facets),
        "facet_max_rows": max_rows,
        "active_filters": active_filters(filterset),
        "sort": sort,
        "key_columns": [{"code": c, "label": label(c, lang), "sort": sort[c]} for c in KEY_CODES],
        "format_error": None if fmt in FORMATS else _("未知的格式：%(format)s") % {"format": fmt},
        "is_staff": is_staff(request),
        "include_unreviewed": filterset.shows_unreviewed,
        "include_unreviewed_url": url_toggle(request.GET, "include_unreviewed"),
        "csv_url": url_with(request.GET, {"format": "csv"}),
        "json_url": url_with(request.GET, {"format": "json"}),
    })


def report_row(report, request):
    """One report of the JSON twin: ids, names in the page's language, codes, key figures."""
    def region(r):
        return {"id": r.pk, "code": r.code, "name": r.local_name} if r else None

    return {
        "id": report.pk,
        "url": request.build_absolute_uri(report.get_absolute_url()),
        "agency": {"id": report.agency_id, "name": report.agency.name} if report.agency_id else None,
        "year": report.year,
        "province": region(report.province),
        "prefecture": region(report.prefecture),
        "county": region(report.county),
        "layout": report.layout,
        "status": report.status,
        "warning_count": report.warning_count,
        "figures": {code: number(getattr(report, code)) for code in KEY_CODES},
    }


def with_key_values(reports):
    """The page's reports, each with `key_values` in KEY_CODES order for the table cells."""
    reports = list(reports)
    for r in reports:
        r.key_values = [getattr(r, code) for code in KEY_CODES]
    return reports


def visible_reports(request):
    """Every report for staff; for everyone else the published current ones (404 otherwise)."""
    return Report.objects.all() if is_staff(request) else Report.objects.published()


def report_detail(request, pk):
    report = get_object_or_404(
        visible_reports(request).select_related("agency__expectation", "province", "prefecture", "county",
                                                "replaced_by"),
        pk=pk,
    )
    lang = get_language() or "zh"
    figures = sorted(report.figures.filter(removed=False), key=lambda f: (CATALOG_ORDER.get(f.code, len(CATALOG_ORDER)), f.code))
    spans = valid_spans(figures, len(report.text)) + issued.spans(report)
    rows = {f.code: {
        "figure": f,
        "label": label(f.code, lang),
        "changed": f.corrected and f.parsed_value is not None and f.parsed_value != f.value,
        "core": f.code in CORE_CODES or f.corrected,
    } for f in figures}
    return render(request, "reports/report_detail.html", {
        "report": report,
        "figures": list(rows.values()),
        "blocks": evidence_sections(report.text, figures, rows),
        "text_html": highlight(report.text, spans),
        "findings": list(report.findings.all()),
        "warnings": [w if isinstance(w, dict) else {"message": str(w)} for w in report.warnings],
        "is_staff": is_staff(request),
        "deadline": timeliness.report_deadline(report),
    })


def evidence_sections(text, figures, rows):
    """The figures grouped by the table section or paragraph they come from (reports/evidence.py),
    each block with its figure rows (core figures first, finer ones apart) and cell tooltips."""
    blocks = evidence_blocks(text, figures)
    for block in blocks:
        block.figures = [rows[code] for code in dict.fromkeys(block.codes)]
        block.core = [r for r in block.figures if r["core"]]
        block.finer = [r for r in block.figures if not r["core"]]
        for r in block.figures:
            r["marked"] = r["figure"].code in block.marked
        # Each marked cell or piece gets an id; a figure links to the first one stating it.
        cells = [c for row in block.rows for c in row.cells if c.codes]
        for i, cell in enumerate(cells):
            cell.anchor = f"ev-{block.start}-{i}"
            cell.core = any(rows[c]["core"] for c in cell.codes)
            cell.title = "; ".join(f"{rows[c]['label']} = {rows[c]['figure'].value.normalize():,f}" for c in cell.codes)
        block.text = [{"text": piece, "codes": codes, "anchor": f"ev-{block.start}-t{i}" if codes else "",
                       "title": "; ".join(rows[c]["label"] for c in codes)}
                      for i, (piece, codes) in enumerate(block.pieces)]
        for r in block.figures:
            code = r["figure"].code
            r["target"] = next((c.anchor for c in cells if code in c.codes), "") or next(
                (p["anchor"] for p in block.text if code in p["codes"]), "")
    return blocks


def report_file(request, pk):
    """The original file as uploaded, under its original name; same visibility as the page."""
    report = get_object_or_404(visible_reports(request).only("file", "original_filename"), pk=pk)
    if not report.file:
        raise Http404(_("原始文件不存在"))
    try:
        handle = report.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("原始文件不存在")) from exc
    return FileResponse(handle, as_attachment=True, filename=report.original_filename or report.file.name)
