"""Forms of the tasks pages (input parsing only; the services decide)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.org.models import Section
from kaohe.tasks.models import ReportLine

MONTHS = [(m, f"{m}") for m in range(1, 13)]
METHOD_CHOICES = [
    ("completion", _("完成率")),
    ("rating", _("评级")),
    ("deduction", _("扣分")),
    ("milestones", _("节点")),
]
DIRECTION_CHOICES = [("", _("越高越好")), ("lower_is_better", _("越低越好"))]


class TaskForm(forms.Form):
    task = forms.IntegerField(required=False, widget=forms.HiddenInput)
    section = forms.ModelChoiceField(label=_("科室"), queryset=Section.objects.none())
    name = forms.CharField(label=_("任务名称"), max_length=500)
    indicator = forms.ChoiceField(label=_("对应指标"), required=False)
    weight = forms.FloatField(label=_("权重"))
    method = forms.ChoiceField(label=_("计分方法"), choices=METHOD_CHOICES)
    direction = forms.ChoiceField(label=_("方向"), choices=DIRECTION_CHOICES, required=False)
    points_per_occurrence = forms.FloatField(
        label=_("每次扣分"), required=False, help_text=_("仅扣分法；空 = 1")
    )
    tags = forms.CharField(label=_("能力标签"), required=False, max_length=500)

    def __init__(
        self,
        *args: Any,
        sections: Any,
        indicators: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = sections  # type: ignore[attr-defined]
        self.fields["indicator"].choices = [("", "—"), *indicators]  # type: ignore[attr-defined]


class MilestoneForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput)
    month = forms.TypedChoiceField(label=_("月份"), coerce=int, choices=MONTHS)
    description = forms.CharField(label=_("节点内容"), max_length=200)
    standard = forms.CharField(label=_("评分标准"), required=False, max_length=2000)


class PostTaskForm(forms.Form):
    post = forms.IntegerField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("任务名称"), max_length=200)
    standard = forms.CharField(label=_("评分标准"), required=False, max_length=2000)
    task = forms.IntegerField(label=_("对应科室任务"), required=False)
    months = forms.TypedMultipleChoiceField(
        label=_("月份"), coerce=int, choices=MONTHS, widget=forms.CheckboxSelectMultiple
    )


class CopyForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(label=_("复制到"), coerce=int, choices=MONTHS[1:])


class RateForm(forms.Form):
    level = forms.ChoiceField(label=_("等次"))
    comment = forms.CharField(
        label=_("评定意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, levels: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(v, v) for v in levels]  # type: ignore[attr-defined]


STATUSES = ReportLine.Status.choices
