"""`manage.py db_worker`: django-tasks-db's worker, first queueing the import batches a stopped
worker left open, and ending a running import slice after its current chunk when told to stop."""
from django_tasks_db.management.commands import db_worker as upstream

from reports import imports
from reports.imports import resume_interrupted


class Worker(upstream.Worker):
    def shutdown(self, signum, frame):
        # The first signal lets the running task finish; have an import slice finish soon.
        imports.stop_requested.set()
        super().shutdown(signum, frame)


class Command(upstream.Command):
    help = (upstream.Command.help + ". Import batches a crashed or stopped worker left open are queued "
            "again first, and go on from where they stopped.")

    def handle(self, *args, **options):
        resumed = resume_interrupted()
        if resumed and options.get("verbosity", 1):
            self.stdout.write(f"resuming import batches: {', '.join(map(str, resumed))}")
        # upstream's handle() builds its Worker from its module's global: give it ours.
        upstream.Worker = Worker
        super().handle(*args, **options)
