"""The daily reminders (``manage.py kaohe_remind``): for every month not yet locked, the people
its current step waits on are reminded from ``KAOHE_REMIND_DAYS_BEFORE`` days before the deadline,
and again each day once it has passed (one notification per person, step and day)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kaohe.accounts.models import User
from kaohe.accounts.roles import UNIT_HEAD
from kaohe.cycle import predicates
from kaohe.cycle.models import Period
from kaohe.cycle.selectors import Due, period_due
from kaohe.cycle.services.notifications import notification_send, office_users
from kaohe.cycle.services.periods import period_url, units_missing

STEP_TEXT = {
    "submit": gettext_noop("报送数据"),
    "review": gettext_noop("审核"),
    "publish": gettext_noop("公示"),
    "lock": gettext_noop("锁定（异议期满）"),
}


def _unit_heads(period: Period) -> list[User]:
    missing = {u.code for u in units_missing(period)}
    heads = User.objects.filter(groups__name=UNIT_HEAD, is_active=True, cadre__isnull=False)
    return [u for u in heads.select_related("cadre") if predicates.user_unit_code(u) in missing]


def _who(due: Due) -> Iterable[User]:
    if due.step == "submit":
        return [*_unit_heads(due.period), *office_users()]
    return office_users()


def reminders_send(*, today: dt.date | None = None) -> int:
    """Send today's reminders; returns how many notifications were made."""
    today = today or timezone.localdate()
    ahead = dt.timedelta(days=settings.KAOHE_REMIND_DAYS_BEFORE)
    made = 0
    for period in Period.objects.exclude(state=Period.State.LOCKED).order_by("year", "month"):
        due = period_due(period)
        if due is None or today < due.due - ahead:
            continue
        step = _(STEP_TEXT[due.step])
        if today > due.due:
            text = _("%(month)s 的“%(step)s”已于 %(date)s 逾期") % {
                "month": period.label,
                "step": step,
                "date": due.due.isoformat(),
            }
        else:
            text = _("%(month)s 的“%(step)s”截止于 %(date)s") % {
                "month": period.label,
                "step": step,
                "date": due.due.isoformat(),
            }
        key = f"remind:{period.year}-{period.month}:{due.step}:{today.isoformat()}"
        made += notification_send(users=_who(due), key=key, text=text, url=period_url(period))
    return made
