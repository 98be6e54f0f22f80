"""Benchmark: server time of /reports/, each /compare/ chart kind and /coverage/ on N synthetic reports.

Run against PostgreSQL (DESIGN.md budget: every page p95 under 150 ms with 1,000,000 reports, a
fixed number of queries per page, p50 growth from 50,000 reports at most 1.3x on the pages the
rollups answer):

    createdb -h 127.0.0.1 -U postgres bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/pages_bench.py \
        --reports 1000000 --compare-with 50000

`--reports N` fills the database of DATABASE_URL with N reports (once: a database holding
another number of synthetic reports is refused; `--refill` deletes them first). Agencies grow
with N (about one per 14 reports: 70,000 at 1,000,000, over every county and the prefectures
and provinces), each with its reports over 2008-2024 (coverage growing over the years), one
ReportMetrics row per report with about 20 codes, and a reporting expectation for one agency in
ten so that /coverage/ has expected agencies. Figures (the evidence rows) are written for the
first 50,000 reports only: no benchmarked page reads them, and 20 per report would be 20 million
rows at 1,000,000. PostgreSQL is filled with COPY, SQLite with multi-row INSERTs; then
`rebuild_rollups`.

`--compare-with M` also fills (once) and times a second database of M reports, named after the
first with `_M` appended (bench_50000), created on the same server when missing, and prints the
growth p50(N) / p50(M) per page. Each URL is timed on one database then the other, `--runs`
times (default 3), and the median of the runs' p50 and p95 is shown: the machine is shared, and
a burst of load then hits both sizes alike instead of skewing one table. Pages are labelled `rollup` when the chart rollups answer them
(reports/rollup_queries.py) and `live` when they aggregate reports per request (the agency level,
the report and agency lists, the picker; /coverage/ reads its own rollup, reports/coverage_counts.py, but
also pages its matrix live): the growth target applies to the rollup pages. Each /compare/
page's `drawn` column counts the rows it draws (its JSON twin's) and `SQL ms` the time spent in
the database: a rollup page's queries cost the same at both sizes, but at 50,000 reports fewer
counties have enough reports to be drawn, so a page that draws more at the larger size is
marked MORE DRAWN rather than OVER when its growth passes the target.
"""
from __future__ import annotations

import argparse
import hashlib
import math
import os
import random
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_PLAIN_STATIC", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from agencies.models import Agency, Region, ReportingExpectation  # noqa: E402
from reports.models import Figure, Report, ReportMetrics, ReportRollup, Status  # noqa: E402
from reports import coverage_counts  # noqa: E402
from reports.models import CoverageCount  # noqa: E402
from reports.summary import SUMMARY_CODES  # noqa: E402

REPORTS_PER_AGENCY = 14.3
FIGURES_FOR = 50_000  # reports that get Figure rows
YEARS = range(2008, 2025)
MARK = "bench-synthetic"
BUDGET_MS = 150
GROWTH = 1.3


def lognormal(rng, median, sigma):
    return max(0, int(round(rng.lognormvariate(math.log(median), sigma))))


def figures_for(rng, year):
    """Return {code: value} shaped like a report of that era (about 20 figures)."""
    received = lognormal(rng, 40, 1.4)
    carried = lognormal(rng, 2, 1.0) if year >= 2019 else 0
    total = received + carried
    shares = [rng.random() for _ in range(6)]
    s = sum(shares)
    granted, partial, denied, unable, not_processed, other = (int(total * x / s) for x in shares)
    review = lognormal(rng, 1, 1.2) if rng.random() < 0.6 else 0
    litigation = lognormal(rng, 1, 1.2) if rng.random() < 0.4 else 0
    out = {
        "requests_received": received, "granted": granted, "partial": partial, "denied": denied,
        "review_total": review, "review_corrected": int(review * rng.random() * 0.3),
        "litigation_total": litigation, "litigation_corrected": int(litigation * rng.random() * 0.2),
        "fees_yuan": 0 if rng.random() < 0.9 else lognormal(rng, 50, 1),
        "proactive_total": lognormal(rng, 800, 1.2),
    }
    if year >= 2019:
        out.update({
            "requests_carried_over": carried, "unable": unable, "not_held": int(unable * 0.7),
            "not_processed": not_processed, "other_handled": other,
            "outcome_total": total - carried // 2, "carried_forward": carried // 2,
            "review_upheld": review // 2, "review_other": 0, "review_pending": 0,
            "litigation_direct_total": litigation, "denied_state_secret": denied // 4,
            "requests_received_natural_person": int(received * 0.8),
        })
    else:
        out.update({
            "already_public": int(granted * 0.3), "not_held": int(unable * 0.6),
            "not_this_agency": unable - int(unable * 0.6), "notified_to_amend": not_processed // 3,
            "notified_other_channel": other, "requests_closed": total, "complaints": rng.randint(0, 5),
            "review_upheld": review // 2, "review_other": 0,
        })
    return out


