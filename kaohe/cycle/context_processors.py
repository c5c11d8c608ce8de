"""The unread notifications count of the header's bell (settings.TEMPLATES)."""

from __future__ import annotations

from django.http import HttpRequest

from kaohe.accounts.models import User
from kaohe.cycle.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, int]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
