from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiaryConfig(AppConfig):
    name = "kaohe.diary"
    label = "diary"
    verbose_name = _("考勤与周记录")

    def ready(self) -> None:
        # the attendance operations of /api/v1/ (kaohe/diary/api.py); the API never imports the
        # diary, so the diary adds them
        from kaohe.api.main import api  # noqa: PLC0415 - the API is loaded once apps are ready
        from kaohe.diary.api import router  # noqa: PLC0415

        api.add_router("/", router)
