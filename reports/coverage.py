"""The /coverage/ page: which agencies of a region published their report for each year, on time and on the template in force; its CSV and JSON twins."""
from __future__ import annotations

import csv
from functools import lru_cache
from urllib.parse import urlencode

from django import forms
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import get_language, gettext_lazy, ngettext

from agencies.models import Region
from reports import queries
from reports.completeness import LEVELS, Completeness, MatrixPaginator, Selection, regions_at
from reports.coverage_cells import count_cells, matrix_cells
from reports.exports import Echo
from reports.filters import CheckboxFlag, is_staff
from reports.models import CoverageCount, Report
from reports.spreadsheet import safe_row
from reports.timeliness import (
    FIRST_YEAR, PUBLISHED_STATES, STATE_HELP, STATE_LABELS, WRONG_TEMPLATE, WRONG_TEMPLATE_HELP,
    WRONG_TEMPLATE_LABEL, State, days_late, deadline,
)
from reports.urlstate import url_with

PER_PAGE = 50
# Agencies a page lists inline. The matrix is pivoted per request from the reports of the
# agencies in the selection, so its cost grows with them; above this many (a whole country, a
# large province) the page asks for a region instead, and the CSV lists them all.
MATRIX_LIMIT = 3000
MAX_YEARS = 20
DEFAULT_YEARS = 5
FORMATS = (("html", "HTML"), ("csv", "CSV"), ("json", "JSON"))
TABLES = (("regions", gettext_lazy("地区统计")), ("agencies", gettext_lazy("机关明细")))
LEVEL_CHOICES = (("province", gettext_lazy("省级")), ("prefecture", gettext_lazy("地级")),
                 ("county", gettext_lazy("县级")))
# The documented URL parameters (README "Coverage").
PARAMETERS = ("region", "own", "level", "year__gte", "year__lte", "state", "table", "format", "page")
DEPTH = {None: 0, "province": 1, "prefecture": 2, "county": 3}
SLOT = 987654321
PUBLISHED_SLUGS = tuple(s.slug for s in PUBLISHED_STATES)


STATE_CHOICES = (("", gettext_lazy("全部")),) + tuple((s.slug, STATE_LABELS[s]) for s in State) + (
    (WRONG_TEMPLATE, WRONG_TEMPLATE_LABEL),)


class CoverageForm(forms.Form):
    """Validates the /coverage/ query string; an invalid value is a form error, never a 500."""

    region = forms.ModelChoiceField(
        label=gettext_lazy("地区（区划代码）"), queryset=Region.objects.select_related("province", "prefecture"),
        to_field_name="code", required=False, widget=forms.HiddenInput,
    )
    level = forms.ChoiceField(label=gettext_lazy("统计层级"), choices=LEVEL_CHOICES, required=False)
    year__gte = forms.IntegerField(label=gettext_lazy("起始年度"), min_value=FIRST_YEAR, max_value=2100, required=False)
    year__lte = forms.IntegerField(label=gettext_lazy("截止年度"), min_value=FIRST_YEAR, max_value=2100, required=False)
    state = forms.ChoiceField(label=gettext_lazy("只看"), choices=STATE_CHOICES, required=False)
    own = forms.BooleanField(label=gettext_lazy("仅本级机关"), required=False, widget=CheckboxFlag)
    table = forms.ChoiceField(label=gettext_lazy("CSV 表格"), choices=TABLES, required=False)
    format = forms.ChoiceField(choices=FORMATS, required=False)

    def __init__(self, data, *, latest_year):
        super().__init__(data)
        self.latest_year = latest_year  # a callable: one query, made only when no end year is given

    def clean(self):
        data = super().clean()
        region = data.get("region")
        depth = DEPTH[region.level if region else None]
        level = data.get("level") or (LEVELS[depth] if depth < len(LEVELS) else None)
        if data.get("level"):
            if DEPTH[level] <= depth:
                self.add_error("level", _("统计层级须低于所选地区的层级。"))
            elif region is None and level == "county":
                self.add_error("level", _("按县级统计请先选择一个省或地市。"))
        # The agencies of the region itself have no finer regions to be counted by.
        data["level"] = None if data.get("own") else level
        low, high = data.get("year__gte"), data.get("year__lte")
        if high is None:
            latest = self.latest_year() or timezone.localdate().year - 1
            high = max(latest, low) if low else latest
            high = min(high, low + MAX_YEARS - 1) if low else high
        if low is None:
            low = max(FIRST_YEAR, high - DEFAULT_YEARS + 1)
        if low > high:
            self.add_error("year__lte", _("截止年度不能早于起始年度。"))
        elif high - low + 1 > MAX_YEARS:
            self.add_error("year__lte", _("一次最多显示 %(n)d 个年度。") % {"n": MAX_YEARS})
        data["years"] = tuple(range(low, high + 1))
        data["table"] = data.get("table") or "regions"
        data["format"] = data.get("format") or "html"
        return data


