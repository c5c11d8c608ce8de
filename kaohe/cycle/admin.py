"""The cycle in the admin: to look at. Months move, objections are answered and adjustments are
decided only through the pages (kaohe.cycle.services), which check who may and when."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kaohe.cycle.models import Adjustment, Notification, Objection, Period


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Period)
class PeriodAdmin(_ReadOnly):
    list_display = ("year", "month", "state", "submit_due", "objections_until", "published_run")
    list_filter = ("year", "state")


@admin.register(Objection)
class ObjectionAdmin(_ReadOnly):
    list_display = ("period", "subject_type", "subject_code", "filed_by", "outcome", "answered_at")


@admin.register(Adjustment)
class AdjustmentAdmin(_ReadOnly):
    list_display = ("period", "state", "requested_by", "decided_by", "previous_run", "new_run")


@admin.register(Notification)
class NotificationAdmin(_ReadOnly):
    list_display = ("user", "created", "text", "read_at", "emailed_at")
