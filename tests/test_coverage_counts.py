"""The /coverage/ rollup (reports/coverage_counts.py) stays exact: after random changes made the
ways the app makes them (uploads, review, admin edits of reports and agencies, expectations and
their CSV import), every CoverageCount row equals a fresh recount, and the counts the page shows
equal the ones counted live from the reports."""
import random
from collections import Counter
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from agencies.expected import import_expected
from agencies.models import Agency, Region, ReportingExpectation
from reports import coverage_counts, ingest, review
from reports.completeness import Completeness, Selection
from reports.models import CoverageCount, CoverageHorizon, Report, Status
from tests import synthetic
from tests.factories import AgencyFactory, ReportFactory

pytestmark = pytest.mark.django_db

CODES = ("350128", "350200", "350100", "130000", "130100", "330106")
YEARS = range(2016, 2026)
STATUSES = (Status.PARSED, Status.NEEDS_REVIEW, Status.REVIEWED, Status.PUBLISHED, Status.RETURNED, Status.WITHDRAWN)
LAYOUTS = ("standard_2021", "standard_2019", "stat_table_pre2019")


def rows():
    found = Counter()
    for row in CoverageCount.objects.values_list("grain", "region_id", "year", "audience", "state", "government",
                                                 "wrong_template", "agencies"):
        found[row[:-1]] += row[-1]
    assert sum(1 for _ in CoverageCount.objects.all()) == len(found), "one row per key"
    return found


def assert_exact():
    kept = rows()
    coverage_counts.rebuild()
    assert kept == rows()


def nonzero(counts):
    return {key: years for key, years in counts.items() if any(any(c.values()) for c in years.values())}


def assert_page_counts_as_live(today):
    regions = {code: Region.objects.get(code=code) for code in ("350000", "130000")}
    selections = [Selection(None, "province", tuple(range(2017, 2026)), today=today),
                  Selection(regions["350000"], "prefecture", tuple(range(2019, 2024)), today=today),
                  Selection(regions["350000"], "county", (2021, 2022), today=today),
                  Selection(regions["130000"], None, tuple(range(2016, 2026)), today=today, own=True),
                  Selection(None, None, (2020,), today=today, own=True)]
    for audience in CoverageCount.Audience:
        visible = coverage_counts.visible(audience)
        for selection in selections:
            rolled = Completeness(visible, selection, audience=audience).region_counts()
            live = Completeness(visible, selection).region_counts()
            assert nonzero(rolled) == nonzero(live), (audience, selection)


def free_year(agency, rng):
    taken = set(Report.objects.filter(agency=agency, is_current=True).values_list("year", flat=True))
    options = [y for y in YEARS if y not in taken]
    return rng.choice(options) if options else None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rollup_equals_a_recount_after_random_changes(seed):
    rng = random.Random(seed)
    admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    regions = [Region.objects.get(code=code) for code in CODES] + [None]
    agencies = [AgencyFactory(name=f"测试机关{i}" + ("人民政府" if i % 5 == 0 else "局"), region=rng.choice(regions))
                for i in range(12)]

    def new_report():
        agency = rng.choice(agencies)
        year = free_year(agency, rng)
        if year is not None:
            ReportFactory(agency=agency, year=year, status=rng.choice(STATUSES), layout=rng.choice(LAYOUTS),
                          issued_on=rng.choice([None, date(year + 1, 1, 20), date(year + 1, 3, 10), date(year + 1, 6, 1)]))

    def some_report(**filters):
        reports = list(Report.objects.filter(**filters).order_by("pk"))
        return rng.choice(reports) if reports else None

    def set_status():  # as review's transitions write it
        report = some_report()
        if report:
            report.status = rng.choice(STATUSES)
            report.save(update_fields=["status", "updated_at"])

    def publish():
        report = some_report(status=Status.REVIEWED, is_current=True, agency__isnull=False)
        if report:
            review.publish(report, user=admin, override_reason="test")

    def redate():
        report = some_report(is_current=True, year__isnull=False, status__in=[Status.NEEDS_REVIEW, Status.REVIEWED])
        if report:
            value = rng.choice([None, date(report.year + 1, 1, 5), date(report.year + 1, 2, 28)])
            if value != report.issued_on or not report.issued_on_corrected:
                review.correct_issued_on(report, value=value, reason="核对", user=admin)

    def move_report():  # the admin's report form: another agency or year
        report = some_report(is_current=True)
        if report:
            agency = rng.choice(agencies)
            year = free_year(agency, rng)
            if year is not None:
                report.agency, report.year = agency, year
                report.save()

    def supersede():  # a newer version took over (ingest with replace)
        report = some_report(is_current=True)
        if report:
            report.is_current = False
            report.save(update_fields=["is_current", "updated_at"])

    def delete_report():
        report = some_report()
        if report:
            report.delete()

    def move_agency():
        agency = rng.choice(agencies)
        agency.region = rng.choice(regions)
        agency.save()

    def rename_agency():  # a people's government has a later deadline
        agency = rng.choice(agencies)
        agency.name = agency.name.removesuffix("人民政府").removesuffix("局") + rng.choice(["人民政府", "局"])
        agency.save()

    def expect():
        agency = rng.choice(agencies)
        first = rng.choice([None, 2018, 2021])
        last = rng.choice([None, 2020, 2023]) if first is None or first <= 2020 else None
        government = rng.choice([None, True, False]) if first or last else rng.choice([True, False])
        ReportingExpectation.objects.update_or_create(agency=agency, defaults={
            "first_year": first, "last_year": last, "government": government})

    def unexpect():
        expectation = ReportingExpectation.objects.order_by("?").first()
        if expectation:
            expectation.delete()

    def csv_list():  # bulk writes: new agencies with their expectations, through the CSV import
        n = rng.randrange(1000)
        import_expected(f"区划代码,机关名称,起始应报年度\n350128,平潭县新机关{n}局,{rng.choice([2019, 2022])}\n".encode(),
                        filename="list.csv", user=admin)

    def upload():  # an import chunk: one recount at its end
        ingest.ingest_files(synthetic.reports(2, run=str(rng.randrange(10, 99))), uploaded_by=admin)

    steps = [new_report] * 6 + [set_status, set_status, publish, redate, move_report, supersede, delete_report,
                                move_agency, rename_agency, expect, expect, unexpect, csv_list, upload]
    for n in range(70):
        rng.choice(steps)()
        if n % 10 == 9:
            assert_exact()
    assert CoverageCount.objects.exists()
    assert_exact()
    for today in (date(2026, 12, 6), date(2023, 2, 15), date(2022, 1, 15)):
        assert_page_counts_as_live(today)


