"""Language in the URL: Chinese without a prefix, English under /en/, a switcher that keeps the page (issue 10)."""
import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def switcher(html):
    nav = re.search(r'<nav class="lang"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'<a href="([^"]*)" hreflang="([^"]+)" lang="[^"]+"( aria-current="true")?>([^<]+)</a>', nav)


def test_switcher_keeps_path_and_query_and_names_languages_in_their_own_language(client):
    html = client.get("/compare/?chart=outcomes&year=2022&region=330000&region=320000").content.decode()
    links = switcher(html)
    assert links == [
        ("/compare/?chart=outcomes&amp;year=2022&amp;region=330000&amp;region=320000", "zh-hans", " aria-current=\"true\"", "简体中文"),
        ("/en/compare/?chart=outcomes&amp;year=2022&amp;region=330000&amp;region=320000", "en", "", "English"),
    ]
    html = client.get("/en/reports/?year=2021&o=-year").content.decode()
    assert [(url, name) for url, _code, _current, name in switcher(html)] == [
        ("/reports/?year=2021&amp;o=-year", "简体中文"), ("/en/reports/?year=2021&amp;o=-year", "English")]
    assert "英语" not in html


def test_hreflang_alternates_and_html_lang(client):
    html = client.get("/en/methodology/").content.decode()
    assert '<html lang="en">' in html
    assert '<link rel="alternate" hreflang="zh-hans" href="/methodology/">' in html
    assert '<link rel="alternate" hreflang="en" href="/en/methodology/">' in html


def test_links_on_english_pages_stay_english(client):
    html = client.get("/en/reports/").content.decode()
    assert 'href="/en/compare/"' in html and 'href="/en/agencies/"' in html
    with translation.override("en"):
        assert reverse("reports:compare") == "/en/compare/"
    with translation.override("zh-hans"):
        assert reverse("reports:compare") == "/compare/"


def test_zh_prefix_is_not_a_second_address(client):
    assert client.get("/zh-hans/compare/").status_code == 404


def test_admin_in_both_languages(admin_client):
    assert "站点管理" in admin_client.get("/admin/").content.decode()
    assert "Site administration" in admin_client.get("/en/admin/").content.decode()


def test_the_navigation_names_each_list_in_the_plural_in_english(client):
    nav = re.search(r"<nav>(.*?)</nav>", client.get("/en/methodology/").content.decode(), re.S)
    assert nav and ">Agencies</a>" in nav.group(1) and ">Agency</a>" not in nav.group(1)
