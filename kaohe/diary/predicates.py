"""Who may do what with the diary (docs/diary.md, docs/security.md): one place the diary's
pages ask, over the roles of :mod:`kaohe.accounts.roles` and the scope of
:mod:`kaohe.accounts.scope`.

- a cadre (an account linked to a cadre): their own attendance and weekly goals;
- a section chief, a unit head (the unit's clerk): the team view of their people, where they
  record attendance and confirm or send back weeks — never their own;
- a unit head and the office: the attendance machine's import (a unit head's rows only for
  their unit's people);
- the office (and system administrators): everyone's, and the calendar of holidays.
"""

from __future__ import annotations

from typing import Any, Final

from rules.permissions import add_perm
from rules.predicates import Predicate, predicate

from kaohe.accounts.roles import (
    cadre_in_scope,
    is_admin,
    is_office,
    is_section_chief,
    is_unit_head,
)
from kaohe.accounts.scope import scope_for

KEEP_DIARY: Final = "diary.keep_diary"  # one's own attendance and goals
VIEW_TEAM: Final = "diary.view_team"  # the team view
RECORD_FOR: Final = "diary.record_for"  # object: a cadre's code
IMPORT_ATTENDANCE: Final = "diary.import_attendance"
MANAGE_CALENDAR: Final = "diary.manage_calendar"


@predicate  # type: ignore[untyped-decorator]  # rules' decorator is untyped
def has_cadre(user: Any) -> bool:
    """The account is linked to a cadre (the cadre themself)."""
    return scope_for(user).cadre is not None


@predicate  # type: ignore[untyped-decorator]
def is_other(user: Any, code: str | None) -> bool:
    """The cadre is not the user themself."""
    return code is not None and scope_for(user).cadre != code


_office: Predicate = is_admin | is_office
_leads: Predicate = is_unit_head | is_section_chief


def register() -> None:
    """Register the permissions with django-rules (called once from ``rules.py``)."""
    rules = {
        KEEP_DIARY: has_cadre,
        VIEW_TEAM: _office | _leads,
        RECORD_FOR: _office | (_leads & cadre_in_scope & is_other),
        IMPORT_ATTENDANCE: _office | is_unit_head,
        MANAGE_CALENDAR: _office,
    }
    for name, rule in rules.items():
        add_perm(name, rule)  # type: ignore[no-untyped-call]  # rules' add_perm is untyped
