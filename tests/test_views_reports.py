"""/reports/ and /reports/<id>/: visibility, filters in the page, fixed query counts, evidence, file."""
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.models import Figure, Finding, Status
from tests.factories import AgencyFactory, FigureFactory, RegionFactory, ReportFactory

pytestmark = pytest.mark.django_db


def _reports(n, **fields):
    province = RegionFactory(name="河北省")
    out = []
    for i in range(n):
        r = ReportFactory(agency=AgencyFactory(region=province), year=2015 + i % 9, **fields)
        for code in ("requests_received", "outcome_total", "review_total", "litigation_total", "granted"):
            FigureFactory(report=r, code=code, value=Decimal(i + 1))
        out.append(r)
    return province, out


def test_home_redirects_to_list(client):
    assert client.get("/").url == reverse("reports:list")


@pytest.mark.parametrize("n", [3, 30])
def test_list_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, n):
    province, _ = _reports(n)
    # province validation, count (+ its estimate on PostgreSQL), page rows, province /
    # prefecture / county choices; facets: province (size of its set, counts, names), year,
    # layout, warnings.
    with django_assert_max_num_queries(13):
        response = client.get(f"/reports/?province={province.pk}&year__gte=2015&o=-requests_received")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == n


@pytest.mark.parametrize("n", [3, 30])
def test_staff_list_query_count_does_not_grow_with_rows(staff_client, django_assert_max_num_queries, n):
    _reports(n, status=Status.NEEDS_REVIEW)
    # session and user, count (+ its estimate on PostgreSQL), rows, province and prefecture
    # choices; facets: province (counts, names), year, layout, status (size of its set,
    # counts), warnings.
    with django_assert_max_num_queries(14):
        response = staff_client.get("/reports/?include_unreviewed=1")
    assert response.context["page"].paginator.count == n


def test_list_shows_key_figures_and_never_removed_ones(client):
    r = ReportFactory(agency=AgencyFactory(name="河北省教育厅"))
    FigureFactory(report=r, code="requests_received", value=Decimal(428))
    FigureFactory(report=r, code="review_total", value=Decimal(7), removed=True)
    response = client.get("/reports/")
    row = response.context["reports"][0]
    assert row.key_values == [Decimal(428), None, None, None]
    assert "河北省教育厅" in response.content.decode()


def test_anonymous_never_sees_unreviewed_even_with_parameter(client):
    ReportFactory(agency=AgencyFactory(name="已发布机关"))
    ReportFactory(agency=AgencyFactory(name="待审核机关"), status=Status.NEEDS_REVIEW)
    for url in ("/reports/", "/reports/?include_unreviewed=1", "/reports/?include_unreviewed=1&status=needs_review"):
        html = client.get(url).content.decode()
        assert "已发布机关" in html and "待审核机关" not in html
    csv = b"".join(client.get("/reports/?include_unreviewed=1&format=csv").streaming_content).decode("utf-8-sig")
    assert "待审核机关" not in csv


def test_staff_include_unreviewed_is_carried_in_the_url(staff_client):
    ReportFactory(agency=AgencyFactory(name="已发布机关"))
    ReportFactory(agency=AgencyFactory(name="待审核机关"), status=Status.NEEDS_REVIEW)
    html = staff_client.get("/reports/").content.decode()
    assert "待审核机关" not in html
    assert 'href="?include_unreviewed=1"' in html
    html = staff_client.get("/reports/?include_unreviewed=1&year=2022").content.decode()
    assert "待审核机关" in html and "包含未发布（审核中）的报告：是" in html
    # Paging and sorting links keep the flag.
    assert "include_unreviewed=1&amp;year=2022&amp;o=year" in html


def test_invalid_parameters_show_form_errors_not_500(client):
    ReportFactory(agency=AgencyFactory(name="某机关"))
    response = client.get("/reports/?year=abc&province=zz&o=bogus&page=x&has_warnings=maybe")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "某机关" not in html
    assert response.context["filter"].errors.keys() >= {"year", "province", "o", "has_warnings"}
    assert client.get("/reports/?format=csv&year=abc").status_code == 400
    assert client.get("/reports/?format=xml").status_code == 200


