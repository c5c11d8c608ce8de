"""Who may do what with ratings: the one place the ratings pages ask (docs/ratings.md).

- ``ratings.rate``: rate on a unit's sheet — the office and administrators (every unit), a unit
  head (their units); the object rule :func:`may_rate_unit` takes the unit's code;
- ``ratings.manage``: the office's pages — completion, reminders, political ratings;
- ``ratings.view_own``: "我的评价", one's own submitted ratings (any role).
"""

from __future__ import annotations

from typing import Any, Final

from rules.permissions import add_perm
from rules.predicates import Predicate, predicate

from kaohe.accounts.roles import has_any_role, is_admin, is_office, is_unit_head
from kaohe.ratings.selectors import rater_roles

RATE: Final = "ratings.rate"
MANAGE: Final = "ratings.manage"
VIEW_OWN: Final = "ratings.view_own"


@predicate  # type: ignore[untyped-decorator]  # rules' decorator is untyped
def unit_rated(user: Any, code: str | None) -> bool:
    """The unit (its code) is one whose sheet ``user`` rates on."""
    return code is not None and bool(rater_roles(user, code))


may_rate: Predicate = is_admin | is_office | is_unit_head
may_manage: Predicate = is_admin | is_office
RATE_UNIT: Final = "ratings.rate_unit"


def register() -> None:
    """Register the permissions with django-rules (called once from ``rules.py``)."""
    add_perm(RATE, may_rate)  # type: ignore[no-untyped-call]  # rules is untyped
    add_perm(RATE_UNIT, may_rate & unit_rated)  # type: ignore[no-untyped-call]
    add_perm(MANAGE, may_manage)  # type: ignore[no-untyped-call]
    add_perm(VIEW_OWN, has_any_role)  # type: ignore[no-untyped-call]