def coverage(request):
    staff = is_staff(request)
    # Staff always see reports still in review, as a state of their own ("waiting for review");
    # for everyone else an unpublished report does not exist, so its agency-year counts as missing.
    visible = Report.objects.visible_to(request.user, include_unreviewed=staff)
    form = CoverageForm(request.GET, latest_year=lambda: queries.latest_year(visible))
    fmt = request.GET.get("format") or "html"
    if not form.is_valid():
        if fmt in ("csv", "json"):
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return render(request, "reports/coverage.html", {"form": form, "staff": staff}, status=400)
    data = form.cleaned_data
    selection = Selection(region=data["region"], level=data["level"], years=data["years"],
                          state=data["state"] or None, today=timezone.localdate(), own=data["own"])
    states = [s for s in State if staff or s != State.WAITING]
    links = Links(request, staff=staff)
    audience = CoverageCount.Audience.STAFF if staff else CoverageCount.Audience.PUBLIC
    matrix = Completeness(visible, selection, audience=audience)
    if data["format"] == "csv" and data["table"] == "agencies":
        return agencies_csv(matrix, links)
    regions = region_table(selection, matrix.region_counts(), states, links)
    if data["format"] == "csv":
        return regions_csv(regions, selection, states)
    # The most agencies expected or reporting in one year: at least as many rows as the matrix.
    agencies = max((cell["agencies"] for cell in regions["total"]), default=0)
    if agencies > MATRIX_LIMIT:
        page, rows = None, []
    else:
        page = MatrixPaginator(matrix, PER_PAGE).get_page(request.GET.get("page"))
        rows = [matrix_row(row, selection, links) for row in page.object_list]
    if data["format"] == "json":
        return coverage_json(request, selection, regions, states, page, rows, agencies=agencies)
    return render(request, "reports/coverage.html", {
        "form": form, "data": data, "selection": selection, "staff": staff,
        "years": selection.years, "states": [_legend(s) for s in states],
        "wrong_template": {"slug": WRONG_TEMPLATE, "label": WRONG_TEMPLATE_LABEL, "help": WRONG_TEMPLATE_HELP},
        "regions": regions, "page": page, "rows": rows, "agencies_shown": agencies, "matrix_limit": MATRIX_LIMIT,
        "level_label": dict(LEVEL_CHOICES).get(selection.level, ""),
        "trail": trail(selection, links), "total_name": total_name(selection),
        "levels": level_choices(selection.region),
        "csv_regions_url": url_with(request.GET, {"format": "csv", "table": "regions"}),
        "csv_agencies_url": url_with(request.GET, {"format": "csv", "table": "agencies"}),
        "json_url": url_with(request.GET, {"format": "json"}),
        "deadlines": [(y, deadline(y), deadline(y, government=True)) for y in selection.years],
    })


def level_choices(region) -> list:
    """The levels the counts of `region` can be grouped by: those below it (counties of the
    whole country would be some 2,800 rows: choose a province first)."""
    depth = DEPTH[region.level if region else None]
    return [(value, label) for value, label in LEVEL_CHOICES
            if DEPTH[value] > depth and (region is not None or value != "county")]


def _legend(state: State) -> dict:
    return {"slug": state.slug, "label": state.label, "help": STATE_HELP[state]}


