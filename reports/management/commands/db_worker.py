"""`manage.py db_worker`: django-tasks-db's worker, first queueing the import batches a stopped worker left open."""
from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from reports.imports import resume_interrupted


class Command(WorkerCommand):
    help = (WorkerCommand.help + ". Import batches a crashed or stopped worker left open are queued "
            "again first, and go on from where they stopped.")

    def handle(self, *args, **options):
        resumed = resume_interrupted()
        if resumed and options.get("verbosity", 1):
            self.stdout.write(f"resuming import batches: {', '.join(map(str, resumed))}")
        super().handle(*args, **options)
