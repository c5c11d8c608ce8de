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
from kaohe.accounts.roles import (
    CADRE,
    INDICATOR_OWNER,
    INSPECTOR,
    OFFICE,
    SECTION_CHIEF,
    STATISTICS,
    UNIT_HEAD,
)
from kaohe.accounts.services import role_assign
from kaohe.collection.loader import Counts
from kaohe.collection.services import data_load, data_reset
from kaohe.cycle.guard import any_lock_check
from kaohe.diary.demo import diary_demo
from kaohe.engine import dataset_from_frames
from kaohe.engine.demo import generate
from kaohe.org.models import Assignment, Cadre, Post, Section, Unit
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_save
from kaohe.ratings.models import Rating
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
    step("writing a month of the diary")
    _diary(year)
    step("computing")
    run = run_execute(run_id=run_create(year=year).pk)
    step("creating the demo accounts")
    accounts = demo_accounts()
    _demo_tasks(year, run.months or 0)
    return Demo(counts, run, accounts)


def _demo_tasks(year: int, month: int) -> None:
    """Post tasks of the demo unit head's unit (docs/tasks.md), one submitted reconciliation."""
    from kaohe.tasks.demo import demo_tasks  # noqa: PLC0415 - the tasks app builds on core

    head = User.objects.filter(username="unithead").select_related("cadre").first()
    unit = _current_unit(head.cadre if head else None)
    account = User.objects.filter(username="cadre").select_related("cadre").first()
    if unit is not None and month >= 1:
        demo_tasks(unit=unit, year=year, month=month, cadre=account.cadre if account else None)


@transaction.atomic
def demo_reset() -> None:
    """Remove the runs, the data and the plans; refused (nothing removed) while a month is
    locked: a locked month's published run and data stay as they were."""
    any_lock_check(what="the demo reset")
    Run.objects.all().delete()
    Rating.objects.all().delete()  # the leaders' ratings go with the data they fed
    Rating.history.all().delete()
    data_reset()
    Plan.objects.all().delete()


def _password() -> str:
    return secrets.token_urlsafe(12)  # 16 characters: above the password policy's minimum


@dataclass(frozen=True, slots=True)
class _Spec:
    username: str
    display: str
    role: str  # a Role value, or "superuser"
    cadre: Cadre | None = None
    unit: Unit | None = None
    section: Section | None = None
    department: str = ""


DEMO_DEPARTMENT: Final = "组织部"  # owner of the plan's political and party-building indicators


@transaction.atomic
def demo_accounts() -> list[Account]:
    """One account per role with its role assignment (unit head over the first unit, section
    chief over one of its sections, the cadre in it), new passwords, written to
    var/demo-accounts.txt (mode 600)."""
    principal = _holder(Post.Role.PRINCIPAL)
    staff = _holder(Post.Role.STAFF)
    chief_post = _section_post(principal, staff)
    head_unit = _current_unit(principal)
    specs = [
        _Spec("admin", "系统管理员", "superuser"),
        _Spec("office", "考核办", OFFICE),
        _Spec("stats", "经发局统计", STATISTICS),
        _Spec("owner", DEMO_DEPARTMENT, INDICATOR_OWNER, department=DEMO_DEPARTMENT),
        _Spec("inspector", "纪检监察", INSPECTOR),
        _Spec(
            "unithead",
            principal.name if principal else "单位负责人",
            UNIT_HEAD,
            cadre=principal,
            unit=head_unit,
        ),
        _Spec(
            "chief",
            chief_post.cadre.name if chief_post else "科室负责人",
            SECTION_CHIEF,
            cadre=chief_post.cadre if chief_post else None,
            section=chief_post.post.section if chief_post else None,
        ),
        _Spec("cadre", staff.name if staff else "干部", CADRE, cadre=staff),
    ]
    accounts: list[Account] = []
    for spec in specs:
        if spec.role in (UNIT_HEAD, CADRE) and spec.cadre is None:
            continue  # a district without such a post has no such account
        if spec.role == UNIT_HEAD and spec.unit is None:
            continue
        if spec.role == SECTION_CHIEF and spec.section is None:
            continue
        user = User.objects.filter(username=spec.username).first() or User(username=spec.username)
        password = _password()
        user.display_name = spec.display
        user.cadre = spec.cadre
        user.is_staff = spec.role in ("superuser", OFFICE)  # the admin site
        user.is_superuser = spec.role == "superuser"
        user.set_password(password)
        user.full_clean()
        user.save()
        user.groups.clear()
        user.role_assignments.all().delete()
        if spec.role != "superuser":
            role_assign(
                user=user,
                role=spec.role,
                unit=spec.unit,
                section=spec.section,
                department=spec.department,
            )
        accounts.append(Account(spec.username, password, spec.role))
    _write_accounts(accounts)
    return accounts


DIARY_MONTH: Final = 3  # the demo's month of daily attendance and weekly goals (docs/diary.md)


def _diary(year: int) -> None:
    """March's attendance and weekly goals of the demo chief's section (and the demo cadre),
    summed into their records before the run (so the run reads them)."""
    staff = _holder(Post.Role.STAFF)
    chief_post = _section_post(_holder(Post.Role.PRINCIPAL), staff)
    if chief_post is None or chief_post.post.section is None:
        return
    people = [
        a.cadre
        for a in Assignment.objects.filter(
            post__section=chief_post.post.section, end__isnull=True
        ).select_related("cadre")
        if a.cadre_id != chief_post.cadre_id
    ]
    diary_demo(cadres=[*people, *([staff] if staff else [])], year=year, month=DIARY_MONTH)


def _current_unit(cadre: Cadre | None) -> Unit | None:
    if cadre is None:
        return None
    post = Post.objects.filter(assignments__cadre=cadre, assignments__end__isnull=True).first()
    return post.unit if post else None


def _section_post(*not_these: Cadre | None) -> Assignment | None:
    """A current post in a section (a leader's first), of a cadre other than ``not_these``."""
    others = [c.pk for c in not_these if c is not None]
    return (
        Assignment.objects.filter(post__section__isnull=False, end__isnull=True)
        .exclude(cadre_id__in=others)
        .select_related("cadre", "post__section")
        .order_by("post__unit__code", "post__role", "post__section__code", "cadre__code")
        .first()
    )


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
    lines = [f"{a.username:10} {a.password:17} {a.role}" for a in accounts]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
