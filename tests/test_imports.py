"""reports/imports.py and the batch admin: stored uploads, claims and leases, exactly-once outcomes,
cancel, resume, progress, the batch page, its JSON and CSV, who sees which batch."""
import csv
import io
import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from reports import imports, ingest
from reports.models import FileOutcome, Figure, ImportBatch, ImportFile, Report, ReportEvent
from tests import synthetic
from tests.conftest import CORPUS_DIR
from tests.factories import UserFactory, user_in_group
from tests.zips import make_zip

pytestmark = pytest.mark.django_db

OLD_2016 = CORPUS_DIR / "hebei-old" / "old-2016-hebei-kjt.txt"
STD_2022 = CORPUS_DIR / "standard-and-old" / "std-2022-hebei-jyt.txt"
PDF = CORPUS_DIR / "standard-and-old" / "std-2023-hongze.pdf"
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queued(settings):
    """Tasks are queued and not run, as when no worker is up: the test plays the worker."""
    settings.TASKS = DUMMY
    from django_tasks import default_task_backend

    yield default_task_backend
    default_task_backend.clear()


def media_files(settings, folder=""):
    root = os.path.join(settings.MEDIA_ROOT, folder)
    return sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)


def corpus(path):
    return (path.name, path.read_bytes())


def test_a_batch_stores_its_files_and_queues_tasks_without_parsing(settings, queued):
    settings.REPORT_IMPORT_CHUNK = 2
    zipped = make_zip([("a/" + PDF.name, PDF.read_bytes()), ("a/" + OLD_2016.name, OLD_2016.read_bytes())])
    batch = imports.create_batch([corpus(OLD_2016), corpus(STD_2022), ("notes.md", b"#"), ("empty.txt", b""),
                                  ("f.zip", zipped)])
    assert batch.total == 5 and batch.state == ImportBatch.State.QUEUED and Report.objects.count() == 0
    rows = {f.name: f for f in batch.files.all()}
    assert {n: f.status for n, f in rows.items()} == {
        OLD_2016.name: "pending", STD_2022.name: "pending", "f.zip": "pending",
        "notes.md": "skipped", "empty.txt": "failed"}
    assert "为空" in rows["empty.txt"].message and rows["notes.md"].finished_at is not None
    # The zip is stored as it came (one write, however many members): a worker expands it, first.
    assert len(media_files(settings, "imports")) == 3 and rows["f.zip"].rank < rows[OLD_2016.name].rank
    assert len(queued.results) == 2  # three pending files in chunks of two


def test_a_worker_expands_a_zip_into_its_members_first_and_more_workers_join(settings, queued):
    settings.REPORT_IMPORT_CHUNK = 2
    members = [("a/" + PDF.name, PDF.read_bytes()), ("a/b.md", b"#"), ("../x.txt", b"x")] + [
        (f"s/{name}", data) for name, data in synthetic.reports(4)]
    batch = imports.create_batch([corpus(STD_2022), ("f.zip", make_zip(members))])
    queued.clear()
    chunk = imports._claim(batch, "w")
    assert [r.name for r in chunk] == ["f.zip"]  # zips first, before any file
    imports._work(chunk, ingest.Context(), None, "w")
    batch.refresh_from_db()
    assert batch.total == 8 and not batch.files.filter(name="f.zip").exists()
    names = list(batch.files.order_by("position", "member").values_list("name", "status"))
    assert names[0] == (STD_2022.name, "pending") and names[1] == ("f.zip/a/" + PDF.name, "pending")
    assert dict(names)["f.zip/a/b.md"] == "skipped" and "路径不安全" in batch.files.get(name="f.zip/../x.txt").message
    assert len(media_files(settings, "imports")) == 6  # the zip's file gone, its five readable members stored
    assert len(queued.results) == 2  # five pending files in chunks of two: two more tasks join this one
    imports.run_slice(batch.pk, token="w")
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FINISHED and Report.objects.count() == 6


def test_a_zip_refused_whole_keeps_its_row_with_the_reason(settings):
    batch = imports.create_batch([("broken.zip", b"PK\x03\x04" + b"garbage" * 10), ("empty.zip", make_zip([]))])
    rows = dict(batch.files.values_list("name", "status"))
    assert rows == {"broken.zip": "failed", "empty.zip": "skipped"}
    assert "损坏" in batch.files.get(name="broken.zip").message and media_files(settings, "imports") == []


