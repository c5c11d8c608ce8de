"""Writes of the diary (docs/diary.md): attendance (sign-in, leave, a chief's correction), weekly
goals (set, check, copy forward, confirm, send back), and the sum of a cadre's month into
:class:`~kaohe.collection.models.MonthlyRecord`, in the same transaction as each change.

Every write of a month's data first asks the lock guard
(:func:`kaohe.cycle.guard.month_lock_check`): a locked month refuses the change and nothing is
written. Problems a person can fix are raised as :class:`DiaryError` with a message to show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.collection.models import MonthlyRecord
from kaohe.cycle.guard import MonthLockedError, month_lock_check
from kaohe.diary.calendar import (
    calendar_day_delete,
    calendar_day_set,
    month_working_days,
    working_days,
)
from kaohe.diary.models import GOAL_LENGTH, Attendance, Goal, Week, week_monday, week_month
from kaohe.org.models import Cadre

MAX_GOALS_PER_WEEK = 10
WHAT_ATTENDANCE = "diary attendance"
WHAT_GOALS = "diary weekly goals"
WHAT_CALENDAR = "the diary's calendar"
MAX_CALENDAR_DAYS = 31  # one change of the calendar: a holiday of a few days, at most a month


class DiaryError(Exception):
    """A change refused, with the message to show (nothing was written)."""


def _guard(year: int, month: int, what: str) -> None:
    try:
        month_lock_check(year=year, month=month, what=what)
    except MonthLockedError as exc:
        raise DiaryError(
            _("%(year)d年%(month)d月已锁定，不能再修改（锁定后的月份只能通过正式调整更改）。")
            % {"year": year, "month": month}
        ) from exc


# --- the month's sum into the engine's record (rules.md §6)


@transaction.atomic
def month_resum(*, cadre: Cadre, year: int, month: int) -> MonthlyRecord | None:
    """Sum the cadre's attendance days of the month and the goals of the weeks whose Thursday
    falls in it into the cadre-month's MonthlyRecord (made when missing).

    - lates: days ``late``; absences: days ``absent`` (unexcused; leave is not absence), each
      on a working day of the calendar as it is now (a day made a holiday after it was recorded
      no longer counts); on_leave: true when leave covers every working day of the month. Set
      only when the month has attendance days (else left as another source set them).
    - goals_set: goals of the month's weeks; goals_met: goals checked off in weeks the chief
      confirmed. Set only when the month has weeks with goals.
    Saves only what changed (a second sum changes nothing). None when the diary has nothing.
    """
    statuses = dict(
        Attendance.objects.filter(cadre=cadre, date__year=year, date__month=month).values_list(
            "date", "status"
        )
    )
    weeks = [
        w
        for w in Week.objects.filter(
            cadre=cadre,
            monday__gte=dt.date(year, month, 1) - dt.timedelta(days=3),
            monday__lte=dt.date(year, month, 28) + dt.timedelta(days=4),
        )
        if week_month(w.monday) == (year, month)
    ]
    goals = Goal.objects.filter(week__in=weeks)
    sums = goals.aggregate(
        set=Count("pk"),
        met=Count("pk", filter=Q(done=True, week__state=Week.State.CONFIRMED)),
    )
    if not statuses and not sums["set"]:
        return None
    values: dict[str, object] = {}
    if statuses:
        workdays = set(month_working_days(year, month))
        counted = [status for day, status in statuses.items() if day in workdays]
        leave = {day for day, status in statuses.items() if status == Attendance.Status.LEAVE}
        values |= {
            "lates": counted.count(Attendance.Status.LATE),
            "absences": float(counted.count(Attendance.Status.ABSENT)),
            "on_leave": bool(workdays) and workdays <= leave,
        }
    if sums["set"]:
        values |= {"goals_set": sums["set"], "goals_met": sums["met"]}
    record = (
        MonthlyRecord.objects.select_for_update()
        .filter(year=year, month=month, cadre=cadre)
        .first()
    )
    if record is None:
        record = MonthlyRecord(year=year, month=month, cadre=cadre)
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    if record.pk is not None and not changed:
        return record
    for name in changed:
        setattr(record, name, values[name])
    record.full_clean()
    if record.pk is None:
        record.save()
    else:  # only our fields: the month's rating (level, rater) is another service's
        record.save(update_fields=[*changed, "updated"])
    return record


# --- the calendar


@transaction.atomic
def calendar_change(
    *, first: dt.date, last: dt.date | None = None, kind: str | None, name: str = ""
) -> int:
    """Make each day from ``first`` to ``last`` (inclusive; one day without it) a holiday or a
    make-up workday (``kind``), or a plain day again (None) — a holiday of several days is one
    change — and sum again every cadre-month the change alters: cadres with a day recorded on a
    changed date (it counts, or no longer counts) and cadres with leave in a changed month
    (whether leave covers every working day). A locked month refuses the whole change: its sums
    are published. Returns how many cadre-months were summed."""
    last = first if last is None else last
    if last < first:
        raise DiaryError(_("结束日期早于开始日期。"))
    if (last - first).days >= MAX_CALENDAR_DAYS:
        raise DiaryError(_("一次最多登记 %(n)d 天。") % {"n": MAX_CALENDAR_DAYS})
    dates = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    months = sorted({(d.year, d.month) for d in dates})
    for year, month in months:
        _guard(year, month, WHAT_CALENDAR)
    for date in dates:
        if kind is None:
            calendar_day_delete(date=date)
        else:
            calendar_day_set(date=date, kind=kind, name=name)
    summed = 0
    for year, month in months:
        days = Attendance.objects.filter(date__year=year, date__month=month)
        affected = days.filter(Q(date__in=dates) | Q(status=Attendance.Status.LEAVE))
        for cadre in Cadre.objects.filter(pk__in=affected.values("cadre")).order_by("code"):
            month_resum(cadre=cadre, year=year, month=month)
            summed += 1
    return summed


# --- attendance


def start_time() -> dt.time:
    """The office's start of the working day (KAOHE_DIARY_START_TIME)."""
    value: dt.time = settings.KAOHE_DIARY_START_TIME
    return value


