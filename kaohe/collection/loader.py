"""The bulk loader: upsert typed engine frames by natural key, one query per table to compare.

Used by imports and by the demo. Call it inside the use case's ``transaction.atomic``: tables are
written in schema order (organisation first) so every foreign key resolves, and nothing is kept
when a later table fails. Rows equal to the stored ones are left alone, so loading the same data
twice reports only unchanged rows and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kaohe.accounts.models import User
from kaohe.collection.exchange import TABLE_MAPS, YEAR_FIELD, TableMap
from kaohe.collection.frames import db_frame

ID = "id"
CREATED = "created"  # kept on updated rows, so their history records it
OLD = "__old"


@dataclass(frozen=True, slots=True)
class Counts:
    """What an upsert did to one table."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def code_ids(model: type[models.Model]) -> pl.DataFrame:
    """``code → id`` of every row of ``model``, one query."""
    rows = model._default_manager.values_list("code", ID)
    return pl.DataFrame(list(rows), schema={"code": pl.String, ID: pl.Int64}, orient="row")


def tables_upsert(
    frames: Mapping[str, pl.DataFrame],
    *,
    year: int,
    user: User | None = None,
    reason: str = "import",
    batch_size: int | None = None,
) -> dict[str, Counts]:
    """Create or update every row of ``frames`` (validated engine frames) by natural key."""
    size = batch_size or settings.KAOHE_BULK_BATCH_SIZE
    cache: dict[type[models.Model], pl.DataFrame] = {}
    counts: dict[str, Counts] = {}
    for name, tm in TABLE_MAPS.items():
        frame = frames.get(name)
        if frame is None or frame.is_empty():
            continue
        ids = {}
        for col, target in tm.links.items():
            if target not in cache:
                cache[target] = code_ids(target)
            ids[col] = cache[target]
        stored = db_frame(tm, frame, year, ids)
        counts[name] = _upsert(tm, stored, year=year, user=user, reason=reason, size=size)
        cache.pop(tm.model, None)  # its codes may have changed
    return counts


def _upsert(
    tm: TableMap, new: pl.DataFrame, *, year: int, user: User | None, reason: str, size: int
) -> Counts:
    keys = tm.key_attnames()
    values = [c for c in new.columns if c not in keys]
    query = tm.model._default_manager.all()
    if tm.yearly:
        query = query.filter(**{YEAR_FIELD: year})
    schema = {ID: pl.Int64(), CREATED: pl.Datetime("us", "UTC"), **dict(new.schema)}
    rows = query.values_list(ID, CREATED, *new.columns)
    existing = pl.DataFrame(list(rows), schema=schema, orient="row")
    existing = existing.rename({c: c + OLD for c in values})
    joined = new.join(existing, on=keys, how="left", nulls_equal=True)
    changed = pl.any_horizontal(~pl.col(c).eq_missing(pl.col(c + OLD)) for c in values)
    created = joined.filter(pl.col(ID).is_null()).select(new.columns)
    updated = joined.filter(pl.col(ID).is_not_null() & changed).select(ID, CREATED, *new.columns)
    model = tm.model
    if not created.is_empty():
        objs = [model(**row) for row in created.iter_rows(named=True)]
        bulk_create_with_history(
            objs, model, batch_size=size, default_user=user, default_change_reason=reason
        )
    if not updated.is_empty():
        now = timezone.now()
        objs = [_with(model(**row), updated=now) for row in updated.iter_rows(named=True)]
        bulk_update_with_history(
            objs,
            model,
            [*values, "updated"],
            batch_size=size,
            default_user=user,
            default_change_reason=reason,
        )
    return Counts(created.height, updated.height, new.height - created.height - updated.height)


def _with(obj: models.Model, **attrs: Any) -> models.Model:
    for name, value in attrs.items():
        setattr(obj, name, value)
    return obj
