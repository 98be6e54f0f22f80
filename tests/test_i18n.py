"""The English UI: complete catalog, English pages under /en/, Chinese without a prefix whatever the browser prefers."""
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from agencies.models import Region
from reports.models import Status
from reports.parsing.metrics import HARMONIZED
from tests.factories import AgencyFactory, FigureFactory, ReportFactory, UserFactory, report_with_figures

pytestmark = pytest.mark.django_db

PO = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
# Chinese UI words that must not survive on an English page (data such as agency names may).
CHINESE_UI = ("筛选", "年度", "机关", "报告", "指标", "审核", "发布", "比较", "降序", "：", "（")


@pytest.fixture
def english(client):
    """A client that prefers English by cookie and header: only the /en/ prefix may decide."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def published():
    zhejiang = Region.objects.get(code="330000")
    agency = AgencyFactory(name="浙江省测试厅", region=zhejiang, level="province")
    return report_with_figures(agency=agency, province=zhejiang, figures={
        "requests_received": 100, "granted": 50, "partial": 10, "review_total": 3, "litigation_total": 1,
    })


def en_url(name, **kwargs):
    """The English URL of a named view: /en/ + its path."""
    with translation.override("en"):
        return reverse(name, **kwargs)


def ui_text(html, *data):
    """The page text without scripts, styles and the given data strings (names and titles)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    for value in data:
        text = text.replace(value, "")
    return text


def test_every_catalog_entry_is_translated_and_none_is_fuzzy():
    po = PO.read_text(encoding="utf-8")
    entries = [e for e in po.split("\n\n") if re.search(r'^msgid "(?!")', e, re.M)]
    assert len(entries) > 400
    untranslated = [e for e in entries if re.search(r'^msgstr(\[\d\])? ""$', e, re.M)]
    assert untranslated == []
    assert "#, fuzzy" not in po


def test_default_language_is_chinese(client, published):
    html = client.get("/reports/").content.decode()
    assert '<html lang="zh-hans">' in html and "筛选" in html and "年度（降序）" in html


@pytest.mark.parametrize(("url", "expected"), [
    ("/reports/", ("Filter", "Year (descending)", "New requests received (descending)")),
    ("/compare/", ("Compare agencies and regions", "Coverage", "Years: 2022.", "New requests received")),
    ("/compare/?chart=outcomes", ("Outcome mix", "Published reports only.")),
    ("/methodology/", ("Metric definitions", "Harmonized outcome categories", "yuan", "URL parameters of /compare/")),
    ("/agencies/", ("Agencies", "Name (descending)")),
])
def test_public_pages_in_english(client, published, url, expected):
    html = client.get("/en" + url).content.decode()
    assert '<html lang="en">' in html
    for text in expected:
        assert text in html
    if url != "/methodology/":  # the methodology tables list every metric in Chinese and English
        text = ui_text(html, published.agency.name, published.title, "浙江省", "简体中文")
        assert [word for word in CHINESE_UI if word in text] == []


def test_methodology_in_english_does_not_repeat_its_english_glosses(english):
    html = english.get("/en/methodology/").content.decode()
    assert html.count("Harmonized outcome categories") == 1
    assert "/ code" not in html and "方法说明" not in html


def test_the_url_decides_the_language_not_the_browser(english, published):
    """A link copied on a Chinese page opens in Chinese for a browser that prefers English (issue 10)."""
    html = english.get(f"/agencies/{published.agency.pk}/").content.decode()
    assert '<html lang="zh-hans">' in html and "历年报告" in html and "Reports by year" not in html
    html = english.get(f"/en/agencies/{published.agency.pk}/").content.decode()
    assert '<html lang="en">' in html and "Reports by year" in html and "历年报告" not in html


def test_compare_table_headings_follow_the_language(client, published):
    _cat, zh, en, _alternatives = HARMONIZED[0]
    url = "/compare/?chart=outcomes&tab=table"
    assert f'<th scope="col" class="num">{zh}</th>' in client.get(url).content.decode()
    html = client.get(f"/en{url}").content.decode()
    assert f'<th scope="col" class="num">{en}</th>' in html and zh not in html


def test_admin_upload_and_review_pages_in_english(english):
    english.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    html = english.get(en_url("admin:reports_report_upload")).content.decode()
    assert "Upload annual reports" in html and "Dry run" in html and "上传年度报告" not in html

    report = ReportFactory(status=Status.NEEDS_REVIEW, agency=AgencyFactory(name="国务院测试办"),
                           text="本年新收 10 件", original_text="本年新收 10 件")
    FigureFactory(report=report, code="requests_received")
    html = english.get(en_url("admin:reports_report_review", args=[report.pk])).content.decode()
    assert "Status: " in html and "New requests received" in html and "Publish" in html
    text = ui_text(html, report.agency.name, report.title, report.text, "简体中文")
    assert [word for word in CHINESE_UI if word in text] == []

    html = english.get(en_url("admin:reports_report_change", args=[report.pk])).content.decode()
    assert "New requests received" in html  # the figure inline labels metrics in the active language


def test_review_errors_are_joined_in_english(english):
    english.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    report = ReportFactory(status=Status.NEEDS_REVIEW)
    figure = FigureFactory(report=report, code="requests_received")
    url = en_url("admin:reports_report_review", args=[report.pk])
    html = english.post(url, {"op": "correct", "figure": figure.pk, "value": "-1", "reason": ""},
                        follow=True).content.decode()
    assert "Not saved: " in html and "Reason for the correction: " in html and "；" not in html
