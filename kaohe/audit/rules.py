"""Loaded by rules' autodiscovery: who may read the audit trail (the office, superusers)."""

from __future__ import annotations

from typing import Final

from rules.permissions import add_perm

from kaohe.cycle.predicates import is_office_user

VIEW_AUDIT: Final = "audit.view_log"

add_perm(VIEW_AUDIT, is_office_user)  # type: ignore[no-untyped-call]  # rules is untyped
