from __future__ import annotations

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _

from kaohe.core.security import session_seen_at_login


class CoreConfig(AppConfig):
    name = "kaohe.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        user_logged_in.connect(session_seen_at_login, dispatch_uid="kaohe_session_seen")
