"""Forms of the follow-up pages (input parsing only; the services decide)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.cycle.uploads import accepted_suffixes
from kaohe.engine import schema as s
from kaohe.followup.models import AnnualObjection, ReviewRequest
from kaohe.org.models import Unit
from kaohe.web import labels

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SUBJECT_TYPES = [(s.SUBJECT_CADRE, _("干部")), (s.SUBJECT_TEAM, _("领导班子"))]
GRADE_CHOICES = [(g, labels.label("grade", g)) for g in (*s.CADRE_GRADES, *s.TEAM_GRADES)]


class CloseForm(forms.Form):
    run = forms.TypedChoiceField(label=_("计算批次"), coerce=int)
    notified_on = forms.DateField(label=_("结果通知日期"), widget=DATE, initial=dt.date.today)

    def __init__(self, *args: Any, runs: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["run"].choices = runs  # type: ignore[attr-defined]


class OverrideForm(forms.Form):
    subject_type = forms.ChoiceField(label=_("对象类型"), choices=SUBJECT_TYPES)
    subject_code = forms.CharField(label=_("对象编号"), max_length=64)
    grade = forms.ChoiceField(label=_("调整后等次"), choices=GRADE_CHOICES)
    reason = forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 2}))


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=ReviewRequest.Kind.choices)
    subject_type = forms.ChoiceField(label=_("对象类型"), choices=SUBJECT_TYPES)
    subject_code = forms.CharField(label=_("对象编号"), max_length=64)
    filed_on = forms.DateField(label=_("提出日期"), widget=DATE, initial=dt.date.today)
    grounds = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("答复结果"), choices=ReviewRequest.Outcome.choices)
    answered_on = forms.DateField(label=_("答复日期"), widget=DATE, initial=dt.date.today)
    answer = forms.CharField(label=_("答复意见"), widget=forms.Textarea(attrs={"rows": 2}))


class RecordForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE, initial=dt.date.today)
    participants = forms.CharField(label=_("参加人员"), max_length=500)
    notes = forms.CharField(label=_("情况记录"), widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(
        label=_("附件"),
        required=False,
        help_text=_("PDF、图片、Word 或 Excel 文件，不超过 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": accepted_suffixes()}),
    )
    completes = forms.BooleanField(label=_("本措施已办结"), required=False)


class PoolForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.order_by("code"))
    month = forms.TypedChoiceField(
        label=_("月份"), coerce=int, choices=[(m, str(m)) for m in range(1, 13)]
    )
    amount = forms.DecimalField(
        label=_("总额（元）"), min_value=Decimal(0), max_digits=11, decimal_places=2
    )

    def cents(self) -> int:
        return int(self.cleaned_data["amount"] * 100)


class CompleteForm(forms.Form):
    completed_on = forms.DateField(
        label=_("完成日期"), widget=DATE, required=False, initial=dt.date.today
    )


class PublishForm(forms.Form):
    published_on = forms.DateField(label=_("公示日期"), widget=DATE, initial=dt.date.today)


class ObjectionForm(forms.Form):
    subject_type = forms.ChoiceField(label=_("对象类型"), choices=SUBJECT_TYPES)
    subject_code = forms.CharField(label=_("对象编号"), max_length=64)
    text = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionAnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("处理结果"), choices=AnnualObjection.Outcome.choices)
    answered_on = forms.DateField(label=_("答复日期"), widget=DATE, initial=dt.date.today)
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 2}))
