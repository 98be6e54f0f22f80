"""Benchmark: bulk import as users run it: an import batch worked by `manage.py db_worker` processes.

DESIGN.md budget: 10,000 reports in under 2 minutes on PostgreSQL with 2 workers (and on SQLite).
Each synthetic report is a corpus text report whose agency is renamed to one of its own
(tests/synthetic.py), so every file takes the full "created" path: parse, agency creation,
report, figures, findings, metrics, stored original. The agencies are spread as a province's
uploads are, about 40 per region over 河北's and 浙江's 281 regions; `--crowded` keeps each in its
source's region instead (up to 7,000 agencies in one county, which no real region has: the
/coverage/ and chart rollups recount a changed region's agencies, so there each chunk costs
more as the region fills). For each worker count it starts the
workers, stores the files as one batch (the upload's share of the time, reported apart), and
times the batch from then until its last file is done. Queries and CPU time per file are
measured in this process over the same code path (the worker's slices) on a smaller batch.

    DATABASE_URL=sqlite:////tmp/ingest-bench.sqlite3 .venv/bin/python bench/ingest_bench.py --reports 2000 --workers 1,2
    createdb -h 127.0.0.1 -U postgres ingest_bench    # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ingest_bench .venv/bin/python bench/ingest_bench.py --workers 1,2

The machine's load is printed with each result: other processes on a shared machine slow it.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
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
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from reports import imports  # noqa: E402
from reports.models import ImportBatch, Report  # noqa: E402
from tests import synthetic  # noqa: E402

QUERY_SAMPLE = 500


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def start_workers(n: int) -> list[subprocess.Popen]:
    workers = [subprocess.Popen([sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
                                 "--interval", "0.1", "--verbosity", "0"], cwd=ROOT)
               for _ in range(n)]
    time.sleep(3)  # Django and the parser loaded before the clock starts
    return workers


def stop(workers) -> None:
    for w in workers:
        w.send_signal(signal.SIGTERM)
    for w in workers:
        try:
            w.wait(timeout=60)
        except subprocess.TimeoutExpired:
            w.kill()


def run(n: int, workers: int, spread: bool) -> None:
    files = synthetic.reports(n, run=str(int(time.time()) % 100000), spread=spread)
    procs = start_workers(workers)
    try:
        start = time.perf_counter()
        batch = imports.create_batch(files, source=ImportBatch.Source.COMMAND)
        stored = time.perf_counter() - start
        while True:
            batch.refresh_from_db()
            if not batch.is_open:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
    finally:
        stop(procs)
    counts = imports.progress(batch).counts
    print(f"{connection.vendor}: {workers} worker(s): {n} files in {elapsed:.1f} s = {n / elapsed:.0f} reports/s "
          f"(upload stored and queued in {stored:.1f} s); 10,000 would take {10_000 * elapsed / n:.0f} s "
          f"(budget 120 s); {counts}; {load()}", flush=True)


def cost_per_file(n: int, spread: bool) -> None:
    """The worker's code path in this process (claims, checks, writes), with every query counted
    and the CPU time spent here and in this connection's PostgreSQL backend measured: unlike the
    wall-clock times, these do not depend on what else the machine is doing."""
    files = synthetic.reports(n, run=str(int(time.time()) % 100000 + 1), spread=spread)
    batch = imports.create_batch(files[:1], source=ImportBatch.Source.COMMAND, queue=False)
    imports.work_here(batch)  # regions and gazetteer warm, as in a running worker
    batch = imports.create_batch(files[1:], source=ImportBatch.Source.COMMAND, queue=False)
    server, cpu = _backend_cpu(), time.process_time()
    with CaptureQueriesContext(connection) as queries:
        imports.work_here(batch)
    cpu, done = time.process_time() - cpu, n - 1
    server = _backend_cpu() - server if server is not None else None
    line = (f"{connection.vendor}: per file, over {done} files in chunks of {imports._chunk_size()}: "
            f"{len(queries) / done:.2f} queries, {1000 * cpu / done:.1f} ms CPU in the worker")
    if server is not None:
        line += f", {1000 * server / done:.1f} ms CPU in the database server"
        busy = cpu + server
        line += (f"; CPU-bound, 2 cores of their own would take {10_000 * busy / done / 2:.0f} s "
                 f"for 10,000 with 2 workers")
    print(line, flush=True)


def _backend_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when it runs on this machine."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--workers", default="2", help="worker counts to run, e.g. 1,2")
    parser.add_argument("--crowded", action="store_true",
                        help="leave every agency in its source's region (thousands per region)")
    args = parser.parse_args()
    spread = not args.crowded
    call_command("migrate", verbosity=0)
    print(f"{connection.vendor}: {Report.objects.count()} reports in the database before; agencies "
          f"{'spread ~40 per region' if spread else 'crowded in their sources regions'}; {load()}", flush=True)
    cost_per_file(min(QUERY_SAMPLE, args.reports), spread)
    for workers in (int(w) for w in args.workers.split(",")):
        run(args.reports, workers, spread)


if __name__ == "__main__":
    main()