def test_a_worker_slice_ingests_every_pending_file_and_finishes_the_batch(settings, queued, admin_user):
    batch = imports.create_batch([corpus(OLD_2016), corpus(STD_2022), ("empty.txt", b"")], uploaded_by=admin_user)
    result = imports.run_slice(batch.pk, token="worker-a")
    assert result == imports.SliceResult(files=2)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FINISHED and batch.started_at and batch.finished_at
    created = batch.files.filter(status=FileOutcome.CREATED)
    assert created.count() == 2 and {f.report.uploaded_by for f in created} == {admin_user}
    assert all(f.report.sha256 == f.sha256 and f.report.file.read() for f in created)
    # The stored uploads are gone with the batch; the originals live on under reports/.
    assert media_files(settings, "imports") == [] and not batch.files.exclude(blob="").exists()
    assert len(media_files(settings, "reports")) == 2


def test_claims_are_disjoint_and_a_lapsed_claim_is_taken_over(settings, queued):
    settings.REPORT_IMPORT_CHUNK = 2
    batch = imports.create_batch(synthetic.reports(5))
    first, second = imports._claim(batch, "a"), imports._claim(batch, "b")
    assert len(first) == len(second) == 2 and not {f.pk for f in first} & {f.pk for f in second}
    ImportFile.objects.filter(claimed_by="a").update(lease_until=timezone.now() - timedelta(seconds=1))
    taken = imports._claim(batch, "c")
    assert {f.pk for f in taken} == {f.pk for f in first}  # the dead worker's chunk, before the rest
    assert len(imports._claim(batch, "d")) == 1 and imports._claim(batch, "e") == []


def test_a_worker_whose_claim_was_taken_over_writes_nothing(settings, queued):
    """Exactly once: the outcome is written with the report, only by the claim's holder."""
    batch = imports.create_batch([corpus(OLD_2016)])
    rows = imports._claim(batch, "slow")
    ImportFile.objects.filter(claimed_by="slow").update(lease_until=timezone.now() - timedelta(seconds=1))
    assert imports.run_slice(batch.pk, token="fast").files == 1
    context = ingest.Context()
    imports._work(rows, context, None, "slow")  # the slow worker wakes up and finishes its chunk
    assert Report.objects.count() == 1 and ReportEvent.objects.count() == 1
    [row] = batch.files.all()
    assert (row.status, row.claimed_by) == (FileOutcome.CREATED, "fast")


def test_a_slice_leaves_files_another_worker_holds_and_says_when_to_look_again(settings, queued):
    batch = imports.create_batch([corpus(OLD_2016)])
    imports._claim(batch, "other")
    result = imports.run_slice(batch.pk, token="me")
    assert result.files == 0 and not result.more and result.wait_until > timezone.now()
    assert batch.files.get().status == FileOutcome.PENDING


def test_a_slice_hands_over_when_its_time_is_up(settings, queued):
    settings.REPORT_IMPORT_CHUNK = 1
    batch = imports.create_batch([corpus(OLD_2016), corpus(STD_2022)])
    assert imports.run_slice(batch.pk, token="t", budget=0) == imports.SliceResult(files=1, more=True)
    assert imports.run_slice(batch.pk, token="t", budget=0).files == 1
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FINISHED


def test_a_worker_told_to_stop_ends_its_slice_after_the_current_chunk(settings, queued):
    settings.REPORT_IMPORT_CHUNK = 1
    batch = imports.create_batch([corpus(OLD_2016), corpus(STD_2022)])
    imports.stop_requested.set()
    try:
        result = imports.run_slice(batch.pk, token="t", budget=600)
    finally:
        imports.stop_requested.clear()
    assert result == imports.SliceResult(files=1, more=True)  # the rest stays queued for the next worker


