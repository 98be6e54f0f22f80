"""Benchmark: bulk import through reports/ingest.py (parse + every database write + stored file).

DESIGN.md budget: 10,000 reports in under 2 minutes on SQLite and on PostgreSQL. Each synthetic
report is a corpus text report with a unique suffix (a new sha256) and its own agency-year, so
every file takes the full "created" path. Run against a scratch database (it is migrated first):

    DATABASE_URL=sqlite:////tmp/ingest-bench.sqlite3 .venv/bin/python bench/ingest_bench.py --reports 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ingest_bench .venv/bin/python bench/ingest_bench.py
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="ingest-bench-media-"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from reports.ingest import Override, count_by_status, ingest_files  # noqa: E402
from reports.models import Report  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"


def synthetic(n: int, run: str):
    """(name, bytes) pairs and their overrides: corpus texts made unique, one agency-year each."""
    texts = sorted(CORPUS.rglob("*.txt"))
    files, overrides = [], {}
    for i in range(n):
        src = texts[i % len(texts)]
        name = f"{run}-{i:05d}-{src.name}"
        files.append((name, src.read_bytes() + f"\n（基准测试 {run} {i}）".encode()))
        overrides[name] = Override(agency=f"基准测试{run}第{i // 15}局", year=2008 + i % 15)
    return files, overrides


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    run = str(int(time.time()))
    files, overrides = synthetic(args.reports, run)
    before = Report.objects.count()
    start = time.perf_counter()
    outcomes = ingest_files(files, uploaded_by=None, overrides=overrides)
    elapsed = time.perf_counter() - start
    vendor = django.db.connection.vendor
    print(f"{vendor}: {len(outcomes)} files in {elapsed:.1f} s = {len(outcomes) / elapsed:.0f} reports/s "
          f"({count_by_status(outcomes)}); 10,000 would take {10_000 * elapsed / len(outcomes):.0f} s "
          f"(budget 120 s); reports in db {before} -> {Report.objects.count()}")


if __name__ == "__main__":
    main()
