"""Facet counts, JSON twins, estimated counts and pages of /reports/ and /agencies/ (issues 10, 11)."""
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection

from agencies.models import Agency, Region
from reports.models import Report, Status
from reports.paging import RowCount, list_page
from tests.factories import AgencyFactory, RegionFactory, ReportFactory

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="planner estimates are PostgreSQL's")


@pytest.fixture
def provinces():
    return (RegionFactory(code="990100", name="甲省", level=Region.Level.PROVINCE),
            RegionFactory(code="990200", name="乙省", level=Region.Level.PROVINCE),
            RegionFactory(code="990300", name="丙省", level=Region.Level.PROVINCE))


@pytest.fixture
def reports(provinces):
    """Reports over three provinces, two years, two layouts, with and without warnings; 丙省's
    only report is unpublished, as are one of 甲省's."""
    a, b, c = provinces

    def report(region, year, *, layout="standard_2021", warnings=0, status=Status.PUBLISHED, level="prefecture"):
        return ReportFactory(agency=AgencyFactory(region=region, level=level), year=year, layout=layout,
                             warning_count=warnings, status=status)

    for year in (2021, 2022):
        report(a, year)
        report(a, year, warnings=2)
        report(b, year, layout="standard_2019")
    report(a, 2022, layout="prose", level="county")
    report(a, 2022, status=Status.NEEDS_REVIEW)
    report(c, 2021, status=Status.NEEDS_REVIEW, warnings=1)
    report(b, 2021, status=Status.WITHDRAWN)
    return provinces


