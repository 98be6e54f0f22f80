"""English names of provinces and prefectures on English pages, Chinese ones on Chinese pages (issue 10)."""
import csv
import json
import re
from decimal import Decimal

import pytest

from agencies.divisions import DATA_DIR
from agencies.english_names import read_english_names
from agencies.loading import load_english_names
from agencies.models import Region
from reports import queries
from reports.models import Report
from tests.factories import AgencyFactory, report_with_figures

NAMES = read_english_names()


def test_every_province_and_prefecture_has_one_distinct_english_name():
    with open(DATA_DIR / "divisions.csv", encoding="utf-8") as f:
        wanted = {r["code"] for r in csv.DictReader(f) if r["level"] in ("province", "prefecture")}
    assert set(NAMES) == wanted and len(wanted) == 367
    prefectures = [n for code, n in NAMES.items() if not code.endswith("0000")]
    assert len(set(prefectures)) == len(prefectures)
    assert all(re.fullmatch(r"[A-Z][A-Za-zü' ,-]+", n) for n in NAMES.values())


@pytest.mark.parametrize(("code", "english"), [
    ("130000", "Hebei"), ("140000", "Shanxi"), ("610000", "Shaanxi"), ("150000", "Inner Mongolia"),
    ("450000", "Guangxi"), ("540000", "Xizang"), ("810000", "Hong Kong"), ("130100", "Shijiazhuang"),
    ("610100", "Xi'an"), ("341500", "Lu'an"), ("230100", "Harbin"), ("140400", "Changzhi"),
    ("411100", "Luohe"), ("650100", "Urumqi"), ("341300", "Suzhou, Anhui"), ("320500", "Suzhou, Jiangsu"),
    ("222400", "Yanbian Korean Autonomous Prefecture"), ("152500", "Xilingol League"), ("350100", "Fuzhou, Fujian"),
])
def test_sample_names(code, english):
    assert NAMES[code] == english


@pytest.mark.django_db
def test_migration_fills_name_en_and_reloading_changes_nothing():
    assert Region.objects.get(code="130000").name_en == "Hebei"
    assert Region.objects.get(code="130100").name_en == "Shijiazhuang"
    assert Region.objects.filter(level="county").exclude(name_en="").count() == 0
    assert load_english_names() == 0


@pytest.fixture
def hebei_report(db):
    hebei, shijiazhuang = Region.objects.get(code="130000"), Region.objects.get(code="130100")
    agency = AgencyFactory(name="石家庄市测试局", region=shijiazhuang, level="prefecture")
    return report_with_figures(agency=agency, province=hebei, prefecture=shijiazhuang, year=2022,
                               figures={"requests_received": 3119, "granted": 1362})


def test_lists_filters_and_pages_in_each_language(client, hebei_report):
    html = client.get("/en/reports/").content.decode()
    assert "Hebei Shijiazhuang" in html and ">Hebei</option>" in html and "3,119" in html
    assert "河北省" not in html
    html = client.get("/reports/").content.decode()
    assert "河北省 石家庄市" in html and ">河北省</option>" in html and "3,119" in html
    html = client.get(f"/en/reports/{hebei_report.pk}/").content.decode()
    assert "Hebei Shijiazhuang" in html and "3,119" in html
    html = client.get(f"/en/agencies/{hebei_report.agency.pk}/").content.decode()
    assert "Shijiazhuang, Hebei" in html
    assert "河北省石家庄市" in client.get(f"/agencies/{hebei_report.agency.pk}/").content.decode()
    html = client.get("/en/agencies/?province=" + str(hebei_report.province.pk)).content.decode()
    assert ">Hebei</option>" in html


def test_compare_rows_chart_and_csv_in_each_language(client, hebei_report):
    from django.utils import translation

    reports = Report.objects.published()
    with translation.override("en"):
        rows = queries.chart_rows(reports, level="prefecture", codes=["requests_received"])
    assert [(r["name"], r["requests_received"]) for r in rows] == [("Shijiazhuang", Decimal("3119"))]
    with translation.override("zh-hans"):
        assert queries.chart_rows(reports, level="province", codes=["requests_received"])[0]["name"] == "河北省"
    csv_en = client.get("/en/compare/?chart=volume&year=2022&level=prefecture&format=csv").content.decode()
    assert "Shijiazhuang" in csv_en and "石家庄" not in csv_en
    assert "石家庄市" in client.get("/compare/?chart=volume&year=2022&level=prefecture&format=csv").content.decode()
    page = client.get("/en/compare/?chart=map&year=2022").content.decode()
    figure = json.loads(re.search(r'<script id="figure-data" type="application/json">(.*?)</script>', page, re.S).group(1))
    # Drawn and no-data provinces, named in their hovers (the compare map's customdata).
    hovers = " ".join(text for trace in figure["data"] for text in trace["customdata"])
    assert "Hebei<br>" in hovers and "Zhejiang<br>" in hovers and "浙江省" not in page
    assert ",Hebei,Shijiazhuang," in streamed(client.get("/en/reports/?format=csv"))
    assert ",河北省,石家庄市," in streamed(client.get("/reports/?format=csv"))


def streamed(response):
    return b"".join(response.streaming_content).decode()
