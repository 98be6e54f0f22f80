"""`manage.py import_reports PATH...`: files, folders (recursively) and zips as one import batch for the workers."""
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from reports import imports
from reports.ingest import OutcomeStatus
from reports.models import FileOutcome, ImportBatch

POLL_SECONDS = 0.5
# A batch no worker has started after this long is imported by the command itself.
NO_WORKER_AFTER = 3.0


def files_under(paths):
    """Yield (name, bytes) for each file named or found under a folder, folders in sorted order,
    one file in memory at a time."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                yield str(child), child.read_bytes()
        else:
            yield str(path), path.read_bytes()


class Command(BaseCommand):
    help = ("Import report files, folders (recursively) and .zip archives as one import batch, worked "
            "by the task workers (manage.py db_worker). Waits with a progress bar, then prints one line "
            "per file and a summary, and exits non-zero when any file failed; --no-wait returns at once.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--replace", action="store_true",
                            help="replace the current report of the same agency and year")
        parser.add_argument("--dry-run", action="store_true", help="parse and report, save nothing")
        parser.add_argument("--no-wait", action="store_true",
                            help="queue the batch and return at once (follow it on its admin page)")
        parser.add_argument("--in-process", action="store_true",
                            help="work the batch in this process instead of waiting for a worker")

    def handle(self, *args, paths, replace=False, dry_run=False, no_wait=False, in_process=False, **options):
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")
        batch = imports.create_batch(files_under(paths), source=ImportBatch.Source.COMMAND, replace=replace,
                                     dry_run=dry_run, queue=not in_process)
        page = reverse("admin:reports_importbatch_change", args=[batch.pk])
        if no_wait:
            self.stdout.write(f"batch #{batch.pk}: {batch.total} files queued for the workers; progress at {page}")
            return
        bar = ProgressBar(self.stderr) if self.stderr.isatty() else None
        try:
            if in_process:
                imports.work_here(batch, on_progress=bar.draw if bar else None)
            else:
                self._wait(batch, bar)
        except KeyboardInterrupt:
            if bar:
                bar.close()
            self.stderr.write(f"stopped waiting; batch #{batch.pk} goes on in the workers ({page})")
            raise
        if bar:
            bar.close()
        self._report(batch, dry_run=dry_run)

    def _wait(self, batch, bar):
        started = time.monotonic()
        while True:
            batch.refresh_from_db()
            progress = imports.progress(batch)
            if bar:
                bar.draw(progress)
            if not progress.is_open:
                return
            if batch.state == ImportBatch.State.QUEUED and time.monotonic() - started > NO_WORKER_AFTER:
                # No worker took it up: work it here. Claims are leased, so a worker that starts
                # meanwhile shares the batch instead of doing a file twice.
                self.stderr.write(f"batch #{batch.pk}: no worker has taken it up; importing in this process "
                                  "(start workers with `manage.py db_worker`).")
                imports.work_here(batch, on_progress=bar.draw if bar else None)
                return
            time.sleep(POLL_SECONDS)

    def _report(self, batch, *, dry_run):
        rows = list(batch.files.order_by("position", "member").only("name", "status", "message"))
        width = max((len(f.name) for f in rows), default=10)
        for f in rows:
            line = f"{f.status:<16} {f.name:<{width}}  {f.detail}"
            (self.stderr if f.status == OutcomeStatus.FAILED else self.stdout).write(line)
        progress = imports.progress(batch)
        counts = {s: n for s, n in progress.counts.items() if s != FileOutcome.PENDING}
        summary = ", ".join(f"{status} {n}" for status, n in counts.items()) or "nothing to import"
        prefix = "dry run: " if dry_run else ""
        state = "" if batch.state == ImportBatch.State.FINISHED else f" (batch {batch.state})"
        self.stdout.write(f"{prefix}{len(rows)} files: {summary}{state}")
        if counts.get(OutcomeStatus.FAILED):
            raise CommandError(f"{counts[OutcomeStatus.FAILED]} file(s) failed")


class ProgressBar:
    """One line redrawn in place: a bar, files done of total, counts per outcome, time."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream

    def draw(self, progress):
        done = progress.done / progress.total if progress.total else 1.0
        filled = round(self.WIDTH * done)
        counts = " · ".join(f"{s} {n}" for s, n in progress.counts.items() if s != FileOutcome.PENDING)
        left = "" if progress.remaining is None else f", ~{progress.remaining:.0f} s left"
        line = (f"[{'█' * filled}{'░' * (self.WIDTH - filled)}] {progress.done}/{progress.total} "
                f"{counts} · {progress.elapsed or 0:.0f} s{left}")
        self.stream.write("\r\x1b[2K" + line, ending="")
        self.stream.flush()

    def close(self):
        self.stream.write("")
        self.stream.flush()

