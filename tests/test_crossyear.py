"""reports/crossyear.py: checks against the agency's neighbouring years, and last year's
cumulative figures as the context that splits a jammed old-table pair at ingest."""
from decimal import Decimal

import pytest

from reports import crossyear
from reports.crossyear import Neighbour, compare
from reports.ingest import ingest_files
from reports.models import Finding, Report
from reports.reparse import reparse_report
from tests.parsing.test_standard import table

D = Decimal


def n(report_id, year, **values):
    return Neighbour(report_id, year, {k: D(v) for k, v in values.items()})


@pytest.mark.parametrize(("earlier", "later", "rules"), [
    # 2019+ templates: 上年结转 this year = 结转下年度继续办理 last year
    (n(1, 2020, carried_forward=2), n(2, 2021, requests_carried_over=2), []),
    (n(1, 2020, carried_forward=2), n(2, 2021, requests_carried_over=3), ["crossyear_carried"]),
    # old tables: the cumulative column grows by this year's figure
    (n(1, 2013, proactive_total_cumulative=1773), n(2, 2014, proactive_total=1837, proactive_total_cumulative=3610), []),
    (n(1, 2013, proactive_total_cumulative=1773), n(2, 2014, proactive_total=1837, proactive_total_cumulative=3600),
     ["crossyear_cumulative"]),
    # more than tenfold either way, once the numbers mean something
    (n(1, 2020, requests_received=30), n(2, 2021, requests_received=301), ["crossyear_jump"]),
    (n(1, 2020, requests_received=300), n(2, 2021, requests_received=29), ["crossyear_jump"]),
    (n(1, 2020, requests_received=30), n(2, 2021, requests_received=300), []),
    (n(1, 2020, requests_received=1), n(2, 2021, requests_received=15), []),
    (n(1, 2020, requests_received=0), n(2, 2021, requests_received=500), []),
    # not consecutive years: nothing to compare
    (n(1, 2019, carried_forward=2), n(2, 2021, requests_carried_over=3), []),
])
def test_compare(earlier, later, rules):
    assert [i.rule for i in compare(earlier, later)] == rules


def test_an_issue_names_both_reports():
    (issue,) = compare(n(11, 2020, carried_forward=2), n(12, 2021, requests_carried_over=3))
    assert "#11" in issue.message and "#12" in issue.message
    assert issue.codes == ("requests_carried_over", "carried_forward")


# ---------------------------------------------------------------- at ingest and re-parse

def template_report(year, *, carried_over, carried_forward):
    """A 2021-template report of one agency (the table of tests/parsing/test_standard.py)."""
    cells = {"requests_received": ["5", "0", "0", "0", "0", "0", "5"],
             "requests_carried_over": [str(carried_over)] + ["0"] * 5 + [str(carried_over)],
             "granted": ["5", "0", "0", "0", "0", "0", "5"],
             "outcome_total": ["5", "0", "0", "0", "0", "0", "5"],
             "carried_forward": [str(carried_forward)] + ["0"] * 5 + [str(carried_forward)]}
    return (f"平潭县测试局{year}年政府信息公开工作年度报告\n" + table(cells)
            + f"\n平潭县测试局\n{year + 1}年1月20日\n").encode()


def old_table_report(year, row):
    return (f"平潭县测试局{year}年政府信息公开工作年度报告\n"
            f"附表 指标名称 计量单位 {year}年度 历年累计\n{row}\n"
            f"平潭县测试局\n{year + 1}年1月20日\n").encode()


@pytest.mark.django_db
def test_ingest_records_a_cross_year_finding_naming_both_reports():
    (first,) = ingest_files([("a.txt", template_report(2020, carried_over=0, carried_forward=2))])
    (second,) = ingest_files([("b.txt", template_report(2021, carried_over=3, carried_forward=0))])
    assert second.report.agency_id == first.report.agency_id
    finding = Finding.objects.get(report=second.report, rule="crossyear_carried")
    assert finding.related_report_id == first.report.pk
    assert f"#{first.report.pk}" in finding.message and f"#{second.report.pk}" in finding.message
    assert not Finding.objects.filter(report=first.report, rule__startswith="crossyear")


