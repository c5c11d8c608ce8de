"""Objections (异议) to a published month: filed by the affected unit or cadre within the
objection window, answered by the office; both are kept and shown."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.audit.models import AuditEvent
from kaohe.audit.services import audit_record
from kaohe.cycle import predicates
from kaohe.cycle.models import Objection, Period
from kaohe.cycle.services.notifications import notification_send, office_users
from kaohe.cycle.services.periods import CycleError, period_url
from kaohe.engine import schema as s
from kaohe.org.models import Cadre, Unit

SUBJECT_TYPES = (s.SUBJECT_UNIT, s.SUBJECT_CADRE)


def window_open(period: Period) -> bool:
    return (
        period.state == Period.State.PUBLISHED
        and period.objections_until is not None
        and timezone.localdate() <= period.objections_until
    )


@transaction.atomic
def objection_file(
    *, period: Period, user: User, subject_type: str, subject_code: str, text: str
) -> Objection:
    """File an objection to the published results of a unit or a cadre."""
    if subject_type not in SUBJECT_TYPES:
        raise CycleError(_("对象类型须为单位或干部"))
    if not predicates.may_object(user, subject_type, subject_code):
        raise PermissionDenied
    if not window_open(period):
        raise CycleError(_("该月不在异议期内"))
    text = text.strip()
    if not text:
        raise CycleError(_("请填写异议内容"))
    model = Unit if subject_type == s.SUBJECT_UNIT else Cadre
    if not model.objects.filter(code=subject_code).exists():
        raise CycleError(_("没有编号为 %(code)s 的对象") % {"code": subject_code})
    objection = Objection(
        period=period,
        subject_type=subject_type,
        subject_code=subject_code,
        text=text,
        filed_by=user,
    )
    objection.full_clean()
    objection.save()
    audit_record(
        action=AuditEvent.Action.OBJECTION,
        model="cycle.objection",
        object_id=objection.pk,
        object_repr=str(objection),
        after={"text": text},
        extra={"change": "filed"},
        actor=user,
    )
    message = _("%(month)s 收到对 %(code)s 的异议，请答复") % {
        "month": period.label,
        "code": subject_code,
    }
    notification_send(
        users=office_users(),
        key=f"objection:{objection.pk}:filed",
        text=message,
        url=period_url(period),
    )
    return objection


@transaction.atomic
def objection_answer(*, objection: Objection, user: User, outcome: str, answer: str) -> Objection:
    """The office answers an objection (once); the filer is notified."""
    if not predicates.may_run_cycle(user):
        raise PermissionDenied
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.answered:
        raise CycleError(_("该异议已答复"))
    if objection.period.state == Period.State.LOCKED:
        raise CycleError(_("该月已锁定"))
    if outcome not in Objection.Outcome.values or not answer.strip():
        raise CycleError(_("请选择处理结果并填写答复"))
    objection.outcome = outcome
    objection.answer = answer.strip()
    objection.answered_by = user
    objection.answered_at = timezone.now()
    objection.full_clean()
    objection.save()
    audit_record(
        action=AuditEvent.Action.OBJECTION,
        model="cycle.objection",
        object_id=objection.pk,
        object_repr=str(objection),
        after={"outcome": outcome, "answer": objection.answer},
        extra={"change": "answered"},
        actor=user,
    )
    if objection.filed_by is not None:
        message = _("您对 %(code)s 的异议已答复") % {"code": objection.subject_code}
        notification_send(
            users=[objection.filed_by],
            key=f"objection:{objection.pk}:answered",
            text=message,
            url=period_url(objection.period),
        )
    return objection
