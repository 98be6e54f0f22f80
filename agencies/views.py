"""Agency pages: a searchable list with report counts, and one agency over the years among its peers."""
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from agencies.filters import AgencyFilter, PeerYearForm
from agencies.models import Agency
from reports.chart_frame import plotly_config
from reports.charts import build_agency_trend, metric_label
from reports.exports import KEY_CODES
from reports.filters import active_filters, is_staff
from reports.models import Report, Status
from reports.parsing.metrics import label
from reports.peers import PEER_METRICS, agency_series, own_value, peer_stats
from reports.urlstate import sort_links, url_toggle

PER_PAGE = 50


def agency_list(request):
    published = Q(reports__status=Status.PUBLISHED, reports__is_current=True)
    agencies = (
        Agency.objects.select_related("region", "region__province", "region__prefecture")
        .annotate(n_reports=Count("reports", filter=published))
        .order_by("name", "pk")
    )
    if not is_staff(request):
        # Agencies known only from unreviewed uploads stay out of public view.
        agencies = agencies.filter(n_reports__gt=0)
    filterset = AgencyFilter(request.GET, queryset=agencies, request=request)
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "agencies/agency_list.html", {
        "filter": filterset,
        "page": page,
        "agencies": page.object_list,
        "active_filters": active_filters(filterset),
        "sort": sort_links(request.GET, ("name", "level", "reports")),
    })


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

