"""Import batches: an upload stored and queued in one request, then worked chunk by chunk by the workers.

create_batch() stores each uploaded file as it came (a zip too) under imports/<folder>/<sha256>,
writes one ImportFile row per file and queues run_import tasks (reports/tasks.py), a few per
batch so that several workers share it. A task runs run_slice(): it claims a chunk of pending
files (a token and a lease on their rows), expands zips into rows of their members, ingests the
files (reports/ingest.py) and writes their outcomes in the same transaction as their reports,
so a file is accounted for exactly once:
- a worker killed mid-chunk rolls back; its claim lapses after REPORT_IMPORT_LEASE_SECONDS and
  another task takes the chunk up again (a worker that starts queues one for every open batch);
- a cancelled batch marks its pending files cancelled; a worker holding one of them drops it;
- each task hands over to a new one after REPORT_IMPORT_SLICE_SECONDS, and a worker told to stop
  (SIGTERM; `stop_requested` is set by reports' db_worker) ends its task after the current chunk,
  its batch still queued.
The stored uploads are deleted once their batch is over; originals live on under reports/.
"""
from __future__ import annotations

import hashlib
import logging
import math
import posixpath
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Min, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import ingest, originals, table_statistics
from reports.models import FileOutcome, ImportBatch, ImportFile

log = logging.getLogger(__name__)

# Set by the worker's SIGTERM/SIGINT handler (reports/management/commands/db_worker.py): the
# running slice ends after its current chunk instead of at its deadline, which on a fast machine
# could be hundreds of files later.
stop_requested = threading.Event()

State = ImportBatch.State
OPEN = (State.QUEUED, State.RUNNING)


def create_batch(files, *, uploaded_by=None, source=ImportBatch.Source.UPLOAD, replace=False,
                 dry_run=False, agency="", year=None, queue=True) -> ImportBatch:
    """Store (name, bytes) pairs as a new batch and queue it for the workers (unless `queue` is
    false: work_here() then works it); return the batch.

    Each uploaded file is stored as it came, a zip too: one write whatever it holds, which keeps
    the request short however many members a zip has and however far away the storage is (a
    worker expands it). A file refused on sight (its kind, empty, too large) gets its outcome
    here. Files are read one at a time; each is stored before any row names it, and the rows are
    written in one transaction, so a request that dies halfway leaves only unnamed files for
    cleanup_files.
    """
    folder = f"{originals.IMPORTS_DIR}/{uuid.uuid4().hex}"
    rows, stored = [], {}
    for position, (name, data) in enumerate(files):
        if ingest.is_archive_upload(name, data):
            rows.append(_row(ingest.Item(name, data), position, 0, folder, stored, rank=ARCHIVE_RANK))
        else:
            [item] = ingest.expand_upload(name, data)
            rows.append(_row(item, position, 0, folder, stored))
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            uploaded_by=uploaded_by, source=source, replace=replace, dry_run=dry_run,
            agency=(agency or "")[:200], year=year or None, total=len(rows))
        for row in rows:
            row.batch = batch
        ImportFile.objects.bulk_create(rows, batch_size=500)
    if queue:
        start(batch)
    return batch


# Zips are expanded before any file is ingested: their members then count in the batch's total,
# and every worker can take a share of them.
ARCHIVE_RANK = 0


def _row(item: ingest.Item, position: int, member: int, folder: str, stored: dict, *, rank=None) -> ImportFile:
    """The row of one file; its bytes stored under `folder` (a fresh one per batch: no other
    batch reads or deletes them), once per content."""
    name = item.name[:500]
    if item.outcome is not None:
        return ImportFile(position=position, member=member, name=name, status=item.outcome.status,
                          message=item.outcome.message, finished_at=timezone.now())
    sha256 = hashlib.sha256(item.data).hexdigest()
    if sha256 not in stored:
        stored[sha256] = default_storage.save(f"{folder}/{sha256}", ContentFile(item.data))
    return ImportFile(position=position, member=member, name=name, blob=stored[sha256], sha256=sha256,
                      size=len(item.data), rank=ingest.preference(item.name) + 1 if rank is None else rank)


def start(batch: ImportBatch, *, tasks: int | None = None) -> None:
    """Queue the tasks that work the batch: enough for REPORT_IMPORT_PARALLEL workers to share it,
    no more than it has chunks. A batch with nothing pending is finished at once."""
    from reports.tasks import run_import

    pending = batch.files.filter(status=FileOutcome.PENDING).count()
    if not pending:
        finish(batch)
        return
    if tasks is None:
        tasks = min(max(1, settings.REPORT_IMPORT_PARALLEL), math.ceil(pending / _chunk_size()))
    for _n in range(tasks):
        run_import.enqueue(batch.pk)


