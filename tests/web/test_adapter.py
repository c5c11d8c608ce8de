"""The adapter reads the stored year exactly as the engine reads the same data from files."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from polars.testing import assert_frame_equal

from kaohe.collection.models import DistrictStat, MonthlyRecord
from kaohe.collection.services import import_file
from kaohe.engine import read_dataset
from kaohe.engine import schema as s
from kaohe.plans.models import Plan
from kaohe.results.adapters import dataset_from_db
from tests.web.conftest import YEAR, csv_to_workbook, upload


def _canonical(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    columns = list(s.TABLES[name].column_names)
    return frame.select(columns).sort(columns, nulls_last=True)


def test_the_stored_year_reads_back_as_the_engine_reads_the_csv_folder(
    plan: Plan, demo_csv: Path, tmp_path: Path
) -> None:
    book = csv_to_workbook({n: demo_csv / f"{n}.csv" for n in s.TABLES}, tmp_path / "all.xlsx")
    assert import_file(upload=upload(book), year=YEAR).state == "done"
    engine_plan = plan.parsed()
    from_files = read_dataset(demo_csv, engine_plan)
    with CaptureQueriesContext(connection) as queries:
        from_db = dataset_from_db(YEAR, engine_plan)
    # one query per table, never one per row, and one for the district table's last month
    assert len(queries) == len(s.TABLES) + 1
    assert from_db.months == from_files.months
    for name in s.TABLES:
        assert from_db[name].schema == from_files[name].schema, name
        assert_frame_equal(_canonical(from_db[name], name), _canonical(from_files[name], name))


@pytest.mark.parametrize("through", [3, 12])
def test_through_month_reads_what_a_run_of_those_months_reads(
    plan: Plan, demo_csv: Path, tmp_path: Path, through: int
) -> None:
    book = csv_to_workbook({n: demo_csv / f"{n}.csv" for n in s.TABLES}, tmp_path / "all.xlsx")
    assert import_file(upload=upload(book), year=YEAR).state == "done"
    data = dataset_from_db(YEAR, plan.parsed(), through_month=through)
    assert data.months == tuple(range(1, through + 1))
    assert data[s.RECORDS][s.MONTH].max() == through


def test_a_run_of_every_month_reads_through_the_district_tables_last_month(
    plan: Plan, demo_csv: Path, tmp_path: Path
) -> None:
    # the statistics bureau's figures reach September; the diary has October's records already,
    # and one September record is still waiting for its rating
    book = csv_to_workbook({n: demo_csv / f"{n}.csv" for n in s.TABLES}, tmp_path / "all.xlsx")
    assert import_file(upload=upload(book), year=YEAR).state == "done"
    DistrictStat.objects.filter(year=YEAR, month__gt=9).delete()
    waiting = MonthlyRecord.objects.filter(year=YEAR, month=9, on_leave__isnull=True).first()
    if waiting is None:
        waiting = MonthlyRecord.objects.filter(year=YEAR, month=9, on_leave=False).first()
    assert waiting is not None
    waiting.level = ""
    waiting.save()
    data = dataset_from_db(YEAR, plan.parsed())  # no DataError: nothing after September read
    assert data.months == tuple(range(1, 10))
    assert data[s.RECORDS][s.MONTH].max() == 9
    unrated = data[s.RECORDS].filter(
        (pl.col(s.CADRE_ID) == waiting.cadre.code) & (pl.col(s.MONTH) == 9)
    )
    assert unrated.is_empty()  # not scored, like a month without a record: a warning says so
    assert any(
        waiting.cadre.code in str(w.message) and f"{YEAR}-09" in str(w.message)
        for w in data.warnings
    )
