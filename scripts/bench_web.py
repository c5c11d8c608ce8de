"""Measure the web application's data paths on the database of DATABASE_URL (a scratch one!).

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python scripts/bench_web.py import
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench python scripts/bench_web.py import
    DATABASE_URL=... python scripts/bench_web.py compute --cadres 1500

``import``: a 100,000-row statistics workbook (district + economic sheets) into a year whose
organisation is stored: parse, validate, write, end to end, then the same file again (nothing
changes), and the same parse with an openpyxl reader for comparison. ``compute``: the demo
district loaded, then one run computed and stored. The database is flushed first.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("KAOHE_SECRET_KEY", "benchmark-only")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
import polars as pl  # noqa: E402
from django.core.files import File  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from kaohe.collection.importers import parse_upload, stage_upload  # noqa: E402
from kaohe.collection.loader import tables_upsert  # noqa: E402
from kaohe.collection.services import data_load, import_file  # noqa: E402
from kaohe.collection.validation import validate_import  # noqa: E402
from kaohe.core.demo import demo_plan_text, demo_reset  # noqa: E402
from kaohe.engine import dataset_from_frames, write_tables  # noqa: E402
from kaohe.engine import schema as s  # noqa: E402
from kaohe.engine.demo import generate  # noqa: E402
from kaohe.plans.services import plan_save  # noqa: E402
from kaohe.results.services import run_create, run_execute  # noqa: E402

YEAR = 2026
ORG = (s.UNITS, s.SECTIONS, s.POSTS, s.CADRES, s.ASSIGNMENTS)
T = TypeVar("T")


def timed(label: str, fn: Callable[[], T]) -> T:
    start = time.perf_counter()
    value = fn()
    print(f"  {label:<42} {time.perf_counter() - start:8.2f} s", flush=True)
    return value


def _fresh() -> Any:
    call_command("migrate", verbosity=0)
    demo_reset()
    return plan_save(yaml_text=demo_plan_text(YEAR)).parsed()


def bench_import(rows: int) -> None:
    plan = _fresh()
    per_unit = 33  # economic rows per unit of the demo plan (12 months)
    units = rows // per_unit + 1
    frames = generate(plan, units=units, cadres=units * 2, seed=1)
    economic = frames[s.ECONOMIC].head(rows)
    print(f"{connection.vendor}: {economic.height} economic rows of {units} units")
    data = dataset_from_frames(frames, plan)
    org = {name: data[name] for name in ORG}
    timed(
        "load the organisation (bulk loader)",
        lambda: data_load(frames=org, year=YEAR, reason="bench"),
    )
    with tempfile.TemporaryDirectory() as folder:
        book = write_tables(
            {s.DISTRICT: frames[s.DISTRICT], s.ECONOMIC: economic}, folder, YEAR, xlsx=True
        )[0]
        size = book.stat().st_size
        print(f"  workbook: {size / 1e6:.1f} MB")
        staged_dir = Path(folder) / "staged"
        staged_dir.mkdir()

        def parse() -> Any:
            with book.open("rb") as f:
                staged = stage_upload(File(f, name="stats.xlsx"), staged_dir, max_bytes=1 << 30)
            return parse_upload(staged, plan, max_unpacked=1 << 31)

        parsed = timed("parse (engine: fastexcel/calamine)", parse)
        assert not parsed.problems, parsed.problems[:3]
        checked = timed(
            "validate (stored year + upload, engine)",
            lambda: validate_import(parsed.frames, parsed.sources, plan),
        )
        assert not checked.problems, checked.problems[:3]

        def write() -> Any:
            with transaction.atomic():
                return tables_upsert(parsed.frames, year=YEAR, reason="bench")

        counts = timed("write (upsert: bulk_create + history)", write)
        print(f"  {counts[s.ECONOMIC]}")
        call_command("flush", verbosity=0, interactive=False)
        plan = plan_save(yaml_text=demo_plan_text(YEAR)).parsed()
        data_load(frames=org, year=YEAR, reason="bench")

        def end_to_end(name: str) -> Any:
            with book.open("rb") as f:
                return import_file(upload=File(f, name=name), year=YEAR)

        batch = timed("import_file end to end (new rows)", lambda: end_to_end("stats.xlsx"))
        print(f"  {batch.state}: {batch.created_count} created")
        again = timed("import_file end to end (same file again)", lambda: end_to_end("again.xlsx"))
        print(f"  {again.state}: {again.unchanged_count} unchanged, {again.created_count} created")
        openpyxl_seconds = timed(
            "parse with openpyxl (read-only, all sheets)", lambda: _openpyxl(book)
        )
        del openpyxl_seconds


def _openpyxl(path: Path) -> dict[str, pl.DataFrame]:
    """The same cells read with openpyxl into string frames (header + rows), for comparison."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    frames = {}
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = [str(h) for h in next(rows)]
        data = [[None if v is None else str(v) for v in row] for row in rows]
        frames[sheet.title] = pl.DataFrame(data, schema=header, orient="row")
    book.close()
    return frames


def bench_compute(units: int, cadres: int) -> None:
    plan = _fresh()
    frames = generate(plan, units=units, cadres=cadres, seed=1)
    data = dataset_from_frames(frames, plan)
    rows = sum(f.height for f in data.tables.values())
    print(f"{connection.vendor}: {units} units, {cadres} cadres, {rows} input rows")
    timed(
        "load the demo (bulk loader, with history)",
        lambda: data_load(frames=dict(data.tables), year=YEAR, reason="bench"),
    )
    run = timed("run_create + run_execute", lambda: run_execute(run_id=run_create(year=YEAR).pk))
    assert run.state == "done", run.error
    print(f"  {sum(run.counts.values())} result rows; stages: see below")
    run = run_execute(run_id=run_create(year=YEAR).pk)
    _stages(units, cadres)


def _stages(units: int, cadres: int) -> None:
    """The run again, stage by stage."""
    from kaohe.engine import score  # noqa: PLC0415
    from kaohe.results.adapters import dataset_from_db  # noqa: PLC0415
    from kaohe.results.models import Run  # noqa: PLC0415
    from kaohe.results.services import _store  # noqa: PLC0415

    del units, cadres
    run = run_create(year=YEAR)
    plan = plan_save(yaml_text=run.plan_snapshot).parsed()
    data = timed("  read (adapter, one query per table)", lambda: dataset_from_db(YEAR, plan))
    results = timed("  score (engine)", lambda: score(plan, data))
    timed("  store (bulk_create, one transaction)", lambda: _store(run, dict(results.tables)))
    Run.objects.filter(pk=run.pk).delete()


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    imp = sub.add_parser("import")
    imp.add_argument("--rows", type=int, default=100_000)
    comp = sub.add_parser("compute")
    comp.add_argument("--units", type=int, default=60)
    comp.add_argument("--cadres", type=int, default=1500)
    args = parser.parse_args()
    if args.what == "import":
        bench_import(args.rows)
    else:
        bench_compute(args.units, args.cadres)


if __name__ == "__main__":
    main()
