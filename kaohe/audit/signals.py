"""Row-level audit: post_save/post_delete of every audited model and the m2m changes of users'
groups and permissions and groups' permissions.

Audited: every model except those of the apps in ``KAOHE_AUDIT_EXCLUDED_APPS`` and the models in
``KAOHE_AUDIT_EXCLUDED_MODELS`` (settings; docs/audit.md): the ballots of ``evaluations`` are never
audited per voter, result rows and imported rows are written in bulk and recorded as one event per
run or import, history tables are themselves a record. Fields in ``KAOHE_AUDIT_REDACTED_FIELDS``
(password hashes, token digests) are recorded as changed, never with their value.
"""

from __future__ import annotations

from typing import Any, Final

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_migrate,
    pre_save,
)

from kaohe.accounts.models import User
from kaohe.audit.chain import json_value
from kaohe.audit.context import in_batch
from kaohe.audit.models import AuditEvent
from kaohe.audit.services import audit_record, model_label

BEFORE: Final = "_kaohe_audit_before"
REDACTED: Final = "(redacted)"
UID: Final = "kaohe.audit"


_migrating = False  # the schema may not hold the audit table yet: no row events while migrating


def _migrate_started(**kwargs: Any) -> None:
    global _migrating  # noqa: PLW0603 - one flag for the process, set by migrate's signals
    _migrating = True


def _migrate_done(**kwargs: Any) -> None:
    global _migrating  # noqa: PLW0603
    _migrating = False


def audited(model: type[models.Model]) -> bool:
    meta = model._meta
    if _migrating or meta.abstract or meta.proxy or model is AuditEvent:
        return False
    if meta.app_label in settings.KAOHE_AUDIT_EXCLUDED_APPS:
        return False
    if meta.label_lower in settings.KAOHE_AUDIT_EXCLUDED_MODELS:
        return False
    return not hasattr(model, "instance_type")  # simple_history's historical models


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The concrete fields of a row as JSON values (kept in memory; see :func:`redacted`)."""
    out: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(field, models.FileField):
            value = str(value or "")
        out[field.attname] = json_value(value)
    return out


def redacted(values: dict[str, Any]) -> dict[str, Any]:
    """What is recorded: a redacted field says that it is set, never its value."""
    hidden = settings.KAOHE_AUDIT_REDACTED_FIELDS
    return {k: (REDACTED if v else "") if k in hidden else v for k, v in values.items()}


def _before(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if in_batch() or not audited(sender) or instance._state.adding or instance.pk is None:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    setattr(instance, BEFORE, snapshot(old) if old is not None else None)


def _saved(
    sender: type[models.Model], instance: models.Model, created: bool, **kwargs: Any
) -> None:
    if in_batch() or not audited(sender) or kwargs.get("raw"):
        return
    after = snapshot(instance)
    old = getattr(instance, BEFORE, None)
    if created or old is None:
        audit_record(
            action=AuditEvent.Action.CREATE,
            model=model_label(sender),
            object_id=instance.pk,
            object_repr=str(instance),
            after=redacted(after),
        )
        return
    changed = [k for k in after if after[k] != old.get(k)]
    if not [k for k in changed if k not in settings.KAOHE_AUDIT_IGNORED_FIELDS]:
        return
    audit_record(
        action=AuditEvent.Action.UPDATE,
        model=model_label(sender),
        object_id=instance.pk,
        object_repr=str(instance),
        before=redacted({k: old.get(k) for k in changed}),
        after=redacted({k: after[k] for k in changed}),
    )
    setattr(instance, BEFORE, after)


def _deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if in_batch() or not audited(sender):
        return
    audit_record(
        action=AuditEvent.Action.DELETE,
        model=model_label(sender),
        object_id=instance.pk,
        object_repr=str(instance),
        before=redacted(snapshot(instance)),
    )


def _m2m(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    model: type[models.Model],
    pk_set: set[Any] | None,
    **kwargs: Any,
) -> None:
    """Users' groups and permissions, groups' permissions: who got or lost which."""
    if in_batch() or action not in ("post_add", "post_remove", "pre_clear"):
        return
    if action == "pre_clear":
        field = next(
            f.name for f in instance._meta.many_to_many if f.remote_field.through is sender
        )
        pk_set = set(getattr(instance, field).values_list("pk", flat=True))
    names = sorted(str(o) for o in model._default_manager.filter(pk__in=pk_set or ()))
    verb = "added" if action == "post_add" else "removed"
    audit_record(
        action=AuditEvent.Action.M2M,
        model=model_label(type(instance)),
        object_id=instance.pk,
        object_repr=str(instance),
        before={} if verb == "added" else {model_label(model): names},
        after={model_label(model): names} if verb == "added" else {},
        extra={"relation": sender._meta.label_lower, "change": verb},
    )


def connect() -> None:
    pre_migrate.connect(_migrate_started, dispatch_uid=f"{UID}.pre_migrate")
    post_migrate.connect(_migrate_done, dispatch_uid=f"{UID}.post_migrate")
    pre_save.connect(_before, dispatch_uid=f"{UID}.pre_save")
    post_save.connect(_saved, dispatch_uid=f"{UID}.post_save")
    post_delete.connect(_deleted, dispatch_uid=f"{UID}.post_delete")
    for through in (User.groups.through, User.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(_m2m, sender=through, dispatch_uid=f"{UID}.m2m.{through.__name__}")
