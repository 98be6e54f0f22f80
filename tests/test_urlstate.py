"""URL-state links: one change to the current query string, page dropped unless paging."""
import pytest
from django.http import QueryDict
from django.template import Context, Template

from reports.urlstate import sort_links, url_toggle, url_with, url_without


@pytest.mark.parametrize(("query", "changes", "expected"), [
    ("", {"year": 2020}, "?year=2020"),
    ("year=2020", {"year": 2021}, "?year=2021"),
    ("year=2020&page=3", {"o": "-year"}, "?year=2020&o=-year"),
    ("year=2020&page=3", {"page": 4}, "?year=2020&page=4"),
    ("year=2020", {"year": None}, "?"),
    ("year=2020", {"year": ""}, "?"),
    ("regions=1", {"regions": [1, 2]}, "?regions=1&regions=2"),
    ("a=&b=2", {}, "?b=2"),
])
def test_url_with(query, changes, expected):
    assert url_with(QueryDict(query), changes) == expected


def test_url_with_path_and_drop():
    q = QueryDict("year=2020&format=csv")
    assert url_with(q, {"chart": "mix"}, path="/compare/", drop=["format"]) == "/compare/?year=2020&chart=mix"
    assert url_with(QueryDict(""), path="/reports/") == "/reports/"


def test_url_without_removes_parameter_and_page():
    q = QueryDict("province=3&year__gte=2019&page=2")
    assert url_without(q, "year__gte") == "?province=3"
    assert url_without(q, "province") == "?year__gte=2019"


def test_url_without_one_value_of_many():
    q = QueryDict("regions=1&regions=2&regions=3")
    assert url_without(q, "regions", 2) == "?regions=1&regions=3"
    assert url_without(QueryDict("regions=1"), "regions", "1") == "?"


def test_url_toggle_adds_and_removes():
    assert url_toggle(QueryDict("q=x"), "include_unreviewed") == "?q=x&include_unreviewed=1"
    assert url_toggle(QueryDict("q=x&include_unreviewed=1"), "include_unreviewed") == "?q=x"


def test_url_encodes_unicode_and_leaves_input_untouched():
    q = QueryDict("agency=%E6%B2%B3%E5%8C%97")
    assert url_with(q, {"year": 2020}) == "?agency=%E6%B2%B3%E5%8C%97&year=2020"
    assert q.urlencode() == "agency=%E6%B2%B3%E5%8C%97"


def test_template_tags_escape_ampersands():
    html = Template(
        '{% load urlstate_tags %}<a href="{% url_with q page=2 %}">'
        '<a href="{% url_without q "year" %}"><a href="{% url_toggle q "x" %}">'
    ).render(Context({"q": QueryDict("year=2020&a=1")}))
    assert 'href="?year=2020&amp;a=1&amp;page=2"' in html
    assert 'href="?a=1"' in html
    assert 'href="?year=2020&amp;a=1&amp;x=1"' in html


def test_sort_links_cycle_ascending_descending():
    links = sort_links(QueryDict("year=2020&page=2"), ["year", "agency"])
    assert links["year"] == {"url": "?year=2020&o=year", "direction": "none"}
    links = sort_links(QueryDict("o=year"), ["year", "agency"])
    assert links["year"] == {"url": "?o=-year", "direction": "ascending"}
    assert links["agency"]["url"] == "?o=agency"
    assert sort_links(QueryDict("o=-year"), ["year"])["year"] == {"url": "?o=year", "direction": "descending"}