class Links:
    """Every link of the page, built from the request's query string (the URL is the state)."""

    def __init__(self, request, *, staff):
        self.params, self.staff = request.GET, staff
        self.base = request.build_absolute_uri("/")[:-1]
        self.list_path = reverse("reports:list")
        # Reversed once with a stand-in id, not once per cell.
        self.report_path = reverse("reports:detail", args=[SLOT])
        self._patterns = {}

    def region(self, code, *, own=False):
        """This page narrowed to a region (`own`: to the agencies of the region itself)."""
        return self._pattern(code, own, "region", {})

    def counts(self, code, *, own=False):
        """f(year, state) -> this page narrowed to the region, that year and the agencies in that
        state. The query string is built once per page; each link fills in its region, year and
        state (a country page by prefecture has 450 rows and thousands of counts)."""
        pattern = self._pattern(code, own, "counts", {"year__gte": "YEAR", "year__lte": "YEAR", "state": "STATE"})
        return lambda year, state: pattern.replace("YEAR", str(year)).replace("STATE", state) + "#agencies"

    def _pattern(self, code, own, kind, extra):
        if code is None:  # the region parameter goes: no pattern to fill
            return url_with(self.params, {"region": None, "own": 1 if own else None, "level": None,
                                          "format": None, "table": None, **extra})
        key = (kind, own)
        if key not in self._patterns:
            self._patterns[key] = url_with(self.params, {"region": "REGION", "own": 1 if own else None, "level": None,
                                                         "format": None, "table": None, **extra})
        return self._patterns[key].replace("REGION", code)

    def report(self, report_id, *, absolute=False):
        path = self.report_path.replace(str(SLOT), str(report_id))
        return self.base + path if absolute else path

    def absence(self, agency_id, year, *, absolute=False):
        """The report list filtered to the agency and year: it shows that nothing is there."""
        params = [("agency", agency_id), ("year", year)] + ([("include_unreviewed", "1")] if self.staff else [])
        path = f"{self.list_path}?{urlencode(params)}"
        return self.base + path if absolute else path

    def agency(self, agency_id, *, reported):
        # Anonymous users get a 404 on the page of an agency without published reports.
        if reported or self.staff:
            return reverse("agencies:detail", args=[agency_id])
        return f"{self.list_path}?{urlencode({'agency': agency_id})}"


def trail(selection, links):
    """Breadcrumbs from the whole country down to the selected region, each a link to it."""
    region = selection.region
    path = [None]
    if region is not None:
        path += [r for r in (region.province, region.prefecture) if r is not None and r.pk != region.pk]
        path.append(region)
    out = [{"name": r.local_name if r else _("全国"), "url": links.region(r.code if r else None)} for r in path]
    if selection.own:
        out.append({"name": _("本级机关") if region else _("未确定区划的机关"), "url": ""})
    return out


def region_table(selection, counts, states, links) -> dict:
    """Rows of the counts table: each region at the level (agencies above it in one row of its
    own), then the total of the selection. One entry per year: counts per state."""
    names = ["agencies", *(s.slug for s in states), WRONG_TEMPLATE]
    chip_states = [(s.slug, s.label) for s in states]

    def per_year(found):
        return [{"year": y, **{n: (found or {}).get(y, {}).get(n, 0) for n in names}} for y in selection.years]

    rows = []
    for region in regions_at(selection):
        rows.append({"code": region.code, "name": region.local_name, "level": region.level,
                     "years": per_year(counts.get(region.pk)), "url": links.region(region.code)})
    here = selection.region
    if None in counts and selection.level:
        # The agencies above the level: the region's own, or at country level those without one.
        rows.append({"code": here.code if here else "", "level": here.level if here else "", "own": True,
                     "name": _("%(region)s本级") % {"region": here.local_name} if here else _("未确定区划（含中央机关）"),
                     "years": per_year(counts[None]), "url": links.region(here.code if here else None, own=True)})
    total = per_year(None)
    for found in counts.values():
        for cell, year in zip(total, selection.years):
            for n in names:
                cell[n] += found.get(year, {}).get(n, 0)
    for row in rows + [{"years": total, "code": here.code if here else "", "own": selection.own}]:
        link = links.counts(row.get("code") or None, own=row.get("own", False))
        for cell in row["years"]:
            _cell_links(cell, chip_states, link)
        row["cells_html"] = count_cells(row["years"], wrong_label=texts(get_language())["wrong_label"])
    return {"rows": rows if selection.level else [], "total": total, "names": names,
            "total_html": count_cells(total, wrong_label=texts(get_language())["wrong_label"])}


