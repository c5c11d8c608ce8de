from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.audit.models import AuditEvent


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("操作人"), required=False, max_length=150)
    model = forms.CharField(label=_("对象类型"), required=False, max_length=100)
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部")), *AuditEvent.Action.choices]
    )
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