def test_a_dry_run_upload_and_a_failed_write_leave_the_rollup_as_it_was():
    agency = AgencyFactory(name="平潭县教育局", region=Region.objects.get(code="350128"))
    ReportFactory(agency=agency, year=2021, status=Status.PUBLISHED)
    before = rows()
    ingest.ingest_files(synthetic.reports(3, run="55"), dry_run=True)
    assert rows() == before
    with pytest.raises(RuntimeError):
        with coverage_counts.deferred():
            ReportFactory(agency=agency, year=2022, status=Status.PUBLISHED)
            raise RuntimeError  # the writer's transaction rolls back; nothing is recounted
    assert rows() == before


def test_a_year_after_the_rollup_horizon_is_counted_live(client):
    agency = AgencyFactory(name="平潭县教育局", region=Region.objects.get(code="350128"))
    ReportFactory(agency=agency, year=2024, status=Status.PUBLISHED)
    last = coverage_counts.built_through()
    assert last == coverage_counts.horizon()  # built by the migration, through this year
    html = client.get("/coverage/", {"year__gte": last - 1, "year__lte": last + 1, "region": "350000"}).content.decode()
    assert "平潭县教育局" in html
    selection = Selection(Region.objects.get(code="350000"), "prefecture", (last - 1, last, last + 1))
    assert not coverage_counts.covers(selection.years)
    counts = Completeness(coverage_counts.visible(0), selection, audience=0).region_counts()
    assert counts == Completeness(coverage_counts.visible(0), selection).live_region_counts()


def test_a_new_calendar_year_is_counted_live_until_the_rollup_is_rebuilt():
    """The year turned: the rollup holds last year at most, writers do not start the new year for
    some regions only, and pages showing it count live."""
    from django.core import checks

    fuzhou = AgencyFactory(name="平潭县教育局", region=Region.objects.get(code="350128"))
    xiamen = AgencyFactory(name="厦门市教育局", region=Region.objects.get(code="350200"))
    ReportFactory(agency=fuzhou, year=2023, status=Status.PUBLISHED)
    ReportFactory(agency=xiamen, year=2023, status=Status.PUBLISHED)
    CoverageHorizon.objects.update(last_year=2024)
    CoverageCount.objects.filter(year__gt=2024).delete()
    ReportFactory(agency=fuzhou, year=2024, status=Status.PUBLISHED)  # expected in 2025 and 2026 now
    assert not CoverageCount.objects.filter(year__gt=2024).exists()
    assert any(w.id == "reports.W001" for w in checks.run_checks(databases=["default"]))
    selection = Selection(Region.objects.get(code="350000"), "prefecture", (2024, 2025))
    assert not coverage_counts.covers(selection.years)
    rolled = Completeness(coverage_counts.visible(0), selection, audience=0).region_counts()
    assert sum(c[2025]["agencies"] for c in rolled.values()) == 2  # both expected in 2025, counted live
    coverage_counts.rebuild()
    assert coverage_counts.built_through() == coverage_counts.horizon()
    assert not any(w.id == "reports.W001" for w in checks.run_checks(databases=["default"]))
    assert nonzero(Completeness(coverage_counts.visible(0), selection, audience=0).region_counts()) == nonzero(rolled)
