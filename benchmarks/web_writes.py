"""The web application's bulk writes, before (``bulk_create``) and after (COPY / executemany).

Each measurement runs both ways in the same process on the same data, the reference path first
(:func:`kaohe.results.writers.orm_writes`), so the two figures share the machine's state. Run it
on a scratch database — it is flushed first:

    DATABASE_URL=sqlite:////tmp/kaohe-bench.sqlite3 python benchmarks/web_writes.py import
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaohe_bench_writes \\
        python benchmarks/web_writes.py store --cadres 10000
    python benchmarks/web_writes.py report \\
        --sqlite /tmp/kaohe-bench.sqlite3 \\
        --postgres postgres://postgres@127.0.0.1:5432/kaohe_bench_writes

``import``: a 100,000-row statistics workbook (district and economic sheets) into a year whose
organisation is stored: parse (the engine's calamine reader, and openpyxl for the ratio),
validate, write (with simple-history's rows), ``import_file`` end to end, and the same file again
(which changes nothing). ``store``: the demo district of ``--cadres`` cadres loaded (the loader,
with history), one run scored, its result tables stored. ``report``: both on both databases, for
1,500 and 10,000 cadres, as one markdown table (each case in its own process).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any, Final, TypeVar

from _database import ensure_database

ROOT: Final = Path(__file__).resolve().parents[1]
YEAR: Final = 2026
ORG_TABLES: Final = ("units", "sections", "posts", "cadres", "assignments")
T = TypeVar("T")


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("KAOHE_SECRET_KEY", "benchmark-only")
    import django  # noqa: PLC0415 - settings come from the environment set above

    django.setup()


class Timings:
    """Named durations in seconds, printed as they come."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.seconds: dict[str, float] = {}
        self.notes: dict[str, str] = {}

    def time(self, label: str, fn: Callable[[], T]) -> T:
        start = time.perf_counter()
        value = fn()
        self.seconds[label] = time.perf_counter() - start
        print(f"  {label:<48} {self.seconds[label]:8.2f} s", flush=True)
        return value


def _both(fast: bool) -> AbstractContextManager[None]:
    from kaohe.results.writers import orm_writes  # noqa: PLC0415 - after django.setup()

    return nullcontext() if fast else orm_writes()


WAYS: Final = (("before", False), ("after", True))


def bench_import(rows: int, out: Timings) -> None:
    import openpyxl  # type: ignore[import-untyped]  # noqa: PLC0415
    import polars as pl  # noqa: PLC0415
    from django.core.files import File  # noqa: PLC0415
    from django.db import transaction  # noqa: PLC0415

    from kaohe.collection.importers import parse_upload, stage_upload  # noqa: PLC0415
    from kaohe.collection.loader import tables_upsert  # noqa: PLC0415
    from kaohe.collection.models import DistrictStat, EconomicStat, ImportBatch  # noqa: PLC0415
    from kaohe.collection.services import data_load, import_file  # noqa: PLC0415
    from kaohe.collection.validation import validate_import  # noqa: PLC0415
    from kaohe.engine import dataset_from_frames, write_tables  # noqa: PLC0415
    from kaohe.engine import schema as s  # noqa: PLC0415
    from kaohe.engine.demo import generate  # noqa: PLC0415

    plan = _fresh()
    units = rows // 33 + 1  # the demo plan has 33 economic rows per unit and year
    frames = generate(plan, units=units, cadres=units * 2, seed=1)
    economic = frames[s.ECONOMIC].head(rows)
    data = dataset_from_frames(frames, plan)
    print(f"{out.vendor}: {economic.height} economic rows of {units} units")
    data_load(frames={n: data[n] for n in ORG_TABLES}, year=YEAR, reason="bench")

    def clear() -> None:
        """The year's statistics gone, with their history: the next write creates every row."""
        with transaction.atomic():
            for model in (EconomicStat, DistrictStat):
                model.objects.all().delete()
                model.history.all().delete()
            ImportBatch.objects.all().delete()

    with tempfile.TemporaryDirectory() as folder:
        tables = {s.DISTRICT: frames[s.DISTRICT], s.ECONOMIC: economic}
        book = write_tables(tables, folder, YEAR, xlsx=True)[0]
        out.notes["workbook"] = f"{book.stat().st_size / 1e6:.1f} MB, {economic.height} rows"
        staged_dir = Path(folder) / "staged"
        staged_dir.mkdir()

        def parse() -> Any:
            with book.open("rb") as f:
                staged = stage_upload(File(f, name="stats.xlsx"), staged_dir, max_bytes=1 << 30)
            return parse_upload(staged, plan, max_unpacked=1 << 31)

        parsed = out.time("parse (engine: calamine)", parse)
        assert not parsed.problems, parsed.problems[:3]
        out.time("parse (openpyxl in read-only mode)", lambda: _openpyxl(book, pl, openpyxl))
        checked = out.time(
            "validate (stored year + upload)",
            lambda: validate_import(parsed.frames, parsed.sources, plan),
        )
        assert not checked.problems, checked.problems[:3]
        for way, fast in WAYS:

            def write() -> Any:
                with transaction.atomic():
                    return tables_upsert(parsed.frames, year=YEAR, reason="bench")

            clear()
            with _both(fast):
                counts = out.time(f"write with history, {way}", write)
            assert counts[s.ECONOMIC].created == economic.height
        for way, fast in WAYS:
            clear()

            def end_to_end(name: str) -> Any:
                with book.open("rb") as f:
                    return import_file(upload=File(f, name=name), year=YEAR)

            with _both(fast):
                batch = out.time(f"import end to end, {way}", lambda: end_to_end("stats.xlsx"))
                assert batch.state == "done", batch.problems[:3]
                again = out.time(f"import again (unchanged), {way}", lambda: end_to_end("b.xlsx"))
                assert again.unchanged_count == batch.created_count, again.counts
    ratio = (
        out.seconds["parse (openpyxl in read-only mode)"] / out.seconds["parse (engine: calamine)"]
    )
    out.notes["openpyxl / calamine"] = f"{ratio:.1f}×"


