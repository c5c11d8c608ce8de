"""The steps of a month: open → collecting → units submitted → office reviewed → published
(公示, with the objection window) → locked. One service moves a month one step, checking who may
and whether it may; each move is kept (:class:`PeriodStep`) and audited."""

from __future__ import annotations

import datetime as dt
from typing import Final

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import UNIT_HEAD
from kaohe.audit.models import AuditEvent
from kaohe.audit.services import audit_record
from kaohe.cycle import predicates
from kaohe.cycle.deadlines import add_working_days, default_deadlines
from kaohe.cycle.models import Period, PeriodStep, UnitSubmission
from kaohe.cycle.services.notifications import notification_send, office_users
from kaohe.engine.plan import Procedure
from kaohe.org.models import Unit
from kaohe.plans.models import Plan
from kaohe.results.models import Run

State = Period.State
NEXT: Final = {
    State.OPEN: State.COLLECTING,
    State.COLLECTING: State.SUBMITTED,
    State.SUBMITTED: State.REVIEWED,
    State.REVIEWED: State.PUBLISHED,
    State.PUBLISHED: State.LOCKED,
}
PERIOD_MODEL: Final = "cycle.period"


class CycleError(Exception):
    """A step that cannot be taken now; the message says why."""


def procedure_of(year: int) -> Procedure:
    plan = Plan.objects.filter(year=year).first()
    return plan.parsed().procedure if plan is not None else Procedure()


def period_url(period: Period) -> str:
    return reverse("cycle:period", kwargs={"year": period.year, "month": period.month})


@transaction.atomic
def period_open(*, year: int, month: int, user: User) -> Period:
    """Open a month with the plan's default deadlines (the office; once per month)."""
    if not predicates.may_run_cycle(user):
        raise PermissionDenied
    if Plan.objects.filter(year=year).first() is None:
        raise CycleError(_("%(year)s 年度尚无考核方案") % {"year": year})
    existing = Period.objects.filter(year=year, month=month).first()
    if existing is not None:
        return existing
    due = default_deadlines(year, month, procedure_of(year))
    period = Period(
        year=year,
        month=month,
        submit_due=due.submit_due,
        review_due=due.review_due,
        publish_due=due.publish_due,
    )
    period.full_clean()
    period.save()
    return period


@transaction.atomic
def period_deadlines_set(
    *, period: Period, user: User, submit_due: dt.date, review_due: dt.date, publish_due: dt.date
) -> Period:
    """Change a month's deadlines (the office; not after lock)."""
    if not predicates.may_run_cycle(user):
        raise PermissionDenied
    if period.state == State.LOCKED:
        raise CycleError(_("该月已锁定，不能修改期限"))
    if not submit_due <= review_due <= publish_due:
        raise ValidationError(_("期限须满足：报送 ≤ 审核 ≤ 公示"))
    period.submit_due, period.review_due, period.publish_due = submit_due, review_due, publish_due
    period.full_clean()
    period.save()
    return period


def units_missing(period: Period) -> list[Unit]:
    """The active units that have not submitted the month."""
    done = UnitSubmission.objects.filter(period=period).values("unit_id")
    return list(Unit.objects.filter(active=True).exclude(pk__in=done).order_by("code"))


@transaction.atomic
def unit_submit(*, period: Period, unit: Unit, user: User, note: str = "") -> UnitSubmission:
    """A unit submits its month (while the month collects data); the last one moves the month
    to 'units submitted'."""
    if not predicates.may_submit_unit(user, unit.code):
        raise PermissionDenied
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.state != State.COLLECTING:
        raise CycleError(_("只有在数据采集阶段才能报送"))
    submission, created = UnitSubmission.objects.get_or_create(
        period=period, unit=unit, defaults={"submitted_by": user, "note": note}
    )
    if not created:
        raise CycleError(_("%(unit)s 已报送") % {"unit": unit.name})
    if not units_missing(period):
        _move(period, State.SUBMITTED, user, _("全部单位已报送"))
    return submission


