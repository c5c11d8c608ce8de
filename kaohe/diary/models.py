"""Everyday records of a cadre (docs/diary.md): daily attendance (日考勤) and weekly goals
(周记录), and the office's calendar of holidays and make-up workdays.

These rows are the cadre's diary; the engine never reads them. They go with their cadre (the
demo's reset removes the organisation). :mod:`kaohe.diary.services`
sums a cadre's month into :class:`kaohe.collection.models.MonthlyRecord` (lates, absences,
on_leave, goals_set, goals_met) in the same transaction as every change.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.core.models import TimeStamped
from kaohe.org.models import Cadre

GOAL_LENGTH = 200
NOTE_LENGTH = 200


class CalendarDay(TimeStamped):
    """An exception to Monday–Friday: a holiday on a weekday, or a make-up workday (调休上班)
    on a weekend. Kept by the assessment office."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("节假日")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"))
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ("date",)
        constraints = (models.UniqueConstraint(fields=("date",), name="diary_calendarday_date"),)

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class Attendance(TimeStamped):
    """日考勤: one cadre's status on one working day."""

    class Status(models.TextChoices):
        PRESENT = "present", _("出勤")
        LATE = "late", _("迟到")
        ABSENT = "absent", _("旷工")
        LEAVE = "leave", _("请假")

    class LeaveType(models.TextChoices):
        PERSONAL = "personal", _("事假")
        SICK = "sick", _("病假")
        ANNUAL = "annual", _("年休假")
        MARRIAGE_FUNERAL = "marriage_funeral", _("婚丧假")
        MATERNITY = "maternity", _("产假/陪产假")
        BUSINESS = "business", _("公差/出差")
        COMPENSATORY = "compensatory", _("调休")
        OTHER = "other", _("其他")

    class Source(models.TextChoices):
        APP = "app", _("本人签到")
        LEAVE = "leave", _("本人请假")
        CHIEF = "chief", _("负责人登记")
        IMPORT = "import", _("考勤机导入")

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.CASCADE)
    date = models.DateField(_("日期"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    leave_type = models.CharField(
        _("假别"), max_length=20, choices=LeaveType.choices, blank=True, default=""
    )
    check_in = models.TimeField(_("签到时间"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices)
    note = models.CharField(_("备注"), max_length=NOTE_LENGTH, blank=True, default="")

    class Meta:
        verbose_name = _("日考勤")
        verbose_name_plural = _("日考勤")
        ordering = ("cadre", "date")
        constraints = (
            models.UniqueConstraint(fields=("cadre", "date"), name="diary_attendance_key"),
            models.CheckConstraint(
                condition=models.Q(status="leave", leave_type__gt="")
                | (~models.Q(status="leave") & models.Q(leave_type="")),
                name="diary_attendance_leave_type",
            ),
        )

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.date} {self.status}"


def week_monday(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def week_month(monday: dt.date) -> tuple[int, int]:
    """The (year, month) a week belongs to: the month of its Thursday (the ISO rule)."""
    thursday = monday + dt.timedelta(days=3)
    return thursday.year, thursday.month


class Week(TimeStamped):
    """周记录: a cadre's goals of one ISO week (Monday to Sunday), confirmed by their chief."""

    class State(models.TextChoices):
        OPEN = "open", _("填报中")
        CONFIRMED = "confirmed", _("已确认")
        RETURNED = "returned", _("已退回")

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.CASCADE)
    monday = models.DateField(_("周一"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.OPEN)
    comment = models.CharField(_("负责人意见"), max_length=NOTE_LENGTH, blank=True, default="")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("周记录")
        verbose_name_plural = _("周记录")
        ordering = ("cadre", "monday")
        constraints = (models.UniqueConstraint(fields=("cadre", "monday"), name="diary_week_key"),)

    def __str__(self) -> str:
        return f"{self.cadre_id} {self.monday}"

    @property
    def month(self) -> tuple[int, int]:
        return week_month(self.monday)

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)


class Goal(TimeStamped):
    """One goal of a week; ``done`` is the cadre's check, counted once the week is confirmed."""

    week = models.ForeignKey(
        Week, verbose_name=_("周记录"), on_delete=models.CASCADE, related_name="goals"
    )
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    text = models.CharField(_("目标"), max_length=GOAL_LENGTH)
    done = models.BooleanField(_("已完成"), default=False)
    note = models.CharField(_("完成情况"), max_length=NOTE_LENGTH, blank=True, default="")

    class Meta:
        verbose_name = _("周目标")
        verbose_name_plural = _("周目标")
        ordering = ("week", "position", "pk")

    def __str__(self) -> str:
        return self.text
