"""The diary's services (docs/diary.md): attendance and weekly goals summed into the cadre's
MonthlyRecord, the engine's attendance and weekly components from them, the lock guard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from kaohe.audit.models import AuditEvent
from kaohe.collection.models import MonthlyRecord
from kaohe.cycle.models import Period
from kaohe.diary.calendar import calendar_day_set, month_working_days
from kaohe.diary.demo import diary_demo
from kaohe.diary.models import Attendance, CalendarDay, Goal, Week
from kaohe.diary.selectors import month_summary
from kaohe.diary.services import (
    DiaryError,
    attendance_record,
    attendance_sign_in,
    calendar_change,
    goal_check,
    goals_add,
    goals_copy_forward,
    leave_apply,
    month_resum,
    week_review,
)
from kaohe.plans.models import Plan
from kaohe.results.models import CadreMonthly, Run
from kaohe.results.services import run_compute
from tests.web.conftest import YEAR
from tests.web.cycle_factories import period_at
from tests.web.diary_kit import MARCH, MONDAYS, Team, team

pytestmark = pytest.mark.django_db

S = Attendance.Status


@pytest.fixture
def t(plan: Plan) -> Team:
    return team(plan)


def _record(t: Team, month: int = MARCH) -> MonthlyRecord:
    return MonthlyRecord.objects.get(cadre=t.cadre, year=YEAR, month=month)


def _golden_month(t: Team) -> None:
    """3 lates, 1 unexcused day, 1 sick-leave day, the rest present; 8 goals over two weeks,
    3 + 3 checked, both weeks confirmed; a week of April (Monday 30 March) besides."""
    late, absent, sick = dt.date(YEAR, 3, 2), dt.date(YEAR, 3, 5), dt.date(YEAR, 3, 6)
    for day in month_working_days(YEAR, MARCH):
        attendance_record(cadre=t.cadre, date=day, status=S.PRESENT)
    for day in (late, dt.date(YEAR, 3, 3), dt.date(YEAR, 3, 4)):
        attendance_record(cadre=t.cadre, date=day, status=S.LATE)
    attendance_record(cadre=t.cadre, date=absent, status=S.ABSENT)
    attendance_record(cadre=t.cadre, date=sick, status=S.LEAVE, leave_type="sick")
    for monday in MONDAYS[:2]:
        goals = goals_add(cadre=t.cadre, monday=monday, lines=["走访", "报告", "台账", "培训"])
        for goal in goals[:3]:
            goal_check(goal=goal, done=True, note="完成")
        week_review(week=goals[0].week, user=t.chief_user, confirm=True)
    april = goals_add(cadre=t.cadre, monday=dt.date(YEAR, 3, 30), lines=["四月的一周"])
    goal_check(goal=april[0], done=True)


def test_the_month_sums_into_the_monthly_record_golden(t: Team) -> None:
    before = _record(t)
    _golden_month(t)
    record = _record(t)
    assert (record.lates, record.absences, record.on_leave) == (3, 1.0, False)  # leave ≠ absence
    assert (record.goals_set, record.goals_met) == (8, 6)  # the April week is not March's
    assert record.level == before.level
    assert record.rater_code == before.rater_code
    summary = month_summary(t.cadre, YEAR, MARCH)
    assert summary.attendance_points == 6.5  # 10 − 0.5 × 3 − 2 × 1 = 6.5
    assert summary.weekly_points == 22.5  # 30 × 6 / 8 = 22.5
    assert summary.leave_days == 1
    assert summary.weeks_without_goals == MONDAYS[2:]
    april = _record(t, 4)
    assert (april.goals_set, april.goals_met) == (1, 0)  # checked, not confirmed


def test_the_engine_scores_the_diary_month(t: Team) -> None:
    _golden_month(t)
    run = run_compute(year=YEAR)
    assert run.state == Run.State.DONE, run.error
    row = CadreMonthly.objects.get(run=run, cadre_code=t.cadre.code, month=MARCH)
    assert row.attendance == pytest.approx(6.5)  # 10 − 1.5 − 2
    assert row.weekly == pytest.approx(22.5)  # 30 × 6/8
    assert row.no_goals is False


def test_goals_count_as_met_only_once_the_week_is_confirmed(t: Team) -> None:
    goals = goals_add(cadre=t.cadre, monday=MONDAYS[0], lines=["一", "二"])
    goal_check(goal=goals[0], done=True)
    assert (_record(t).goals_set, _record(t).goals_met) == (2, 0)
    week = week_review(week=goals[0].week, user=t.chief_user, confirm=False, comment="补充")
    assert week.state == Week.State.RETURNED
    goal_check(goal=Goal.objects.get(pk=goals[1].pk), done=True)  # the cadre fixes it: reopened
    assert Week.objects.get(pk=week.pk).state == Week.State.OPEN
    week_review(week=week, user=t.chief_user, confirm=True)
    assert (_record(t).goals_set, _record(t).goals_met) == (2, 2)
    with pytest.raises(DiaryError):  # confirmed: the cadre's changes are refused
        goal_check(goal=Goal.objects.get(pk=goals[0].pk), done=False)
    with pytest.raises(DiaryError):
        week_review(week=week, user=t.chief_user, confirm=False, comment="")  # needs a comment


def test_a_month_without_goals_keeps_the_records_goals_and_shows_the_flag(t: Team) -> None:
    before = _record(t)
    attendance_record(cadre=t.cadre, date=dt.date(YEAR, 3, 2), status=S.LATE)
    record = _record(t)
    assert (record.goals_set, record.goals_met) == (before.goals_set, before.goals_met)
    assert record.lates == 1
    assert month_summary(t.cadre, YEAR, MARCH).weeks_without_goals == MONDAYS
    assert month_summary(t.cadre, YEAR, MARCH).weekly_points == 30.0  # no goals: full, flagged


def test_unfinished_goals_copy_to_next_week_once(t: Team) -> None:
    goals = goals_add(cadre=t.cadre, monday=MONDAYS[0], lines=["甲", "乙", "丙"])
    goal_check(goal=goals[0], done=True)
    copied = goals_copy_forward(cadre=t.cadre, monday=MONDAYS[0])
    assert [g.text for g in copied] == ["乙", "丙"]
    assert all(g.week.monday == MONDAYS[1] for g in copied)
    with pytest.raises(DiaryError):
        goals_copy_forward(cadre=t.cadre, monday=MONDAYS[0])  # already there


def test_leave_over_every_working_day_marks_the_month_on_leave(t: Team) -> None:
    made, skipped = leave_apply(
        cadre=t.cadre, first=dt.date(YEAR, 3, 1), last=dt.date(YEAR, 3, 31), leave_type="maternity"
    )
    assert len(made) == 22
    assert skipped == []
    record = _record(t)
    assert record.on_leave is True
    assert (record.lates, record.absences) == (0, 0.0)
    attendance_record(cadre=t.cadre, date=dt.date(YEAR, 3, 31), status=S.PRESENT)
    assert _record(t).on_leave is False


def test_leave_does_not_overwrite_recorded_days(t: Team) -> None:
    attendance_record(cadre=t.cadre, date=dt.date(YEAR, 3, 2), status=S.ABSENT)
    made, skipped = leave_apply(
        cadre=t.cadre, first=dt.date(YEAR, 3, 2), last=dt.date(YEAR, 3, 3), leave_type="personal"
    )
    assert made == [dt.date(YEAR, 3, 3)]
    assert skipped == [dt.date(YEAR, 3, 2)]
    assert Attendance.objects.get(cadre=t.cadre, date=dt.date(YEAR, 3, 2)).status == S.ABSENT


def test_holidays_and_make_up_workdays_change_the_working_days(t: Team) -> None:
    del t
    calendar_day_set(date=dt.date(YEAR, 3, 2), kind=CalendarDay.Kind.HOLIDAY, name="假日")
    calendar_day_set(date=dt.date(YEAR, 3, 1), kind=CalendarDay.Kind.WORKDAY, name="调休上班")
    days = month_working_days(YEAR, MARCH)
    assert dt.date(YEAR, 3, 2) not in days
    assert dt.date(YEAR, 3, 1) in days
    assert len(days) == 22


def test_a_holiday_declared_after_a_day_was_recorded_takes_the_day_out_of_the_sum(t: Team) -> None:
    # Tuesday 3 March absent, Wednesday 4 March late: 1 absence, 1 late
    attendance_record(cadre=t.cadre, date=dt.date(YEAR, 3, 3), status=S.ABSENT)
    attendance_record(cadre=t.cadre, date=dt.date(YEAR, 3, 4), status=S.LATE)
    assert (_record(t).lates, _record(t).absences) == (1, 1.0)
    # the office declares 3 March a holiday afterwards: the absence no longer counts
    summed = calendar_change(first=dt.date(YEAR, 3, 3), kind=CalendarDay.Kind.HOLIDAY, name="停工")
    assert summed == 1  # the one cadre with a day recorded on the 3rd (and no leave in March)
    assert (_record(t).lates, _record(t).absences) == (1, 0.0)
    summary = month_summary(t.cadre, YEAR, MARCH)
    assert (summary.lates, summary.absences, summary.working_days) == (1, 0, 21)
    assert Attendance.objects.filter(cadre=t.cadre).count() == 2  # recorded days are kept
    # the holiday withdrawn: the day counts again
    calendar_change(first=dt.date(YEAR, 3, 3), kind=None)
    assert (_record(t).lates, _record(t).absences) == (1, 1.0)
    assert not CalendarDay.objects.exists()


def test_a_make_up_workday_ends_a_month_of_leave(t: Team) -> None:
    leave_apply(
        cadre=t.cadre, first=dt.date(YEAR, 3, 1), last=dt.date(YEAR, 3, 31), leave_type="sick"
    )
    assert _record(t).on_leave is True
    # Sunday 1 March made a working day (调休上班): the leave no longer covers every working day
    calendar_change(first=dt.date(YEAR, 3, 1), kind=CalendarDay.Kind.WORKDAY, name="调休上班")
    assert _record(t).on_leave is False
    calendar_change(first=dt.date(YEAR, 3, 1), kind=None)
    assert _record(t).on_leave is True


def test_a_holiday_of_several_days_is_one_change(t: Team) -> None:
    # absent Tuesday 3 March, late Monday 9 March; then 2–6 March declared a holiday
    attendance_record(cadre=t.cadre, date=dt.date(YEAR, 3, 3), status=S.ABSENT)
    attendance_record(cadre=t.cadre, date=dt.date(YEAR, 3, 9), status=S.LATE)
    calendar_change(
        first=dt.date(YEAR, 3, 2),
        last=dt.date(YEAR, 3, 6),
        kind=CalendarDay.Kind.HOLIDAY,
        name="停工",
    )
    assert CalendarDay.objects.filter(name="停工").count() == 5
    assert len(month_working_days(YEAR, MARCH)) == 22 - 5
    assert (_record(t).lates, _record(t).absences) == (1, 0.0)
    with pytest.raises(DiaryError):  # the end before the start
        calendar_change(first=dt.date(YEAR, 3, 6), last=dt.date(YEAR, 3, 2), kind=None)
    with pytest.raises(DiaryError):  # more than a month at once
        calendar_change(first=dt.date(YEAR, 3, 1), last=dt.date(YEAR, 4, 30), kind=None)
    assert CalendarDay.objects.count() == 5


def test_a_range_reaching_into_a_locked_month_changes_nothing(t: Team) -> None:
    del t
    period_at(MARCH, Period.State.LOCKED)
    with pytest.raises(DiaryError, match="已锁定"):
        calendar_change(
            first=dt.date(YEAR, 2, 27), last=dt.date(YEAR, 3, 2), kind=CalendarDay.Kind.HOLIDAY
        )
    assert not CalendarDay.objects.exists()  # February's days not written either


def test_a_locked_month_keeps_its_calendar(t: Team) -> None:
    attendance_record(cadre=t.cadre, date=dt.date(YEAR, 3, 3), status=S.ABSENT)
    period_at(MARCH, Period.State.LOCKED)
    with pytest.raises(DiaryError, match="已锁定"):
        calendar_change(first=dt.date(YEAR, 3, 3), kind=CalendarDay.Kind.HOLIDAY)
    assert not CalendarDay.objects.exists()
    assert _record(t).absences == 1.0


def test_sign_in_is_late_after_the_start_time(t: Team, settings: object) -> None:
    tz = timezone.get_current_timezone()
    on_time = attendance_sign_in(cadre=t.cadre, now=dt.datetime(YEAR, 3, 2, 8, 59, tzinfo=tz))
    late = attendance_sign_in(cadre=t.colleague, now=dt.datetime(YEAR, 3, 2, 9, 1, tzinfo=tz))
    assert (on_time.status, late.status) == (S.PRESENT, S.LATE)
    with pytest.raises(DiaryError):  # one tap a day
        attendance_sign_in(cadre=t.cadre, now=dt.datetime(YEAR, 3, 2, 10, 0, tzinfo=tz))
    with pytest.raises(DiaryError):  # Sunday
        attendance_sign_in(cadre=t.cadre, now=dt.datetime(YEAR, 3, 1, 8, 0, tzinfo=tz))
    assert MonthlyRecord.objects.get(cadre=t.colleague, year=YEAR, month=MARCH).lates == 1


def test_a_locked_month_refuses_every_change_and_writes_nothing(t: Team) -> None:
    goals = goals_add(cadre=t.cadre, monday=MONDAYS[0], lines=["锁定前"])
    period_at(MARCH, Period.State.LOCKED)
    before = MonthlyRecord.objects.filter(cadre=t.cadre, year=YEAR, month=MARCH).values().get()
    tz = timezone.get_current_timezone()
    refused: list[Callable[[], object]] = [
        lambda: attendance_record(cadre=t.cadre, date=dt.date(YEAR, 3, 2), status=S.LATE),
        lambda: attendance_sign_in(cadre=t.cadre, now=dt.datetime(YEAR, 3, 3, 9, 30, tzinfo=tz)),
        lambda: leave_apply(
            cadre=t.cadre, first=dt.date(YEAR, 3, 2), last=dt.date(YEAR, 3, 2), leave_type="sick"
        ),
        lambda: goals_add(cadre=t.cadre, monday=MONDAYS[1], lines=["新"]),
        lambda: goal_check(goal=goals[0], done=True),
        lambda: week_review(week=goals[0].week, user=t.chief_user, confirm=True),
    ]
    for change in refused:
        with pytest.raises(DiaryError, match="已锁定"):
            change()
    assert not Attendance.objects.filter(cadre=t.cadre).exists()
    assert Goal.objects.filter(week__cadre=t.cadre).count() == 1
    assert not Goal.objects.get(pk=goals[0].pk).done
    assert (
        MonthlyRecord.objects.filter(cadre=t.cadre, year=YEAR, month=MARCH).values().get() == before
    )


def test_a_second_sum_changes_nothing_and_changes_are_audited(t: Team) -> None:
    row = attendance_record(cadre=t.cadre, date=dt.date(YEAR, 3, 2), status=S.LATE)
    assert AuditEvent.objects.filter(model="diary.attendance", object_id=str(row.pk)).exists()
    updated = _record(t).updated
    events = AuditEvent.objects.count()
    month_resum(cadre=t.cadre, year=YEAR, month=MARCH)
    assert _record(t).updated == updated
    assert AuditEvent.objects.count() == events


def test_the_demos_month_of_the_diary_is_summed_and_computes(t: Team) -> None:
    written = diary_demo(cadres=[t.cadre, t.colleague], year=YEAR, month=MARCH)
    assert written == 2
    assert Attendance.objects.filter(cadre=t.cadre).count() == 22  # March's working days
    summary = month_summary(t.cadre, YEAR, MARCH)
    record = _record(t)
    assert (record.lates, record.absences) == (summary.lates, summary.absences)
    assert (record.goals_set, record.goals_met) == (summary.goals_set, summary.goals_met)
    assert summary.goals_met < summary.goals_set  # the last week is left to confirm
    run = run_compute(year=YEAR)
    assert run.state == Run.State.DONE, run.error
