from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "kaohe.followup"
    label = "followup"
    verbose_name = _("结果运用")
