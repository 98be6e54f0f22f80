"""The ReportMetrics summary (reports/summary.py) equals the pivot of non-removed figures after every writer."""
import importlib
from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from reports import review, summary
from reports.ingest import Override, ingest_files
from reports.models import Figure, Report, ReportMetrics, Status
from reports.parsing import parse_report as real_parse_report
from reports.parsing.metrics import CORE_CODES, HARMONIZED_CODES
from reports.parsing.result import Figure as ParsedFigure
from reports.queries import chart_rows
from reports.reparse import reparse_report
from tests.conftest import CORPUS_DIR
from tests.factories import FigureFactory, ReportFactory, user_in_group

pytestmark = pytest.mark.django_db

STD_2022 = CORPUS_DIR / "standard-and-old" / "std-2022-hebei-jyt.txt"
migration_0004 = importlib.import_module("reports.migrations.0004_report_metrics")


def pivot(report):
    """What the summary row must hold, computed in Python from the figure rows."""
    stated = {f.code: f.value for f in Figure.objects.filter(report=report, removed=False)}
    return {code: stated.get(code) for code in summary.SUMMARY_CODES}


def row(report):
    metrics = ReportMetrics.objects.get(report=report)
    return {code: getattr(metrics, code) for code in summary.SUMMARY_CODES}


@pytest.fixture
def reviewer():
    return user_in_group("reviewer", username="reviewer")


@pytest.fixture
def ingested():
    outcome = ingest_files([(STD_2022.name, STD_2022.read_bytes())],
                           overrides={STD_2022.name: Override(agency="河北省教育厅", year=2022)})[0]
    assert outcome.ok, outcome.message
    return outcome.report


def test_columns_are_every_core_and_harmonized_code_and_the_migration_backfills_them_all():
    columns = [f.column for f in ReportMetrics._meta.get_fields() if f.name != "report"]
    assert sorted(columns) == sorted(summary.SUMMARY_CODES)
    assert set(summary.SUMMARY_CODES) == set(CORE_CODES) | set(HARMONIZED_CODES)
    assert {"notified_to_amend", "notified_other_channel"} <= set(columns)
    assert sorted(migration_0004.CODES) == sorted(summary.SUMMARY_CODES)


def test_ingest_of_a_real_report_writes_its_summary(ingested):
    assert row(ingested) == pivot(ingested)
    assert row(ingested)["requests_received"] is not None
    # Finer codes are figures but not summary columns.
    assert Figure.objects.filter(report=ingested).exclude(code__in=summary.SUMMARY_CODES).exists()


def test_review_correct_add_and_remove_keep_the_summary_in_sync(ingested, reviewer):
    ingested.status = Status.NEEDS_REVIEW
    ingested.save()
    received = ingested.figures.get(code="requests_received")
    review.correct_figure(received, value=received.value + 7, reason="原文另页", user=reviewer)
    assert row(ingested)["requests_received"] == received.value + 7
    assert row(ingested) == pivot(ingested)

    missing = next(c for c in summary.SUMMARY_CODES if not ingested.figures.filter(code=c).exists())
    review.add_figure(ingested, code=missing, value=3, evidence_start=0, evidence_end=4, reason="漏读", user=reviewer)
    assert row(ingested)[missing] == Decimal(3)
    assert row(ingested) == pivot(ingested)

    review.remove_figure(ingested.figures.get(code="requests_received"), reason="读错", user=reviewer)
    assert row(ingested)["requests_received"] is None
    assert row(ingested) == pivot(ingested)

    # A removed code added again is revived, and counts again.
    review.add_figure(ingested, code="requests_received", value=5, evidence_start=0, evidence_end=4,
                      reason="重新核对", user=reviewer)
    assert row(ingested)["requests_received"] == Decimal(5)
    assert row(ingested) == pivot(ingested)


def test_reparse_keeps_the_summary_in_sync(monkeypatch, ingested):
    before = row(ingested)
    dropped = next(c for c in ("granted", "partial", "denied") if before[c] is not None)

    def improved(data, *, filename, divisions=None):
        result = real_parse_report(data, filename=filename, divisions=divisions)
        figures = [f if f.code != "requests_received" else replace(f, value=f.value + 1)
                   for f in result.figures if f.code != dropped]
        figures.append(ParsedFigure("notified_to_amend", Decimal(2), result.text[:4], 0, 4))
        return replace(result, figures=tuple(figures))

    monkeypatch.setattr("reports.reparse.parse_report", improved)
    reparse_report(ingested)
    after = row(ingested)
    assert after == pivot(ingested)
    assert after[dropped] is None and after["notified_to_amend"] == Decimal(2)
    assert after["requests_received"] == before["requests_received"] + 1


def test_factory_figures_are_summarised_removed_ones_are_null():
    report = ReportFactory()
    FigureFactory(report=report, code="requests_received", value=Decimal("12.50"))
    FigureFactory(report=report, code="review_total", value=Decimal(3), removed=True)
    FigureFactory(report=report, code="denied_state_secret", value=Decimal(1))
    assert row(report) == {**dict.fromkeys(summary.SUMMARY_CODES), "requests_received": Decimal("12.50")}


def test_migration_backfill_summarises_existing_reports():
    """Reports and figures written before the summary existed (bulk_create bypasses the writers)."""
    stated, silent = ReportFactory(), ReportFactory()
    Figure.objects.bulk_create([
        Figure(report=stated, code="granted", value=Decimal(4)),
        Figure(report=stated, code="not_held", value=Decimal(2)),
        Figure(report=stated, code="partial", value=Decimal(9), removed=True),
        Figure(report=stated, code="requests_received_business", value=Decimal(1)),
    ])
    ReportMetrics.objects.all().delete()
    migration_0004.backfill(apps, SimpleNamespace(connection=connection))
    assert row(stated) == pivot(stated)
    assert row(stated)["granted"] == Decimal(4) and row(stated)["partial"] is None
    assert row(silent) == dict.fromkeys(summary.SUMMARY_CODES)


def test_refresh_of_many_ids_in_chunks_updates_existing_rows(monkeypatch):
    monkeypatch.setattr(summary, "CHUNK", 2)
    reports = [ReportFactory() for _ in range(5)]
    for i, report in enumerate(reports):
        FigureFactory(report=report, code="requests_received", value=Decimal(i))
    Figure.objects.filter(report__in=reports).update(value=Decimal(100))  # behind the summary's back
    assert {row(r)["requests_received"] for r in reports} == {Decimal(i) for i in range(5)}
    summary.refresh_metrics([r.pk for r in reports])
    assert {row(r)["requests_received"] for r in reports} == {Decimal(100)}
    summary.refresh_metrics([])  # nothing to do, no error


def test_charts_read_the_summary_and_count_reports_without_a_row():
    with_figures, bare = ReportFactory(), ReportFactory()
    FigureFactory(report=with_figures, code="requests_received", value=Decimal(8))
    ReportMetrics.objects.filter(report=with_figures).update(requests_received=Decimal(80))
    assert not ReportMetrics.objects.filter(report=bare).exists()
    rows = chart_rows(Report.objects.filter(
        pk__in=[with_figures.pk, bare.pk]), level="agency", codes=["requests_received"])
    by_id = {r["id"]: r for r in rows}
    assert by_id[with_figures.agency_id]["requests_received"] == Decimal(80)
    assert by_id[bare.agency_id]["reports"] == 1 and by_id[bare.agency_id]["requests_received"] is None
    with pytest.raises(ValueError):
        chart_rows(Report.objects.all(), level="agency",
                   codes=["denied_state_secret"])