def ensure_regions():
    if Region.objects.exists():
        return
    # The regions data migration is missing: load the bundled divisions table directly.
    from agencies.loading import load_regions
    load_regions()


def next_id(model):
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def insert_rows(model, columns, rows):
    """Write rows (tuples in `columns` order): COPY on PostgreSQL, multi-row INSERTs elsewhere."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        per = max(1, 900 // len(columns))  # SQLite's bound-parameter limit
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        batch = []
        for row in rows:
            batch.extend(row)
            if len(batch) == per * len(columns):
                cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * per)}", batch)
                batch = []
        if batch:
            n = len(batch) // len(columns)
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * n)}", batch)


def reset_sequences():
    if connection.vendor != "postgresql":
        return  # SQLite takes max(id) + 1
    with connection.cursor() as cursor:
        for model in (Agency, Report, Figure, ReportingExpectation):
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")


def fill(rng, n_reports):
    """Agencies, their reports, ReportMetrics, some figures and expectations; returns counts."""
    ensure_regions()
    now = datetime.now(timezone.utc)
    provinces = list(Region.objects.filter(level="province").exclude(code__in=["710000", "810000", "820000"]))
    prefectures = list(Region.objects.filter(level="prefecture").exclude(province__code__in=["710000", "810000", "820000"]))
    counties = list(Region.objects.filter(level="county").exclude(province__code__in=["710000", "810000", "820000"]))
    cell = {}  # region id -> (province, prefecture, county) ids
    for r in provinces:
        cell[r.pk] = (r.pk, None, None)
    for r in prefectures:
        cell[r.pk] = (r.province_id, r.pk, None)
    for r in counties:
        cell[r.pk] = (r.province_id, r.prefecture_id, r.pk)
    # Agencies: 10% provincial, 25% prefectural, 65% county-level spread over every county.
    n_agencies = max(50, round(n_reports / REPORTS_PER_AGENCY))
    first_agency = next_id(Agency)
    agencies = []
    for i in range(n_agencies):
        r = rng.random()
        if r < 0.10:
            region, level = rng.choice(provinces), "province"
        elif r < 0.35:
            region, level = rng.choice(prefectures), "prefecture"
        else:
            region, level = counties[i % len(counties)], "county"
        agencies.append((first_agency + i, region.pk, level,
                         region.name + ("人民政府" if rng.random() < 0.1 else f"测试局{i}")))
    insert_rows(Agency, ("id", "name", "normalized_name", "region_id", "level", "created_at"),
                ((pk, name, f"{MARK}-{pk}", region, level, now) for pk, region, level, name in agencies))
    # Agency-years: coverage grows over the years (few agencies reported in 2008, most by 2024),
    # scaled so that the expected total is n_reports, then trimmed or topped up to it exactly.
    weight = {y: 0.4 + 0.6 * (y - 2008) / 16 for y in YEARS}
    scale = n_reports / (n_agencies * sum(weight.values()))
    chosen, left = [], []
    for pk, *_rest in agencies:
        for y in YEARS:
            (chosen if rng.random() < min(1.0, scale * weight[y]) else left).append((pk, y))
    rng.shuffle(chosen)
    if len(chosen) < n_reports:
        rng.shuffle(left)
        chosen += left[:n_reports - len(chosen)]
    chosen = chosen[:n_reports]
    region_of = {pk: region for pk, region, _level, _name in agencies}
    first_report = next_id(Report)
    metric_rows, figure_rows = [], []

    def reports():
        for n, (agency, y) in enumerate(chosen):
            pk = first_report + n
            province, prefecture, county = cell[region_of[agency]]
            status = rng.choices([Status.PUBLISHED, Status.NEEDS_REVIEW, Status.REVIEWED, Status.PARSED],
                                 [90, 5, 3, 2])[0]
            layout = "standard_2021" if y >= 2021 else "standard_2019" if y >= 2019 else "stat_table_pre2019"
            figures = figures_for(rng, y)
            metric_rows.append((pk, *(figures.get(c) for c in SUMMARY_CODES)))
            if n < FIGURES_FOR:
                figure_rows.extend((pk, code, value, f"{code} {value}", "table", value, False, rng.random() < 0.002)
                                   for code, value in figures.items())
            yield (pk, agency, y, f"测试机关{agency}{y}年政府信息公开工作年度报告", province, prefecture, county,
                   "", f"{MARK}-{pk}.txt", 0, hashlib.sha256(f"{MARK}-{pk}".encode()).hexdigest(), "", "", "", "",
                   "[]", "", layout, False, status, "", "", "[]", rng.choice([0, 0, 0, 1, 2]), True, now, now,
                   now if status == Status.PUBLISHED else None, "", False)

    insert_rows(Report, ("id", "agency_id", "year", "title", "province_id", "prefecture_id", "county_id",
                         "file", "original_filename", "file_size", "sha256", "file_kind", "encoding", "text",
                         "original_text", "offsets", "script", "layout", "multi_year", "status", "status_reason",
                         "parser_version", "warnings", "warning_count", "is_current", "uploaded_at",
                         "updated_at", "published_at", "issued_on_evidence", "issued_on_corrected"), reports())
    # Removed figures are left out of the summary, as refresh_metrics() does.
    insert_rows(ReportMetrics, ("report_id", *SUMMARY_CODES), metric_rows)
    insert_rows(Figure, ("report_id", "code", "value", "evidence", "method", "parsed_value", "corrected",
                         "removed"), figure_rows)
    # Expectations for one agency in ten: listed from a year on, a few ended.
    expectations = [(pk, rng.choice(list(YEARS)[:10]), rng.choice([None] * 9 + [2022]), "", None, "", now)
                    for pk, *_rest in agencies if rng.random() < 0.1]
    insert_rows(ReportingExpectation, ("agency_id", "first_year", "last_year", "end_reason", "government",
                                       "note", "updated_at"), expectations)
    reset_sequences()
    return len(agencies), len(chosen), len(figure_rows)


def time_url(client, url, n):
    """(p50 ms, p95 ms, query counts, p50 ms spent in SQL) of n requests."""
    times, queries, sql = [], set(), []
    client.get(url, secure=True)  # warm caches, templates and the connection
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, secure=True)
            times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        queries.add(len(ctx.captured_queries))
        sql.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(math.ceil(0.95 * len(times))) - 1)]
    return statistics.median(times), p95, sorted(queries), statistics.median(sql)


def drawn(client, url):
    """Rows a /compare/ page draws (its JSON twin's), or None for other pages: what a page
    renders, unlike what it reads, may grow with the data (more counties with reports)."""
    if not url.startswith("/compare/?") or "format=" in url:
        return None
    response = client.get(url + "&format=json", secure=True)
    return len(response.json()["rows"]) if response.status_code == 200 else 0


# (label, kind, URL): kind "rollup" when reports/rollup_queries.py answers the chart, "live" when
# the page aggregates reports per request (agency level, report list, picker, /coverage/).
URLS = [
    ("reports list", "live", "/reports/"),
    ("reports list, province + year range", "live", "/reports/?province=330000&year__gte=2019&year__lte=2022"),
    ("reports list, one year", "live", "/reports/?year=2023"),
    ("reports list, layout + warnings", "live", "/reports/?layout=standard_2021&has_warnings=true"),
    ("reports list, page 20", "live", "/reports/?page=20"),
    ("reports list json", "live", "/reports/?format=json"),
    ("agencies list", "live", "/agencies/"),
    ("agencies list, prefecture level", "live", "/agencies/?level=prefecture"),
    ("agencies list json", "live", "/agencies/?format=json"),
    ("volume bars by province", "rollup", "/compare/?chart=volume&year=2023&level=province"),
    ("volume lines by province", "rollup", "/compare/?chart=volume&year__gte=2008&year__lte=2024&level=province"),
    ("volume bars by prefecture, per agency, sorted", "rollup", "/compare/?chart=volume&year=2023&level=prefecture&mode=per_agency&sort=-value"),
    # Over MAX_CHART_AGENCIES at 1,000,000 reports: the page asks for a smaller scope.
    ("volume lines of agencies in 浙江", "live", "/compare/?chart=volume&year__gte=2015&year__lte=2024&level=agency&region=330000"),
    ("volume lines of agencies in 杭州", "live", "/compare/?chart=volume&year__gte=2015&year__lte=2024&level=agency&region=330100"),
    ("volume lines by county in 浙江, table", "rollup", "/compare/?chart=volume&year__gte=2015&year__lte=2024&level=county&region=330000&tab=table"),
    ("outcome mix by province, percent", "rollup", "/compare/?chart=outcomes&year=2023&level=province&mode=percent"),
    ("outcome mix by province, 2008-2024", "rollup", "/compare/?chart=outcomes&year__gte=2008&year__lte=2024&level=province"),
    ("review and litigation by province", "rollup", "/compare/?chart=review&year=2023&level=province"),
    ("review and litigation by county in 浙江", "rollup", "/compare/?chart=review&year=2023&level=county&region=330000"),
    ("review table by prefecture", "rollup", "/compare/?chart=review&year=2023&level=prefecture&tab=table"),
    ("map of requests", "rollup", "/compare/?tab=map&year=2023&metric=requests_received"),
    ("map of correction rate", "rollup", "/compare/?tab=map&chart=review&year=2023&metric=correction_rate"),
    ("map of disclosure rate, latest year", "rollup", "/compare/?tab=map&chart=outcomes"),
    ("compare csv", "rollup", "/compare/?chart=outcomes&year=2023&level=province&format=csv"),
    ("picker search", "live", "/compare/options/?q=%E6%9D%AD%E5%B7%9E"),
    ("coverage by province, 2020-2024", "live", "/coverage/?year__gte=2020&year__lte=2024"),
    ("coverage of 浙江 by prefecture, 2020-2024", "live", "/coverage/?region=330000&year__gte=2020&year__lte=2024"),
]


def prepare(n_reports, *, refill):
    """Migrate and fill the connected database with n_reports synthetic reports (once)."""
    call_command("migrate", verbosity=0)
    synthetic = Report.objects.filter(original_filename__startswith=MARK)
    if refill:
        with transaction.atomic():
            ReportingExpectation.objects.filter(agency__normalized_name__startswith=MARK).delete()
            synthetic.delete()
            Agency.objects.filter(normalized_name__startswith=MARK).delete()
    held = synthetic.count()
    if held and held != n_reports:
        raise SystemExit(f"{connection.settings_dict['NAME']} holds {held} synthetic reports, not {n_reports}: "
                         f"use --refill or another database")
    if not held:
        start = time.perf_counter()
        with transaction.atomic():
            n_agencies, n, n_figures = fill(random.Random(20240601 + n_reports), n_reports)
        print(f"filled {n_agencies} agencies, {n} reports, {n_figures} figures "
              f"in {time.perf_counter() - start:.0f} s", flush=True)
    # The COPY above bypasses the writers: build the chart rollups and /coverage/'s counts anew.
    rebuilt = False
    if not held or not ReportRollup.objects.exists():
        call_command("rebuild_rollups")
        rebuilt = True
    if not held or not CoverageCount.objects.exists():
        coverage_counts.rebuild()
        rebuilt = True
    if rebuilt and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def use_database(name):
    """Point the default connection at database `name` on the same server, creating it."""
    connection.close()
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    connection.settings_dict["NAME"] = name


def measure(databases, n_requests, runs):
    """{database: {label: (p50, p95, query counts)}}: each URL timed on each database in turn
    (so that a burst of load on this shared machine hits both sizes alike), `runs` times, taking
    the median of the runs' p50 and p95."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    for name in databases:
        switch(name)
        print(f"database {name} ({connection.vendor}): reports {Report.objects.count()}, agencies "
              f"{Agency.objects.count()}, rollup rows {ReportRollup.objects.count()}", flush=True)
    timings = {name: {label: [] for label, _kind, _url in URLS} for name in databases}
    rows = {}
    for _run in range(runs):
        for label, _kind, url in URLS:
            for name in databases:
                switch(name)
                timings[name][label].append(time_url(client, url, n_requests))
                rows.setdefault((name, label), drawn(client, url))
    return {name: {label: (statistics.median(t[0] for t in runs_),
                           statistics.median(t[1] for t in runs_),
                           sorted({q for t in runs_ for q in t[2]}),
                           statistics.median(t[3] for t in runs_),
                           rows[(name, label)])
                   for label, runs_ in by_label.items()}
            for name, by_label in timings.items()}


def switch(name):
    connection.close()
    connection.settings_dict["NAME"] = name


def print_table(results, n_reports):
    print(f"\n{n_reports:,} reports")
    print(f"{'page':45} {'kind':6} {'p50 ms':>8} {'p95 ms':>8} {'SQL ms':>7} {'queries':>8} {'drawn':>6}"
          f"  budget {BUDGET_MS} ms p95")
    over = 0
    for label, kind, url in URLS:
        p50, p95, queries, sql, rows = results[label]
        flag = "" if p95 < BUDGET_MS else "  OVER"
        over += bool(flag)
        print(f"{label:45} {kind:6} {p50:8.1f} {p95:8.1f} {sql:7.1f} {'/'.join(map(str, queries)):>8} "
              f"{'' if rows is None else rows:>6}{flag}  {url}")
    return over


def print_growth(big, small, n_big, n_small):
    print(f"\ngrowth p50({n_big:,}) / p50({n_small:,}); target <= {GROWTH} on rollup pages. A rollup page "
          f"over it that draws more rows at the larger size (more counties with reports) is marked MORE DRAWN, "
          f"with its SQL time beside it")
    print(f"{'page':45} {'kind':6} {'p50 small':>9} {'p50 big':>9} {'growth':>7} {'SQL ms':>11} {'queries':>9} "
          f"{'drawn':>9}")
    over = 0
    for label, kind, _url in URLS:
        ratio = big[label][0] / small[label][0]
        rows_small, rows_big = small[label][4], big[label][4]
        more_drawn = rows_small is not None and rows_big > rows_small
        flag = ""
        if kind == "rollup" and ratio > GROWTH:
            flag = "  MORE DRAWN" if more_drawn else "  OVER"
        # Queries differ only where an exact count below the estimate threshold costs one more (lists).
        flag += "" if big[label][2] == small[label][2] else "  QUERIES DIFFER"
        over += "OVER" in flag
        queries = "/".join(map(str, small[label][2])) + ">" + "/".join(map(str, big[label][2]))
        sql = f"{small[label][3]:.1f}>{big[label][3]:.1f}"
        rows = "" if rows_small is None else f"{rows_small}>{rows_big}"
        print(f"{label:45} {kind:6} {small[label][0]:9.1f} {big[label][0]:9.1f} {ratio:6.2f}x {sql:>11} "
              f"{queries:>9} {rows:>9}{flag}")
    return over


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=50_000, help="synthetic reports in the database")
    parser.add_argument("--compare-with", type=int, help="also time a database of this many reports")
    parser.add_argument("--requests", type=int, default=40, help="timed requests per URL")
    parser.add_argument("--runs", type=int, default=3, help="rounds over every URL (median of their p50, p95)")
    parser.add_argument("--refill", action="store_true", help="delete and recreate the synthetic data")
    parser.add_argument("--fill-only", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: the budget is defined on PostgreSQL; DATABASE_URL is not PostgreSQL", file=sys.stderr)
    main_db = connection.settings_dict["NAME"]
    use_database(main_db)
    prepare(args.reports, refill=args.refill)
    small_db = None
    if args.compare_with:
        small_db = (f"{main_db}_{args.compare_with}" if connection.vendor == "postgresql"
                    else str(Path(main_db).with_suffix(f".{args.compare_with}.sqlite3")))
        use_database(small_db)
        prepare(args.compare_with, refill=args.refill)
    if args.fill_only:
        return
    over = 0
    results = measure([small_db, main_db] if small_db else [main_db], args.requests, args.runs)
    if small_db:
        over += print_table(results[small_db], args.compare_with)
    over += print_table(results[main_db], args.reports)
    if small_db:
        over += print_growth(results[main_db], results[small_db], args.reports, args.compare_with)
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
