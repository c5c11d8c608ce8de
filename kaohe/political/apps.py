from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliticalConfig(AppConfig):
    name = "kaohe.political"
    label = "political"
    verbose_name = _("政治素质证据")
