"""Writes of collected data: imports, the bulk load of generated data, templates, reset."""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Final

import polars as pl
import xlsxwriter
from django.conf import settings
from django.db import transaction

from kaohe.accounts.models import User
from kaohe.audit.context import audit_batch
from kaohe.audit.models import AuditEvent
from kaohe.audit.services import audit_record
from kaohe.collection.exchange import TABLE_MAPS
from kaohe.collection.importers import ImportRefusedError, Upload, parse_upload, stage_upload
from kaohe.collection.loader import Counts, tables_upsert
from kaohe.collection.models import ImportBatch
from kaohe.collection.validation import validate_import
from kaohe.cycle.guard import any_lock_check, frames_lock_problems, lock_checked
from kaohe.engine import Plan as EnginePlan
from kaohe.engine import Problem, template_workbook
from kaohe.engine import schema as s
from kaohe.engine.io import KIND_HINTS, README_SHEET
from kaohe.plans.models import Plan

MAX_STORED_PROBLEMS: Final = 1000


def problem_dict(p: Problem) -> dict[str, object]:
    return {"file": p.file, "row": p.row, "column": p.column, "message": p.message}


def import_file(
    *,
    upload: Upload,
    year: int,
    user: User | None = None,
    tables: Collection[str] | None = None,
    owners: Collection[str] | None = None,
) -> ImportBatch:
    """Import a workbook or CSV file into ``year``: all of it, or nothing when any problem.

    Checks size and type, parses with the engine, validates the year's stored data with the
    upload put over it, then upserts every table in one transaction. The returned
    :class:`ImportBatch` (saved either way) holds the counts or the problems. ``tables``: the
    tables the importer's role may import (None: every table); a file holding another table is
    refused whole. ``owners``: when given, indicator results only of the indicators these
    departments own in the year's plan (an indicator-owner department); any other is a problem
    of its row.
    """
    started = time.perf_counter()
    name = Path(upload.name or "upload").name
    batch = ImportBatch(year=year, user=user, file_name=name[:255], size=upload.size, sha256="")
    plan_row = Plan.objects.filter(year=year).first()
    with TemporaryDirectory(prefix="kaohe-import-") as folder:
        try:
            staged = stage_upload(upload, Path(folder), max_bytes=settings.KAOHE_IMPORT_MAX_BYTES)
            batch.sha256, batch.size, batch.file_kind = staged.sha256, staged.size, staged.kind
            if plan_row is None:
                raise ImportRefusedError(
                    [Problem(name, None, None, f"there is no plan for {year} yet")]
                )
            plan = plan_row.parsed()
            parsed = parse_upload(
                staged, plan, max_unpacked=settings.KAOHE_IMPORT_MAX_UNPACKED_BYTES
            )
        except ImportRefusedError as exc:
            return _refused(batch, exc.problems, [], started)
    if tables is not None:
        outside = sorted(set(parsed.frames) - set(tables))
        if outside:
            allowed = ", ".join(sorted(tables)) or "none"
            problems = [
                Problem(
                    parsed.sources.get(t, name),
                    None,
                    None,
                    f"your role may not import the {t} table (only: {allowed})",
                )
                for t in outside
            ]
            return _refused(batch, problems, [], started)
    if owners is not None and s.RESULTS in parsed.frames:
        foreign = _not_owned(parsed.frames[s.RESULTS], plan, owners)
        if foreign:
            source = parsed.sources.get(s.RESULTS, name)
            problems = [
                Problem(source, row, s.INDICATOR, f"indicator {key!r} is not your department's")
                for row, key in foreign
            ]
            return _refused(batch, problems, [], started)
    checked = validate_import(parsed.frames, parsed.sources, plan)
    # a cell the parser refused is empty in the frames: its "a value is required" is the same cell
    refused = {(p.file, p.row, p.column) for p in parsed.problems}
    problems = parsed.problems + [
        p for p in checked.problems if (p.file, p.row, p.column) not in refused
    ]
    problems += frames_lock_problems(parsed.frames, parsed.sources, year)  # the lock guard
    if problems:
        return _refused(batch, problems, checked.warnings, started)
    with transaction.atomic():
        counts = tables_upsert(parsed.frames, year=year, user=user, reason=f"import {name}"[:100])
        _fill(batch, counts)
        batch.state = ImportBatch.State.DONE
        batch.warnings = [problem_dict(p) for p in checked.warnings[:MAX_STORED_PROBLEMS]]
        batch.seconds = time.perf_counter() - started
        batch.full_clean()
        batch.save()
        _audit_batch(batch, user)
    return batch


