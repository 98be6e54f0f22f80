"""/coverage/: counts per region, the agency matrix, drill-down and cell links, CSV/JSON twins, errors, query counts."""
import csv
import io
import json
from datetime import date

import pytest
from django.utils import translation
from django.urls import reverse

from agencies.models import Region
from reports.models import Status
from tests.factories import AgencyFactory, ReportFactory

pytestmark = pytest.mark.django_db

URL = reverse("reports:coverage")


def region(code):
    return Region.objects.get(code=code)


def report(agency, year, issued=None, **fields):
    fields.setdefault("layout", "standard_2021" if year >= 2021 else "standard_2019")
    return ReportFactory(agency=agency, year=year, issued_on=issued, **fields)


@pytest.fixture
def data():
    """福建: 平潭 (county of 福州) with a late 2021 and a missing 2022; 厦门 on time; 河北 province departments."""
    pingtan = AgencyFactory(name="平潭县教育局", region=region("350128"))
    xiamen = AgencyFactory(name="厦门市教育局", region=region("350200"))
    hebei = AgencyFactory(name="河北省教育厅", region=region("130000"))
    return {
        "pingtan_2021": report(pingtan, 2021, date(2022, 2, 10)),
        "xiamen_2021": report(xiamen, 2021, date(2022, 1, 10)),
        "xiamen_2022": report(xiamen, 2022, date(2023, 1, 10), layout="standard_2019"),
        "hebei_2022": report(hebei, 2022, None),
        "hebei_2023": report(hebei, 2023, date(2024, 1, 5), status=Status.NEEDS_REVIEW),
        "pingtan": pingtan, "xiamen": xiamen, "hebei": hebei,
    }


def test_country_page_counts_provinces_and_lists_agencies(client, data):
    response = client.get(URL, {"year__gte": 2021, "year__lte": 2023})
    html = response.content.decode()
    assert response.status_code == 200
    assert "福建省" in html and "河北省" in html and "各地区统计（省级）" in html
    # Drill-down link of a province row keeps the years and drops the level.
    assert f'href="?year__gte=2021&amp;year__lte=2023&amp;region=350000" class="drill"' in html
    # Each matrix cell links to its report, or to the (empty) report list of its agency and year.
    assert f'href="{data["pingtan_2021"].get_absolute_url()}"' in html
    assert f'href="/reports/?agency={data["pingtan"].pk}&amp;year=2022"' in html
    assert "逾期 10 天" in html and "模板不符" in html


def test_anonymous_users_see_published_reports_only(client, staff_client, data):
    html = client.get(URL, {"year__gte": 2023, "year__lte": 2023, "region": "130000"}).content.decode()
    assert "待审核" not in html and "未发布" in html
    assert data["hebei_2023"].get_absolute_url() not in html
    html = staff_client.get(URL, {"year__gte": 2023, "year__lte": 2023, "region": "130000"}).content.decode()
    assert "待审核" in html and f'href="{data["hebei_2023"].get_absolute_url()}"' in html


def test_drilling_down_from_province_to_prefecture_to_county(client, data):
    html = client.get(URL, {"region": "350000", "year__gte": 2021, "year__lte": 2022}).content.decode()
    assert "各地区统计（地级）" in html and "福州市" in html and "厦门市" in html
    assert "region=350100" in html and "平潭县教育局" in html
    html = client.get(URL, {"region": "350100", "year__gte": 2021, "year__lte": 2022}).content.decode()
    assert "各地区统计（县级）" in html and "平潭县" in html and "厦门市教育局" not in html
    assert '<a href="?region=350000&amp;year__gte=2021&amp;year__lte=2022">福建省</a>' in html  # breadcrumbs
    html = client.get(URL, {"region": "350128", "year__gte": 2021, "year__lte": 2022}).content.decode()
    assert "平潭县合计" in html and "平潭县教育局" in html


def test_count_chips_link_to_the_agencies_in_that_state(client, data):
    html = client.get(URL, {"region": "350000", "year__gte": 2021, "year__lte": 2022}).content.decode()
    chip = "?region=350100&amp;year__gte=2022&amp;year__lte=2022&amp;state=missing#agencies"
    assert f'href="{chip}"' in html
    html = client.get(URL, {"region": "350100", "year__gte": 2022, "year__lte": 2022, "state": "missing"}).content.decode()
    assert "平潭县教育局" in html and "机关（1 个）" in html