def analyze():
    """Fresh planner statistics, so that PostgreSQL's estimates of these few rows are close."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reports_report")


def facets_of(response):
    return {f.name: f for f in response.context["facets"]}


def counts(facet):
    return {v.key: v.count for v in facet.values}


def fresh_count(**filters):
    return Report.objects.published().filter(**filters).count()


def test_each_facet_count_is_a_fresh_count_with_its_value_applied(client, reports):
    a, b, _c = reports
    response = client.get("/reports/?year=2022&layout=standard_2021")
    facets = facets_of(response)
    assert set(facets) == {"province", "year", "layout", "has_warnings"}  # no status for anonymous
    assert counts(facets["province"]) == {
        str(p.pk): fresh_count(province=p, year=2022, layout="standard_2021") for p in (a,)}
    # Its own filter left out: every year and layout stays a choice, counted under the other filters.
    assert counts(facets["year"]) == {"2022": fresh_count(year=2022, layout="standard_2021"),
                                      "2021": fresh_count(year=2021, layout="standard_2021")}
    assert counts(facets["layout"]) == {
        layout: fresh_count(year=2022, layout=layout) for layout in ("standard_2021", "standard_2019", "prose")}
    assert counts(facets["has_warnings"]) == {
        "true": fresh_count(year=2022, layout="standard_2021", warning_count__gt=0),
        "false": fresh_count(year=2022, layout="standard_2021", warning_count=0)}
    assert [v.key for v in facets["year"].values] == ["2022", "2021"]  # years newest first
    assert [v.selected for v in facets["layout"].values if v.key == "standard_2021"] == [True]


def test_province_facet_drops_lower_regions_and_links_toggle(client, reports):
    a, b, _c = reports
    response = client.get(f"/reports/?province={a.pk}&year=2021")
    province = facets_of(response)["province"]
    # 乙省 stays a choice with its own count, under the year filter only.
    assert counts(province) == {str(a.pk): fresh_count(province=a, year=2021),
                                str(b.pk): fresh_count(province=b, year=2021)}
    chosen = next(v for v in province.values if v.key == str(a.pk))
    other = next(v for v in province.values if v.key == str(b.pk))
    assert chosen.selected and chosen.url == "/reports/?year=2021"
    assert parse_qs(urlsplit(other.url).query) == {"province": [str(b.pk)], "year": ["2021"]}
    # Following the link gives the list the count promised.
    assert client.get(other.url).context["page"].count.value == other.count


def test_anonymous_never_sees_unpublished_counts(client, reports):
    _a, _b, c = reports
    for url in ("/reports/", "/reports/?include_unreviewed=1", "/reports/?status=needs_review&include_unreviewed=1"):
        facets = facets_of(client.get(url))
        assert "status" not in facets
        assert str(c.pk) not in counts(facets["province"])  # 丙省 has only an unreviewed report
        assert sum(counts(facets["province"]).values()) == Report.objects.published().count()
    data = client.get("/reports/?format=json&include_unreviewed=1").json()
    assert data["count"] == Report.objects.published().count()
    assert [f["name"] for f in data["facets"]] == ["province", "year", "layout", "has_warnings"]
    assert {r["status"] for r in data["rows"]} == {"published"}


def test_staff_status_facet_counts_every_visible_status_and_links_include_them(staff_client, reports):
    facets = facets_of(staff_client.get("/reports/"))
    current = Report.objects.current()
    assert counts(facets["status"]) == {
        s: current.filter(status=s).count() for s in ("published", "needs_review")}  # withdrawn never listed
    needs_review = next(v for v in facets["status"].values if v.key == "needs_review")
    assert parse_qs(urlsplit(needs_review.url).query) == {"status": ["needs_review"], "include_unreviewed": ["1"]}
    response = staff_client.get(needs_review.url)
    assert response.context["page"].count.value == needs_review.count == 2


def test_json_twin_shape_pages_and_facets(client, reports):
    a, _b, _c = reports
    data = client.get(f"/reports/?format=json&province={a.pk}").json()
    assert set(data) == {"parameters", "count", "count_estimated", "page", "per_page", "pages", "next",
                         "previous", "facets", "facet_count_max_rows", "rows"}
    assert data["parameters"] == {"province": str(a.pk)}
    assert (data["count"], data["count_estimated"], data["page"], data["pages"]) == (
        fresh_count(province=a), False, 1, 1)
    assert data["next"] is None and data["previous"] is None
    row = data["rows"][0]
    assert set(row) == {"id", "url", "agency", "year", "province", "prefecture", "county", "layout", "status",
                        "warning_count", "figures"}
    assert row["province"] == {"id": a.pk, "code": "990100", "name": "甲省"}
    assert row["url"].startswith("http://testserver/reports/")
    assert set(row["figures"]) == {"requests_received", "outcome_total", "review_total", "litigation_total"}
    year = next(f for f in data["facets"] if f["name"] == "year")
    assert year["counted"] and {v["value"]: v["count"] for v in year["values"]} == {
        "2022": fresh_count(province=a, year=2022), "2021": fresh_count(province=a, year=2021)}
    link = year["values"][0]["toggle_url"]
    assert link.startswith("http://testserver/reports/?") and "format=json" in link
    assert client.get(link).json()["count"] == year["values"][0]["count"]


def test_json_pages_link_forward_and_back(client, reports, monkeypatch):
    monkeypatch.setattr("reports.views.PER_PAGE", 2)
    first = client.get("/reports/?format=json").json()
    assert first["pages"] == -(-Report.objects.published().count() // 2) and first["previous"] is None
    second = client.get(first["next"]).json()
    assert second["page"] == 2 and second["previous"].endswith("page=1")
    assert {r["id"] for r in first["rows"]}.isdisjoint(r["id"] for r in second["rows"])


def test_json_invalid_filters_are_400_with_errors(client):
    response = client.get("/reports/?format=json&year=abc")
    assert response.status_code == 400 and "year" in response.json()["errors"]
    assert client.get("/agencies/?format=json&level=bogus").status_code == 400


def test_default_order_is_newest_year_then_newest_report(client, reports):
    ids = [r["id"] for r in client.get("/reports/?format=json").json()["rows"]]
    expected = list(Report.objects.published().order_by("-year", "-pk").values_list("pk", flat=True))
    assert ids == expected


def test_facets_too_large_to_count_list_values_without_counts(client, settings, reports):
    settings.LIST_FACET_MAX_ROWS = 2
    analyze()
    response = client.get("/reports/?year=2022")
    facets = facets_of(response)
    assert not any(f.counted for f in facets.values())
    assert {v.count for f in facets.values() for v in f.values} == {None}
    assert [v.key for v in facets["year"].values] == ["2022", "2021"]  # the span of years
    assert {"standard_2021", "prose", "unknown"} <= {v.key for v in facets["layout"].values}
    html = response.content.decode()
    assert "相应分面只列出取值、不显示计数" in html
    data = client.get("/reports/?format=json").json()
    assert data["facet_count_max_rows"] == 2 and not data["facets"][0]["counted"]


@postgres_only
def test_count_above_the_threshold_is_the_planners_estimate(client, settings, reports):
    settings.LIST_COUNT_ESTIMATE_ABOVE = 0
    response = client.get("/reports/")
    page = response.context["page"]
    assert page.count.estimated and page.paginator.num_pages is None
    assert "约" in response.content.decode() and "末页" not in response.content.decode()
    data = client.get("/reports/?format=json").json()
    assert data["count_estimated"] is True and data["pages"] is None
    assert client.get("/en/reports/").content.decode().count("about ") >= 1
    # Facets are not counted over an estimated set either (it may be far larger than the cap).
    assert not any(f.counted for f in response.context["facets"])


@postgres_only
def test_a_costly_scan_is_estimated_and_not_faceted_however_few_rows(client, settings, reports):
    """Rows no index serves cost more per row than an index-only scan: the planner's cost decides too."""
    settings.LIST_MAX_COST = 0
    analyze()
    response = client.get("/reports/?layout=standard_2021")
    assert response.context["page"].count.estimated
    assert not any(f.counted for f in response.context["facets"])
    settings.LIST_MAX_COST = 10**9
    response = client.get("/reports/?layout=standard_2021")
    assert response.context["page"].count == RowCount(fresh_count(layout="standard_2021"))
    assert all(f.counted for f in response.context["facets"])


