"""The bulk loader: upsert typed engine frames by natural key, one query per table to compare.

Used by imports and by the demo. Call it inside the use case's ``transaction.atomic``: tables are
written in schema order (organisation first) so every foreign key resolves, and nothing is kept
when a later table fails. Rows equal to the stored ones are left alone, so loading the same data
twice reports only unchanged rows and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl
from django.db import models
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.collection.exchange import TABLE_MAPS, YEAR_FIELD, TableMap
from kaohe.collection.frames import db_frame
from kaohe.results.writers import (
    CHANGED,
    CREATED,
    UTC,
    field_dtype,
    frame_insert,
    frame_update,
    history_insert,
)

ID = "id"
CREATED_AT = "created"  # kept on updated rows, so their history records it
UPDATED = "updated"
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
) -> dict[str, Counts]:
    """Create or update every row of ``frames`` (validated engine frames) by natural key."""
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
        counts[name] = _upsert(tm, stored, year=year, user=user, reason=reason)
        cache.pop(tm.model, None)  # its codes may have changed
    return counts


def _upsert(
    tm: TableMap, new: pl.DataFrame, *, year: int, user: User | None, reason: str
) -> Counts:
    """Write the rows of ``new`` that are new or differ from the stored ones, with history.

    New rows are inserted (their ids drawn first), changed rows updated by id; both get their
    simple-history records in bulk. Fields the import does not carry (a unit's ``active``) keep
    their stored value, and the history of an updated row records it.
    """
    model = tm.model
    keys = tm.key_attnames()
    values = [c for c in new.columns if c not in keys]
    kept = [
        f.attname
        for f in model._meta.concrete_fields
        if f.attname not in (ID, CREATED_AT, UPDATED) and f.attname not in new.columns
    ]
    query = model._default_manager.all()
    if tm.yearly:
        query = query.filter(**{YEAR_FIELD: year})
    schema = {ID: pl.Int64(), CREATED_AT: UTC, **dict(new.schema)}
    schema |= {name: _read_dtype(model, name) for name in kept}
    rows = query.values_list(ID, CREATED_AT, *new.columns, *kept)
    existing = pl.DataFrame(list(rows), schema=schema, orient="row")
    existing = existing.rename({c: c + OLD for c in values})
    joined = new.join(existing, on=keys, how="left", nulls_equal=True)
    changed = pl.any_horizontal(~pl.col(c).eq_missing(pl.col(c + OLD)) for c in values)
    created = joined.filter(pl.col(ID).is_null()).select(new.columns)
    updated = joined.filter(pl.col(ID).is_not_null() & changed).select(
        ID, CREATED_AT, *new.columns, *kept
    )
    now = timezone.now()
    if not created.is_empty():
        written = frame_insert(model=model, frame=created, ids=True, now=now)
        history_insert(
            model=model, frame=written, history_type=CREATED, user=user, reason=reason, date=now
        )
    if not updated.is_empty():
        updated = updated.with_columns(pl.lit(now, UTC).alias(UPDATED))
        frame_update(model=model, frame=updated.select(ID, *values, UPDATED))
        history_insert(
            model=model, frame=updated, history_type=CHANGED, user=user, reason=reason, date=now
        )
    return Counts(created.height, updated.height, new.height - created.height - updated.height)


def _read_dtype(model: type[models.Model], attname: str) -> pl.DataType:
    """The polars type of a stored field the exchange format does not carry (``active``)."""
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    dtype = field_dtype(field)
    if dtype is None:
        raise TypeError(f"{model.__name__}.{field.name}: no polars type for this field")
    return dtype