def test_query_count_does_not_grow_with_the_data(client, data, django_assert_num_queries):
    params = {"region": "350000", "year__gte": 2019, "year__lte": 2023}
    # the region, the regions of the level, the rollup's last year, the counts, the matrix page
    # with its total
    with django_assert_num_queries(5):
        client.get(URL, params)
    for i in range(30):
        who = AgencyFactory(name=f"福州市测试局{i}", region=region("350100" if i % 2 else "350203"))
        report(who, 2019 + i % 5, date(2020 + i % 5, 1, 20))
    with django_assert_num_queries(5):
        assert client.get(URL, params).status_code == 200
    with django_assert_num_queries(5):  # no region to look up; the default years need the latest year
        client.get(URL)


def test_the_matrix_is_paginated(client, monkeypatch):
    monkeypatch.setattr("reports.coverage.PER_PAGE", 2)
    for i in range(5):
        report(AgencyFactory(name=f"平潭县测试局{i}", region=region("350128")), 2021, date(2022, 1, 1))
    html = client.get(URL, {"region": "350128", "year__gte": 2021, "year__lte": 2021, "page": 3}).content.decode()
    assert "平潭县测试局4" in html and "平潭县测试局3" not in html and "第 3 / 3 页" in html
    for past_the_end in (9, "x", -1):  # as Django's get_page: the last page, or the first for junk
        html = client.get(URL, {"region": "350128", "year__gte": 2021, "year__lte": 2021,
                                "page": past_the_end}).content.decode()
        assert ("第 1 / 3 页" if past_the_end == "x" else "第 3 / 3 页") in html


def test_regions_csv_is_the_table_of_the_page(client, data):
    response = client.get(URL, {"region": "350000", "year__gte": 2021, "year__lte": 2022, "format": "csv"})
    body = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv") and body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:4] == ["区划代码 (region_code)", "地区 (region)", "年度 (year)", "应报或已报机关 (agencies)"]
    assert "待审核 (waiting)" not in rows[0]  # anonymous users never see that state
    fuzhou = {r[2]: r for r in rows[1:] if r[0] == "350100"}
    header = rows[0]
    assert fuzhou["2022"][header.index("未发布 (missing)")] == "1"
    assert fuzhou["2021"][header.index("逾期发布 (late)")] == "1"
    assert rows[-1][1] == "福建省合计"


def test_agencies_csv_has_every_agency_year_with_links_and_escapes_formulas(client, data, monkeypatch):
    monkeypatch.setattr("reports.coverage.PER_PAGE", 1)  # the CSV holds every page
    evil = AgencyFactory(name="=HYPERLINK(\"http://x\")局", region=region("350128"))
    report(evil, 2021, date(2022, 1, 2))
    response = client.get(URL, {"region": "350000", "year__gte": 2021, "year__lte": 2022, "format": "csv",
                                "table": "agencies"})
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    by = {(r["机关 (agency)"], r["年度 (year)"]): r for r in rows}
    assert by["'=HYPERLINK(\"http://x\")局", "2021"]["状态代码 (state)"] == "on_time"
    missing = by["平潭县教育局", "2022"]
    assert missing["状态代码 (state)"] == "missing" and missing["链接 (url)"].endswith(
        f"/reports/?agency={data['pingtan'].pk}&year=2022")
    late = by["平潭县教育局", "2021"]
    assert (late["逾期天数 (days_late)"], late["发布期限 (deadline)"], late["报告日期 (issued_on)"]) == (
        "10", "2022-01-31", "2022-02-10")
    assert by["厦门市教育局", "2022"]["模板不符 (wrong_template)"] == "是"


