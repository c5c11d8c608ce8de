"""Display labels of the engine's codes (roles, subject types, methods, notes…), translatable.

The engine writes short codes (``principal``, ``volume_growth``, ``no_scored_month``) and Chinese
grade names; pages show these labels instead, in the user's language. A code without a label is
shown as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from kaohe.engine import schema as s

LabelMap = Mapping[str, StrOrPromise]

ROLES: Final[LabelMap] = {
    s.ROLE_PRINCIPAL: _("一把手"),
    s.ROLE_LEADER: _("班子成员"),
    s.ROLE_STAFF: _("一般干部"),
}
SUBJECT_TYPES: Final[LabelMap] = {
    s.SUBJECT_UNIT: _("单位"),
    s.SUBJECT_TEAM: _("领导班子"),
    s.SUBJECT_SECTION: _("科室"),
    s.SUBJECT_CADRE: _("干部"),
}
METHODS: Final[LabelMap] = {
    "volume_growth": _("总量与增速"),
    "completion": _("完成率"),
    "rating": _("等次评定"),
    "deduction": _("扣分制"),
    "milestones": _("节点完成"),
    "rank": _("排名赋分"),
    "formula": _("自定义公式"),
}
GRADES: Final[LabelMap] = {
    "优秀": _("优秀"),
    "称职": _("称职"),
    "基本称职": _("基本称职"),
    "不称职": _("不称职"),
    "好": _("好"),
    "较好": _("较好"),
    "一般": _("一般"),
    "较差": _("较差"),
    s.UNDETERMINED: _("不定等次"),
}
NOTES: Final[LabelMap] = {
    "no_scored_month": _("无计分月份"),
    "probation": _("试用期未满"),
    "leave": _("请假超过规定月数"),
    "veto": _("一票否决"),
    "sanction": _("受到处分"),
    "unit_veto": _("单位被一票否决"),
    "team_grade": _("班子等次为一般或较差"),
    "review_rejected": _("优秀人选审核未通过"),
    "quota": _("超出优秀名额"),
}
TOP_STATUS: Final[LabelMap] = {
    s.TOP_CONFIRMED: _("已确认"),
    s.TOP_CANDIDATE: _("待公示确认"),
}
TRAINING_REASONS: Final[LabelMap] = {
    "threshold": _("低于达标线"),
    "bottom": _("处于后四分之一"),
}
TRAINING_FORMS: Final[LabelMap] = {"online": _("线上"), "offline": _("线下")}
OWNERS: Final[LabelMap] = {s.OFFICE: _("考核办")}
FLAGS: Final[LabelMap] = {"top": _("持续靠前"), "bottom": _("持续靠后")}
STAGES: Final[LabelMap] = {  # kaohe.results.services' stages of a run
    "reading the data": _("读取数据"),
    "scoring": _("计分"),
    "storing the results": _("保存结果"),
    "done": _("完成"),
    "failed": _("失败"),
}

KINDS: Final[dict[str, LabelMap]] = {
    "role": ROLES,
    "subject_type": SUBJECT_TYPES,
    "method": METHODS,
    "grade": GRADES,
    "note": NOTES,
    "top_status": TOP_STATUS,
    "training_reason": TRAINING_REASONS,
    "form": TRAINING_FORMS,
    "owner": OWNERS,
    "flag": FLAGS,
    "stage": STAGES,
}


def label(kind: str, code: str | None) -> StrOrPromise:
    """The label of ``code`` among ``kind``'s; the code itself when it has none."""
    if code is None:
        return ""
    return KINDS[kind].get(code, code)


def labels(kind: str, codes: str | None, separator: str = ";") -> list[StrOrPromise]:
    """Labels of ``;``-joined codes (annual notes, training reasons)."""
    return [label(kind, code) for code in (codes or "").split(separator) if code]
