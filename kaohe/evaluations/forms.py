"""Forms of the office's evaluation pages."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.evaluations.labels import group_label
from kaohe.evaluations.models import Round
from kaohe.evaluations.services import GroupRaters

CODE_SPLIT = re.compile(r"[\s,，、;；]+")


def codes(text: str) -> tuple[str, ...]:
    """Codes typed one per line, or separated by commas, spaces or 、."""
    return tuple(c for c in CODE_SPLIT.split(text or "") if c)


class RoundForm(forms.Form):
    """A new round: year, name, kind, subjects and, per rater group of the plan, its raters."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    name = forms.CharField(label=_("名称"), max_length=200)
    kind = forms.ChoiceField(label=_("测评对象"), choices=Round.Kind.choices)
    subjects = forms.CharField(
        label=_("测评对象编号"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("领导班子填单位编号，领导干部填干部编号；每行一个，或用逗号、空格分隔"),
    )

    def __init__(self, *args: Any, years: Sequence[int], groups: Sequence[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        self.groups = list(groups)
        for group in self.groups:
            name = group_label(group)
            self.fields[f"raters_{group}"] = forms.CharField(
                label=_("%(group)s：测评人干部编号") % {"group": name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[f"outside_{group}"] = forms.IntegerField(
                label=_("%(group)s：无干部编号的测评人数（如服务对象代表）") % {"group": name},
                min_value=0,
                max_value=5000,
                initial=0,
                required=False,
            )

    def raters(self) -> dict[str, GroupRaters]:
        data = self.cleaned_data
        return {
            g: GroupRaters(codes(data.get(f"raters_{g}") or ""), int(data.get(f"outside_{g}") or 0))
            for g in self.groups
        }


class SurveyForm(forms.Form):
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    unit = forms.CharField(label=_("单位编号"), max_length=64)

    def __init__(self, *args: Any, years: Sequence[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
