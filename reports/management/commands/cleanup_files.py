"""`manage.py cleanup_files [--delete]`: list (or delete) stored files that no row names; a dry run by default."""
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from reports import originals


class Command(BaseCommand):
    help = ("List stored files that no report or pending import file names (an import interrupted "
            "between storing a file and committing its row leaves one). Nothing is deleted without "
            "--delete. Files younger than --older-than hours are left alone: an import may be about "
            "to commit the row that names them.")

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="delete the files listed")
        parser.add_argument("--older-than", type=float, default=1.0, metavar="HOURS",
                            help="only files last modified more than this many hours ago (default 1)")
        parser.add_argument("--check-missing", action="store_true",
                            help="also list reports whose original file is not in storage (exit 1 if any)")

    def handle(self, *args, delete=False, older_than=1.0, check_missing=False, **options):
        if older_than < 0:
            raise CommandError("--older-than must not be negative")
        count = size = 0
        for name in originals.unreferenced(older_than=timedelta(hours=older_than)):
            try:
                size += default_storage.size(name)
            except OSError:
                pass
            if delete:
                default_storage.delete(name)
            self.stdout.write(("deleted " if delete else "unreferenced ") + name)
            count += 1
        verb = "deleted" if delete else "would delete (dry run: pass --delete)"
        self.stdout.write(f"{count} unreferenced file(s), {size} bytes: {verb}" if count
                          else "no unreferenced files")
        if check_missing:
            lost = list(originals.missing())
            for pk, name in lost:
                self.stderr.write(f"report #{pk}: original file missing ({name or 'no file name'})")
            if lost:
                raise CommandError(f"{len(lost)} report(s) without their original file")
