"""Forms of the data pages: an import upload and a computation request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

ACCEPTED = ".xlsx,.xls,.csv"


def _year_choices(years: list[int]) -> list[tuple[int, str]]:
    return [(y, str(y)) for y in years]


class ImportForm(forms.Form):
    """A workbook (xlsx/xls) or a CSV file for a plan year; its type is read from its content."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("Excel 工作簿（.xlsx/.xls，每个工作表一张表）或以表名命名的 CSV 文件"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices(years)  # type: ignore[attr-defined]
        if years:
            self.fields["year"].initial = years[0]


class ComputeForm(forms.Form):
    """A run of a plan year, through a month or (empty) every month of the district table."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    through_month = forms.TypedChoiceField(
        label=_("截至月份"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("全部已有月份"))] + [(m, str(m)) for m in range(1, 13)],
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices(years)  # type: ignore[attr-defined]
        if years:
            self.fields["year"].initial = years[0]
