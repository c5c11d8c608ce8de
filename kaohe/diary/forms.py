"""The diary's forms: leave, goals, a goal's check, a chief's entry and review, the import and
the calendar."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.diary.models import GOAL_LENGTH, NOTE_LENGTH, Attendance, CalendarDay

_DATE = forms.DateInput(attrs={"type": "date"})


class LeaveForm(forms.Form):
    first = forms.DateField(label=_("开始日期"), widget=_DATE)
    last = forms.DateField(label=_("结束日期"), widget=_DATE)
    leave_type = forms.ChoiceField(label=_("假别"), choices=Attendance.LeaveType.choices)
    note = forms.CharField(label=_("事由"), max_length=NOTE_LENGTH, required=False)


class GoalsForm(forms.Form):
    monday = forms.DateField(widget=forms.HiddenInput)
    lines = forms.CharField(
        label=_("本周目标（每行一条）"),
        max_length=GOAL_LENGTH * 10,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class GoalCheckForm(forms.Form):
    done = forms.BooleanField(required=False)
    note = forms.CharField(label=_("完成情况"), max_length=NOTE_LENGTH, required=False)


class WeekForm(forms.Form):
    monday = forms.DateField(widget=forms.HiddenInput)


def day_choices() -> list[tuple[str, str]]:
    """A chief's choices for one day: present, late, absent, or leave of a type
    (``leave:sick``)."""
    plain = [(v, str(label)) for v, label in Attendance.Status.choices if v != "leave"]
    leave = str(Attendance.Status.LEAVE.label)
    return plain + [(f"leave:{v}", f"{leave}·{label}") for v, label in Attendance.LeaveType.choices]


class DayForm(forms.Form):
    date = forms.DateField()
    status = forms.ChoiceField(label=_("状态"), choices=day_choices)

    def parts(self) -> tuple[str, str]:
        """(status, leave type) of the chosen value."""
        status, _sep, leave_type = self.cleaned_data["status"].partition(":")
        return status, leave_type


class ReviewForm(forms.Form):
    monday = forms.DateField()
    action = forms.ChoiceField(choices=[("confirm", _("确认")), ("return", _("退回"))])
    comment = forms.CharField(label=_("意见"), max_length=NOTE_LENGTH, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("考勤机导出的 CSV 文件"))


class CalendarForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=_DATE)
    last = forms.DateField(label=_("至（连续多天时填写）"), widget=_DATE, required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=CalendarDay.Kind.choices)
    name = forms.CharField(label=_("名称"), max_length=64, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("date"), data.get("last")
        if first is not None and last is not None and last < first:
            self.add_error("last", _("结束日期早于开始日期。"))
        return data
