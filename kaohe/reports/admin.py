from __future__ import annotations

from django.contrib import admin

from kaohe.reports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin[ExportJob]):
    list_display = ("id", "kind", "year", "state", "progress", "created_by", "created")
    list_filter = ("kind", "state", "year")
    readonly_fields = ("run", "params", "result", "error", "file", "started", "finished")
