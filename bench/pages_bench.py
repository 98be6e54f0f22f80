"""Benchmark: server time of /reports/ and each /compare/ chart kind on 50,000 synthetic reports.

Run against PostgreSQL (DESIGN.md budget: p95 under 150 ms with 50,000 reports and 1,000,000
figures, a fixed number of queries per page):

    createdb -h 127.0.0.1 -U postgres bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/pages_bench.py

The fill is skipped when the database already holds the synthetic reports (`--refill` redoes
it); their ReportMetrics summary is filled by its migration, or here when it is empty. Regions come from the loaded Region table (agencies migration 0002).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_PLAIN_STATIC", "1")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.conf import settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from agencies.models import Agency, Region  # noqa: E402
from reports.models import Figure, Report, ReportMetrics, Status  # noqa: E402
from reports import coverage_counts  # noqa: E402
from reports.summary import refresh_metrics  # noqa: E402

REPORTS = 50_000
YEARS = range(2008, 2025)
MARK = "bench-synthetic"
BUDGET_MS = 150


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


def fill(rng):
    ensure_regions()
    provinces = list(Region.objects.filter(level="province").exclude(code__in=["710000", "810000", "820000"]))
    prefectures = list(Region.objects.filter(level="prefecture").select_related("province"))
    counties = list(Region.objects.filter(level="county").select_related("province", "prefecture"))
    # Agencies: a few at province level, more at prefecture and most at county level, unevenly
    # spread over provinces (larger provinces have more reporting agencies).
    weight = {p.pk: rng.uniform(0.3, 3.0) for p in provinces}
    agencies = []
    n_agencies = 5200
    for i in range(n_agencies):
        r = rng.random()
        if r < 0.15:
            region = rng.choices(provinces, [weight[p.pk] for p in provinces])[0]
            level = "province"
        elif r < 0.45:
            region = rng.choice(prefectures)
            level = "prefecture"
        else:
            region = rng.choice(counties)
            level = "county"
        agencies.append(Agency(name=f"{region.name}测试机关{i}", normalized_name=f"{MARK}-{i}",
                               region=region, level=level))
    Agency.objects.bulk_create(agencies, batch_size=2000)
    agencies = list(Agency.objects.filter(normalized_name__startswith=MARK).select_related(
        "region__province", "region__prefecture"))
    # Reports: coverage grows over the years (few agencies reported in 2008, most by 2024).
    pairs = [(a, y) for a in agencies for y in YEARS]
    year_weight = {y: 0.3 + 0.7 * (y - 2008) / 16 for y in YEARS}
    rng.shuffle(pairs)
    chosen = []
    for a, y in pairs:
        if rng.random() < year_weight[y] * 0.9:
            chosen.append((a, y))
        if len(chosen) == REPORTS:
            break
    reports = []
    for n, (a, y) in enumerate(chosen):
        region = a.region
        province = region if region.level == "province" else region.province
        prefecture = region if region.level == "prefecture" else region.prefecture
        county = region if region.level == "county" else None
        status = rng.choices([Status.PUBLISHED, Status.NEEDS_REVIEW, Status.REVIEWED, Status.PARSED],
                             [90, 5, 3, 2])[0]
        layout = "standard_2021" if y >= 2021 else "standard_2019" if y >= 2019 else "stat_table_pre2019"
        reports.append(Report(
            agency=a, year=y, title=f"{a.name}{y}年政府信息公开工作年度报告", province=province,
            prefecture=prefecture, county=county, file="", original_filename=f"{MARK}-{n}.txt",
            sha256=hashlib.sha256(f"{MARK}-{n}".encode()).hexdigest(), layout=layout,
            status=status, warning_count=rng.choice([0, 0, 0, 1, 2]),
            text="", original_text="",
        ))
    Report.objects.bulk_create(reports, batch_size=2000)
    # A list before COPY starts: a lazy queryset would query the connection the COPY holds.
    ids = list(Report.objects.filter(original_filename__startswith=MARK).values_list("pk", "year"))
    count = 0
    table = Figure._meta.db_table
    columns = ("report_id", "code", "value", "evidence", "method", "parsed_value", "corrected", "removed")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for pk, year in ids:
                    for code, value in figures_for(rng, year).items():
                        copy.write_row((pk, code, value, f"{code} {value}", "table", value,
                                        False, rng.random() < 0.002))
                        count += 1
    else:
        batch = []
        for pk, year in ids:
            for code, value in figures_for(rng, year).items():
                batch.append(Figure(report_id=pk, code=code, value=value, evidence=f"{code} {value}",
                                    parsed_value=value, removed=rng.random() < 0.002))
        Figure.objects.bulk_create(batch, batch_size=5000)
        count = len(batch)
    # The COPY and bulk_create above bypass the writers: summarise every report in one statement,
    # and count /coverage/'s states anew.
    refresh_metrics(None)
    coverage_counts.rebuild()
    return len(reports), count


def time_url(client, url, n):
    times, queries = [], set()
    client.get(url, secure=True)  # warm caches, templates and the connection
    for _ in range(n):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(url, secure=True)
            times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        queries.add(len(ctx.captured_queries))
    times.sort()
    p95 = times[min(len(times) - 1, int(math.ceil(0.95 * len(times))) - 1)]
    return statistics.median(times), p95, sorted(queries)


URLS = [
    ("reports list", "/reports/"),
    ("reports list, province + year range", "/reports/?province=330000&year__gte=2019&year__lte=2022"),
    ("reports list, one year", "/reports/?year=2023"),
    ("reports list, layout + warnings", "/reports/?layout=standard_2021&has_warnings=true"),
    ("reports list, page 20", "/reports/?page=20"),
    ("reports list json", "/reports/?format=json"),
    ("agencies list", "/agencies/"),
    ("agencies list, prefecture level", "/agencies/?level=prefecture"),
    ("agencies list json", "/agencies/?format=json"),
    ("volume bars by province", "/compare/?chart=volume&year=2023&level=province"),
    ("volume lines by province", "/compare/?chart=volume&year__gte=2008&year__lte=2024&level=province"),
    ("volume bars by prefecture, per agency, sorted", "/compare/?chart=volume&year=2023&level=prefecture&mode=per_agency&sort=-value"),
    ("volume lines of agencies in 浙江", "/compare/?chart=volume&year__gte=2015&year__lte=2024&level=agency&region=330000"),
    ("volume lines by county in 浙江, table", "/compare/?chart=volume&year__gte=2015&year__lte=2024&level=county&region=330000&tab=table"),
    ("outcome mix by province, percent", "/compare/?chart=outcomes&year=2023&level=province&mode=percent"),
    ("outcome mix by province, 2008-2024", "/compare/?chart=outcomes&year__gte=2008&year__lte=2024&level=province"),
    ("review and litigation by province", "/compare/?chart=review&year=2023&level=province"),
    ("review and litigation by county in 浙江", "/compare/?chart=review&year=2023&level=county&region=330000"),
    ("review table by prefecture", "/compare/?chart=review&year=2023&level=prefecture&tab=table"),
    ("map of requests", "/compare/?tab=map&year=2023&metric=requests_received"),
    ("map of correction rate", "/compare/?tab=map&chart=review&year=2023&metric=correction_rate"),
    ("map of disclosure rate, latest year", "/compare/?tab=map&chart=outcomes"),
    ("compare csv", "/compare/?chart=outcomes&year=2023&level=province&format=csv"),
    ("picker search", "/compare/options/?q=%E6%9D%AD%E5%B7%9E"),
    ("coverage by province, 2020-2024", "/coverage/?year__gte=2020&year__lte=2024"),
    ("coverage of 浙江 by prefecture, 2020-2024", "/coverage/?region=330000&year__gte=2020&year__lte=2024"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="timed requests per URL")
    parser.add_argument("--refill", action="store_true", help="delete and recreate the synthetic data")
    parser.add_argument("--fill-only", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("warning: the budget is defined on PostgreSQL; DATABASE_URL is not PostgreSQL", file=sys.stderr)
    call_command("migrate", verbosity=0)
    if args.refill:
        with transaction.atomic():
            Report.objects.filter(original_filename__startswith=MARK).delete()
            Agency.objects.filter(normalized_name__startswith=MARK).delete()
    if not Report.objects.filter(original_filename__startswith=MARK).exists():
        start = time.perf_counter()
        with transaction.atomic():
            n_reports, n_figures = fill(random.Random(20240601))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE")
        print(f"filled {n_reports} reports, {n_figures} figures in {time.perf_counter() - start:.0f} s")
    elif not ReportMetrics.objects.exists():
        # Filled before the summary existed (and not back-filled by its migration).
        start = time.perf_counter()
        refresh_metrics(None)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE")
        print(f"summarised {ReportMetrics.objects.count()} reports in {time.perf_counter() - start:.0f} s")
    print(f"database: {connection.vendor}; reports {Report.objects.count()}, "
          f"figures {Figure.objects.count()}, summaries {ReportMetrics.objects.count()}")
    if args.fill_only:
        return
    # Not setup_test_environment(): its template instrumentation would be timed too.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    print(f"{'page':45} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}  budget {BUDGET_MS} ms p95")
    over = 0
    for label, url in URLS:
        p50, p95, queries = time_url(client, url, args.requests)
        flag = "" if p95 < BUDGET_MS else "  OVER"
        over += bool(flag)
        print(f"{label:45} {p50:8.1f} {p95:8.1f} {'/'.join(map(str, queries)):>8}{flag}  {url}")
    sys.exit(1 if over else 0)


if __name__ == "__main__":
    main()