def _openpyxl(path: Path, pl: Any, openpyxl: Any) -> dict[str, Any]:
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


def bench_store(units: int, cadres: int, out: Timings) -> None:
    from kaohe.collection.services import data_load, data_reset  # noqa: PLC0415
    from kaohe.engine import dataset_from_frames, score  # noqa: PLC0415
    from kaohe.engine import schema as s  # noqa: PLC0415
    from kaohe.engine.demo import generate  # noqa: PLC0415
    from kaohe.results.adapters import dataset_from_db  # noqa: PLC0415
    from kaohe.results.models import Run  # noqa: PLC0415
    from kaohe.results.services import run_create, run_results_store  # noqa: PLC0415

    plan = _fresh()
    data = dataset_from_frames(generate(plan, units=units, cadres=cadres, seed=1), plan)
    rows = sum(f.height for f in data.tables.values())
    out.notes["input rows"] = str(rows)
    print(f"{out.vendor}: {units} units, {cadres} cadres, {rows} input rows")
    for way, fast in WAYS:
        data_reset()
        with _both(fast):
            out.time(
                f"load the district with history, {way}",
                lambda: data_load(frames=dict(data.tables), year=YEAR, reason="bench"),
            )
    results = out.time(
        "read (adapter) + score (engine)", lambda: score(plan, dataset_from_db(YEAR, plan))
    )
    tables = {name: results[name] for name in s.OUTPUTS}
    out.notes["result rows"] = str(sum(f.height for f in tables.values()))
    for way, fast in WAYS:
        run = run_create(year=YEAR)

        def store(run: Run = run) -> None:
            run_results_store(run=run, tables=tables)

        with _both(fast):
            out.time(f"store the results, {way}", store)
        Run.objects.filter(pk=run.pk).delete()


def _fresh() -> Any:
    from django.core.management import call_command  # noqa: PLC0415

    from kaohe.core.demo import demo_plan_text, demo_reset  # noqa: PLC0415
    from kaohe.plans.services import plan_save  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    demo_reset()
    return plan_save(yaml_text=demo_plan_text(YEAR)).parsed()


# --- one table of everything


CASES: Final = (
    ("import", ["import"]),
    ("store 1,500 cadres", ["store", "--cadres", "1500"]),
    ("store 10,000 cadres", ["store", "--cadres", "10000"]),
)


def report(sqlite: str, postgres: str) -> None:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    urls = {"SQLite": f"sqlite:///{sqlite}", "PostgreSQL": postgres}
    ensure_database(postgres)
    for case, args in CASES:
        for db, url in urls.items():
            print(f"#### {case} on {db}", flush=True)
            with _json_out() as path:
                env = {**os.environ, "DATABASE_URL": url}
                command = [sys.executable, __file__, *args, "--json", str(path)]
                subprocess.run(command, env=env, check=True)
                found[(case, db)] = json.loads(path.read_text())
    print()
    print("| case | step | SQLite before | SQLite after | PostgreSQL before | PostgreSQL after |")
    print("|---|---|---:|---:|---:|---:|")
    for case, _ in CASES:
        steps: list[str] = []
        for db in urls:
            for label in found[(case, db)]["seconds"]:
                step = label.rsplit(", ", 1)[0]
                if step not in steps:
                    steps.append(step)
        for step in steps:
            cells = []
            for db in urls:
                seconds = found[(case, db)]["seconds"]
                for way, _fast in WAYS:
                    # a step the change does not touch (parse, validate, score) has one figure
                    value = seconds.get(f"{step}, {way}", seconds.get(step))
                    cells.append(f"{value:.2f}" if value is not None else "")
            print(f"| {case} | {step} | " + " | ".join(cells) + " |")
    for (case, db), result in found.items():
        notes = ", ".join(f"{k}: {v}" for k, v in result["notes"].items())
        print(f"- {case}, {db}: {notes}")


@contextmanager
def _json_out() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder) / "out.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    imp = sub.add_parser("import")
    imp.add_argument("--rows", type=int, default=100_000)
    store = sub.add_parser("store")
    store.add_argument("--units", type=int, default=60)
    store.add_argument("--cadres", type=int, default=1500)
    for p in (imp, store):
        p.add_argument("--json", type=Path, help="also write the timings here")
    rep = sub.add_parser("report")
    rep.add_argument("--sqlite", default="/tmp/kaohe-bench-writes.sqlite3")
    rep.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/kaohe_bench_writes")
    args = parser.parse_args()
    if args.what == "report":
        report(args.sqlite, args.postgres)
        return
    _setup_django()
    from django.db import connection  # noqa: PLC0415

    out = Timings(connection.vendor)
    if args.what == "import":
        bench_import(args.rows, out)
    else:
        bench_store(args.units, args.cadres, out)
    if args.json:
        args.json.write_text(json.dumps({"seconds": out.seconds, "notes": out.notes}))


if __name__ == "__main__":
    main()
