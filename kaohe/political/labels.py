"""Display labels of the evidence sources, directions and review outcomes (translatable)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from kaohe.engine import schema as s

SOURCES: Final[Mapping[str, StrOrPromise]] = {
    "work": _("工作圈"),
    "life": _("生活圈"),
    "social": _("交友圈"),
    "field": _("实地走访"),
    "discipline": _("纪检监察发现"),
    "recipients": _("服务对象"),
}
DIRECTIONS: Final[Mapping[str, StrOrPromise]] = {
    s.DIRECTION_POSITIVE: _("正面"),
    s.DIRECTION_NEGATIVE: _("负面"),
}
OUTCOMES: Final[Mapping[str, StrOrPromise]] = {
    s.OUTCOME_CONFIRM: _("确认"),
    s.OUTCOME_REJECT: _("不予确认"),
}


def source_label(code: str) -> StrOrPromise:
    return SOURCES.get(code, code)
