"""Writing audit events: :func:`audit_record` appends one event to the chain.

Call it inside the transaction of the change it records (the signal receivers and the services
do): the event is kept if and only if the change is. Appends are serialised (an advisory lock on
PostgreSQL; SQLite serialises writers itself), so ids follow one another and each event chains to
the one before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.audit.chain import GENESIS, canonical, event_hash
from kaohe.audit.context import MAX_AGENT, origin_current
from kaohe.audit.models import AuditEvent

LOCK_KEY: Final = 0x6B616F6865  # "kaohe": the advisory lock of the chain on PostgreSQL


def model_label(model: type[Model] | Model) -> str:
    return model._meta.label_lower


def _actor(actor: User | AnonymousUser | None) -> User | None:
    if actor is not None:
        return actor if isinstance(actor, User) else None
    found = origin_current()
    user = getattr(found.request, "user", None) if found and found.request else None
    return user if isinstance(user, User) and user.is_authenticated else None


def _where() -> tuple[str, str, str]:
    found = origin_current()
    if found is None:
        return "", "", ""
    if found.request is None:
        return "", "", found.path
    meta = found.request.META
    return (
        str(meta.get("REMOTE_ADDR", ""))[:45],
        str(meta.get("HTTP_USER_AGENT", ""))[:MAX_AGENT],
        found.path,
    )


def audit_record(
    *,
    action: str,
    model: str,
    object_id: object = "",
    object_repr: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    actor: User | AnonymousUser | None = None,
) -> AuditEvent:
    """Append an event: who (``actor`` or the request's user), when, what before and after,
    from where (the request or command, :mod:`kaohe.audit.context`)."""
    user = _actor(actor)
    ip, agent, path = _where()
    changes = canonical({"before": before or {}, "after": after or {}, "extra": extra or {}})
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        last = AuditEvent.objects.order_by("-id").values("id", "hash").first()
        fields: dict[str, Any] = {
            "id": (last["id"] + 1) if last else 1,
            "at": timezone.now(),
            "actor_id": user.pk if user else None,
            "actor_name": (user.get_username() if user else "")[:150],
            "action": action,
            "model": model[:100],
            "object_id": str(object_id)[:64],
            "object_repr": object_repr[:200],
            "changes": changes,
            "ip": ip,
            "user_agent": agent,
            "path": path,
            "prev_hash": last["hash"] if last else GENESIS,
        }
        event = AuditEvent(**fields, hash=event_hash(fields))
        event.save()
    return event
