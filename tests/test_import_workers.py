"""Real import workers (`manage.py db_worker` processes) over the test database: a batch survives a
worker killed in the middle of it, with every file accounted for once and no file lost (issue 9);
the SIGKILL case uploads the files as one zip, which the first worker expands.

Slow: each case imports 300 files through two worker runs, about 10-20 s."""
import hashlib
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.db import connection

from reports import imports, originals
from reports.models import FileOutcome, ImportBatch, ImportFile, Report
from tests import synthetic
from tests.zips import make_zip

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
FILES = 300


@pytest.fixture
def db_tasks(settings):
    """Tasks go to the database for the worker processes, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def worker_env(settings) -> dict:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            # Small chunks and slices, a short lease: the crash and its recovery happen within seconds.
            "REPORT_IMPORT_CHUNK": "10", "REPORT_IMPORT_SLICE_SECONDS": "1",
            "REPORT_IMPORT_LEASE_SECONDS": "3", "REPORT_IMPORT_PARALLEL": "2"}


def start_worker(env, log):
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_for(condition, *, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def done(batch):
    batch.refresh_from_db()
    return imports.progress(batch).done


def files_missing():
    return [r.pk for r in Report.objects.all() if not default_storage.exists(r.file.name)]


@pytest.mark.parametrize("kill,as_zip", [("SIGKILL", True), ("SIGTERM", False), ("SIGTERM twice", False)])
def test_a_worker_killed_mid_batch_loses_nothing_and_the_batch_resumes(settings, db_tasks, tmp_path, kill, as_zip):
    env = worker_env(settings)
    files = synthetic.reports(FILES, run="7")
    upload = [("province.zip", make_zip(files))] if as_zip else files
    batch = imports.create_batch(upload, source=ImportBatch.Source.COMMAND)

    with open(tmp_path / "worker1.log", "wb") as log:
        worker = start_worker(env, log)
        try:
            wait_for(lambda: done(batch) >= 40, timeout=120, what="the first worker to import 40 files")
            worker.send_signal(signal.SIGKILL if kill == "SIGKILL" else signal.SIGTERM)
            if kill == "SIGTERM twice":
                time.sleep(0.05)
                worker.send_signal(signal.SIGTERM)  # the second one interrupts the running task
            worker.wait(timeout=60)
        finally:
            worker.kill()
    # Stopped in the middle: every report written so far has its original file.
    assert done(batch) < FILES, "the worker finished before it was stopped; make the batch larger"
    assert batch.is_open and Report.objects.exists() and files_missing() == []

    with open(tmp_path / "worker2.log", "wb") as log:
        worker = start_worker(env, log)
        try:
            wait_for(lambda: (batch.refresh_from_db() or not batch.is_open), timeout=180,
                     what="a new worker to resume and finish the batch")
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
    assert "resuming import batches" in (tmp_path / "worker2.log").read_text()

    # Every file accounted for exactly once: one outcome each, one report per file, each file's
    # report holding that file's bytes.
    assert batch.state == ImportBatch.State.FINISHED
    rows = list(ImportFile.objects.filter(batch=batch).values_list("status", "report_id", "sha256"))
    assert [status for status, _r, _s in rows] == [FileOutcome.CREATED] * FILES
    reports = dict(Report.objects.values_list("pk", "sha256"))
    assert len(reports) == FILES and sorted(r for _s, r, _h in rows) == sorted(reports)
    assert all(reports[report] == sha for _s, report, sha in rows)
    assert {sha for _s, _r, sha in rows} == {hashlib.sha256(data).hexdigest() for _n, data in files}
    assert files_missing() == []
    assert all(default_storage.size(r.file.name) == r.file_size for r in Report.objects.all())
    # No file without a row once cleanup_files has run (a killed chunk may have stored originals
    # it never committed); the batch's stored uploads are gone.
    for name in list(originals.unreferenced(older_than=timedelta(0))):
        default_storage.delete(name)
    assert list(originals.unreferenced(older_than=timedelta(0))) == []
    assert not ImportFile.objects.exclude(blob="").exists()
    assert not [p for p in Path(settings.MEDIA_ROOT, "imports").rglob("*") if p.is_file()]
    assert files_missing() == []
