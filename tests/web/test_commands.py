"""The pieces of scripts/run: the demo, import and compute commands; login and the home page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django import Settings as SettingsWrapper

from kaohe.accounts.models import User
from kaohe.accounts.roles import COMPUTE_RUN, IMPORT_DATA
from kaohe.accounts.scope import scope_for
from kaohe.collection.models import ImportBatch
from kaohe.core.demo import accounts_file
from kaohe.org.models import Cadre, Unit
from kaohe.plans.models import Plan
from kaohe.results.models import Run
from kaohe.results.selectors import run_current
from tests.web.conftest import YEAR


@pytest.fixture
def var_dir(settings: SettingsWrapper, tmp_path: Path) -> Path:
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR  # type: ignore[no-any-return]


@pytest.mark.django_db
def test_the_demo_is_loaded_computed_and_opened(var_dir: Path) -> None:
    call_command("kaohe_demo", units=5, cadres=40, year=YEAR, seed=3)
    assert Unit.objects.count() == 5
    assert Cadre.objects.count() == 40
    assert Plan.objects.get(year=YEAR).state == Plan.State.ACTIVE
    run = run_current(YEAR)
    assert run is not None
    assert run.counts["unit_monthly"] == 5 * 12
    users = {u.username: u for u in User.objects.all()}
    names = ["admin", "office", "stats", "owner", "inspector", "unithead", "chief", "cadre"]
    assert set(users) == set(names)
    assert users["admin"].is_superuser
    assert users["office"].has_perm(COMPUTE_RUN)
    assert users["stats"].has_perm(IMPORT_DATA)
    assert not users["stats"].has_perm(COMPUTE_RUN)
    assert users["unithead"].cadre is not None
    head, chief, cadre = (scope_for(users[n]) for n in ("unithead", "chief", "cadre"))
    assert head.units
    assert not head.full
    assert chief.sections
    assert chief.member_units
    assert cadre.cadre == users["cadre"].cadre.code  # type: ignore[union-attr]
    assert scope_for(users["owner"]).departments == {"组织部"}
    assert not users["stats"].is_staff  # the admin site is the office's and the administrator's
    lines = accounts_file().read_text(encoding="utf-8").splitlines()
    assert [line.split()[0] for line in lines] == names
    assert oct(accounts_file().stat().st_mode & 0o777) == "0o600"


@pytest.mark.django_db
def test_the_demo_refuses_a_non_empty_database_unless_reset(var_dir: Path) -> None:
    call_command("kaohe_demo", units=4, cadres=20, year=YEAR)
    with pytest.raises(CommandError, match="--reset"):
        call_command("kaohe_demo", units=4, cadres=20, year=YEAR)
    call_command("kaohe_demo", units=5, cadres=30, year=YEAR, reset=True)
    assert Unit.objects.count() == 5
    assert Run.objects.count() == 1


@pytest.mark.django_db
def test_import_and_compute_commands(plan: Plan, demo_csv: Path) -> None:
    call_command("kaohe_import", str(demo_csv / "units.csv"), year=YEAR)
    assert ImportBatch.objects.get().created_count == 6
    with pytest.raises(CommandError, match="no such file"):
        call_command("kaohe_import", str(demo_csv / "missing.csv"), year=YEAR)
    for name in ("sections", "posts", "cadres", "assignments", "district", "economic", "tasks"):
        call_command("kaohe_import", str(demo_csv / f"{name}.csv"), year=YEAR)
    for name in ("inputs", "results", "events", "records", "evaluations", "evidence", "pools"):
        call_command("kaohe_import", str(demo_csv / f"{name}.csv"), year=YEAR)
    call_command("kaohe_import", str(demo_csv / "reviews.csv"), year=YEAR)
    call_command("kaohe_compute", year=YEAR, through="2026-06")
    run = Run.objects.get()
    assert (run.state, run.months) == (Run.State.DONE, 6)
    with pytest.raises(CommandError, match="not in 2026"):
        call_command("kaohe_compute", year=YEAR, through="2025-06")


def test_the_login_page_is_chinese(client: Client, db: None) -> None:
    page = client.get("/login/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "全员绩效考核系统" in text
    assert "用户名" in text
    assert 'lang="zh-hans"' in text


def test_logging_in_and_the_home_page(client: Client, db: None, var_dir: Path) -> None:
    assert client.get("/").status_code == 302  # login required
    call_command("kaohe_demo", units=4, cadres=20, year=YEAR)
    password = accounts_file().read_text(encoding="utf-8").splitlines()[1].split()[1]
    response = client.post("/login/", {"username": "office", "password": password})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    text = home.content.decode()
    assert "总览" in text  # the dashboard (tests/web/test_pages_results.py)
    assert "2026" in text
    assert f"#{run_current(YEAR).pk}" in text  # type: ignore[union-attr]
    assert "/admin/results/run/" in text


def test_repeated_failed_logins_are_locked_out(
    client: Client, db: None, settings: SettingsWrapper
) -> None:
    User.objects.create_user(username="someone", password="a-good-password-1")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "someone", "password": "wrong"})
    locked = client.post("/login/", {"username": "someone", "password": "a-good-password-1"})
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
