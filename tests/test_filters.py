"""ReportFilter and AgencyFilter: each parameter, region narrowing, staff-only fields, invalid input."""
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.test import RequestFactory

from agencies.filters import AgencyFilter
from agencies.models import Agency, Region
from reports.exports import with_key_figures
from reports.filters import ReportFilter, active_filters
from reports.models import Report, Status
from tests.factories import AgencyFactory, FigureFactory, RegionFactory, ReportFactory, UserFactory

pytestmark = pytest.mark.django_db


def _request(user=None, query=""):
    request = RequestFactory().get("/reports/?" + query)
    request.user = user or AnonymousUser()
    return request


def _filter(query, user=None):
    request = _request(user, query)
    return ReportFilter(request.GET, queryset=with_key_figures(Report.objects.all()), request=request)


def _ids(query, user=None):
    fs = _filter(query, user)
    assert fs.is_valid(), fs.errors
    return set(fs.qs.values_list("pk", flat=True))


@pytest.fixture
def regions():
    hebei = RegionFactory(name="河北省", level=Region.Level.PROVINCE)
    zhejiang = RegionFactory(name="浙江省", level=Region.Level.PROVINCE)
    shijiazhuang = RegionFactory(name="石家庄市", level=Region.Level.PREFECTURE, parent=hebei, province=hebei)
    hangzhou = RegionFactory(name="杭州市", level=Region.Level.PREFECTURE, parent=zhejiang, province=zhejiang)
    changan = RegionFactory(name="长安区", level=Region.Level.COUNTY, parent=shijiazhuang,
                            province=hebei, prefecture=shijiazhuang)
    return {"hebei": hebei, "zhejiang": zhejiang, "sjz": shijiazhuang, "hz": hangzhou, "changan": changan}


@pytest.fixture
def staff():
    return UserFactory(username="staff", is_staff=True)


def test_region_filters(regions):
    r_hebei = ReportFactory(province=regions["hebei"], prefecture=regions["sjz"], county=regions["changan"])
    r_sjz = ReportFactory(province=regions["hebei"], prefecture=regions["sjz"])
    r_zj = ReportFactory(province=regions["zhejiang"], prefecture=regions["hz"])
    assert _ids(f"province={regions['hebei'].pk}") == {r_hebei.pk, r_sjz.pk}
    assert _ids(f"province={regions['hebei'].pk}&prefecture={regions['sjz'].pk}") == {r_hebei.pk, r_sjz.pk}
    assert _ids(f"prefecture={regions['hz'].pk}") == {r_zj.pk}
    assert _ids(f"province={regions['hebei'].pk}&prefecture={regions['sjz'].pk}&county={regions['changan'].pk}") == {r_hebei.pk}


def test_region_choices_narrowed_by_level_above(regions):
    fs = _filter(f"province={regions['hebei'].pk}")
    assert list(fs.form.fields["prefecture"].queryset) == [regions["sjz"]]
    assert list(fs.form.fields["county"].queryset) == [regions["changan"]]
    # No province: every prefecture, but no county list (it would be too long).
    fs = _filter("")
    assert {regions["sjz"], regions["hz"]} <= set(fs.form.fields["prefecture"].queryset)
    assert list(fs.form.fields["county"].queryset) == []
    # A prefecture outside the chosen province is a form error, not a silent empty list.
    fs = _filter(f"province={regions['hebei'].pk}&prefecture={regions['hz'].pk}")
    assert not fs.is_valid()
    assert "prefecture" in fs.errors
    assert list(fs.qs) == []


def test_agency_name_and_ids():
    a = ReportFactory(agency=AgencyFactory(name="河北省教育厅"))
    b = ReportFactory(agency=AgencyFactory(name="浙江省教育厅"))
    ReportFactory(agency=AgencyFactory(name="河北省财政厅"))
    assert _ids("agency_name=教育") == {a.pk, b.pk}
    assert _ids("agency_name=河北省教育") == {a.pk}
    assert _ids(f"agency={a.agency_id}&agency={b.agency_id}") == {a.pk, b.pk}


def test_year_and_year_range():
    reports = {y: ReportFactory(year=y) for y in (2017, 2019, 2021, 2023)}
    assert _ids("year=2019") == {reports[2019].pk}
    assert _ids("year__gte=2019") == {reports[y].pk for y in (2019, 2021, 2023)}
    assert _ids("year__lte=2019") == {reports[y].pk for y in (2017, 2019)}
    assert _ids("year__gte=2018&year__lte=2022") == {reports[y].pk for y in (2019, 2021)}