def status_of(check_in: dt.time) -> str:
    """Present, or late after the start time (a sign-in at 09:00:59 with a 09:00 start is late:
    anything after the start minute's first second)."""
    return Attendance.Status.LATE if check_in > start_time() else Attendance.Status.PRESENT


def attendance_sign_in(*, cadre: Cadre, now: dt.datetime | None = None) -> Attendance:
    """签到: one tap on a working day; late after the start time. A second tap, or a day already
    recorded (leave, a chief's entry), changes nothing and says so."""
    moment = timezone.localtime(now or timezone.now())
    day = moment.date()
    if not working_days(day, day):
        raise DiaryError(_("今天不是工作日，无需签到。"))
    with transaction.atomic():
        _guard(day.year, day.month, WHAT_ATTENDANCE)
        existing = Attendance.objects.select_for_update().filter(cadre=cadre, date=day).first()
        if existing is not None:
            raise DiaryError(
                _("今天已有考勤记录：%(status)s。") % {"status": existing.get_status_display()}
            )
        check_in = moment.time().replace(microsecond=0)
        row = Attendance(
            cadre=cadre,
            date=day,
            status=status_of(check_in),
            check_in=check_in,
            source=Attendance.Source.APP,
        )
        row.full_clean()
        row.save()
        month_resum(cadre=cadre, year=day.year, month=day.month)
        return row


def leave_apply(
    *, cadre: Cadre, first: dt.date, last: dt.date, leave_type: str, note: str = ""
) -> tuple[list[dt.date], list[dt.date]]:
    """请假: leave of ``leave_type`` on each working day from ``first`` to ``last``. Days already
    recorded (a sign-in, a chief's entry) are left as they are. Returns (days recorded, days
    skipped). The section chief corrects a wrong leave on the month grid."""
    if last < first:
        raise DiaryError(_("结束日期早于开始日期。"))
    if (last - first).days > 62:
        raise DiaryError(_("一次请假最长两个月，请分次填写。"))
    if leave_type not in Attendance.LeaveType.values:
        raise DiaryError(_("请选择假别。"))
    days = working_days(first, last)
    if not days:
        raise DiaryError(_("所选日期内没有工作日。"))
    with transaction.atomic():
        for year, month in sorted({(d.year, d.month) for d in days}):
            _guard(year, month, WHAT_ATTENDANCE)
        taken = set(
            Attendance.objects.filter(cadre=cadre, date__in=days).values_list("date", flat=True)
        )
        made = [d for d in days if d not in taken]
        rows = [
            Attendance(
                cadre=cadre,
                date=d,
                status=Attendance.Status.LEAVE,
                leave_type=leave_type,
                source=Attendance.Source.LEAVE,
                note=note[:200],
            )
            for d in made
        ]
        for row in rows:
            row.full_clean()
            row.save()
        for year, month in sorted({(d.year, d.month) for d in made}):
            month_resum(cadre=cadre, year=year, month=month)
    return made, sorted(taken)