def _not_owned(
    frame: pl.DataFrame, plan: EnginePlan, owners: Collection[str]
) -> list[tuple[int, str]]:
    """(row, indicator) of the result rows whose indicator none of ``owners`` owns."""
    owned = {
        indicator.key
        for category in plan.categories.values()
        for _, indicator in category.indicators()
        if indicator.owner in owners
    }
    rows = frame.filter(~pl.col(s.INDICATOR).is_in(list(owned))).select(s.ROW, s.INDICATOR)
    return [(int(r), str(k)) for r, k in rows.iter_rows()]


def _audit_batch(batch: ImportBatch, user: User | None) -> None:
    """One audit event per import (its rows are written in bulk, past the row signals)."""
    audit_record(
        action=AuditEvent.Action.IMPORT,
        model="collection.importbatch",
        object_id=batch.pk,
        object_repr=str(batch),
        after={"state": batch.state},
        extra={
            "year": batch.year,
            "file": batch.file_name,
            "sha256": batch.sha256,
            "size": batch.size,
            "created": batch.created_count,
            "updated": batch.updated_count,
            "unchanged": batch.unchanged_count,
            "problems": batch.problem_count,
            "tables": batch.counts,
        },
        actor=user,
    )


def _fill(batch: ImportBatch, counts: Mapping[str, Counts]) -> None:
    batch.counts = {name: c.as_dict() for name, c in counts.items()}
    batch.created_count = sum(c.created for c in counts.values())
    batch.updated_count = sum(c.updated for c in counts.values())
    batch.unchanged_count = sum(c.unchanged for c in counts.values())


@transaction.atomic
def _refused(
    batch: ImportBatch, problems: list[Problem], warnings: list[Problem], started: float
) -> ImportBatch:
    batch.state = ImportBatch.State.REFUSED
    ordered = sorted(problems, key=lambda p: (p.file, p.row or 0, p.column or "", p.message))
    batch.problem_count = len(ordered)
    batch.problems = [problem_dict(p) for p in ordered[:MAX_STORED_PROBLEMS]]
    batch.warnings = [problem_dict(p) for p in warnings[:MAX_STORED_PROBLEMS]]
    batch.seconds = time.perf_counter() - started
    batch.full_clean()
    batch.save()
    _audit_batch(batch, batch.user)
    return batch


class LockedDataError(Exception):
    """Rows of a locked month in a bulk load; ``problems`` name the table, row and month."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems[:10]))


@transaction.atomic
def data_load(
    *, frames: Mapping[str, pl.DataFrame], year: int, user: User | None = None, reason: str
) -> dict[str, Counts]:
    """Upsert already-validated engine frames (the demo generator's) in one transaction."""
    locked = frames_lock_problems(frames, {}, year)
    if locked:
        raise LockedDataError(locked)
    counts = tables_upsert(frames, year=year, user=user, reason=reason)
    audit_record(
        action=AuditEvent.Action.DATA_LOAD,
        model="collection.data",
        object_repr=reason[:200],
        extra={"year": year, "tables": {name: c.as_dict() for name, c in counts.items()}},
        actor=user,
    )
    return counts


@transaction.atomic
def data_reset() -> None:
    """Delete every collected and organisation row (the demo's ``--reset``); plans stay.
    Refused when any month is locked; recorded as one audit event."""
    any_lock_check(what="resetting the data")
    removed: dict[str, int] = {}
    with lock_checked(), audit_batch():
        for tm in reversed(TABLE_MAPS.values()):
            removed[tm.table] = tm.model._default_manager.all().delete()[0]
            tm.model.history.all().delete()  # type: ignore[attr-defined]
        ImportBatch.objects.all().delete()
    audit_record(
        action=AuditEvent.Action.DATA_RESET, model="collection.data", extra={"deleted": removed}
    )


def template_all(out: Path) -> Path:
    """The engine's import workbook: 说明, then one sheet per table."""
    return template_workbook(out)


def template_table(name: str, out: Path) -> Path:
    """An import workbook for one table: 说明 for its columns, then its sheet (header row only)."""
    table = s.TABLES[name]
    with xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False}) as book:
        bold = book.add_format({"bold": True})
        as_text = book.add_format({"num_format": "@"})
        readme = book.add_worksheet(README_SHEET)
        for col, title in enumerate(("column", "kind", "format", "required")):
            readme.write_string(0, col, title, bold)
        readme.set_column(0, 3, 24)
        sheet = book.add_worksheet(name)
        for col, column in enumerate(table.columns):
            kind = "tags" if column.name == s.TAGS else column.kind
            sheet.write_string(0, col, column.name, bold)
            width = max(12, len(column.name) + 4)
            text = kind in ("str", "month", "period", "tags")
            sheet.set_column(col, col, width, as_text if text else None)
            cells = (column.name, kind, KIND_HINTS[kind], "yes" if column.required else "no")
            for c, value in enumerate(cells):
                readme.write_string(col + 1, c, value)
        sheet.freeze_panes(1, 0)
    return out
