from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiaryConfig(AppConfig):
    name = "kaohe.diary"
    label = "diary"
    verbose_name = _("考勤与周记录")
