from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kaohe.reports"
    label = "reports"
    verbose_name = _("报表与导出")

    def ready(self) -> None:
        from kaohe.reports import signals  # noqa: F401, PLC0415 - connects the receivers
