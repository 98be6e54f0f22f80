"""The rollups (reports/rollups.py) stay exact through every writer, and answer the chart
queries exactly as the live aggregation does (reports/rollup_queries.py, issue 11)."""
import random
from dataclasses import replace
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from agencies.models import Agency, Region
from reports import queries, review, rollup_queries, rollups
from reports.ingest import Override, ingest_files
from reports.models import Report, ReportRollup, RollupAgencyYears, RollupGrain, RollupScope, Status
from reports.parsing.metrics import CORE_CODES
from reports.reparse import ReparseError, reparse_report
from reports.selection import Selection
from tests.factories import AgencyFactory, ReportFactory, UserFactory, report_with_figures
from tests.synthetic import reports as synthetic_reports

pytestmark = pytest.mark.django_db

YEARS = range(2018, 2024)
CODES = ("requests_received", "granted", "already_public", "partial", "denied", "unable", "not_held",
         "not_this_agency", "notified_to_amend", "not_processed", "other_handled", "review_total",
         "review_corrected", "litigation_total", "litigation_corrected", "fees_yuan")


def snapshot():
    """Every rollup row, without its id."""
    def rows(model):
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        return sorted(model.objects.values_list(*fields))
    return rows(ReportRollup), rows(RollupAgencyYears)


def assert_exact():
    """The rollups as kept by the writers equal a fresh aggregation of every report."""
    kept = snapshot()
    rollups.rebuild()
    fresh = snapshot()
    assert kept[0] == fresh[0]
    assert kept[1] == fresh[1]


def cells():
    """Region cells of two real provinces: (province, prefecture, county), coarser ones too."""
    out = [(None, None, None)]
    for code in ("330000", "130000"):
        province = Region.objects.get(code=code)
        out.append((province, None, None))
        for prefecture in Region.objects.filter(level="prefecture", province=province).order_by("code")[:2]:
            out.append((province, prefecture, None))
            for county in Region.objects.filter(level="county", prefecture=prefecture).order_by("code")[:2]:
                out.append((province, prefecture, county))
    return out


def random_figures(rng):
    figures = {}
    for code in CODES:
        if rng.random() < 0.7:
            figures[code] = rng.randint(0, 300) + (Decimal("0.5") if rng.random() < 0.1 else 0)
    return figures


def world(rng, *, agencies=14):
    """Reports of agencies over several years: most stay in their cell, some move, some
    reports have no agency, no year or no region; statuses of every kind, some replaced."""
    places = cells()
    made = []
    for i in range(agencies):
        agency = AgencyFactory(name=f"汇总测试局{i}")
        home = rng.choice(places)
        for year in YEARS:
            if rng.random() < 0.3:
                continue
            province, prefecture, county = home if rng.random() < 0.85 else rng.choice(places)
            status = rng.choice([Status.PUBLISHED] * 4 + [Status.NEEDS_REVIEW, Status.REVIEWED,
                                                          Status.PARSED, Status.WITHDRAWN, Status.RETURNED])
            report = report_with_figures(agency=agency, year=year, province=province, prefecture=prefecture,
                                         county=county, status=status, figures=random_figures(rng))
            made.append(report)
            if rng.random() < 0.1:
                # An older version kept beside the current one (not current: never counted).
                ReportFactory(agency=agency, year=year, province=province, is_current=False,
                              status=Status.PUBLISHED)
    for i in range(4):
        province, prefecture, county = rng.choice(places)
        made.append(report_with_figures(
            agency=None, title=f"无机关{i}", year=rng.choice([None, *YEARS]), province=province,
            prefecture=prefecture, county=county, status=Status.NEEDS_REVIEW, figures=random_figures(rng)))
    return made


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


