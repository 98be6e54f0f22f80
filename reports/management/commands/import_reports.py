"""`manage.py import_reports PATH... [--replace] [--dry-run]`: files, folders (recursively) and zips via ingest."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.ingest import OutcomeStatus, count_by_status, ingest_files


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
    help = ("Import report files, folders (recursively) and .zip archives; prints one line per file "
            "and a summary; exits non-zero when any file failed.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--replace", action="store_true",
                            help="replace the current report of the same agency and year")
        parser.add_argument("--dry-run", action="store_true", help="parse and report, save nothing")

    def handle(self, *args, paths, replace=False, dry_run=False, **options):
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")
        outcomes = ingest_files(files_under(paths), uploaded_by=None, replace=replace, dry_run=dry_run)
        width = max((len(o.filename) for o in outcomes), default=10)
        for o in outcomes:
            line = f"{o.status:<16} {o.filename:<{width}}  {_detail(o)}"
            (self.stderr if o.status == OutcomeStatus.FAILED else self.stdout).write(line)
        counts = count_by_status(outcomes)
        summary = ", ".join(f"{status} {n}" for status, n in counts.items()) or "nothing to import"
        prefix = "dry run: " if dry_run else ""
        self.stdout.write(f"{prefix}{len(outcomes)} files: {summary}")
        if counts.get(OutcomeStatus.FAILED):
            raise CommandError(f"{counts[OutcomeStatus.FAILED]} file(s) failed")


def _detail(outcome):
    # Messages start with the file name; the table already has it in its own column.
    message = outcome.message
    head = _("%(name)s：") % {"name": outcome.filename}
    return message[len(head):] if message.startswith(head) else message