def test_the_worker_command_signals_a_stop_to_the_running_slice():
    from reports.management.commands.db_worker import Worker

    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="w", excluded_queue_names=[])
    worker.running_task = True  # inside a task: the worker finishes it rather than exiting
    try:
        worker.shutdown(15, None)
        assert imports.stop_requested.is_set() and not worker.running
    finally:
        imports.stop_requested.clear()


def test_cancel_marks_pending_files_and_a_worker_drops_what_it_held(settings, queued, admin_user):
    settings.REPORT_IMPORT_CHUNK = 1
    batch = imports.create_batch([corpus(OLD_2016), corpus(STD_2022), corpus(PDF)])
    imports.run_slice(batch.pk, token="t", budget=0)
    held = imports._claim(batch, "busy")
    assert imports.cancel(batch, user=admin_user) and not imports.cancel(batch, user=admin_user)
    imports._work(held, ingest.Context(), None, "busy")
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.CANCELLED and batch.cancelled_by == admin_user
    assert sorted(batch.files.values_list("status", flat=True)) == ["cancelled", "cancelled", "created"]
    assert Report.objects.count() == 1 and media_files(settings, "imports") == []
    assert imports.run_slice(batch.pk, token="late") == imports.SliceResult()


def test_resume_queues_every_open_batch_again(settings, queued):
    open_batch = imports.create_batch([corpus(OLD_2016)])
    done = imports.create_batch([("a.md", b"#")])
    assert done.files.get().status == "skipped"
    done.refresh_from_db()
    assert done.state == ImportBatch.State.FINISHED
    queued.clear()
    assert imports.resume_interrupted() == [open_batch.pk] and len(queued.results) == 1


def test_a_dry_run_batch_records_outcomes_and_keeps_nothing(settings):
    batch = imports.create_batch([corpus(OLD_2016), corpus(STD_2022)], dry_run=True, agency="河北省教育厅", year=2022)
    statuses = dict(batch.files.values_list("name", "status"))
    # Both name the same agency-year: the second would be already present.
    assert sorted(statuses.values()) == ["already_present", "created"]
    assert all("试运行" in m for m in batch.files.filter(status="created").values_list("message", flat=True))
    assert Report.objects.count() == 0 and media_files(settings) == []


def test_the_exact_text_copy_is_kept_of_a_report_uploaded_as_pdf_and_text():
    """The agency-year rule: the first written is kept, and workers take text before PDF."""
    batch = imports.create_batch([corpus(PDF), corpus(STD_2022)], agency="某某市某局", year=2023)
    rows = {f.name: f for f in batch.files.all()}
    assert rows[STD_2022.name].status == "created" and rows[PDF.name].status == "already_present"
    assert rows[PDF.name].existing == rows[STD_2022.name].report


def test_same_agency_year_and_same_bytes_within_one_chunk():
    same = ("copy.txt", OLD_2016.read_bytes())
    twin = make_zip([("x/" + OLD_2016.name, OLD_2016.read_bytes())])
    batch = imports.create_batch([corpus(OLD_2016), same, ("z.zip", twin), ("v2.txt", OLD_2016.read_bytes() + b"\n")],
                                 agency="河北省科学技术厅", year=2016)
    statuses = list(batch.files.order_by("position").values_list("status", flat=True))
    assert statuses == ["created", "duplicate", "duplicate", "already_present"]
    first = batch.files.get(position=0).report
    assert set(batch.files.exclude(position=0).values_list("existing", flat=True)) == {first.pk}
    assert Report.objects.count() == 1


def test_writing_a_chunk_costs_a_few_queries_per_file(settings, django_assert_max_num_queries):
    """Issue 9: about 8.3 queries and a commit per file before; the checks are now one query per
    chunk each, and a new report costs its insert inside a savepoint."""
    settings.REPORT_IMPORT_CHUNK = 20
    files = synthetic.reports(20)
    ingest.ingest_files(files[:1])  # regions and gazetteer warm, as in a running worker
    # A savepoint, an insert and a release each; per chunk 25, 10 to recount /coverage/, and 13
    # to refresh the chart rollups (a lock, the keys, the agencies' years, the rows, grains and
    # agency years of up to 200 cells).
    with django_assert_max_num_queries(3 * 19 + 35 + 13):
        outcomes = ingest.ingest_files(files[1:])
    assert [o.status for o in outcomes] == ["created"] * 19
    assert Figure.objects.filter(report__in=[o.report for o in outcomes]).exists()