def total_name(selection) -> str:
    """The label of the total row: 浙江省合计, 浙江省本级合计, 全国合计."""
    if selection.own:
        return _("%(region)s本级合计") % {"region": selection.region.local_name} if selection.region \
            else _("未确定区划的机关合计")
    return _("%(region)s合计") % {"region": selection.region.local_name} if selection.region else _("全国合计")


def _cell_links(cell, states, link):
    """The chips of one count cell: each state with its count, share and a link to the agencies."""
    n = cell["agencies"]
    cell["published"] = sum(cell.get(slug, 0) for slug in PUBLISHED_SLUGS)
    cell["chips"] = [{
        "slug": slug, "label": label, "n": cell[slug], "share": 100 * cell[slug] / n if n else 0,
        "url": link(cell["year"], slug),
    } for slug, label in states if cell.get(slug)]
    if cell.get(WRONG_TEMPLATE):
        cell["wrong"] = {"n": cell[WRONG_TEMPLATE], "url": link(cell["year"], WRONG_TEMPLATE)}


def matrix_row(row, selection, links) -> dict:
    """One agency row as the page shows it: each year's state with its link and explanation."""
    reported = any(c["report_id"] for c in row["cells"].values())
    row["url"] = links.agency(row["id"], reported=reported)
    row["year_cells"] = [_matrix_cell(row, year, cell, links) for year, cell in row["cells"].items()]
    said = texts(get_language())
    row["cells_html"] = matrix_cells(row["year_cells"], wrong_label=said["wrong_label"], wrong_help=said["wrong_help"])
    return row


@lru_cache(maxsize=8)
def texts(language) -> dict:
    """The translated pieces of cell titles, resolved once per language (hundreds of cells a page)."""
    return {"not_expected": _("不在应报范围"), "dated": _("报告日期 %(date)s"), "due": _("期限 %(date)s"),
            "wrong": _("模板不符（%(layout)s）"), "sep": _("；"),
            "wrong_label": str(WRONG_TEMPLATE_LABEL), "wrong_help": str(WRONG_TEMPLATE_HELP)}


def _matrix_cell(row, year, cell, links) -> dict:
    state, issued = cell["state"], cell["issued_on"]
    said = texts(get_language())
    due = deadline(year, government=row["government"])
    late = days_late(issued, year, government=row["government"])
    if cell["report_id"]:
        url = links.report(cell["report_id"])
    else:
        url = links.absence(row["id"], year)
    parts = [str(year), state.label if state is not None else said["not_expected"]]
    if issued:
        parts.append(said["dated"] % {"date": issued.isoformat()})
    if state is not None and state != State.WAITING:
        parts.append(said["due"] % {"date": due.isoformat()})
    if cell["wrong"]:
        parts.append(said["wrong"] % {"layout": cell["layout"]})
    return {
        "year": year, "state": state.slug if state else "none",
        "label": state.label if state else "—",
        "short": (ngettext("逾期 %(n)d 天", "逾期 %(n)d 天", late) % {"n": late}) if late and state == State.LATE
        else (state.label if state else "—"),
        "wrong": cell["wrong"], "url": url, "title": said["sep"].join(parts),
        "issued_on": issued, "deadline": due, "days_late": late if state == State.LATE else None,
        "report_id": cell["report_id"],
    }


def _header(label, code):
    return f"{label} ({code})"


