"""Forms of the cycle pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from kaohe.cycle.models import Objection
from kaohe.cycle.uploads import accepted_suffixes
from kaohe.engine import schema as s
from kaohe.results.models import Run

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DeadlinesForm(forms.Form):
    submit_due = forms.DateField(label=_("单位报送截止"), widget=DATE)
    review_due = forms.DateField(label=_("审核截止"), widget=DATE)
    publish_due = forms.DateField(label=_("公示截止"), widget=DATE)


class RunChoiceField(forms.ModelChoiceField[Run]):
    def label_from_instance(self, obj: Run) -> str:
        finished = f"{obj.finished:%Y-%m-%d %H:%M}" if obj.finished else ""
        return f"#{obj.pk} · {finished}"


class AdvanceForm(forms.Form):
    reason = forms.CharField(label=_("说明"), required=False, max_length=2000)
    run = RunChoiceField(label=_("公示批次"), queryset=Run.objects.none(), required=False)

    def __init__(self, *args: Any, year: int, month: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        runs = Run.objects.filter(year=year, state=Run.State.DONE, months__gte=month)
        field = self.fields["run"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = runs.order_by("-finished", "-id")


class SubmitForm(forms.Form):
    unit = forms.CharField(widget=forms.HiddenInput, max_length=64)
    note = forms.CharField(label=_("说明"), required=False, max_length=2000)


class ObjectionForm(forms.Form):
    subject = forms.ChoiceField(label=_("对象"))
    text = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, subjects: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = subjects  # type: ignore[attr-defined]

    def subject_parts(self) -> tuple[str, str]:
        kind, _sep, code = str(self.cleaned_data["subject"]).partition(":")
        return kind, code


def subject_choice(kind: str, code: str, name: str) -> tuple[str, str]:
    label = _("单位") if kind == s.SUBJECT_UNIT else _("干部")
    return f"{kind}:{code}", f"{label} {name} ({code})"


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label=_("处理结果"), choices=Objection.Outcome.choices)
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 2}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        return [single(f, initial) for f in files if f] if files and files[0] else [single(data)]


def _correction_size(value: Any) -> None:
    if value.size > settings.KAOHE_IMPORT_MAX_BYTES:
        raise ValidationError(_("更正数据文件超过导入大小上限"))


class AdjustmentForm(forms.Form):
    reason = forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = MultipleFileField(
        label=_("佐证材料"),
        widget=MultipleFileInput(attrs={"accept": accepted_suffixes()}),
        help_text=_("PDF、图片、Excel 或 Word 文件，可多选"),
    )
    correction = forms.FileField(
        label=_("更正数据文件"),
        required=False,
        validators=[FileExtensionValidator(["xlsx", "xlsm", "xls", "csv"]), _correction_size],
        help_text=_("与数据导入相同格式的工作簿或 CSV 文件；批准时导入该月"),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("批准")), ("reject", _("驳回"))], widget=forms.HiddenInput
    )
    note = forms.CharField(label=_("审批意见"), required=False, max_length=2000)