@pytest.mark.django_db
def test_ingest_checks_the_following_year_too():
    """An earlier year uploaded after the later one is checked against it."""
    (later,) = ingest_files([("b.txt", template_report(2021, carried_over=3, carried_forward=0))])
    (earlier,) = ingest_files([("a.txt", template_report(2020, carried_over=0, carried_forward=2))])
    finding = Finding.objects.get(report=earlier.report, rule="crossyear_carried")
    assert finding.related_report_id == later.report.pk


@pytest.mark.django_db
def test_last_years_cumulative_splits_a_jammed_pair_at_ingest():
    """1837 + 1773 = 3610: with last year stored, "18373610" has one reading."""
    ingest_files([("2013.txt", old_table_report(2013, "主动公开信息数 条 1773 1773"))])
    (outcome,) = ingest_files([("2014.txt", old_table_report(2014, "主动公开信息数条18373610"))])
    figures = {f.code: f.value for f in outcome.report.figures.all()}
    assert figures["proactive_total"] == 1837
    assert figures["proactive_total_cumulative"] == 3610
    assert not Finding.objects.filter(report=outcome.report)


@pytest.mark.django_db
def test_without_last_year_the_jammed_pair_is_left_out():
    (outcome,) = ingest_files([("2014.txt", old_table_report(2014, "主动公开信息数条18373610"))])
    assert not outcome.report.figures.filter(code="proactive_total").exists()
    assert "proactive_total" in [c for w in outcome.report.warnings for c in w["figures"]]


@pytest.mark.django_db
def test_reparse_uses_last_year_and_refreshes_cross_year_findings():
    (jammed,) = ingest_files([("2014.txt", old_table_report(2014, "主动公开信息数条18373610"))])
    ingest_files([("2013.txt", old_table_report(2013, "主动公开信息数 条 1773 1700"))])
    report = Report.objects.get(pk=jammed.report.pk)
    reparse_report(report)
    assert not report.figures.filter(code="proactive_total").exists()  # 1700 + x = 3610 nowhere
    other = Report.objects.get(year=2013)
    other.figures.filter(code="proactive_total_cumulative").update(value=D(1773))
    reparse_report(report)
    assert report.figures.get(code="proactive_total").value == 1837


@pytest.mark.django_db
def test_findings_cost_two_queries(django_assert_num_queries):
    ingest_files([("a.txt", template_report(2020, carried_over=0, carried_forward=2))])
    (second,) = ingest_files([("b.txt", template_report(2021, carried_over=3, carried_forward=0))])
    report = second.report
    with django_assert_num_queries(2):
        found = crossyear.findings(report, {"requests_carried_over": D(3)})
    assert [f.rule for f in found] == ["crossyear_carried"]


@pytest.mark.django_db
def test_review_page_links_the_other_report(admin_client):
    (first,) = ingest_files([("a.txt", template_report(2020, carried_over=0, carried_forward=2))])
    (second,) = ingest_files([("b.txt", template_report(2021, carried_over=3, carried_forward=0))])
    html = admin_client.get(f"/admin/reports/report/{second.report.pk}/review/").content.decode()
    assert f'href="/admin/reports/report/{first.report.pk}/review/"' in html


@pytest.mark.django_db
def test_one_chunk_of_consecutive_years_checks_both_ways_in_two_queries(django_assert_max_num_queries):
    """Issue 9: an import writes a chunk of files at once; their neighbours are loaded together."""
    from reports.models import Finding

    files = [("a.txt", template_report(2020, carried_over=0, carried_forward=2)),
             ("b.txt", template_report(2021, carried_over=3, carried_forward=0))]
    first, second = ingest_files(files)
    found = {f.report_id: (f.rule, f.related_report_id) for f in Finding.objects.filter(rule__startswith="crossyear")}
    assert found == {first.report.pk: ("crossyear_carried", second.report.pk),
                     second.report.pk: ("crossyear_carried", first.report.pk)}
    assert len(crossyear.neighbours_of([first.report, second.report])) == 2
    with django_assert_max_num_queries(2):
        crossyear.neighbours_of([first.report, second.report])