def test_remove_filter_links_and_pagination_keep_the_state(client):
    province, _ = _reports(60)
    html = client.get(f"/reports/?province={province.pk}&year__gte=2015&page=2").content.decode()
    assert "省份：河北省" in html and "年度 ≥ 2015" in html
    assert f'href="?province={province.pk}"' in html  # removes the year filter
    assert f'href="?year__gte=2015"' in html  # removes the province
    assert f"?province={province.pk}&amp;year__gte=2015&amp;page=1" in html
    assert "第 2 / 2 页" in html


def test_detail_404_for_anonymous_unless_published(client, staff_client):
    pending = ReportFactory(status=Status.NEEDS_REVIEW)
    published = ReportFactory()
    assert client.get(pending.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:file", args=[pending.pk])).status_code == 404
    assert client.get(published.get_absolute_url()).status_code == 200
    assert staff_client.get(pending.get_absolute_url()).status_code == 200


def test_detail_query_count_does_not_grow_with_figures(client, django_assert_num_queries):
    for n in (3, 30):
        r = ReportFactory(text="x" * 400)
        for i in range(n):
            FigureFactory(report=r, code=f"code_{i}", start=i * 10, end=i * 10 + 5)
        Finding.objects.create(report=r, rule="identity", message="不平衡")
        # report, figures, findings.
        with django_assert_num_queries(3):
            response = client.get(r.get_absolute_url())
        assert len(response.context["figures"]) == n


def test_detail_highlights_evidence_escaped_and_linked(client):
    text = "一、概述<script>\n本年新收申请 428 件，予以公开 366 件。"
    r = ReportFactory(text=text, warnings=[{"code": "identity", "message": "总数不平衡", "figures": ["outcome_total"]}])
    start = text.index("本年新收")
    FigureFactory(report=r, code="requests_received", value=Decimal(428), evidence="本年新收申请 428 件",
                  start=start, end=start + len("本年新收申请 428 件"))
    FigureFactory(report=r, code="granted", value=Decimal(360), parsed_value=Decimal(366), corrected=True,
                  evidence="予以公开 366 件", start=text.index("予以公开"), end=text.index("予以公开") + 9)
    FigureFactory(report=r, code="denied", value=Decimal(0), start=None, end=None, method=Figure.Method.MANUAL)
    html = client.get(r.get_absolute_url()).content.decode()
    assert "&lt;script&gt;" in html and "<script>\n" not in html
    assert '<mark id="ev-requests_received" class="ev" data-codes="requests_received">本年新收申请 428 件</mark>' in html
    # The paragraph is shown once beside its figures, each number marked and linked from its figure.
    line = text.index("本年新收")
    assert f'<mark id="ev-{line}-t1" class="ev-hit" title="本年新收申请数">428</mark>' in html
    assert f'<mark id="ev-{line}-t3" class="ev-hit" title="予以公开">366</mark>' in html  # the source's number
    assert f'href="#ev-{line}-t1">本年新收申请数</a>' in html and f'href="#ev-{line}-t3">予以公开</a>' in html
    assert html.count("ev-block") == 2 and "（未定位）" in html  # the manual figure has no place in the text
    assert "人工更正，解析值 366" in html
    assert "总数不平衡" in html
    assert "本年新收申请数" in html  # label from the metric catalog


def test_detail_in_english(client):
    r = ReportFactory()
    FigureFactory(report=r, code="requests_received")
    html = client.get(f"/en{r.get_absolute_url()}").content.decode()
    assert "New requests received" in html


def test_file_download_with_original_name(client):
    r = ReportFactory(text="原文内容", original_filename="河北省报告.txt")
    response = client.get(reverse("reports:file", args=[r.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "原文内容"
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("query", [
    "province=99999999999999999999", "province=-1&prefecture=99999999999999999999", "agency=99999999999999999999",
    "page=99999999999999999999", "o=-requests_received,year", "year__gte=2030&year__lte=2010",
])
def test_out_of_range_values_never_500(client, query):
    ReportFactory()
    assert client.get("/reports/?" + query).status_code == 200


def test_list_in_english(client):
    ReportFactory(agency=AgencyFactory(name="河北省教育厅"))
    html = client.get("/en/reports/?year__gte=2019").content.decode()
    assert "Year ≥ 2019" in html and "Download CSV (all figures)" in html and "New requests received" in html
