"""An export's file goes with its job (deleted in the admin, or with its run)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from kaohe.reports.models import ExportJob


@receiver(post_delete, sender=ExportJob, dispatch_uid="reports_exportjob_file")
def export_file_delete(sender: type[ExportJob], instance: ExportJob, **kwargs: Any) -> None:
    if instance.file:
        instance.file.delete(save=False)