def test_progress_counts_and_times():
    batch = imports.create_batch([corpus(OLD_2016), ("a.md", b"#")])
    batch.refresh_from_db()
    progress = imports.progress(batch)
    assert (progress.total, progress.done, progress.pending, progress.failed) == (2, 2, 0, 0)
    assert progress.counts == {"created": 1, "skipped": 1} and progress.remaining == 0 and not progress.is_open


# --- the admin pages


def batch_url(batch, name="change"):
    return reverse(f"admin:reports_importbatch_{name}", args=[batch.pk])


def test_batch_page_lists_failed_files_first_and_links_reports(admin_client):
    admin_client.post("/admin/reports/report/upload/", {"files": [
        SimpleUploadedFile(OLD_2016.name, OLD_2016.read_bytes()), SimpleUploadedFile("empty.txt", b"")]})
    batch = ImportBatch.objects.get()
    body = admin_client.get(batch_url(batch)).content.decode()
    assert body.index('<tr class="failed">') < body.index('<tr class="created">')
    assert reverse("admin:reports_report_change", args=[Report.objects.get().pk]) in body
    assert batch_url(batch, "csv") in body and "batch_progress.js" in body and "<script>" not in body


def test_progress_json_is_a_fixed_number_of_queries(admin_client, django_assert_num_queries):
    batch = imports.create_batch([corpus(OLD_2016), ("e.txt", b"")] + synthetic.reports(30))
    admin_client.get(batch_url(batch, "progress"))  # session and user loaded once
    with django_assert_num_queries(5):
        data = admin_client.get(batch_url(batch, "progress")).json()
    assert (data["state"], data["total"], data["done"], data["open"]) == ("finished", 32, 32, False)
    assert {c["status"]: c["n"] for c in data["counts"]} == {"created": 31, "failed": 1}
    assert data["rows_html"].index('class="failed"') < data["rows_html"].index('class="created"')
    page = admin_client.get(batch_url(batch, "progress") + "?status=failed").json()
    assert page["rows_html"].count("<tr") == 1


