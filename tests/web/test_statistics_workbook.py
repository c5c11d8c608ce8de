"""The economic bureau's monthly statistics workbook at full size: 100,000 economic rows."""

from __future__ import annotations

import time
from pathlib import Path

from kaohe.collection.models import EconomicStat
from kaohe.collection.services import data_load, import_file
from kaohe.engine import dataset_from_frames, write_tables
from kaohe.engine import schema as s
from kaohe.engine.demo import generate
from kaohe.plans.models import Plan
from tests.web.conftest import YEAR, upload

ROWS = 100_000
UNITS = 3_031  # the example plan gives a unit about 33 economic rows a year


def test_a_100000_row_statistics_workbook_is_imported_once(plan: Plan, tmp_path: Path) -> None:
    engine_plan = plan.parsed()
    frames = generate(engine_plan, units=UNITS, cadres=UNITS * 2, seed=1)
    data = dataset_from_frames(frames, engine_plan)
    org = {n: data[n] for n in (s.UNITS, s.SECTIONS, s.POSTS, s.CADRES, s.ASSIGNMENTS)}
    data_load(frames=org, year=YEAR, reason="test")
    economic = data[s.ECONOMIC].head(ROWS)
    assert economic.height == ROWS
    (book,) = write_tables(
        {s.DISTRICT: data[s.DISTRICT], s.ECONOMIC: economic}, tmp_path, YEAR, xlsx=True
    )

    started = time.perf_counter()
    first = import_file(upload=upload(book, name="经济指标月报.xlsx"), year=YEAR)
    seconds = time.perf_counter() - started
    assert first.state == "done", first.problems[:5]
    assert first.counts[s.ECONOMIC] == {"created": ROWS, "updated": 0, "unchanged": 0}
    assert EconomicStat.objects.filter(year=YEAR).count() == ROWS
    assert seconds < 300  # measured: about 30 s on SQLite and on PostgreSQL (2 cores)

    again = import_file(upload=upload(book, name="经济指标月报.xlsx"), year=YEAR)
    assert again.state == "done"
    assert (again.created_count, again.updated_count) == (0, 0)
    assert again.unchanged_count == ROWS + data[s.DISTRICT].height