@dataclass(frozen=True)
class SliceResult:
    """What a task leaves: `more` claimable files (a new task should go on), or files another
    worker holds until `wait_until` (go on then, in case that worker died), or nothing."""

    files: int = 0
    more: bool = False
    wait_until: datetime | None = None


def run_slice(batch_id: int, *, token: str, budget: float | None = None) -> SliceResult:
    """Work the batch's pending files, a chunk at a time, for about `budget` seconds."""
    batch = ImportBatch.objects.select_related("uploaded_by").filter(pk=batch_id).first()
    if batch is None or not batch.is_open:
        return SliceResult()
    budget = settings.REPORT_IMPORT_SLICE_SECONDS if budget is None else budget
    context = ingest.Context(uploaded_by=batch.uploaded_by, replace=batch.replace, dry_run=batch.dry_run)
    override = ingest.Override(agency=batch.agency or None, year=batch.year) if (batch.agency or batch.year) else None
    deadline, done = time.monotonic() + budget, 0
    while True:
        rows = _claim(batch, token)
        if not rows:
            break
        _work(rows, context, override, token)
        done += len(rows)
        table_statistics.refresh_if_stale()
        if time.monotonic() > deadline or stop_requested.is_set():
            break
    return _wrap_up(batch, done)


def work_here(batch: ImportBatch, *, on_progress=None) -> None:
    """Work the batch in this process until it is over (import_reports --in-process), calling
    on_progress(progress()) between slices. Files another process holds are waited for."""
    token = f"here-{uuid.uuid4().hex}"
    while True:
        result = run_slice(batch.pk, token=token, budget=1.0)
        batch.refresh_from_db()
        if on_progress is not None:
            on_progress(progress(batch))
        if result.wait_until is not None:
            time.sleep(min(1.0, max(0.0, (result.wait_until - timezone.now()).total_seconds())))
        elif not result.more:
            return


def _chunk_size() -> int:
    return max(1, settings.REPORT_IMPORT_CHUNK)


# A chunk also stops growing at this many bytes, so that one of big PDFs stays well inside the lease.
CHUNK_BYTES = 8 * 1024 * 1024


def _claim(batch: ImportBatch, token: str) -> list[ImportFile]:
    """Claim the next chunk of pending files no live worker holds, one rank at a time: a file of
    a later rank waits until every file before it is done, whichever worker holds them, so
    that the rank order decides which of several copies of a report is kept however many
    workers share the batch. One locking read, one update."""
    now = timezone.now()
    with transaction.atomic():
        pending = batch.files.filter(status=FileOutcome.PENDING)
        first_rank = Subquery(pending.order_by("rank").values("rank")[:1])
        free = pending.filter(rank=first_rank).filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        candidates = list(free.order_by("rank", "position", "member").select_for_update(skip_locked=True)
                          [:_chunk_size()])
        rows, size = [], 0
        for row in candidates:
            if rows and size + row.size > CHUNK_BYTES:
                break
            rows.append(row)
            size += row.size
        if not rows:
            return []
        lease = now + timedelta(seconds=settings.REPORT_IMPORT_LEASE_SECONDS)
        ImportFile.objects.filter(pk__in=[r.pk for r in rows]).update(claimed_by=token, lease_until=lease)
        if batch.state == State.QUEUED:
            ImportBatch.objects.filter(pk=batch.pk, state=State.QUEUED).update(state=State.RUNNING, started_at=now)
            batch.state = State.RUNNING
    return rows


def _work(rows: list[ImportFile], context, override, token: str) -> None:
    items = []
    for row in rows:
        data = _read_blob(row.blob)
        if data is None:
            items.append(ingest.Item(row.name, key=row.pk, outcome=ingest.Outcome(
                row.name, FileOutcome.FAILED,
                _("%(name)s：暂存的上传文件已不在存储中，请重新上传 (stored upload missing)") % {"name": row.name})))
        elif row.rank == ARCHIVE_RANK:
            _expand(row, data, override, token)
        else:
            items.append(ingest.Item(row.name, data, override, key=row.pk, sha256=row.sha256))
    if items:
        ingest.ingest_chunk(items, context, claim=Claim(token))


