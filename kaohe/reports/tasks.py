"""Background exports (django-tasks, database backend; the worker is ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from kaohe.reports.services import export_job_execute


@task()
def export_run(job_id: int) -> None:
    """Make a queued export (see :func:`kaohe.reports.services.export_job_execute`)."""
    export_job_execute(job_id=job_id)
