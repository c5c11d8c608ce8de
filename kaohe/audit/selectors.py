"""Reads of the audit trail: the filtered log, a record's history, the verification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from kaohe.audit.chain import HASHED, Verified, chain_verify
from kaohe.audit.models import AuditEvent

CHUNK = 2000


def audit_event_list(
    *,
    user: str = "",
    model: str = "",
    action: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first, filtered by username, model label, action and date (inclusive)."""
    query = AuditEvent.objects.all()
    if user:
        query = query.filter(actor_name=user)
    if model:
        query = query.filter(model=model)
    if action:
        query = query.filter(action=action)
    if since:
        query = query.filter(at__date__gte=since)
    if until:
        query = query.filter(at__date__lte=until)
    return query.order_by("-id")


def audit_models() -> list[str]:
    return sorted(set(AuditEvent.objects.values_list("model", flat=True).distinct()))


def audit_record_history(*, model: str, object_id: str) -> QuerySet[AuditEvent]:
    """Every event of one record, oldest first."""
    return AuditEvent.objects.filter(model=model, object_id=object_id).order_by("id")


def _rows() -> Iterator[dict[str, Any]]:
    yield from AuditEvent.objects.order_by("id").values(*HASHED, "hash").iterator(CHUNK)


def audit_verify() -> Verified:
    """Walk the whole chain (in chunks) and return the first broken link, if any."""
    return chain_verify(_rows())
