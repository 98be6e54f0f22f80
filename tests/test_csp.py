"""Every response carries the Content-Security-Policy that keeps pages on this host (issue 10)."""
import re

import pytest
from django.urls import reverse

from reports.models import Status
from tests.factories import FigureFactory, ReportFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
    "img-src": "'self' data: blob:", "connect-src": "'self'", "frame-ancestors": "'none'",
    "object-src": "'none'", "form-action": "'self'", "base-uri": "'self'",
}


def directives(response):
    header = response["Content-Security-Policy"]
    return {name: value.strip() for name, _sp, value in
            (part.strip().partition(" ") for part in header.split(";") if part.strip())}


@pytest.mark.parametrize("url", ["/reports/", "/compare/", "/compare/?chart=map", "/agencies/",
                                 "/methodology/", "/en/reports/", "/reports/999999/", "/admin/login/",
                                 "/compare/?format=csv"])
def test_policy_on_every_response(client, url):
    policy = directives(client.get(url))
    assert {k: policy.get(k) for k in EXPECTED} == EXPECTED
    assert "unsafe-inline" not in str(policy) and "unsafe-eval" not in str(policy)


def test_admin_pages_keep_the_policy(admin_client):
    report = ReportFactory(status=Status.NEEDS_REVIEW)
    FigureFactory(report=report)
    for url in (reverse("admin:reports_report_upload"), reverse("admin:reports_report_review", args=[report.pk])):
        response = admin_client.get(url)
        assert response.status_code == 200 and directives(response)["script-src"] == "'self'"


@pytest.mark.parametrize("url", ["/reports/", "/compare/", "/compare/?chart=map", "/agencies/", "/methodology/"])
def test_pages_have_no_inline_script_handler_or_style(client, url):
    """What the policy would block is not in the markup: inline scripts (data travels in
    json_script elements), on* handlers and style attributes."""
    html = client.get(url).content.decode()
    scripts = re.findall(r"<script\b([^>]*)>", html)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
    assert not re.search(r"\son[a-z]+=", html)
    assert not re.search(r"\sstyle=", html)
