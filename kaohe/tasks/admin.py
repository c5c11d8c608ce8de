from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kaohe.tasks.models import Milestone, PostTask, Report


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ("task", "month", "description", "done", "updated")


@admin.register(PostTask)
class PostTaskAdmin(SimpleHistoryAdmin):
    list_display = ("year", "month", "post", "name", "task", "updated")
    list_filter = ("year", "month")


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    """Read here; reports are submitted and rated on the tasks pages (the lock guard)."""

    list_display = ("year", "month", "cadre", "post", "state", "level", "rater_code")
    list_filter = ("year", "month", "state")
    readonly_fields = ("level", "rater_code", "rated_by", "rated_at", "state")
