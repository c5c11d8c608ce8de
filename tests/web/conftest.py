"""Fixtures of the web tests: stored plans, small demo districts, files to upload."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from django.core.cache import cache
from django.core.files import File

from kaohe.core.demo import demo_plan_text
from kaohe.engine import dataset_from_frames, write_tables
from kaohe.engine.demo import generate
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_save

YEAR = 2026


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: page bodies kept by one test (kaohe/web/cache.py)
    or counters it left (the survey's limit) never reach another."""
    cache.clear()


@pytest.fixture
def plan(db: None) -> Plan:
    """The example plan, stored for 2026."""
    return plan_save(yaml_text=demo_plan_text(YEAR))


def demo_frames(plan: Plan, *, units: int = 6, cadres: int = 60) -> dict[str, pl.DataFrame]:
    """A small validated demo district (fixed seed)."""
    engine_plan = plan.parsed()
    data = dataset_from_frames(
        generate(engine_plan, units=units, cadres=cadres, seed=7), engine_plan
    )
    return dict(data.tables)


@pytest.fixture
def demo_csv(plan: Plan, tmp_path: Path) -> Path:
    """The small demo district as a folder of CSV files (the exchange format)."""
    folder = tmp_path / "demo"
    write_tables(demo_frames(plan), folder, YEAR)
    return folder


def csv_to_workbook(files: Mapping[str, Path], out: Path) -> Path:
    """One sheet per CSV file, every cell as text (like an exported workbook)."""
    with xlsxwriter.Workbook(out, {"strings_to_numbers": False}) as book:
        for sheet_name, path in files.items():
            sheet = book.add_worksheet(sheet_name)
            with path.open(encoding="utf-8-sig", newline="") as f:
                for r, row in enumerate(csv.reader(f)):
                    for c, value in enumerate(row):
                        if value != "":
                            sheet.write_string(r, c, value)
    return out


def upload(path: Path, name: str | None = None) -> File[bytes]:
    """A file as an import receives it (the caller closes it through the test's tmp_path)."""
    return File(path.open("rb"), name=name or path.name)


from tests.web.roles_district import roles_district  # noqa: E402, F401  # one account per role
