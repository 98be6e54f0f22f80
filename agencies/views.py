"""Agency pages: a searchable list with report counts, and one agency over the years among its peers."""
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agencies.filters import AgencyFilter, PeerYearForm, agency_facets
from agencies.models import Agency
from reports.chart_frame import plotly_config
from reports.charts import build_agency_trend, metric_label
from reports.exports import KEY_CODES, echo_parameters, list_json
from reports.facets import facet_results, max_facet_rows
from reports.filters import active_filters, is_staff
from reports.models import Report, Status
from reports.parsing.metrics import label
from reports.peers import PEER_METRICS, agency_series, own_value, peer_stats
from reports.paging import count_rows, list_page, page_number
from reports.urlstate import sort_links, url_toggle, url_with

PER_PAGE = 50


def published_reports():
    """The agency's published reports, for subqueries (report_published_agency_idx)."""
    return Report.objects.filter(agency=OuterRef("pk"), status=Status.PUBLISHED, is_current=True)


def agency_list(request):
    """Agencies by name with their number of published reports; anonymous users see only
    agencies with one (those known only from unreviewed uploads stay out of public view).

    The count is a subquery per row shown, not a GROUP BY over every report: by name the page
    reads 50 agencies through agency_name_idx (issue 11). Sorting by the count is the one order
    that has to count every agency's reports."""
    agencies = Agency.objects.all()
    if not is_staff(request):
        agencies = agencies.filter(Exists(published_reports()))
    n_reports = Subquery(published_reports().order_by().values("agency").annotate(n=Count("pk")).values("n"))
    listed = (agencies.select_related("region", "region__province", "region__prefecture")
              .annotate(n_reports=Coalesce(n_reports, 0)).order_by("name", "pk"))
    filterset = AgencyFilter(request.GET, queryset=listed, request=request)
    fmt = request.GET.get("format") or "html"
    if fmt == "json" and not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
    count = count_rows(filterset.apply_filters(agencies))
    page = list_page(filterset.qs, number=page_number(request.GET.get("page")), per_page=PER_PAGE, count=count)
    max_rows = max_facet_rows()
    facets = facet_results(
        agency_facets(), base_for=lambda facet: filterset.apply_filters(agencies, without=facet.own_filters),
        selected=filterset.selected_keys(), page_count=count, params=request.GET, path=request.path,
        max_rows=max_rows,
    )
    if fmt == "json":
        return list_json(request, page=page, rows=[agency_row(a, request) for a in page.rows], facets=facets,
                         max_rows=max_rows, parameters=echo_parameters(request.GET))
    return render(request, "agencies/agency_list.html", {
        "filter": filterset,
        "page": page,
        "agencies": page.rows,
        "facets": facets,
        "facets_capped": not all(f.counted for f in facets),
        "facet_max_rows": max_rows,
        "active_filters": active_filters(filterset),
        "sort": sort_links(request.GET, ("name", "level", "reports")),
        "json_url": url_with(request.GET, {"format": "json"}),
    })


def agency_row(agency, request):
    region = agency.region
    return {
        "id": agency.pk,
        "url": request.build_absolute_uri(agency.get_absolute_url()),
        "name": agency.name,
        "level": agency.level,
        "region": {"id": region.pk, "code": region.code, "name": region.full_name} if region else None,
        "published_reports": agency.n_reports,
    }


def agency_detail(request, pk):
    agency = get_object_or_404(Agency.objects.select_related("region", "region__province"), pk=pk)
    staff = is_staff(request)
    include_unreviewed = staff and request.GET.get("include_unreviewed") in {"1", "true", "on"}
    series = agency_series(agency, Report.objects.visible_to(request.user, include_unreviewed=include_unreviewed))
    if not series and not staff:
        raise Http404(_("该机关没有已发布的报告"))
    lang = get_language() or "zh"

    by_year = {r.year: r for r in series if r.year is not None}
    form = PeerYearForm(request.GET or None, years=by_year)
    year = form.cleaned_data["year"] if form.is_valid() and form.cleaned_data.get("year") else max(by_year, default=None)
    chosen = by_year.get(year)
    peers = []
    if chosen is not None and chosen.province_id and chosen.status == Status.PUBLISHED:
        peers = [
            {"stats": peer_stats(year=year, province_id=chosen.province_id, level=agency.level,
                                 metric=m, value=own_value(chosen, m)),
             "label": metric_label(m)}
            for m in PEER_METRICS
        ]
    return render(request, "agencies/agency_detail.html", {
        "agency": agency,
        "series": series,
        "key_columns": [{"code": c, "label": label(c, lang)} for c in KEY_CODES],
        "rows": [{"report": r, "values": [getattr(r, c) for c in KEY_CODES]} for r in series],
        "trend": {**build_agency_trend(
            series, KEY_CODES, title=_("%(agency)s · 主要指标历年变化（件）") % {"agency": agency.name},
            notes=[_("来源：该机关各年度政府信息公开工作年度报告") + (
                _("（含未发布、审核中的报告）") if include_unreviewed else _("（经人工审核并发布）"))]),
                  "config": plotly_config(f"agency-{agency.pk}")} if series else None,
        "form": form,
        "year": year,
        "chosen": chosen,
        "peers": peers,
        "is_staff": staff,
        "include_unreviewed": include_unreviewed,
        "include_unreviewed_url": url_toggle(request.GET, "include_unreviewed"),
    })

