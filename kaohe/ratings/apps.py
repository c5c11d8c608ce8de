from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "kaohe.ratings"
    label = "ratings"
    verbose_name = _("领导评价")
    # run by manage.py kaohe_remind every day (kaohe.cycle knows no app above it by name)
    daily_reminders = "kaohe.ratings.services.open_windows_remind"