@pytest.mark.parametrize("query", [
    "year=abc", "year=2019.5", "year=99999999999999999999", "year__gte=1800", "year__lte=-1",
    "layout=nonsense", "province=abc", "province=999999", "agency=x", "o=secret_field",
    "has_warnings=maybe", "province=99999999999999999999", "prefecture=99999999999999999999&province=-1",
    "agency=99999999999999999999", "county=1e400",
])
def test_invalid_input_is_a_form_error_with_empty_result(query):
    ReportFactory()
    fs = _filter(query)
    assert not fs.is_valid()
    assert fs.errors
    assert list(fs.qs) == []


def test_layout_warnings_and_review_or_litigation():
    plain = ReportFactory(layout="prose", warning_count=0)
    warned = ReportFactory(layout="standard_2021", warning_count=2)
    reviewed = ReportFactory(layout="standard_2021")
    FigureFactory(report=reviewed, code="review_total", value=Decimal(3))
    sued = ReportFactory(layout="standard_2021")
    FigureFactory(report=sued, code="litigation_total", value=Decimal(1))
    zero = ReportFactory()
    FigureFactory(report=zero, code="review_total", value=Decimal(0))
    removed = ReportFactory()
    FigureFactory(report=removed, code="review_total", value=Decimal(5), removed=True)
    assert _ids("layout=prose") == {plain.pk}
    assert _ids("has_warnings=true") == {warned.pk}
    assert _ids("has_warnings=1") == {warned.pk}
    assert warned.pk not in _ids("has_warnings=false")
    assert _ids("has_review_or_litigation=1") == {reviewed.pk, sued.pk}
    assert _ids("has_review_or_litigation=0") == {plain.pk, warned.pk, zero.pk, removed.pk}


def test_anonymous_sees_published_only_even_when_asking(staff):
    published = ReportFactory(status=Status.PUBLISHED)
    pending = ReportFactory(status=Status.NEEDS_REVIEW)
    ReportFactory(status=Status.WITHDRAWN)
    assert _ids("include_unreviewed=1") == {published.pk}
    assert _ids("include_unreviewed=1&status=needs_review") == {published.pk}
    fs = _filter("include_unreviewed=1")
    assert "include_unreviewed" not in fs.form.fields and "status" not in fs.form.fields
    assert _ids("", staff) == {published.pk}
    assert _ids("include_unreviewed=1", staff) == {published.pk, pending.pk}
    assert _ids("include_unreviewed=on", staff) == {published.pk, pending.pk}
    assert _ids("include_unreviewed=0", staff) == {published.pk}
    assert _ids("include_unreviewed=1&status=needs_review", staff) == {pending.pk}


def test_replaced_reports_are_never_listed(staff):
    old = ReportFactory(is_current=False, status=Status.PUBLISHED)
    assert old.pk not in _ids("include_unreviewed=1", staff)


def test_ordering_whitelist_and_figure_sort_with_missing_values_last():
    small, big, none = ReportFactory(), ReportFactory(), ReportFactory()
    FigureFactory(report=small, value=Decimal(5))
    FigureFactory(report=big, value=Decimal(50))
    for o, expected in (("requests_received", [small, big, none]), ("-requests_received", [big, small, none])):
        fs = _filter(f"o={o}")
        assert [r.pk for r in fs.qs] == [r.pk for r in expected]
    fs = _filter("o=-year")
    assert fs.is_valid()


def test_active_filters_in_words_with_remove_links(regions):
    fs = _filter(f"province={regions['hebei'].pk}&year__gte=2019&has_warnings=false&o=year&page=2")
    summary = active_filters(fs)
    assert [f["text"] for f in summary] == ["省份：河北省", "年度 ≥ 2019", "有解析警告：否"]
    assert summary[1]["remove_url"] == f"?province={regions['hebei'].pk}&has_warnings=false&o=year"
    assert active_filters(_filter("year=abc")) == []


def test_agency_filter_name_province_level(regions):
    a = AgencyFactory(name="河北省教育厅", level=Agency.Level.PROVINCE, region=regions["hebei"])
    b = AgencyFactory(name="石家庄市教育局", level=Agency.Level.PREFECTURE, region=regions["sjz"])
    AgencyFactory(name="杭州市教育局", level=Agency.Level.PREFECTURE, region=regions["hz"])

    def ids(query):
        fs = AgencyFilter(QueryDict(query), queryset=Agency.objects.all())
        assert fs.is_valid(), fs.errors
        return set(fs.qs.values_list("pk", flat=True))

    assert ids(f"province={regions['hebei'].pk}") == {a.pk, b.pk}
    assert ids(f"province={regions['hebei'].pk}&level=prefecture") == {b.pk}
    assert ids("name=石家庄") == {b.pk}
    assert not AgencyFilter(QueryDict("level=bogus"), queryset=Agency.objects.all()).is_valid()
