"""Background jobs (django-tasks, database backend; the worker is ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from kaohe.results.services import run_execute


@task()
def compute_run(run_id: int) -> None:
    """Compute a queued run (see :func:`kaohe.results.services.run_execute`)."""
    run_execute(run_id=run_id)
