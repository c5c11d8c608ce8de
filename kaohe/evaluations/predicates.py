"""Who may do what with rounds and surveys: the one place the evaluation pages ask.

The bodies use the roles of :mod:`kaohe.accounts.roles` (the assessment office and system
administrators — superusers or the ``admin`` role — run rounds and surveys; docs/security.md).
Voting and answering a survey need no account: a ballot token or a public survey link is the
credential (docs/evaluations.md).
"""

from __future__ import annotations

from typing import Final

from rules.permissions import add_perm
from rules.predicates import Predicate

from kaohe.accounts.roles import is_admin, is_office

MANAGE_ROUNDS: Final = "evaluations.manage_rounds"

may_manage_rounds: Predicate = is_admin | is_office


def register() -> None:
    """Register the permissions with django-rules (called once from ``rules.py``)."""
    add_perm(MANAGE_ROUNDS, may_manage_rounds)  # type: ignore[no-untyped-call]  # untyped
