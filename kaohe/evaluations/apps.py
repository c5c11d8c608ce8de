from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "kaohe.evaluations"
    label = "evaluations"
    verbose_name = _("民主测评与群众评价")