def test_rollups_stay_exact_through_every_writer(superuser):
    """Random changes through ingest (new and replacing), review (status, publish, reopen,
    figures), re-parse and the admin (metadata moves, deletes), checked against a fresh
    aggregation after each kind of change."""
    rng = random.Random(11)
    world(rng)
    assert_exact()
    outcomes = ingest_files(synthetic_reports(4, run="7"), uploaded_by=superuser)
    ingested = [o.report for o in outcomes if o.report is not None]
    assert ingested
    assert_exact()
    # Replace one ingested report with another file stated to be of its agency and year.
    target = ingested[0]
    if target.agency_id and target.year:
        name, data = synthetic_reports(1, run="8")[0]
        [outcome] = ingest_files([(name, data)], uploaded_by=superuser, replace=True,
                                 overrides={name: Override(agency=target.agency.name, year=target.year)})
        assert outcome.existing == target
        assert_exact()
    for report in ingested[1:]:
        try:
            reparse_report(report, user=superuser)
        except ReparseError:
            pass
    assert_exact()
    site_admin = admin.site._registry[Report]
    request = RequestFactory().post("/")
    request.user = superuser
    places = cells()
    agencies = list(Agency.objects.filter(name__startswith="汇总测试局"))
    for step in range(60):
        report = rng.choice(list(Report.objects.filter(is_current=True)))
        op = rng.choice(["status", "status", "publish", "reopen", "correct", "add", "remove", "move", "delete"])
        try:
            if op == "status":
                moves = sorted(review.allowed_transitions(report) - {Status.PUBLISHED})
                if moves:
                    review.transition(report, rng.choice(moves), user=superuser, reason="测试")
            elif op == "publish" and report.status == Status.REVIEWED:
                review.publish(report, user=superuser, override_reason="测试")
            elif op == "reopen" and report.status == Status.PUBLISHED:
                review.reopen(report, user=superuser, reason="测试")
            elif op == "correct":
                figure = report.figures.filter(removed=False).order_by("?").first()
                if figure is not None:
                    review.correct_figure(figure, value=rng.randint(0, 500), reason="测试", user=superuser)
            elif op == "add":
                code = rng.choice([c for c in CORE_CODES if not report.figures.filter(code=c).exists()] or [None])
                if code and report.text:
                    review.add_figure(report, code=code, value=rng.randint(0, 50), evidence_start=0,
                                      evidence_end=len(report.text), reason="测试", user=superuser)
            elif op == "remove":
                figure = report.figures.filter(removed=False).order_by("?").first()
                if figure is not None:
                    review.remove_figure(figure, reason="测试", user=superuser)
            elif op == "move" and report.status != Status.PUBLISHED:
                province, prefecture, county = rng.choice(places)
                changes = {"province": province, "prefecture": prefecture, "county": county}
                if rng.random() < 0.5:
                    changes["agency"] = rng.choice(agencies)
                if rng.random() < 0.5:
                    changes["year"] = rng.choice(YEARS)
                if Report.objects.filter(agency=changes.get("agency", report.agency), is_current=True,
                                         year=changes.get("year", report.year)).exclude(pk=report.pk).exists():
                    continue  # would break one current report per agency and year
                for name, value in changes.items():
                    setattr(report, name, value)
                form = type("Form", (), {"changed_data": list(changes)})()
                site_admin.save_model(request, report, form, change=True)
            elif op == "delete" and report.status != Status.PUBLISHED:
                site_admin.delete_model(request, report)
        except ValidationError:
            continue
        if step % 10 == 9:
            assert_exact()
    assert_exact()


def random_selection(rng, places):
    scope = rng.choice(list(RollupScope))
    chosen = tuple(r for cell in rng.sample(places, rng.randint(0, 2)) for r in cell[:rng.randint(1, 3)]
                   if r is not None)[:2]
    sel = Selection(scope=scope, regions=chosen)
    kind = rng.random()
    if kind < 0.4:
        return replace(sel, year=rng.choice(YEARS))
    if kind < 0.9:
        low = rng.choice([None, *YEARS])
        high = rng.choice([None, *[y for y in YEARS if low is None or y >= low]])
        return replace(sel, year_gte=low, year_lte=high)
    return sel


def test_rollups_answer_like_the_live_queries():
    """On random reports and random selections (scope, regions at any level, a year, a range or
    none) every rollup answer equals the live one, row for row."""
    rng = random.Random(1011)
    world(rng, agencies=20)
    places = cells()
    answered = 0
    for _ in range(60):
        sel = random_selection(rng, places)
        live = sel.reports()
        assert queries.report_years(sel) == queries.report_years(live)
        if sel.by_rollup():
            assert rollup_queries.coverage(sel) == queries.coverage(live)
        for level in ("province", "prefecture", "county"):
            if not sel.by_rollup(level):
                continue
            answered += 1
            for kwargs in ({"codes": ["requests_received", "fees_yuan"]}, {"harmonized": True},
                           {"codes": ["review_total"], "paired": list(rollups.metric_sql.PAIRED)},
                           {"codes": ["requests_received"], "by_year": True}):
                assert queries.chart_rows(sel, level=level, **kwargs) == queries.chart_rows(live, level=level, **kwargs)
            if rollup_queries.continues_by_rollup(sel, level):
                assert (rollup_queries.continuing_agencies(sel, level=level)
                        == queries.continuing_agencies(live, level=level))
    assert answered > 50


def test_agency_filter_and_agency_level_fall_back_to_the_live_query(django_assert_num_queries):
    rng = random.Random(5)
    world(rng, agencies=4)
    agency = Agency.objects.filter(name__startswith="汇总测试局").first()
    sel = Selection(agencies=(agency,), year_gte=2018)
    assert not sel.by_rollup() and not Selection(year=2020).by_rollup("agency")
    assert queries.chart_rows(sel, level="province", codes=["requests_received"]) == queries.chart_rows(
        sel.reports(), level="province", codes=["requests_received"])
    with django_assert_num_queries(1):
        queries.chart_rows(Selection(year=2020), level="agency", harmonized=True)


def test_a_year_the_masks_cannot_tell_apart_is_answered_live():
    assert not Selection(year_gte=2020, year_lte=rollups.MASK_LAST_YEAR).by_rollup()
    assert Selection(year_gte=2020).by_rollup()
    assert not Selection(scope=RollupScope.STAFF).by_rollup()  # reports without a year count there


def test_rebuild_rollups_command(capsys):
    report_with_figures(figures={"requests_received": 5})
    ReportRollup.objects.all().delete()
    from django.core.management import call_command

    call_command("rebuild_rollups")
    assert "rollups rebuilt" in capsys.readouterr().out
    rows = ReportRollup.objects.filter(scope=RollupScope.PUBLISHED, year=2022)
    assert sorted(rows.values_list("grain", "s_requests_received")) == [
        (RollupGrain.PROVINCE, 5), (RollupGrain.PREFECTURE, 5), (RollupGrain.CELL, 5)]