def test_outcomes_csv_has_every_file_and_no_cell_a_spreadsheet_would_run(admin_client):
    batch = imports.create_batch([("=HYPERLINK(1).txt", b""), ("@cmd.txt", b""), corpus(OLD_2016)])
    response = admin_client.get(batch_url(batch, "csv"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 4 and rows[1][1] == "'=HYPERLINK(1).txt" and rows[2][1] == "'@cmd.txt"
    assert rows[3][2] == "created" and rows[3][6].endswith(f"/admin/reports/report/{Report.objects.get().pk}/change/")
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_cancel_from_the_page(settings, queued, admin_client):
    batch = imports.create_batch([corpus(OLD_2016)])
    assert admin_client.get(batch_url(batch, "cancel")).status_code == 405
    response = admin_client.post(batch_url(batch, "cancel"), follow=True)
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.CANCELLED and "已取消" in response.content.decode()


def test_uploaders_see_their_own_batches_only(client):
    mine = user_in_group("uploader", username="mine")
    other = user_in_group("uploader", username="other")
    own = imports.create_batch([corpus(OLD_2016)], uploaded_by=mine)
    theirs = imports.create_batch([corpus(STD_2022)], uploaded_by=other)
    client.force_login(mine)
    listing = client.get(reverse("admin:reports_importbatch_changelist"))
    assert listing.status_code == 200 and list(listing.context["cl"].result_list) == [own]
    assert client.get(batch_url(own)).status_code == 200
    for name in ("change", "progress", "csv"):
        assert client.get(batch_url(theirs, name)).status_code == 403
    client.force_login(UserFactory(username="plain", is_staff=True))
    assert client.get(batch_url(own)).status_code == 403


@pytest.mark.parametrize("name,message,detail", [
    ("a.zip/x/e.txt", "a.zip/x/e.txt：文件为空", "文件为空"),
    ("a.zip/x/scan.pdf", "scan.pdf: PDF 文件已损坏", "PDF 文件已损坏"),
    ("b.txt", "批次已取消", "批次已取消"),
])
def test_a_files_detail_is_its_message_without_the_name_shown_beside_it(name, message, detail):
    assert ImportFile(name=name, message=message).detail == detail


# --- the tasks on the database backend, run one at a time as a worker runs them


@pytest.fixture
def db_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects


def run_next(db_queue):
    """Run the next ready task as db_worker does; return it."""
    from django_tasks_db.management.commands.db_worker import Worker

    task = db_queue.ready().order_by("enqueued_at").first()
    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test-worker", excluded_queue_names=[])
    task.claim("test-worker")
    worker.run_task(task)
    task.refresh_from_db()
    return task


def test_a_task_goes_on_in_a_new_task_and_waits_for_a_claim_another_worker_holds(settings, db_queue):
    settings.REPORT_IMPORT_CHUNK = 1
    settings.REPORT_IMPORT_SLICE_SECONDS = 0
    batch = imports.create_batch([corpus(OLD_2016), corpus(STD_2022)])
    assert db_queue.ready().count() == 2
    db_queue.all().delete()
    imports.start(batch, tasks=1)
    first = run_next(db_queue)
    assert first.status == "SUCCESSFUL" and first.return_value == {"batch": batch.pk, "files": 1}
    assert db_queue.ready().count() == 1  # its successor
    imports._claim(batch, "a-worker-that-will-die")
    run_next(db_queue)
    [later] = db_queue.filter(status="READY")
    lease = batch.files.get(status="pending").lease_until
    assert later.run_after == lease and not db_queue.ready().exists()  # deferred until the claim lapses


def test_a_failing_task_queues_a_later_retry(settings, db_queue, monkeypatch):
    batch = imports.create_batch([corpus(OLD_2016)], queue=False)
    monkeypatch.setattr(imports, "run_slice", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("db gone")))
    imports.start(batch, tasks=1)
    failed = run_next(db_queue)
    assert failed.status == "FAILED" and "db gone" in failed.traceback
    [retry] = db_queue.filter(status="READY")
    assert retry.args_kwargs["kwargs"] == {"retries": 1} and retry.run_after > timezone.now()


def test_resume_closes_tasks_their_worker_never_finished(db_queue):
    from reports.tasks import run_import

    batch = imports.create_batch([corpus(OLD_2016)], queue=False)
    imports.start(batch, tasks=1)
    lost = db_queue.get()
    lost.claim("dead-worker")
    db_queue.filter(pk=lost.pk).update(started_at=timezone.now() - timedelta(hours=2))
    assert imports.resume_interrupted() == [batch.pk]
    lost.refresh_from_db()
    assert lost.status == "FAILED" and lost.exception_class_path == "reports.imports.WorkerLost"
    assert db_queue.filter(status="READY", task_path=run_import.module_path).count() == 1


# --- cleanup_files


def test_cleanup_files_lists_then_deletes_only_old_files_no_row_names(settings, capsys):
    from django.core.management import CommandError, call_command

    report = ingest.ingest_files([corpus(OLD_2016)])[0].report
    root = settings.MEDIA_ROOT
    orphans = [os.path.join(root, "reports", "ab", "ab" * 32, "lost.txt"), os.path.join(root, "imports", "f" * 32, "c" * 64)]
    fresh = os.path.join(root, "reports", "cd", "cd" * 32, "just-written.txt")
    for path in orphans + [fresh]:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, "wb").write(b"x")
    old = timezone.now().timestamp() - 7200
    for path in orphans:
        os.utime(path, (old, old))
    call_command("cleanup_files")
    out = capsys.readouterr().out
    assert "reports/ab/" in out and "imports/" in out and "just-written" not in out and "dry run" in out
    assert all(os.path.exists(p) for p in orphans)
    call_command("cleanup_files", "--delete")
    assert not any(os.path.exists(p) for p in orphans) and os.path.exists(fresh)
    assert report.file.read() == OLD_2016.read_bytes()
    os.remove(report.file.path)
    with pytest.raises(CommandError, match="1 report"):
        call_command("cleanup_files", "--check-missing", "--older-than", "0")
    assert f"report #{report.pk}" in capsys.readouterr().err
