from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CycleConfig(AppConfig):
    name = "kaohe.cycle"
    label = "cycle"
    verbose_name = _("考核周期")

    def ready(self) -> None:
        from kaohe.cycle import guard  # noqa: PLC0415 - connects the model-level lock guard

        guard.connect()
