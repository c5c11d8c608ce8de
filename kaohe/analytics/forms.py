"""The what-if form: a draft plan (uploaded YAML, or the year's plan edited) and a month."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.analytics.whatif import draft_plan_parse
from kaohe.engine import PlanError

MAX_PLAN_BYTES = 1024 * 1024


class WhatIfForm(forms.Form):
    month = forms.TypedChoiceField(label=_("对比月份"), coerce=int)
    plan_file = forms.FileField(label=_("上传方案草案（YAML）"), required=False)
    plan_text = forms.CharField(
        label=_("或编辑方案"), required=False, widget=forms.Textarea(attrs={"rows": 18})
    )

    def __init__(self, *args: Any, year: int, months: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        month = self.fields["month"]
        assert isinstance(month, forms.TypedChoiceField)
        month.choices = [(m, f"{year}-{m:02d}") for m in range(1, months + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("plan_file")
        if upload is not None:
            if upload.size > MAX_PLAN_BYTES:
                raise forms.ValidationError(_("方案文件过大（不超过 1 MB）"))
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(
                    _("%(file)s 不是 UTF-8 编码的文本") % {"file": upload.name}
                ) from exc
        else:
            text = data.get("plan_text", "")
        if not text.strip():
            raise forms.ValidationError(_("请上传或填写方案草案"))
        try:
            draft_plan_parse(text, self.year)
        except PlanError as exc:
            raise forms.ValidationError(
                [f"{i.path}: {i.message}" if i.path else i.message for i in exc.issues]
            ) from exc
        data["yaml"] = text
        return data
