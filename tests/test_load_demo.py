"""`manage.py load_demo`: the bundled real reports go in through ingest and are published; a rerun changes nothing."""
from io import StringIO

import pytest
from django.core.management import call_command

from reports.management.commands.load_demo import DEMO_DIR, demo_files
from reports.models import Figure, Report, ReportEvent, Status
from tests.conftest import CORPUS_DIR

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


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


def test_load_demo_publishes_the_reports_and_a_second_run_changes_nothing():
    out = load()
    reports = Report.objects.all()
    assert reports.count() >= 30
    assert not reports.exclude(status=Status.PUBLISHED).exists()
    assert not reports.filter(published_at__isnull=True).exists()
    events = ReportEvent.objects.filter(action=ReportEvent.Action.STATUS, new_value=Status.PUBLISHED)
    assert events.count() == reports.count() and all("演示数据" in e.reason for e in events)
    assert "published" in out
    before = snapshot()
    out = load()
    assert snapshot() == before
    assert "0 published" in out and "created" not in out
