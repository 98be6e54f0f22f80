"""`manage.py load_demo`: the bundled real reports go in through ingest and are published through the
review workflow, the doubtful ones left in the queue; a rerun changes nothing."""
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from reports.management.commands.load_demo import DEMO_DIR, DEMO_REASON, DEMO_USERNAME, demo_files
from reports.models import Figure, Finding, Report, ReportEvent, Status
from tests.conftest import CORPUS_DIR

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
User = get_user_model()


def load():
    out = StringIO()
    call_command("load_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def snapshot():
    return (Report.objects.count(), Figure.objects.count(), ReportEvent.objects.count(),
            sorted(Report.objects.values_list("sha256", "status", "published_at")))


def test_demo_files_are_corpus_reports_byte_for_byte_without_ground_truth():
    corpus = {p.name: p for p in CORPUS_DIR.rglob("*") if p.is_file() and p.suffix not in {".json", ".md"}}
    demo = demo_files()
    assert len(demo) >= 30 and not list(DEMO_DIR.glob("*.json"))
    assert all(p.read_bytes() == corpus[p.name].read_bytes() for p in demo)
    sources = (DEMO_DIR / "SOURCES.md").read_text(encoding="utf-8")
    assert all(p.stem in sources for p in demo if not p.stem[:3].isdigit())


def test_load_demo_publishes_through_the_workflow_and_a_second_run_changes_nothing():
    out = load()
    reports = Report.objects.all()
    assert reports.count() >= 30
    published = reports.filter(status=Status.PUBLISHED)
    queue = reports.exclude(status=Status.PUBLISHED)
    # Published: agency, year, no open finding, each by the demo user with the demo reason,
    # after a "reviewed" step, never by a bulk update (issue 10, item 10).
    assert published.count() >= 25 and not published.filter(published_at__isnull=True).exists()
    assert not published.filter(agency__isnull=True).exists()
    assert not published.filter(findings__disposition=Finding.Disposition.OPEN).exists()
    demo = User.objects.get(username=DEMO_USERNAME)
    assert not demo.has_usable_password() and not demo.is_staff
    for status in (Status.REVIEWED, Status.PUBLISHED):
        events = ReportEvent.objects.filter(action=ReportEvent.Action.STATUS, new_value=status)
        assert events.count() == published.count()
        assert all(e.user == demo and e.reason == DEMO_REASON for e in events)
    # The rest waits in the review queue: the report without an agency and those with open findings.
    assert queue.filter(agency__isnull=True).exists()
    assert queue.filter(findings__disposition=Finding.Disposition.OPEN).exists()
    assert all(r.agency_id is None or r.year is None or r.findings.filter(disposition="open").exists()
               for r in queue)
    assert f"{published.count()} published, {queue.count()} left in the review queue" in out
    before = snapshot()
    out = load()
    assert snapshot() == before
    assert "0 published" in out and "created" not in out


def test_coverage_shows_the_demo_agencies_years(client):
    """/coverage/ on the demo data: 河北省教育厅 published 2019, 2021-2023 and is missing 2020 (it
    reported 2018 and 2019); the years with a report are published (their timeliness follows the
    dates the parser reads)."""
    import json

    load()
    html = client.get("/coverage/").content.decode()
    assert "河北省教育厅" in html and "河北省科学技术厅" in html and "平潭综合实验区" in html
    page = json.loads(client.get("/coverage/", {"region": "130000", "year__gte": 2017, "year__lte": 2023,
                                                "format": "json"}).content)
    row = next(r for r in page["agencies"]["rows"] if r["name"] == "河北省教育厅")
    states = {y["year"]: y["state"] for y in row["years"]}
    assert states[2020] == "missing"
    assert {states[y] for y in (2017, 2018, 2019, 2021, 2022, 2023)} <= {"on_time", "late", "date_unknown"}