def _expand(row: ImportFile, data: bytes, override, token: str) -> None:
    """Replace a zip's row by rows of its members (reports/archive.py: safe, bounded); a zip
    refused whole, or empty, keeps its row with that outcome."""
    items = ingest.expand_upload(row.name, data, override=override)
    claim = Claim(token)
    if len(items) == 1 and items[0].name == row.name and items[0].outcome is not None:
        items[0].key = row.pk
        with transaction.atomic():
            if claim.keep([items[0]]):
                claim.save([items[0]])
        return
    folder, stored = posixpath.dirname(row.blob), {}
    members = [_row(item, row.position, n, folder, stored) for n, item in enumerate(items, start=1)]
    with transaction.atomic():
        kept = claim.keep([ingest.Item(row.name, key=row.pk)])
        if kept:
            for member in members:
                member.batch_id = row.batch_id
            ImportFile.objects.bulk_create(members, batch_size=500)
            ImportBatch.objects.filter(pk=row.batch_id).update(total=F("total") + len(members) - 1)
            row.delete()
    # The zip (or, when the batch was cancelled meanwhile, the members just stored) is named by
    # no row any more.
    for name in [row.blob] if kept else set(stored.values()):
        _delete(name)
    pending = sum(1 for m in members if m.status == FileOutcome.PENDING)
    more = min(settings.REPORT_IMPORT_PARALLEL, math.ceil(pending / _chunk_size())) - 1
    if kept and more > 0:
        start(row.batch, tasks=more)  # more workers can now share the batch: this task goes on, these join it


def _read_blob(name: str) -> bytes | None:
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as fh:
            return fh.read()
    except (FileNotFoundError, OSError):
        return None


class Claim:
    """A chunk's bookkeeping inside its ingest transaction (ingest.ingest_chunk's `claim`)."""

    def __init__(self, token: str):
        self.token = token

    def keep(self, items) -> set:
        """Lock the rows still pending under this token (a cancel or a worker that took a lapsed
        claim over has changed the others); return their ids."""
        keys = [i.key for i in items]
        return set(ImportFile.objects.select_for_update().filter(
            pk__in=keys, status=FileOutcome.PENDING, claimed_by=self.token).values_list("pk", flat=True))

    def save(self, items) -> None:
        """Record each item's outcome on its row (one executemany: bulk_update's CASE expressions
        cost more to build than the chunk's reports); an item left without one is released for
        the next claim."""
        now = timezone.now()
        finished, released = [], []
        for item in items:
            outcome = item.outcome
            if outcome is None:
                released.append(item.key)
                continue
            finished.append([outcome.status, outcome.message, _pk(outcome.report), _pk(outcome.existing), now,
                             item.key])
        if finished:
            qn = connection.ops.quote_name
            columns = ("status", "message", "report_id", "existing_id", "finished_at")
            sql = (f"UPDATE {qn(ImportFile._meta.db_table)} SET "
                   + ", ".join(f"{qn(c)} = %s" for c in columns)
                   + f", {qn('lease_until')} = NULL WHERE {qn('id')} = %s")
            finished_at = ImportFile._meta.get_field("finished_at")
            for row in finished:
                row[4] = finished_at.get_db_prep_save(row[4], connection)
            with connection.cursor() as cursor:
                cursor.executemany(sql, finished)
        if released:
            ImportFile.objects.filter(pk__in=released).update(claimed_by="", lease_until=None)


def _pk(report):
    return report.pk if report is not None else None


# How soon a task looks again when the files it could take wait for other workers' chunks of
# an earlier rank (which take seconds), rather than for a claim to lapse (which takes the lease).
RANK_RECHECK = timedelta(seconds=2)


def _wrap_up(batch: ImportBatch, done: int) -> SliceResult:
    now = timezone.now()
    pending = batch.files.filter(status=FileOutcome.PENDING)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    left = pending.aggregate(n=Count("pk"), rank=Min("rank"), free=Count("pk", filter=free))
    if not left["n"]:
        finish(batch)
        return SliceResult(files=done)
    first = pending.filter(rank=left["rank"]).aggregate(free=Count("pk", filter=free), lease=Min("lease_until"))
    if first["free"]:
        return SliceResult(files=done, more=True)
    if left["free"]:
        return SliceResult(files=done, wait_until=min(first["lease"], now + RANK_RECHECK))
    return SliceResult(files=done, wait_until=first["lease"])


def finish(batch: ImportBatch) -> bool:
    """Mark the batch finished (once, whoever gets here first) and delete its stored uploads."""
    now = timezone.now()
    won = ImportBatch.objects.filter(pk=batch.pk, state__in=OPEN).update(
        state=State.FINISHED, finished_at=now, started_at=Coalesce("started_at", Value(now)))
    if won:
        _release_blobs(batch)
    return bool(won)