def test_json_is_the_page(client, data):
    payload = json.loads(client.get(URL, {"region": "350000", "year__gte": 2021, "year__lte": 2022,
                                          "format": "json"}).content)
    assert payload["years"] == [2021, 2022] and payload["level"] == "prefecture"
    fuzhou = next(r for r in payload["regions"] if r["code"] == "350100")
    assert fuzhou["years"][1] == {"year": 2022, "agencies": 1, "on_time": 0, "late": 0, "date_unknown": 0,
                                  "missing": 1, "not_due": 0, "wrong_template": 0}
    assert payload["agencies"]["count"] == 2 and payload["agencies"]["pages"] == 1
    pingtan = next(r for r in payload["agencies"]["rows"] if r["name"] == "平潭县教育局")
    assert pingtan["years"][0]["state"] == "late" and pingtan["years"][0]["days_late"] == 10
    assert pingtan["years"][0]["url"].endswith(data["pingtan_2021"].get_absolute_url())


@pytest.mark.parametrize("params", [
    {"year__gte": "abc"},
    {"year__gte": 2022, "year__lte": 2020},
    {"year__gte": 2000},
    {"year__gte": 2008, "year__lte": 2030},          # more than 20 years
    {"region": "999999"},
    {"region": "350000", "level": "province"},        # not below the region
    {"level": "county"},                              # every county of China: choose a province first
    {"state": "bogus"},
    {"format": "xml"},
])
def test_invalid_input_shows_errors_and_gives_400(client, params):
    response = client.get(URL, params)
    assert response.status_code == 400 and "参数有误" in response.content.decode()
    response = client.get(URL, {**params, "format": "csv"} if "format" not in params else params)
    assert response.status_code == 400
    if "format" not in params:
        assert "errors" in json.loads(client.get(URL, {**params, "format": "json"}).content)


def test_site_header_links_to_the_page(client):
    html = client.get(reverse("reports:list")).content.decode()
    assert f'<a href="{URL}">发布情况</a>' in html


def test_english_page(client, data):
    with translation.override("en"):
        english = reverse("reports:coverage")
    assert english == "/en/coverage/"
    html = client.get(english, {"region": "350000", "year__gte": 2021, "year__lte": 2022}).content.decode()
    assert "Report coverage" in html and "Published late" in html and "Missing" in html
    assert "10 days late" in html and "Wrong template" in html


def test_the_row_of_a_region_own_agencies_links_to_them_only(client, data):
    fujian = AgencyFactory(name="福建省教育厅", region=region("350000"))
    report(fujian, 2022, None)
    html = client.get(URL, {"region": "350000", "year__gte": 2022, "year__lte": 2022}).content.decode()
    assert 'href="?region=350000&amp;year__gte=2022&amp;year__lte=2022&amp;own=1" class="drill">福建省本级' in html
    chip = "?region=350000&amp;year__gte=2022&amp;year__lte=2022&amp;own=1&amp;state=date_unknown#agencies"
    assert f'href="{chip}"' in html
    html = client.get(URL, {"region": "350000", "own": "1", "year__gte": 2022, "year__lte": 2022}).content.decode()
    assert "福建省教育厅" in html and "平潭县教育局" not in html and "福建省本级合计" in html
    assert "各地区统计" not in html and "<strong aria-current=\"page\">本级机关</strong>" in html
    payload = json.loads(client.get(URL, {"own": "1", "format": "json", "year__gte": 2022,
                                          "year__lte": 2022}).content)
    assert payload["agencies"]["count"] == 0  # every agency here has a region


def test_a_selection_with_more_agencies_than_a_page_lists_asks_for_a_region(client, data, monkeypatch):
    monkeypatch.setattr("reports.coverage.MATRIX_LIMIT", 1)
    html = client.get(URL, {"year__gte": 2021, "year__lte": 2022}).content.decode()
    assert "超过逐一列出的上限（1 个）" in html and "平潭县教育局" not in html
    assert "福建省" in html  # the counts still lead on to each province
    payload = json.loads(client.get(URL, {"year__gte": 2021, "year__lte": 2022, "format": "json"}).content)
    assert payload["agencies"]["listed"] is False and payload["agencies"]["rows"] == []
    assert payload["total"][0]["agencies"] == 2
    # The agencies CSV still lists every agency of the selection.
    lines = client.get(URL, {"year__gte": 2021, "year__lte": 2022, "format": "csv", "table": "agencies"})
    assert "平潭县教育局" in b"".join(lines.streaming_content).decode("utf-8-sig")
    html = client.get(URL, {"year__gte": 2021, "year__lte": 2022, "region": "350128"}).content.decode()
    assert "平潭县教育局" in html  # one agency: listed