def regions_csv(regions, selection, states):
    """One line per region and year, the counts the table shows; UTF-8 with BOM for Excel."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="coverage-regions.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_header(_("区划代码"), "region_code"), _header(_("地区"), "region"), _header(_("年度"), "year"),
                     _header(_("应报或已报机关"), "agencies"), *(_header(s.label, s.slug) for s in states),
                     _header(str(WRONG_TEMPLATE_LABEL), WRONG_TEMPLATE)])
    for row in regions["rows"] + [{"code": selection.region.code if selection.region else "",
                                   "name": total_name(selection), "years": regions["total"]}]:
        for cell in row["years"]:
            writer.writerow(safe_row([row["code"], row["name"], cell["year"], cell["agencies"],
                                      *(cell[s.slug] for s in states), cell[WRONG_TEMPLATE]]))
    return response


AGENCY_COLUMNS = (
    ("agency_id", gettext_lazy("机关编号")), ("agency", gettext_lazy("机关")),
    ("region_code", gettext_lazy("区划代码")), ("region", gettext_lazy("地区")), ("year", gettext_lazy("年度")),
    ("state", gettext_lazy("状态代码")), ("state_label", gettext_lazy("状态")),
    ("wrong_template", gettext_lazy("模板不符")), ("issued_on", gettext_lazy("报告日期")),
    ("deadline", gettext_lazy("发布期限")), ("days_late", gettext_lazy("逾期天数")), ("url", gettext_lazy("链接")),
)


def agencies_csv(matrix, links):
    """One line per agency and year with a state: every agency of the selection (all pages),
    streamed from the database in chunks."""

    def lines():
        writer = csv.writer(Echo())
        yield "\ufeff" + writer.writerow([_header(label, code) for code, label in AGENCY_COLUMNS])
        for row in matrix.iter_rows():
            for year, cell in row["cells"].items():
                if cell["state"] is None:
                    continue
                shown = _matrix_cell(row, year, cell, links)
                url = (links.report(cell["report_id"], absolute=True) if cell["report_id"]
                       else links.absence(row["id"], year, absolute=True))
                yield writer.writerow(safe_row([
                    row["id"], row["name"], row["region_code"] or "", row["region_path"], year, shown["state"],
                    shown["label"], _("是") if shown["wrong"] else "", shown["issued_on"] or "",
                    shown["deadline"], shown["days_late"] or "", url,
                ]))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="coverage-agencies.csv"'
    return response


def coverage_json(request, selection, regions, states, page, rows, *, agencies):
    """The page as JSON: the counts table and the agency rows of the page shown."""
    def counts(cell):
        return {"year": cell["year"], "agencies": cell["agencies"], **{s.slug: cell[s.slug] for s in states},
                WRONG_TEMPLATE: cell[WRONG_TEMPLATE]}

    base = request.build_absolute_uri("/")[:-1]
    return JsonResponse({
        "parameters": {k: request.GET.get(k) for k in PARAMETERS if k in request.GET and k != "format"},
        "region": selection.region.code if selection.region else None,
        "level": selection.level,
        "years": list(selection.years),
        "states": [{"code": s.slug, "label": s.label} for s in states]
        + [{"code": WRONG_TEMPLATE, "label": str(WRONG_TEMPLATE_LABEL)}],
        "regions": [{"code": r["code"], "name": r["name"], "level": r["level"], "own": r.get("own", False),
                     "years": [counts(c) for c in r["years"]]} for r in regions["rows"]],
        "total": [counts(c) for c in regions["total"]],
        # "listed": false when the selection has more agencies than a page lists (MATRIX_LIMIT):
        # no rows then; choose a region, or take the agencies CSV.
        "agencies": {
            "listed": page is not None, "limit": MATRIX_LIMIT,
            "count": page.paginator.count if page is not None else None,
            "page": page.number if page is not None else None,
            "pages": page.paginator.num_pages if page is not None else None, "per_page": PER_PAGE,
            "rows": [{
                "id": r["id"], "name": r["name"], "region_code": r["region_code"], "region": r["region_path"],
                "years": [{
                    "year": c["year"], "state": c["state"], "label": c["label"], WRONG_TEMPLATE: c["wrong"],
                    "issued_on": c["issued_on"].isoformat() if c["issued_on"] else None,
                    "deadline": c["deadline"].isoformat(), "days_late": c["days_late"],
                    "url": base + c["url"],
                } for c in r["year_cells"]],
            } for r in rows],
        },
    }, json_dumps_params={"ensure_ascii": False})