def cancel(batch: ImportBatch, *, user=None) -> bool:
    """Cancel an open batch: its pending files become cancelled (a worker busy with one of them
    drops it) and its stored uploads are deleted. Reports already written stay. Return whether
    the batch was still open."""
    now = timezone.now()
    with transaction.atomic():
        won = ImportBatch.objects.filter(pk=batch.pk, state__in=OPEN).update(
            state=State.CANCELLED, finished_at=now, cancelled_by=user)
        if won:
            batch.files.filter(status=FileOutcome.PENDING).update(
                status=FileOutcome.CANCELLED, message=_("批次已取消，此文件未导入 (batch cancelled)"),
                finished_at=now, lease_until=None)
    if won:
        _release_blobs(batch)
    return bool(won)


def _release_blobs(batch: ImportBatch) -> None:
    # The rows stop naming the files before the files go: a crash in between leaves unnamed
    # files for cleanup_files, never a row naming a missing file.
    names = set(batch.files.exclude(blob="").values_list("blob", flat=True))
    batch.files.exclude(blob="").update(blob="")
    for name in names:
        _delete(name)


def _delete(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        log.warning("could not delete %s; cleanup_files will", name, exc_info=True)


def resume_interrupted() -> list[int]:
    """Queue one more task for every open batch and return their ids. Run when a worker starts:
    a worker that crashed left its task marked running forever and its chunk claimed; the new
    task takes the chunk up once the claim lapses, and the rest of the batch at once."""
    _close_lost_tasks()
    ids = list(ImportBatch.objects.filter(state__in=OPEN).order_by("pk").values_list("pk", flat=True))
    for batch in ImportBatch.objects.filter(pk__in=ids):
        start(batch, tasks=1)
    return ids


# A run_import task runs for a slice plus one chunk; one still "running" after this long died with its worker.
LOST_TASK_AFTER = timedelta(hours=1)


def _close_lost_tasks() -> None:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from reports.tasks import run_import

    DBTaskResult.objects.filter(
        task_path=run_import.module_path, status=TaskResultStatus.RUNNING,
        started_at__lt=timezone.now() - LOST_TASK_AFTER,
    ).update(status=TaskResultStatus.FAILED, finished_at=timezone.now(),
             exception_class_path="reports.imports.WorkerLost",
             traceback="The worker running this task stopped without finishing it; "
                       "its batch was resumed by another task.")


# --- What the batch page and import_reports show.


@dataclass(frozen=True)
class Progress:
    state: str
    total: int
    done: int
    counts: dict  # {status: n}, FileOutcome order, pending included
    elapsed: float | None  # seconds since the upload
    remaining: float | None  # seconds, estimated from the pace so far

    @property
    def pending(self) -> int:
        return self.counts.get(FileOutcome.PENDING, 0)

    @property
    def failed(self) -> int:
        return self.counts.get(FileOutcome.FAILED, 0)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN


def progress(batch: ImportBatch) -> Progress:
    """Counts per outcome in one query, with elapsed and estimated remaining time."""
    found = dict(batch.files.order_by().values_list("status").annotate(n=Count("pk")))
    counts = {s: found[s] for s in FileOutcome.values if found.get(s)}
    pending = counts.get(FileOutcome.PENDING, 0)
    now = timezone.now()
    end = batch.finished_at or now
    elapsed = max(0.0, (end - batch.created_at).total_seconds())
    remaining = None
    if batch.is_open and batch.started_at and pending:
        worked = (now - batch.started_at).total_seconds()
        finished = batch.total - pending
        remaining = worked / finished * pending if finished and worked > 0 else None
    elif not batch.is_open or not pending:
        remaining = 0.0
    return Progress(state=batch.state, total=batch.total, done=batch.total - pending, counts=counts,
                    elapsed=elapsed, remaining=remaining)


def finished_files(batch: ImportBatch, *, status: str | None = None):
    """The batch's finished files, failed ones first, then in upload order (optionally one outcome)."""
    files = batch.files.exclude(status=FileOutcome.PENDING)
    if status:
        files = files.filter(status=status)
    return files.select_related("report__agency", "existing__agency").annotate(
        failed_first=Case(When(status=FileOutcome.FAILED, then=Value(0)), default=Value(1),
                          output_field=IntegerField()),
    ).order_by("failed_first", "position", "member")