@transaction.atomic
def period_advance(
    *, period: Period, user: User, reason: str = "", run: Run | None = None
) -> Period:
    """Move a month one step on (the office). Moving on from collecting before every unit has
    submitted needs a reason; publishing needs a finished run that covers the month; locking
    waits for the objection window to close and every objection to be answered."""
    if not predicates.may_run_cycle(user):
        raise PermissionDenied
    period = Period.objects.select_for_update().get(pk=period.pk)
    target = NEXT.get(State(period.state))
    if target is None:
        raise CycleError(_("该月已锁定"))
    reason = reason.strip()
    if target == State.SUBMITTED:
        missing = units_missing(period)
        if missing and not reason:
            names = "、".join(u.name for u in missing[:10])
            raise CycleError(
                _("尚有 %(n)s 个单位未报送（%(names)s）；继续须说明理由")
                % {"n": len(missing), "names": names}
            )
    elif target == State.PUBLISHED:
        _publish(period, run)
    elif target == State.LOCKED:
        _lockable(period)
        period.locked_at = timezone.now()
    _move(period, target, user, reason)
    return period


def _publish(period: Period, run: Run | None) -> None:
    if run is None:
        raise CycleError(_("公示须选择一个已完成的计算批次"))
    if run.state != Run.State.DONE or run.year != period.year or (run.months or 0) < period.month:
        raise CycleError(
            _("计算批次 #%(run)s 不是 %(month)s 的已完成计算")
            % {"run": run.pk, "month": period.label}
        )
    today = timezone.localdate()
    period.published_run = run
    period.published_at = timezone.now()
    period.objections_until = add_working_days(today, procedure_of(period.year).publicity_days)


def _lockable(period: Period) -> None:
    today = timezone.localdate()
    if period.objections_until is not None and today <= period.objections_until:
        raise CycleError(
            _("异议期至 %(date)s，期满后才能锁定") % {"date": period.objections_until.isoformat()}
        )
    open_count = period.objections.filter(answered_at__isnull=True).count()
    if open_count:
        raise CycleError(_("尚有 %(n)s 条异议未答复") % {"n": open_count})


def _move(period: Period, target: State, user: User, reason: str) -> None:
    source = period.state
    period.state = target
    period.full_clean()
    period.save()
    PeriodStep.objects.create(
        period=period, from_state=source, to_state=target, user=user, reason=reason
    )
    action = {
        State.PUBLISHED: AuditEvent.Action.PUBLISH,
        State.LOCKED: AuditEvent.Action.LOCK,
    }.get(target, AuditEvent.Action.CYCLE)
    extra: dict[str, object] = {"reason": reason}
    if target == State.PUBLISHED and period.published_run_id is not None:
        extra |= {
            "run": period.published_run_id,
            "objections_until": period.objections_until,
        }
    audit_record(
        action=action,
        model=PERIOD_MODEL,
        object_id=period.pk,
        object_repr=str(period),
        before={"state": source},
        after={"state": target},
        extra=extra,
        actor=user,
    )
    _announce(period, target)


def _announce(period: Period, target: State) -> None:
    url = period_url(period)
    key = f"period:{period.year}-{period.month}:{target}"
    if target == State.COLLECTING:
        heads = User.objects.filter(groups__name=UNIT_HEAD, is_active=True)
        text = _("%(month)s 开始数据采集，请于 %(date)s 前报送") % {
            "month": period.label,
            "date": period.submit_due.isoformat(),
        }
        notification_send(users=heads, key=key, text=text, url=url)
    elif target == State.PUBLISHED:
        heads = User.objects.filter(groups__name=UNIT_HEAD, is_active=True)
        until = period.objections_until.isoformat() if period.objections_until else ""
        text = _("%(month)s 考核结果已公示，异议期至 %(date)s") % {
            "month": period.label,
            "date": until,
        }
        notification_send(users=heads, key=key, text=text, url=url)
    elif target == State.SUBMITTED:
        text = _("%(month)s 各单位已报送，请审核") % {"month": period.label}
        notification_send(users=office_users(), key=key, text=text, url=url)
