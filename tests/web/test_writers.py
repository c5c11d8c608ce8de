"""The bulk writer writes exactly what ``bulk_create`` (and simple-history) wrote: the same rows
and the same history rows, on SQLite and PostgreSQL (run this file with DATABASE_URL set to a
PostgreSQL database for the second)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
from django.db import connection, models, transaction
from django.db.transaction import TransactionManagementError

from kaohe.accounts.models import User
from kaohe.collection.exchange import TABLE_MAPS
from kaohe.collection.loader import Counts, tables_upsert
from kaohe.collection.models import EconomicStat, Event
from kaohe.collection.services import data_load
from kaohe.engine import schema as s
from kaohe.engine import score
from kaohe.org.models import Unit
from kaohe.plans.models import Plan
from kaohe.results.adapters import dataset_from_db
from kaohe.results.models import RESULT_MODELS, Run, UnitIndicator
from kaohe.results.services import run_create, run_results_store
from kaohe.results.writers import (
    frame_insert,
    frame_update,
    history_insert,
    orm_writes,
    write_method,
)
from tests.web.conftest import YEAR, demo_frames

pytestmark = pytest.mark.django_db
TIMES = ("created", "updated", "history_date")  # the time of the write, not what was written
IDS = ("history_id",)


def _rows(model: type[models.Model], drop: tuple[str, ...] = TIMES) -> list[tuple[Any, ...]]:
    """Every stored row of ``model`` (ids included), without the write's timestamps, sorted."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname not in drop]
    rows = model._default_manager.values_list(*names)
    return sorted(rows, key=lambda r: tuple((v is None, str(v)) for v in r))


def _snapshot(models_: list[type[models.Model]]) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    for m in models_:
        out[m.__name__] = _rows(m, TIMES + IDS)
        history = getattr(m, "history", None)
        if history is not None:
            out[f"{m.__name__} history"] = _rows(history.model, TIMES + IDS)
    return out


def _data_models() -> list[type[models.Model]]:
    return [tm.model for tm in TABLE_MAPS.values()]


def _reset_data() -> None:
    for tm in reversed(TABLE_MAPS.values()):
        tm.model._default_manager.all().delete()
        tm.model.history.all().delete()  # type: ignore[attr-defined]


def _sequences_restart() -> None:
    """Make the next id of every data table 1 again, so both writes draw the same ids."""
    with connection.cursor() as cursor:
        for m in _data_models():
            for model in (m, m.history.model):  # type: ignore[attr-defined]
                table = model._meta.db_table
                pk = model._meta.pk
                assert pk is not None
                if connection.vendor == "postgresql":
                    cursor.execute(
                        "SELECT setval(pg_get_serial_sequence(%s, %s), 1, false)",
                        [table, pk.column],
                    )
                else:
                    cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])


def _both_ways(
    write: Callable[[], Any],
) -> tuple[dict[str, list[tuple[Any, ...]]], dict[str, list[tuple[Any, ...]]], Any, Any]:
    """What ``write`` stores through bulk_create, then through the fast path, from the same
    empty tables and sequences."""
    _sequences_restart()
    with orm_writes(), transaction.atomic():
        reference_result = write()
    reference = _snapshot(_data_models())
    _reset_data()
    _sequences_restart()
    with transaction.atomic():
        fast_result = write()
    return reference, _snapshot(_data_models()), reference_result, fast_result


@pytest.fixture
def stats_user(db: None) -> User:
    return User.objects.create_user(username="stats", password="x")


def test_the_fast_path_is_the_databases_own(db: None) -> None:
    fields = list(EconomicStat._meta.concrete_fields)
    expected = {"postgresql": "copy", "sqlite": "executemany"}[connection.vendor]
    assert write_method(connection, fields) == expected
    with orm_writes():
        assert write_method(connection, fields) == "orm"


def test_loading_a_district_writes_the_same_rows_and_history_as_bulk_create(
    plan: Plan, stats_user: User
) -> None:
    frames = demo_frames(plan)

    def load() -> dict[str, Counts]:
        return tables_upsert(frames, year=YEAR, user=stats_user, reason="import demo.xlsx")

    reference, fast, reference_counts, fast_counts = _both_ways(load)
    assert fast_counts == reference_counts
    assert sum(c.created for c in fast_counts.values()) > 1000
    assert reference.keys() == fast.keys()
    for name in reference:
        assert fast[name] == reference[name], name
    history = EconomicStat.history.model.objects
    assert set(history.values_list("history_type", flat=True)) == {"+"}
    assert set(history.values_list("history_user", flat=True)) == {stats_user.pk}
    assert set(history.values_list("history_change_reason", flat=True)) == {"import demo.xlsx"}
    # every history row is its object's: same id, same values
    stored = set(EconomicStat.objects.values_list("id", "target_volume"))
    assert set(history.values_list("id", "target_volume")) == stored


