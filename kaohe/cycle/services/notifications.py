"""In-app notifications, and email when it is configured (``KAOHE_EMAIL_HOST``).

A notification is sent once per user and key: the daily reminder (``manage.py kaohe_remind``)
can run any number of times a day without repeating itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.accounts.roles import OFFICE
from kaohe.cycle.models import Notification

logger = logging.getLogger(__name__)
SUBJECT_PREFIX = "[Kaohe] "


def office_users() -> QuerySet[User]:
    who = Q(is_superuser=True) | Q(groups__name=OFFICE)
    return User.objects.filter(who, is_active=True).distinct()


def notification_send(*, users: Iterable[User], key: str, text: str, url: str = "") -> int:
    """Notify each user once for ``key``; email those with an address when email is on.
    Returns how many new notifications were made."""
    made: list[Notification] = []
    with transaction.atomic():
        for user in {u.pk: u for u in users}.values():
            note, created = Notification.objects.get_or_create(
                user=user, key=key[:120], defaults={"text": text, "url": url[:300]}
            )
            if created:
                made.append(note)
    if settings.KAOHE_EMAIL_ENABLED:
        for note in made:
            _email(note)
    return len(made)


def _email(note: Notification) -> None:
    address = note.user.email
    if not address:
        return
    body = note.text + (f"\n\n{settings.KAOHE_SITE_URL.rstrip('/')}{note.url}" if note.url else "")
    try:
        send_mail(SUBJECT_PREFIX + note.text[:60], body, None, [address])
    except OSError:
        logger.warning("could not email notification %s to %s", note.pk, address, exc_info=True)
        return
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def notification_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one notification (or all of the user's) read."""
    query = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        query = query.filter(pk=notification_id)
    return query.update(read_at=timezone.now())
