"""Reads of export jobs."""

from __future__ import annotations

from django.db.models import QuerySet

from kaohe.accounts.models import User
from kaohe.reports.models import ExportJob

RECENT = 50


def export_job_list_for_user(*, user: User) -> QuerySet[ExportJob]:
    """The user's own jobs, newest first (the latest ``RECENT``)."""
    return (
        ExportJob.objects.filter(created_by=user)
        .select_related("run")
        .order_by("-created", "-id")[:RECENT]
    )


def export_job_get_for_user(*, user: User, job_id: int) -> ExportJob | None:
    """A job of the user's (a superuser may open anyone's)."""
    query = ExportJob.objects.select_related("run")
    if not user.is_superuser:
        query = query.filter(created_by=user)
    return query.filter(pk=job_id).first()