def test_updating_changed_rows_writes_the_same_rows_and_history_as_bulk_update(
    plan: Plan, stats_user: User
) -> None:
    frames = demo_frames(plan)
    economic = frames[s.ECONOMIC]
    changed = economic.with_columns(
        pl.when(pl.col(s.MONTH) == 3)
        .then(pl.col(s.ACTUAL_VOLUME) + 1.5)
        .otherwise(pl.col(s.ACTUAL_VOLUME))
        .alias(s.ACTUAL_VOLUME)
    )
    units = frames[s.UNITS].with_columns(
        pl.when(pl.col(s.UNIT_ID) == frames[s.UNITS][s.UNIT_ID][0])
        .then(pl.lit("改名后的单位"))
        .otherwise(pl.col(s.NAME))
        .alias(s.NAME)
    )

    def load_then_change() -> dict[str, Counts]:
        data_load(frames=frames, year=YEAR, reason="first")
        Unit.objects.filter(code=frames[s.UNITS][s.UNIT_ID][0]).update(active=False)
        return tables_upsert(
            {s.UNITS: units, s.ECONOMIC: changed}, year=YEAR, user=stats_user, reason="again"
        )

    reference, fast, reference_counts, fast_counts = _both_ways(load_then_change)
    months_3 = economic.filter(pl.col(s.MONTH) == 3).height
    assert fast_counts == reference_counts
    assert fast_counts[s.ECONOMIC] == Counts(0, months_3, economic.height - months_3)
    assert fast_counts[s.UNITS].updated == 1
    for name in reference:
        assert fast[name] == reference[name], name
    changes = EconomicStat.history.filter(history_type="~")
    assert changes.count() == months_3
    # a field the import does not carry keeps its stored value, in the row and in its history
    renamed = Unit.objects.get(name="改名后的单位")
    assert renamed.active is False
    assert renamed.history.get(history_type="~").active is False


def test_storing_a_run_writes_the_same_result_rows_as_bulk_create(plan: Plan) -> None:
    data_load(frames=demo_frames(plan), year=YEAR, reason="demo")
    engine_plan = plan.parsed()
    results = score(engine_plan, dataset_from_db(YEAR, engine_plan))
    tables = {name: results[name] for name in s.OUTPUTS}
    reference, fast = run_create(year=YEAR), run_create(year=YEAR)
    with orm_writes():
        run_results_store(run=reference, tables=tables)
    run_results_store(run=fast, tables=tables)
    assert fast.counts == reference.counts
    assert sum(fast.counts.values()) > 1000
    for name, model in RESULT_MODELS.items():
        columns = [f.attname for f in model._meta.concrete_fields if f.attname != "run_id"]
        a = model._default_manager.filter(run=reference).order_by("id").values_list(*columns)
        b = model._default_manager.filter(run=fast).order_by("id").values_list(*columns)
        assert [r[1:] for r in a] == [r[1:] for r in b], name  # same values, same order
        assert len(a) == fast.counts[name]


@pytest.fixture
def economic_rows(plan: Plan) -> pl.DataFrame:
    data_load(frames={s.UNITS: demo_frames(plan)[s.UNITS]}, year=YEAR, reason="units")
    unit = Unit.objects.order_by("code").first()
    assert unit is not None
    return pl.DataFrame(
        {
            "year": [YEAR] * 3,
            "unit": [unit.pk] * 3,  # a field's name or its attname
            "indicator": ["gdp", "fai", "tricky"],
            "month": [1, 1, 1],
            "target_volume": [0.1 + 0.2, 1e-300, 12345678.901234567],
            "actual_volume": [float("inf"), -0.0, 5.0],
            "target_growth": [8.0, 8.5, 9.25],
            "actual_growth": [9.6, -1.0, 0.0],
            "drags": [True, None, False],
        }
    )


def test_values_survive_the_fast_path_exactly(economic_rows: pl.DataFrame) -> None:
    with transaction.atomic():
        written = frame_insert(model=EconomicStat, frame=economic_rows, ids=True)
    assert written.columns[:2] == ["id", "created"]
    stored = {e.indicator: e for e in EconomicStat.objects.all()}
    assert set(stored) == {"gdp", "fai", "tricky"}
    assert stored["gdp"].target_volume == 0.1 + 0.2  # the shortest exact float text
    assert stored["fai"].target_volume == 1e-300
    assert stored["tricky"].target_volume == 12345678.901234567
    assert stored["gdp"].actual_volume == float("inf")
    assert stored["gdp"].drags is True
    assert stored["fai"].drags is None
    assert stored["tricky"].drags is False
    assert sorted(written["id"].to_list()) == sorted(e.pk for e in stored.values())
    created = stored["gdp"].created
    assert created.tzinfo is not None
    assert stored["gdp"].updated == created


