"""The demo district: the engine's generator loaded through the import loader, computed, with
one account per role. Used by ``manage.py kaohe_demo`` and ``scripts/run``."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from django.conf import settings
from django.db import transaction

from kaohe.accounts.models import User
from kaohe.accounts.roles import CADRE, OFFICE, STATISTICS, UNIT_HEAD, roles_ensure
from kaohe.collection.loader import Counts
from kaohe.collection.services import data_load, data_reset
from kaohe.engine import dataset_from_frames
from kaohe.engine.demo import generate
from kaohe.org.models import Assignment, Cadre, Post, Unit
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_save
from kaohe.results.models import Run
from kaohe.results.services import run_create, run_execute

EXAMPLE_PLAN: Final = Path(settings.BASE_DIR) / "kaohe" / "engine" / "plan-2026.yaml"
ACCOUNTS_FILE: Final = "demo-accounts.txt"

Step = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Account:
    username: str
    password: str
    role: str


@dataclass(frozen=True, slots=True)
class Demo:
    counts: dict[str, Counts]
    run: Run
    accounts: list[Account]


class NotEmptyError(Exception):
    """The database already holds data; the demo overwrites it only when asked to."""


def database_is_empty() -> bool:
    return not (Unit.objects.exists() or Cadre.objects.exists() or Plan.objects.exists())


def demo_plan_text(year: int) -> str:
    """The example plan (kaohe/engine/plan-2026.yaml) moved to ``year``."""
    text = EXAMPLE_PLAN.read_text(encoding="utf-8")
    return re.sub(r"(?m)^year: \d{4}$", f"year: {year}", text)


def demo_create(
    *,
    units: int = 60,
    cadres: int = 1500,
    year: int = 2026,
    seed: int = 1,
    reset: bool = False,
    step: Step = lambda _: None,
) -> Demo:
    """Generate, load, compute and open the demo district.

    Raises NotEmptyError when the database holds data, unless ``reset``.
    """
    if not database_is_empty():
        if not reset:
            raise NotEmptyError("the database already holds data: use --reset to replace it")
        step("clearing the database")
        demo_reset()
    step("storing the plan")
    plan_row = plan_save(yaml_text=demo_plan_text(year))
    plan = plan_row.parsed()
    step(f"generating {units} units and {cadres} cadres")
    frames = generate(plan, units=units, cadres=cadres, seed=seed)
    data = dataset_from_frames(frames, plan)
    step("loading the data")
    counts = data_load(frames=dict(data.tables), year=year, reason="demo")
    step("computing")
    run = run_execute(run_id=run_create(year=year).pk)
    step("creating the demo accounts")
    accounts = demo_accounts()
    return Demo(counts, run, accounts)


@transaction.atomic
def demo_reset() -> None:
    Run.objects.all().delete()
    data_reset()
    Plan.objects.all().delete()


def _password() -> str:
    return secrets.token_urlsafe(9)


@transaction.atomic
def demo_accounts() -> list[Account]:
    """One account per role, new passwords, written to var/demo-accounts.txt (mode 600)."""
    groups = roles_ensure()
    principal = _holder(Post.Role.PRINCIPAL)
    staff = _holder(Post.Role.STAFF)
    specs: list[tuple[str, str, str | None, Cadre | None, str]] = [
        ("admin", "系统管理员", None, None, "superuser"),
        ("office", "考核办", OFFICE, None, OFFICE),
        ("stats", "经发局统计", STATISTICS, None, STATISTICS),
        (
            "unithead",
            principal.name if principal else "单位负责人",
            UNIT_HEAD,
            principal,
            UNIT_HEAD,
        ),
        ("cadre", staff.name if staff else "干部", CADRE, staff, CADRE),
    ]
    accounts: list[Account] = []
    for username, display, group, cadre, role in specs:
        user = User.objects.filter(username=username).first() or User(username=username)
        password = _password()
        user.display_name = display
        user.cadre = cadre
        user.is_staff = role in ("superuser", OFFICE, STATISTICS)
        user.is_superuser = role == "superuser"
        user.set_password(password)
        user.full_clean()
        user.save()
        if group:
            user.groups.set([groups[group]])
        accounts.append(Account(username, password, role))
    _write_accounts(accounts)
    return accounts


def _holder(role: str) -> Cadre | None:
    """A cadre holding a post of ``role`` now (the first by code)."""
    assignment = (
        Assignment.objects.filter(post__role=role, end__isnull=True)
        .select_related("cadre")
        .order_by("post__unit__code", "cadre__code")
        .first()
    )
    return assignment.cadre if assignment else None


def accounts_file() -> Path:
    return Path(settings.VAR_DIR) / ACCOUNTS_FILE


def _write_accounts(accounts: list[Account]) -> None:
    path = accounts_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    lines = [f"{a.username:10} {a.password:16} {a.role}" for a in accounts]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