def attendance_record(
    *, cadre: Cadre, date: dt.date, status: str, leave_type: str = "", note: str = ""
) -> Attendance:
    """The section chief's (or unit clerk's) entry for one day: sets its status. Refused on a
    day that is not a working day. (A day is never removed: the month's sum would lose it.)"""
    if status not in Attendance.Status.values:
        raise DiaryError(_("未知的考勤状态。"))
    if status == Attendance.Status.LEAVE and leave_type not in Attendance.LeaveType.values:
        raise DiaryError(_("请假须选择假别。"))
    if not working_days(date, date):
        raise DiaryError(_("%(date)s 不是工作日。") % {"date": date.isoformat()})
    with transaction.atomic():
        _guard(date.year, date.month, WHAT_ATTENDANCE)
        row = Attendance.objects.select_for_update().filter(cadre=cadre, date=date).first()
        if row is None:
            row = Attendance(cadre=cadre, date=date)
        row.status = status
        row.leave_type = leave_type if status == Attendance.Status.LEAVE else ""
        if status in (Attendance.Status.ABSENT, Attendance.Status.LEAVE):
            row.check_in = None
        row.source = Attendance.Source.CHIEF
        row.note = note[:200]
        row.full_clean()
        row.save()
        month_resum(cadre=cadre, year=date.year, month=date.month)
        return row


# --- weekly goals


def _week_for_change(cadre: Cadre, monday: dt.date) -> Week:
    """The cadre's week (made when missing), refused when its month is locked or the week is
    confirmed (a confirmed week is the chief's; sending it back reopens it)."""
    if monday.weekday() != 0:
        raise DiaryError(_("周记录须从周一开始。"))
    year, month = week_month(monday)
    _guard(year, month, WHAT_GOALS)
    week, _made = Week.objects.select_for_update().get_or_create(cadre=cadre, monday=monday)
    if week.state == Week.State.CONFIRMED:
        raise DiaryError(_("这一周已经确认，不能再修改。"))
    return week


def _reopen(week: Week) -> None:
    if week.state == Week.State.RETURNED:
        week.state = Week.State.OPEN
        week.save(update_fields=["state", "updated"])


def goals_add(*, cadre: Cadre, monday: dt.date, lines: Sequence[str]) -> list[Goal]:
    """Add the week's goals, one per non-empty line."""
    texts = [t.strip()[:GOAL_LENGTH] for t in lines if t.strip()]
    if not texts:
        raise DiaryError(_("请至少写一条目标。"))
    with transaction.atomic():
        week = _week_for_change(cadre, monday)
        have = list(week.goals.values_list("position", flat=True))
        if len(have) + len(texts) > MAX_GOALS_PER_WEEK:
            raise DiaryError(_("每周最多 %(n)d 条目标。") % {"n": MAX_GOALS_PER_WEEK})
        start = max(have, default=0) + 1
        made = []
        for i, text in enumerate(texts):
            goal = Goal(week=week, position=start + i, text=text)
            goal.full_clean()
            goal.save()
            made.append(goal)
        _reopen(week)
        month_resum(cadre=cadre, year=week.month[0], month=week.month[1])
        return made


def goal_check(*, goal: Goal, done: bool, note: str = "") -> Goal:
    """Check a goal off (or undo it), with an optional note on how it went."""
    with transaction.atomic():
        week = _week_for_change(goal.week.cadre, goal.week.monday)
        goal.done, goal.note = done, note.strip()[:200]
        goal.full_clean()
        goal.save()
        _reopen(week)
        month_resum(cadre=week.cadre, year=week.month[0], month=week.month[1])
        return goal


def goals_copy_forward(*, cadre: Cadre, monday: dt.date) -> list[Goal]:
    """Copy the week's unfinished goals to the next week (one tap); goals already there with
    the same text are not copied twice."""
    week = Week.objects.filter(cadre=cadre, monday=monday).first()
    open_goals = [] if week is None else [g.text for g in week.goals.filter(done=False)]
    if not open_goals:
        raise DiaryError(_("这一周没有未完成的目标。"))
    following = monday + dt.timedelta(days=7)
    there = set(
        Goal.objects.filter(week__cadre=cadre, week__monday=following).values_list(
            "text", flat=True
        )
    )
    texts = [t for t in open_goals if t not in there]
    if not texts:
        raise DiaryError(_("未完成的目标已在下周。"))
    return goals_add(cadre=cadre, monday=following, lines=texts)


def week_review(*, week: Week, user: User, confirm: bool, comment: str = "") -> Week:
    """The chief confirms the week (its checked goals count as met) or sends it back with a
    comment (the cadre changes it and it counts again once confirmed)."""
    if not confirm and not comment.strip():
        raise DiaryError(_("退回时请写明意见。"))
    with transaction.atomic():
        year, month = week.month
        _guard(year, month, WHAT_GOALS)
        week = Week.objects.select_for_update().get(pk=week.pk)
        if not week.goals.exists():
            raise DiaryError(_("这一周没有目标，无需确认。"))
        week.state = Week.State.CONFIRMED if confirm else Week.State.RETURNED
        week.comment = comment.strip()[:200]
        week.reviewed_by = user
        week.reviewed_at = timezone.now()
        week.full_clean()
        week.save()
        month_resum(cadre=week.cadre, year=year, month=month)
        return week


def this_monday(today: dt.date | None = None) -> dt.date:
    return week_monday(today or timezone.localdate())