def test_text_with_quotes_commas_newlines_and_empty_strings_round_trips(plan: Plan) -> None:
    texts = ["", "a,b", 'say "hi"', "line\nbreak\r\nend", "中文，全角", "\\N", "NULL", " "]
    frame = pl.DataFrame(
        {
            "year": [YEAR] * len(texts),
            "code": [f"E{i}" for i in range(len(texts))],
            "subject_code": ["U1"] * len(texts),
            "month": [1] * len(texts),
            "points": [1.0] * len(texts),
            "reason": texts,
        }
    )
    with transaction.atomic():
        frame_insert(model=Event, frame=frame)  # kind, veto…: the fields' defaults
    stored = dict(Event.objects.values_list("code", "reason"))
    assert [stored[f"E{i}"] for i in range(len(texts))] == texts
    assert set(Event.objects.values_list("kind", flat=True)) == {""}
    assert set(Event.objects.values_list("veto", flat=True)) == {None}


def test_an_update_sets_the_given_columns_by_primary_key(economic_rows: pl.DataFrame) -> None:
    with transaction.atomic():
        written = frame_insert(model=EconomicStat, frame=economic_rows, ids=True)
        now = dt.datetime(2026, 5, 1, 8, 30, tzinfo=dt.UTC)
        changes = written.head(2).select(
            "id",
            pl.lit(77.5).alias("actual_volume"),
            pl.lit(now).alias("updated"),
        )
        assert frame_update(model=EconomicStat, frame=changes) == 2
    rows = {e.pk: e for e in EconomicStat.objects.all()}
    first, second, third = written["id"].to_list()
    assert rows[first].actual_volume == rows[second].actual_volume == 77.5
    assert rows[first].updated == now
    assert rows[third].actual_volume == 5.0
    assert rows[third].updated == rows[third].created


def test_history_rows_carry_type_user_reason_and_date(
    economic_rows: pl.DataFrame, stats_user: User
) -> None:
    when = dt.datetime(2026, 4, 2, 9, 0, 0, 123456, tzinfo=dt.UTC)
    with transaction.atomic():
        written = frame_insert(model=EconomicStat, frame=economic_rows, ids=True)
        assert (
            history_insert(
                model=EconomicStat,
                frame=written,
                history_type="+",
                user=stats_user,
                reason="import a.xlsx",
                date=when,
            )
            == 3
        )
    history = list(EconomicStat.history.all())
    assert {h.history_date for h in history} == {when}
    assert {(h.history_type, h.history_user_id) for h in history} == {("+", stats_user.pk)}
    assert {h.id for h in history} == set(written["id"].to_list())


@pytest.mark.django_db(transaction=True)  # no test transaction around it
def test_writes_need_the_callers_transaction(economic_rows: pl.DataFrame) -> None:
    with pytest.raises(TransactionManagementError):
        frame_insert(model=EconomicStat, frame=economic_rows)


def test_unknown_columns_and_naive_datetimes_are_refused(economic_rows: pl.DataFrame) -> None:
    with transaction.atomic():
        with pytest.raises(ValueError, match="no field nonsense"):
            frame_insert(model=EconomicStat, frame=economic_rows.with_columns(nonsense=1))
        naive = economic_rows.with_columns(created=pl.lit(dt.datetime(2026, 1, 1)))  # noqa: DTZ001
        with pytest.raises(ValueError, match="timezone-aware"):
            frame_insert(model=EconomicStat, frame=naive)


def test_a_large_indicator_table_is_written_in_chunks(plan: Plan) -> None:
    run = Run.objects.create(year=YEAR, plan=plan, plan_snapshot=plan.yaml)
    n = 120_017  # more than two COPY chunks
    frame = pl.DataFrame(
        {
            "run_id": [run.pk] * n,
            "unit_code": [f"U{i % 61}" for i in range(n)],
            "month": [i % 12 + 1 for i in range(n)],
            "weight": [i / 7 for i in range(n)],
            "note": [None if i % 3 else f"n{i}" for i in range(n)],
        }
    )
    with transaction.atomic():
        frame_insert(model=UnitIndicator, frame=frame)
    assert UnitIndicator.objects.filter(run=run).count() == n
    last = UnitIndicator.objects.filter(run=run).order_by("-id").first()
    assert last is not None
    assert (last.weight, last.note, last.indicator) == ((n - 1) / 7, None, None)
