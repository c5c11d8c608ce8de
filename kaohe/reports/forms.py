"""The export form of the exports page (报表导出)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.org.models import Unit
from kaohe.reports.models import ExportJob

JOB_KINDS = [k for k in ExportJob.Kind.choices if k[0] != ExportJob.Kind.WHATIF]


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("导出内容"), choices=JOB_KINDS)
    month = forms.IntegerField(label=_("月份（排名表）"), min_value=1, max_value=12, required=False)
    unit = forms.CharField(label=_("单位编号（留空为全区）"), max_length=64, required=False)
    start = forms.DateField(
        label=_("公示开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    issuer = forms.CharField(label=_("公示发布单位"), max_length=100, required=False)

    def clean_unit(self) -> str:
        code = str(self.cleaned_data.get("unit") or "").strip()
        if code and not Unit.objects.filter(code=code).exists():
            raise forms.ValidationError(_("没有编号为 %(code)s 的单位") % {"code": code})
        return code

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data
        params: dict[str, Any] = {}
        if data.get("month"):
            params["month"] = data["month"]
        if data.get("unit"):
            params["unit"] = data["unit"]
        if data.get("start"):
            params["start"] = data["start"].isoformat()
        if data.get("issuer"):
            params["issuer"] = data["issuer"].strip()
        return params
