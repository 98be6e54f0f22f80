"""NUL and other control characters in URLs and form posts get a 400 before any view runs (issue 10, item 11)."""
import pytest
from django.urls import reverse

from config.control_chars import form_has_control, url_has_control
from reports.models import ReportEvent, Status
from tests.factories import FigureFactory, ReportFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("path", "query", "refused"), [
    ("/reports/", "agency_name=%00", True),
    ("/reports/", "agency_name=a%01b", True),
    ("/reports/", "agency%00=1", True),
    ("/reports/", "agency_name=%7F", True),
    ("/reports/", "agency_name=%09", True),
    ("/reports/", "agency_name=%E6%B5%99%E6%B1%9F+%E7%9C%81", False),
    ("/reports/", "agency_name=%C2%85", False),  # U+0085 is not C0: PostgreSQL stores it
    ("/reports/\x00/", "", True),
])
def test_url_has_control(path, query, refused):
    assert url_has_control(path, query) is refused


def test_form_keeps_tab_and_newlines():
    from django.http import QueryDict

    assert not form_has_control(QueryDict("reason=line%0D%0Aand%09tab"))
    assert form_has_control(QueryDict("reason=a%00b"))
    assert form_has_control(QueryDict("a%0B=1"))


def test_admin_autocomplete_nul_term_is_400(admin_client):
    """`/admin/autocomplete/?term=%00` was a 500 on PostgreSQL."""
    url = "/admin/autocomplete/?term=%00&app_label=reports&model_name=report&field_name=agency"
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()


@pytest.mark.parametrize("url", [
    "/reports/?agency_name=%00", "/agencies/?name=%00", "/compare/?region=33%000", "/en/reports/?agency_name=x%00",
    "/reports/?format=csv&agency_name=%00",
])
def test_public_pages_refuse_nul(client, url):
    response = client.get(url)
    assert response.status_code == 400


def test_english_pages_explain_in_english(client):
    assert "control characters" in client.get("/en/reports/?agency_name=%00").content.decode()


def test_review_post_with_nul_is_refused_and_stores_nothing(client):
    reviewer = UserFactory(username="rev", is_staff=True, is_superuser=True)
    client.force_login(reviewer)
    report = ReportFactory(status=Status.NEEDS_REVIEW)
    figure = FigureFactory(report=report, code="requests_received", value=10)
    url = reverse("admin:reports_report_review", args=[report.pk])
    events = ReportEvent.objects.count()
    response = client.post(url, {"op": "correct", "figure": figure.pk, "value": "12", "reason": "typo\x00"})
    assert response.status_code == 400
    figure.refresh_from_db()
    assert figure.value == 10 and ReportEvent.objects.count() == events
    # A reason over several lines is fine.
    response = client.post(url, {"op": "correct", "figure": figure.pk, "value": "12", "reason": "typo\r\n\tsee p. 3"})
    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.value == 12