def test_page_knows_its_next_page_without_a_count():
    rows = list(range(7))
    page = list_page(rows, number=3, per_page=3, count=RowCount(1000, estimated=True))
    assert (page.rows, page.has_next, page.has_previous, page.num_pages) == ([6], False, True, None)
    page = list_page(rows, number=2, per_page=3, count=RowCount(1000, estimated=True))
    assert page.rows == [3, 4, 5] and page.has_next
    # An exact count keeps a page past the end on the last page, as Paginator.get_page does.
    page = list_page(rows, number=9, per_page=3, count=RowCount(7))
    assert (page.number, page.rows, page.num_pages) == (3, [6], 3)


@pytest.mark.parametrize("n", [2, 12])
def test_facet_queries_do_not_grow_with_rows(client, django_assert_max_num_queries, provinces, n):
    for i in range(n):
        ReportFactory(agency=AgencyFactory(region=provinces[i % 3]), year=2015 + i)
    with django_assert_max_num_queries(10):
        response = client.get("/reports/?format=json&layout=standard_2021")
    assert response.json()["count"] == n


def test_agency_facets_count_visible_agencies(client, staff_client, reports):
    a, b, c = reports
    response = client.get("/agencies/?level=prefecture")
    facets = facets_of(response)
    public = Agency.objects.filter(reports__status=Status.PUBLISHED, reports__is_current=True).distinct()
    assert counts(facets["level"]) == {
        level: public.filter(level=level).count() for level in ("prefecture", "county")}
    assert counts(facets["province"]) == {
        str(p.pk): public.filter(region=p, level="prefecture").count() for p in (a, b)}
    # Staff see the agencies known only from unreviewed reports too.
    assert str(c.pk) in counts(facets_of(staff_client.get("/agencies/"))["province"])
    data = client.get(f"/agencies/?format=json&province={a.pk}").json()
    assert data["count"] == public.filter(region=a).count()
    assert set(data["rows"][0]) == {"id", "url", "name", "level", "region", "published_reports"}
    assert all(r["published_reports"] >= 1 for r in data["rows"])


def test_facet_size_shows_more_values(client, provinces):
    regions = [RegionFactory(code=f"98{i:02d}00", name=f"省{i}", level=Region.Level.PROVINCE) for i in range(32)]
    for region in regions:
        ReportFactory(agency=AgencyFactory(region=region))
    province = facets_of(client.get("/reports/"))["province"]
    assert len(province.values) == 30 and province.truncated
    assert province.more_url == "/reports/?facet_size=max"
    assert len(facets_of(client.get(province.more_url))["province"].values) == 32


def test_region_select_renders_like_djangos():
    """The joined <select> gives the options, labels and selection Django's template would."""
    from django import forms

    from reports.widgets import JoinedSelect

    choices = [("", "---------"), (1, "甲<省>"), (2, "乙省")]
    ours = JoinedSelect(choices=choices, attrs={"data-autosubmit": "1"}).render("province", "2", {"id": "id_province"})
    django = forms.Select(choices=choices, attrs={"data-autosubmit": "1"}).render("province", "2", {"id": "id_province"})
    assert ours == "".join(line.strip() for line in django.splitlines())
    assert '<option value="1">甲&lt;省&gt;</option>' in ours and '<option value="2" selected>乙省</option>' in ours



def test_region_options_and_facets_follow_the_language(client):
    zhejiang = RegionFactory(code="330000", name="浙江省", name_en="Zhejiang", level=Region.Level.PROVINCE)
    ReportFactory(agency=AgencyFactory(region=zhejiang))
    english = client.get("/en/reports/").content.decode()
    assert f'<option value="{zhejiang.pk}">Zhejiang</option>' in english
    assert f'<option value="{zhejiang.pk}">浙江省</option>' in client.get("/reports/").content.decode()
    assert facets_of(client.get("/en/reports/"))["province"].values[0].label == "Zhejiang"
