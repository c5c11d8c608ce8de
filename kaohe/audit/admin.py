"""The audit trail in the admin: read only; nothing can be added, changed or deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kaohe.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("id", "at", "actor_name", "action", "model", "object_id", "object_repr", "ip")
    list_filter = ("action", "model")
    search_fields = ("actor_name", "object_id", "object_repr")
    readonly_fields = tuple(f.name for f in AuditEvent._meta.fields)
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
