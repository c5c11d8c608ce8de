"""Shared bits of the cycle and audit tests: accounts of each role, a computed demo district,
a month taken to a given state, small CSV files for one table."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.test import Client

from kaohe.accounts.models import User
from kaohe.accounts.roles import CADRE, OFFICE, STATISTICS, UNIT_HEAD, roles_ensure
from kaohe.collection.services import import_file
from kaohe.cycle.models import Period
from kaohe.cycle.predicates import cadre_unit
from kaohe.engine import schema as s
from kaohe.org.models import Cadre, Unit
from kaohe.results.models import Run
from kaohe.results.services import run_compute
from tests.web.conftest import YEAR, csv_to_workbook, upload


@dataclass
class People:
    office: User
    office2: User
    stats: User
    head: User  # unit head of ``unit``
    other_head: User  # unit head of ``other_unit``
    cadre: User  # a cadre of ``unit``
    unit: Unit
    other_unit: Unit


def _user(username: str, role: str, *, cadre: Cadre | None = None, staff: bool = False) -> User:
    user = User.objects.create_user(
        username=username, password="x", email=f"{username}@example.org", is_staff=staff
    )
    user.cadre = cadre
    user.save()
    user.groups.set([roles_ensure()[role]])
    return user


def people() -> People:
    """Accounts of every role; the unit head, the other unit head and the cadre are cadres of
    the demo district (run after the import)."""
    by_unit: dict[str, list[Cadre]] = {}
    for cadre in Cadre.objects.order_by("code"):
        held = cadre_unit(cadre)
        if held is not None:
            by_unit.setdefault(held.code, []).append(cadre)
    unit, other = Unit.objects.order_by("code")[:2]
    cadres, other_cadre = by_unit[unit.code][:2], by_unit[other.code][0]
    return People(
        office=_user("office", OFFICE, staff=True),
        office2=_user("office2", OFFICE, staff=True),
        stats=_user("stats", STATISTICS, staff=True),
        head=_user("head", UNIT_HEAD, cadre=cadres[0]),
        other_head=_user("otherhead", UNIT_HEAD, cadre=other_cadre),
        cadre=_user("cadre", CADRE, cadre=cadres[1]),
        unit=unit,
        other_unit=other,
    )


def client_for(user: User) -> Client:
    client = Client(HTTP_USER_AGENT="kaohe-test-agent")
    client.force_login(user)
    return client


def import_demo(demo_csv: Path, tmp_path: Path) -> None:
    book = csv_to_workbook({n: demo_csv / f"{n}.csv" for n in s.TABLES}, tmp_path / "all.xlsx")
    batch = import_file(upload=upload(book), year=YEAR)
    assert batch.state == "done", batch.problems


def computed(demo_csv: Path, tmp_path: Path) -> Run:
    import_demo(demo_csv, tmp_path)
    run = run_compute(year=YEAR)
    assert run.state == Run.State.DONE, run.error
    return run


def period_at(month: int, state: str, run: Run | None = None) -> Period:
    """A month put straight into ``state`` (tests of what a state allows, not of the steps)."""
    published = state in (Period.State.PUBLISHED, Period.State.LOCKED)
    return Period.objects.create(
        year=YEAR,
        month=month,
        state=state,
        submit_due=dt.date(YEAR, month, 5),
        review_due=dt.date(YEAR, month, 10),
        publish_due=dt.date(YEAR, month, 15),
        published_run=run if published else None,
        objections_until=dt.date(YEAR, month, 20) if published else None,
    )


def district_csv(
    folder: Path, rows: list[tuple[str, str, str]], name: str = "district.csv"
) -> Path:
    """A 新区经济 CSV file with ``(month, gdp_growth, gdp_growth_target)`` rows."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([s.MONTH, s.GDP_GROWTH, s.GDP_GROWTH_TARGET])
        writer.writerows(rows)
    return path
