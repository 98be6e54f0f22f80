"""The uploader/reviewer/publisher groups of the review migration, and what anonymous users can see."""
import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.urls import reverse

from reports.models import Figure, Report, Status
from tests.factories import FigureFactory, ReportFactory, user_in_group

pytestmark = pytest.mark.django_db


def perms(group):
    return set(Group.objects.get(name=group).permissions.values_list("codename", flat=True))


def test_groups_exist_with_their_permissions():
    assert {"add_report", "view_report"} <= perms("uploader")
    assert not {"change_report", "review_report", "publish_report", "reopen_report"} & perms("uploader")
    assert {"view_report", "change_report", "view_figure", "change_figure", "review_report"} <= perms("reviewer")
    assert not {"publish_report", "reopen_report"} & perms("reviewer")
    assert perms("reviewer") | {"publish_report", "reopen_report"} == perms("publisher")


@pytest.mark.parametrize(("group", "review", "publish", "reopen"), [
    ("uploader", False, False, False),
    ("reviewer", True, False, False),
    ("publisher", True, True, True),
])
def test_group_members_hold_the_workflow_permissions(group, review, publish, reopen):
    user = user_in_group(group)
    assert user.has_perm("reports.review_report") is review
    assert user.has_perm("reports.publish_report") is publish
    assert user.has_perm("reports.reopen_report") is reopen


def test_anonymous_sees_only_published_current_reports_and_their_figures():
    published = ReportFactory(status=Status.PUBLISHED)
    hidden = [ReportFactory(status=s) for s in Status if s != Status.PUBLISHED]
    replaced = ReportFactory(status=Status.PUBLISHED, is_current=False)
    for report in [published, replaced, *hidden]:
        FigureFactory(report=report)
    visible = Report.objects.visible_to(AnonymousUser())
    assert list(visible) == [published]
    assert list(Figure.objects.filter(report__in=visible)) == list(published.figures.all())
    staff = user_in_group("reviewer")
    unreviewed = {r.pk for r in hidden if r.status != Status.WITHDRAWN} | {published.pk}
    assert set(Report.objects.visible_to(staff, include_unreviewed=True).values_list("pk", flat=True)) == unreviewed
    assert not Report.objects.visible_to(AnonymousUser(), include_unreviewed=True).exclude(pk=published.pk).exists()


def test_anonymous_cannot_open_admin_pages_of_a_report(client):
    report = ReportFactory(status=Status.NEEDS_REVIEW)
    for name in ("admin:reports_report_change", "admin:reports_report_review"):
        response = client.get(reverse(name, args=[report.pk]))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_media_is_not_served_outside_debug(client):
    """Original files of unpublished reports must not be downloadable by URL (config/urls.py
    serves MEDIA_ROOT only with DEBUG on, for development)."""
    report = ReportFactory(status=Status.NEEDS_REVIEW)
    assert client.get(report.file.url).status_code == 404


def test_migration_is_idempotent_and_reversible():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("reports.migrations.0002_review_groups")
    migration.create_groups(apps, None)
    assert Group.objects.filter(name__in=migration.GROUPS).count() == 3
    migration.remove_groups(apps, None)
    assert not Group.objects.filter(name__in=migration.GROUPS).exists()


def test_anonymous_cannot_open_unpublished_report_pages_or_files(client):
    hidden = ReportFactory(status=Status.REVIEWED)
    shown = ReportFactory(status=Status.PUBLISHED)
    for name in ("reports:detail", "reports:file"):
        assert client.get(reverse(name, args=[hidden.pk])).status_code == 404
        assert client.get(reverse(name, args=[shown.pk])).status_code == 200
