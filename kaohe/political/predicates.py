"""Who records and who reads which political-quality evidence: the one place the ledger, its
export, the score's reasons and the 优秀 review ask (docs/political.md, docs/security.md).

Sources are the plan's (``political.evidence.sources``); the plan's ``restricted_sources`` (the
life and social circles, 生活圈/交友圈) are read by the assessment office only.

- assessment office, system administrator: records and reads every source of every subject;
  records the 优秀 evidence reviews;
- discipline inspector (纪检监察): records and reads discipline findings of any subject;
- unit head: records work-circle and field-visit entries for their unit's cadres; reads the
  unrestricted sources of their unit's cadres and of their unit's team;
- cadre: reads their own entries of the unrestricted sources (what is held against them), and
  the combined effect of the others (not the entries);
- section chief and the other roles: nothing.
"""

from __future__ import annotations

from typing import Final

from rules.permissions import add_perm
from rules.predicates import Predicate

from kaohe.accounts.models import Role
from kaohe.accounts.roles import is_admin, is_office
from kaohe.accounts.scope import AnyUser, scope_for, sees_cadre
from kaohe.engine import schema as s
from kaohe.engine.plan import PoliticalEvidence

REVIEW_TOP: Final = "political.review_top"  # the 优秀 evidence reviews: the office
SOURCE_DISCIPLINE: Final = "discipline"
HEAD_SOURCES: Final = frozenset({"work", "field"})  # what a unit head records

may_review_top: Predicate = is_admin | is_office


def register() -> None:
    """Register the permissions with django-rules (called once from ``rules.py``)."""
    add_perm(REVIEW_TOP, may_review_top)  # type: ignore[no-untyped-call]  # untyped


def is_office_user(user: AnyUser) -> bool:
    return scope_for(user).full


def _heads(user: AnyUser, subject_type: str, code: str) -> bool:
    """A unit head of the team, or of a unit in which the cadre holds or held a post."""
    scope = scope_for(user)
    if Role.UNIT_HEAD not in scope.roles or not scope.units:
        return False
    if subject_type == s.SUBJECT_TEAM:
        return code in scope.units
    return subject_type == s.SUBJECT_CADRE and sees_cadre(user, code)


def readable_sources(
    user: AnyUser, subject_type: str, code: str, rules: PoliticalEvidence
) -> frozenset[str]:
    """The sources of ``code``'s evidence ``user`` reads (empty: the ledger is not theirs)."""
    scope = scope_for(user)
    every = frozenset(rules.sources)
    if scope.full:
        return every
    open_sources = every - frozenset(rules.restricted_sources)
    found: frozenset[str] = frozenset()
    if Role.INSPECTOR in scope.roles:
        found |= {SOURCE_DISCIPLINE} & open_sources
    if _heads(user, subject_type, code):
        found |= open_sources
    if Role.CADRE in scope.roles and subject_type == s.SUBJECT_CADRE and code == scope.cadre:
        found |= open_sources
    return found


def recordable_sources(
    user: AnyUser, subject_type: str, code: str, rules: PoliticalEvidence
) -> frozenset[str]:
    """The sources ``user`` may record (or correct) for ``code`` (empty: none)."""
    scope = scope_for(user)
    every = frozenset(rules.sources)
    if scope.full:
        return every
    found: frozenset[str] = frozenset()
    if Role.INSPECTOR in scope.roles:
        found |= {SOURCE_DISCIPLINE} & every
    if subject_type == s.SUBJECT_CADRE and code != scope.cadre and _heads(user, subject_type, code):
        found |= HEAD_SOURCES & every
    return found
