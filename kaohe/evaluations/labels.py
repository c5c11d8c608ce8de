"""Names of the plan's rater groups (docs/rules.md §7: service recipients vote with the
subordinates); a group the plan names otherwise is shown by its key."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

GROUPS: dict[str, StrOrPromise] = {
    "leaders": _("领导"),
    "peers": _("同级"),
    "subordinates": _("下级和服务对象"),
}


def group_label(code: str) -> StrOrPromise:
    return GROUPS.get(code, code)
