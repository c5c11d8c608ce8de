"""The audit trail: append-only events chained by SHA-256 (docs/audit.md).

Each event stores ``prev_hash`` (the previous event's ``hash``; 64 zeros for the first) and
``hash`` = SHA-256 of the canonical JSON of its own fields plus ``prev_hash``
(:func:`kaohe.audit.chain.event_hash`). Ids are given in sequence by the writer
(:func:`kaohe.audit.services.audit_record`), so a gap, an edit, a deletion or a reordering breaks
the chain at a named event (``manage.py audit_verify``). The model refuses updates and deletes;
on PostgreSQL a trigger refuses them too (migration 0002).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Audit events are never changed or deleted."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only: they cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only: they cannot be deleted")


class AuditEvent(models.Model):
    """Who did what to which record, when and from where, with the values before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        M2M = "m2m", _("关联变更")
        IMPORT = "import", _("导入")
        DATA_LOAD = "data_load", _("批量载入")
        DATA_RESET = "data_reset", _("数据清空")
        COMPUTE = "compute", _("计算")
        CYCLE = "cycle", _("考核周期")
        PUBLISH = "publish", _("公示")
        LOCK = "lock", _("锁定")
        OBJECTION = "objection", _("异议")
        ADJUSTMENT = "adjustment", _("调整")

    id = models.BigIntegerField(primary_key=True)  # given in sequence by the writer
    at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,  # an event outlives its user; the name is kept in actor_name
        related_name="+",
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True, default="")
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    model = models.CharField(_("对象类型"), max_length=100, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, default="")
    object_repr = models.CharField(_("对象"), max_length=200, blank=True, default="")
    changes = models.TextField(_("变更内容"))  # canonical JSON: {"before", "after", "extra"}
    ip = models.CharField(_("IP 地址"), max_length=45, blank=True, default="")
    user_agent = models.CharField(_("浏览器标识"), max_length=300, blank=True, default="")
    path = models.CharField(_("来源"), max_length=300, blank=True, default="")
    prev_hash = models.CharField(_("前一事件哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ("-id",)
        indexes = (models.Index(fields=("model", "object_id"), name="audit_auditevent_record"),)

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.model} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only: they cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only: they cannot be deleted")

    @property
    def data(self) -> dict[str, Any]:
        loaded = json.loads(self.changes)
        return loaded if isinstance(loaded, dict) else {}

    @property
    def before(self) -> dict[str, Any]:
        return dict(self.data.get("before") or {})

    @property
    def after(self) -> dict[str, Any]:
        return dict(self.data.get("after") or {})

    @property
    def extra(self) -> dict[str, Any]:
        return dict(self.data.get("extra") or {})
