"""Background tasks (django-tasks, run by `manage.py db_worker`): the import workers' unit of work."""
from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskContext, task

from reports import imports

log = logging.getLogger(__name__)

# A task that fails (the database went away) queues its successor this many times, waiting
# longer each time, before leaving the batch to the next worker start (imports.resume_interrupted).
MAX_RETRIES = 5


@task(takes_context=True)
def run_import(context: TaskContext, batch_id: int, retries: int = 0) -> dict:
    """Work one import batch for a slice of time, then queue the task that goes on with it."""
    token = str(context.task_result.id)
    try:
        result = imports.run_slice(batch_id, token=token)
    except Exception:
        if retries < MAX_RETRIES and _can_defer():
            delay = timedelta(seconds=5 * 2 ** retries)
            run_import.using(run_after=timezone.now() + delay).enqueue(batch_id, retries=retries + 1)
        raise
    if result.more:
        run_import.enqueue(batch_id)
    elif result.wait_until is not None:
        # Another worker holds the rest: look again when its claim lapses, in case it died.
        if _can_defer():
            run_import.using(run_after=result.wait_until).enqueue(batch_id)
        else:
            log.warning("batch %s: files held by another worker and no deferred tasks here", batch_id)
    return {"batch": batch_id, "files": result.files}


def _can_defer() -> bool:
    return run_import.get_backend().supports_defer
