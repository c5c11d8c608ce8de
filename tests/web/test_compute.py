"""Computing a year stores exactly what the engine computes; failures keep earlier results."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from polars.testing import assert_frame_equal
from pytest_django import Settings as SettingsWrapper

from kaohe.collection.models import DistrictStat
from kaohe.collection.services import import_file
from kaohe.engine import dump_plan, publish, read_dataset, score, write_tables
from kaohe.engine import schema as s
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_save
from kaohe.results.adapters import stored_frame
from kaohe.results.models import Run, UnitMonthly
from kaohe.results.selectors import run_current
from kaohe.results.services import NoPlanError, run_compute, run_create, run_enqueue
from tests.engine.worked_example import worked_data, worked_plan
from tests.web.conftest import YEAR, csv_to_workbook, upload


def _import_demo(demo_csv: Path, tmp_path: Path) -> None:
    book = csv_to_workbook({n: demo_csv / f"{n}.csv" for n in s.TABLES}, tmp_path / "all.xlsx")
    assert import_file(upload=upload(book), year=YEAR).state == "done"


@pytest.mark.django_db
def test_the_worked_example_imported_and_computed_scores_98_48(tmp_path: Path) -> None:
    plan_save(yaml_text=dump_plan(worked_plan()))
    data = worked_data()
    (book,) = write_tables(data.tables, tmp_path, YEAR, xlsx=True)
    batch = import_file(upload=upload(book), year=YEAR)
    assert batch.state == "done", batch.problems
    run = run_compute(year=YEAR)
    assert run.state == Run.State.DONE, list(run.problems.all())
    row = UnitMonthly.objects.get(run=run, unit_code="U1", month=1)
    # G = 46.00 + 24.42 + 17.60 = 88.02; raw = 88.02 + 0.5 = 88.52
    # C = 1 + (1.10 − 1) × clamp(9.0 / 8.0, 0, 1.5) = 1.1125; S = 88.52 × 1.1125 = 98.4785
    assert row.raw == pytest.approx(88.52, abs=1e-9)
    assert row.coefficient == pytest.approx(1.1125, abs=1e-12)
    assert row.score == pytest.approx(98.4785, abs=1e-9)
    shown = publish("unit_monthly", stored_frame(run, "unit_monthly"), YEAR)
    assert shown.row(0, named=True)[s.SCORE] == "98.48"


def test_stored_results_equal_the_engines_on_the_same_data(
    plan: Plan, demo_csv: Path, tmp_path: Path
) -> None:
    _import_demo(demo_csv, tmp_path)
    run = run_compute(year=YEAR)
    assert run.state == Run.State.DONE, run.error
    engine_plan = plan.parsed()
    expected = score(engine_plan, read_dataset(demo_csv, engine_plan))
    for name in s.OUTPUTS:
        stored = stored_frame(run, name)
        assert run.counts[name] == expected[name].height
        # unrounded; the engine's multithreaded sums may differ in the last bit between calls
        assert_frame_equal(stored, expected[name], rel_tol=0, abs_tol=1e-9)
        assert publish(name, stored, YEAR).equals(publish(name, expected[name], YEAR))


def test_the_same_input_gives_the_same_checksum_and_results(
    plan: Plan, demo_csv: Path, tmp_path: Path
) -> None:
    _import_demo(demo_csv, tmp_path)
    first, second = run_compute(year=YEAR), run_compute(year=YEAR)
    assert first.input_checksum == second.input_checksum
    assert len(first.input_checksum) == 64
    for name in s.OUTPUTS:
        a, b = stored_frame(first, name), stored_frame(second, name)
        assert_frame_equal(a, b, rel_tol=0, abs_tol=1e-9)
        assert publish(name, a, YEAR).equals(publish(name, b, YEAR))
    assert run_current(YEAR) == second


def test_a_failed_run_keeps_the_problems_and_the_earlier_results(
    plan: Plan, demo_csv: Path, tmp_path: Path
) -> None:
    _import_demo(demo_csv, tmp_path)
    good = run_compute(year=YEAR)
    stored = UnitMonthly.objects.filter(run=good).count()
    DistrictStat.objects.filter(year=YEAR, month=2).delete()
    failed = run_compute(year=YEAR)
    assert failed.state == Run.State.FAILED
    problems = list(failed.problems.values_list("file", "row", "column", "message"))
    assert (
        "district",
        None,
        "month",
        "month 2026-02 is missing: the run needs every month from 2026-01 to 2026-12",
    ) in problems
    assert UnitMonthly.objects.filter(run=failed).count() == 0
    assert UnitMonthly.objects.filter(run=good).count() == stored
    assert run_current(YEAR) == good


def test_through_month_computes_the_first_months(
    plan: Plan, demo_csv: Path, tmp_path: Path
) -> None:
    _import_demo(demo_csv, tmp_path)
    run = run_compute(year=YEAR, through_month=4)
    assert run.state == Run.State.DONE, run.error
    assert run.months == 4
    months = set(UnitMonthly.objects.filter(run=run).values_list("month", flat=True))
    assert months == {1, 2, 3, 4}


def test_large_districts_go_to_the_worker(
    plan: Plan,
    demo_csv: Path,
    tmp_path: Path,
    settings: SettingsWrapper,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    _import_demo(demo_csv, tmp_path)
    settings.KAOHE_SYNC_COMPUTE_MAX_CADRES = 0
    run = run_create(year=YEAR)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = run_enqueue(run=run)
    assert queued.state == Run.State.QUEUED  # returned at once
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert run.state == Run.State.DONE  # the (immediate) backend ran the task
    assert run.progress == 100


def test_a_year_without_a_plan_cannot_be_computed(db: None) -> None:
    with pytest.raises(NoPlanError):
        run_create(year=2030)
