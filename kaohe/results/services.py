"""Writes of runs: create, execute (compute and store every result table), dispatch.

A run reads the year's stored data through the adapter, scores it with the engine and stores
every result table with the bulk writer (:mod:`kaohe.results.writers`) in one transaction. A run
that fails keeps the engine's problems (file, row, column, message) as :class:`RunProblem` rows
and touches no other run's results.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping
from typing import Final

import polars as pl
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kaohe import __version__
from kaohe.accounts.models import User
from kaohe.audit.models import AuditEvent
from kaohe.audit.services import audit_record
from kaohe.collection.frames import canonical_checksum
from kaohe.cycle.guard import run_lock_check
from kaohe.engine import DataError, EngineError, PlanError, parse_plan, score
from kaohe.engine import schema as s
from kaohe.org.models import Cadre
from kaohe.plans.models import Plan
from kaohe.results.adapters import dataset_from_db, field_name
from kaohe.results.models import RESULT_MODELS, Run, RunProblem
from kaohe.results.writers import frame_insert

logger = logging.getLogger(__name__)
RUN_ID: Final = "run_id"

STAGE_READING = "reading the data"
STAGE_SCORING = "scoring"
STAGE_STORING = "storing the results"
STAGE_DONE = "done"
STAGE_FAILED = "failed"


class NoPlanError(Exception):
    """There is no plan for the year to compute."""


@transaction.atomic
def run_create(*, year: int, through_month: int | None = None, user: User | None = None) -> Run:
    """A queued run of ``year`` (months 1…``through_month``; default: every month of the
    district table) with a snapshot of the year's plan. MonthLockedError when that last month
    is locked (kaohe.cycle.guard)."""
    plan = Plan.objects.filter(year=year).first()
    if plan is None:
        raise NoPlanError(f"there is no plan for {year}")
    run_lock_check(year=year, through_month=through_month)
    run = Run(
        year=year,
        through_month=through_month,
        plan=plan,
        plan_snapshot=plan.yaml,
        created_by=user,
        engine_version=__version__,
    )
    run.full_clean()
    run.save()
    _audit_run(run, "created", user)
    return run


def _audit_run(run: Run, change: str, user: User | None = None) -> None:
    """The computation's events: created (who asked), done (counts, checksum) or failed."""
    extra: dict[str, object] = {
        "change": change,
        "year": run.year,
        "through_month": run.through_month,
        "plan": run.plan_id,
        "engine_version": run.engine_version,
    }
    if change != "created":
        extra |= {"months": run.months, "input_checksum": run.input_checksum}
        extra |= {"counts": run.counts} if change == "done" else {"error": run.error[:500]}
    audit_record(
        action=AuditEvent.Action.COMPUTE,
        model="results.run",
        object_id=run.pk,
        object_repr=str(run),
        after={"state": run.state},
        extra=extra,
        actor=user,
    )


def run_enqueue(*, run: Run) -> Run:
    """Compute now when the district is small, else hand the run to the background worker."""
    if Cadre.objects.count() <= settings.KAOHE_SYNC_COMPUTE_MAX_CADRES:
        return run_execute(run_id=run.pk)
    from kaohe.results.tasks import compute_run  # noqa: PLC0415 - tasks import this module

    transaction.on_commit(lambda: compute_run.enqueue(run.pk))
    return run


def run_execute(*, run_id: int) -> Run:
    """Compute a queued run and store its results; a failed run records why."""
    claimed = Run.objects.filter(pk=run_id, state=Run.State.QUEUED).update(
        state=Run.State.RUNNING, started=timezone.now()
    )
    run = Run.objects.get(pk=run_id)
    if not claimed:
        return run  # already computed, or being computed by another process
    _progress(run, 5, STAGE_READING)
    try:
        plan = parse_plan(run.plan_snapshot, source=f"plan {run.year}")
        data = dataset_from_db(run.year, plan, through_month=run.through_month)
        run.input_checksum = canonical_checksum(data.tables, data.months)
        run.months = max(data.months)
        _progress(run, 30, STAGE_SCORING)
        results = score(plan, data)
        _progress(run, 60, STAGE_STORING)
        run_results_store(run=run, tables={name: results[name] for name in s.OUTPUTS})
    except EngineError as exc:
        _fail(run, exc)
    except Exception:
        _fail(run, None, traceback.format_exc())
        raise
    return run


def run_compute(*, year: int, through_month: int | None = None, user: User | None = None) -> Run:
    """Create a run and dispatch it (synchronously below the size threshold)."""
    return run_enqueue(run=run_create(year=year, through_month=through_month, user=user))


def _progress(run: Run, progress: int, stage: str, **fields: object) -> None:
    """Record progress at once (outside any transaction), so a page can follow the run."""
    run.progress, run.stage = progress, stage
    for name, value in fields.items():
        setattr(run, name, value)
    update = ["progress", "stage", "updated", "input_checksum", "months", *fields]
    run.save(update_fields=update)


@transaction.atomic
def run_results_store(*, run: Run, tables: Mapping[str, pl.DataFrame]) -> None:
    """Store every result table of ``run`` and mark it done, in one transaction; each table is
    written at once (:func:`kaohe.results.writers.frame_insert`: COPY on PostgreSQL,
    executemany on SQLite)."""
    counts: dict[str, int] = {}
    for name, frame in tables.items():
        rows = frame.rename({c: field_name(c) for c in frame.columns}).with_columns(
            pl.lit(run.pk, pl.Int64).alias(RUN_ID)
        )
        frame_insert(model=RESULT_MODELS[name], frame=rows)
        counts[name] = frame.height
    run.counts = counts
    run.state = Run.State.DONE
    run.progress, run.stage = 100, STAGE_DONE
    run.finished = timezone.now()
    run.full_clean()
    run.save()
    _audit_run(run, "done")


@transaction.atomic
def _fail(run: Run, exc: EngineError | None, error: str = "") -> None:
    problems: list[RunProblem] = []
    if isinstance(exc, DataError):
        problems = [
            RunProblem(run=run, file=p.file, row=p.row, column=p.column or "", message=p.message)
            for p in exc.problems
        ]
    elif isinstance(exc, PlanError):
        problems = [
            RunProblem(run=run, file="plan", column=i.path[:100], message=i.message)
            for i in exc.issues
        ]
    RunProblem.objects.bulk_create(problems, batch_size=settings.KAOHE_BULK_BATCH_SIZE)
    run.state = Run.State.FAILED
    run.stage = STAGE_FAILED
    run.error = error or (str(exc).splitlines()[0] if exc else "")
    run.finished = timezone.now()
    run.save()
    _audit_run(run, "failed")
    logger.warning("run %s of %s failed: %s", run.pk, run.year, run.error)
