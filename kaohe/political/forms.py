"""Forms of the ledger and the 优秀 review (input parsing only; the services decide)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.political.labels import DIRECTIONS, OUTCOMES, source_label

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EvidenceForm(forms.Form):
    """One entry: big radio buttons for the source and the direction (a phone's thumb)."""

    source = forms.ChoiceField(label=_("来源"), widget=forms.RadioSelect)
    direction = forms.ChoiceField(
        label=_("性质"), choices=list(DIRECTIONS.items()), widget=forms.RadioSelect
    )
    date = forms.DateField(label=_("日期"), widget=DATE, initial=dt.date.today)
    item = forms.ChoiceField(label=_("政治素质项目"), required=False)
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(
        label=_("附件"),
        required=False,
        help_text=_("可选：PDF、图片、Word 或 Excel 文件，不超过 10 MB"),
    )
    code = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(
        self, *args: Any, sources: Iterable[str], items: Iterable[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(code, source_label(code)) for code in sources]
        self.fields["source"].choices = choices  # type: ignore[attr-defined]
        if len(choices) == 1:
            self.fields["source"].initial = choices[0][0]
        self.fields["item"].choices = [  # type: ignore[attr-defined]
            ("", _("（不限）")),
            *((name, name) for name in items),
        ]


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("审核结果"), choices=list(OUTCOMES.items()), widget=forms.RadioSelect
    )
    date = forms.DateField(label=_("审核日期"), widget=DATE, initial=dt.date.today)
    note = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
