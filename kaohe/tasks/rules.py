"""Loaded by rules' autodiscovery: registers the tasks permission (the nav link)."""

from __future__ import annotations

from rules.permissions import add_perm

from kaohe.accounts.roles import is_admin, is_cadre, is_office, is_section_chief, is_unit_head

USE_TASKS = "tasks.use_tasks"  # the 任务与对账 pages: who decomposes, reports or rates

add_perm(USE_TASKS, is_admin | is_office | is_unit_head | is_section_chief | is_cadre)  # type: ignore[no-untyped-call]  # rules is untyped
