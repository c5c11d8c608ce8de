from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kaohe.audit"
    label = "audit"
    verbose_name = _("审计")

    def ready(self) -> None:
        from kaohe.audit import signals  # noqa: PLC0415 - connects the receivers

        signals.connect()
