"""Fast bulk writes of polars frames into a model's table, inside the caller's transaction.

Django's ``bulk_create`` builds a model instance per row and prepares every value in Python; for
a run's 356,000 result rows or a 100,000-row import that per-object cost, not the database, is
most of the time (docs/api.md, "Fast writes", has the figures). These functions write a whole
frame at once:

- PostgreSQL: ``COPY … FROM STDIN (FORMAT csv)`` through psycopg 3's ``cursor.copy``, the frame
  serialised to CSV by polars; updates go through a temporary table and one ``UPDATE … FROM``;
- SQLite: one prepared ``INSERT`` (or ``UPDATE … WHERE pk``) run by ``executemany``;
- any other database, or inside :func:`orm_writes`: ``bulk_create``/``bulk_update`` and
  simple-history's ``bulk_history_create``, the reference the fast paths are tested against.

Columns map to database columns through the model's ``_meta`` (a field's name or attname).
Identifiers are quoted with ``connection.ops.quote_name`` and values only ever travel as
parameters or COPY data, never as SQL text. A field the frame lacks gets what ``bulk_create``
would give it: ``auto_now``/``auto_now_add`` the write's time, any other its ``get_default()``.

>>> written = frame_insert(model=EconomicStat, frame=rows, ids=True)       # doctest: +SKIP
>>> history_insert(model=EconomicStat, frame=written, history_type=CREATED,
...                user=user, reason="import stats.xlsx")                  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final, Literal

import polars as pl
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.transaction import TransactionManagementError
from django.utils import timezone

Method = Literal["copy", "executemany", "orm"]

CREATED: Final = "+"  # simple-history's history_type of a created row
CHANGED: Final = "~"  # … of an updated row
UTC: Final = pl.Datetime("us", "UTC")
COPY_ROWS: Final = 50_000  # rows serialised per COPY chunk (bounds the CSV buffer)
UPDATE_TABLE: Final = "kaohe_frame_update"  # the temporary table of an update on PostgreSQL

_DTYPES: Final[Mapping[str, pl.DataType]] = {
    "AutoField": pl.Int64(),
    "BigAutoField": pl.Int64(),
    "SmallAutoField": pl.Int64(),
    "IntegerField": pl.Int64(),
    "BigIntegerField": pl.Int64(),
    "SmallIntegerField": pl.Int64(),
    "PositiveIntegerField": pl.Int64(),
    "PositiveBigIntegerField": pl.Int64(),
    "PositiveSmallIntegerField": pl.Int64(),
    "FloatField": pl.Float64(),
    "BooleanField": pl.Boolean(),
    "CharField": pl.String(),
    "TextField": pl.String(),
    "SlugField": pl.String(),
    "EmailField": pl.String(),
    "URLField": pl.String(),
    "DateField": pl.Date(),
    "DateTimeField": UTC,
}

_orm_only: ContextVar[bool] = ContextVar("kaohe_orm_writes", default=False)


@contextmanager
def orm_writes() -> Iterator[None]:
    """Within the block, write with ``bulk_create``/``bulk_update`` (tests, benchmarks)."""
    token = _orm_only.set(True)
    try:
        yield
    finally:
        _orm_only.reset(token)


def write_method(
    connection: BaseDatabaseWrapper, fields: Sequence[models.Field[Any, Any]]
) -> Method:
    """How a write of ``fields`` goes on ``connection``: COPY, executemany or the ORM."""
    if _orm_only.get() or any(field_dtype(f) is None for f in fields):
        return "orm"
    if connection.vendor == "postgresql":
        return "copy"
    if connection.vendor == "sqlite":
        return "executemany"
    return "orm"


def frame_insert(
    *,
    model: type[models.Model],
    frame: pl.DataFrame,
    ids: bool = False,
    now: dt.datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> pl.DataFrame:
    """Insert every row of ``frame`` into ``model``'s table; the rows as written.

    The result has one column per concrete field (attnames: ``unit_id``), the primary key
    included when ``ids`` is set (reserved from the table's sequence before the write) or given
    in the frame. ``now`` is the time of ``auto_now``/``auto_now_add`` fields (default: now).
    """
    connection = _connection(using)
    frame = _complete(model, frame, ids=ids, now=now or timezone.now(), connection=connection)
    if frame.is_empty():
        return frame
    fields = _fields(model, frame.columns)
    method = write_method(connection, fields)
    if method == "orm":
        return _orm_insert(model, frame, ids=ids, using=using)
    if method == "copy":
        _copy(connection, model._meta.db_table, fields, frame)
    else:
        _executemany_insert(connection, model._meta.db_table, fields, frame)
    return frame


def frame_update(
    *, model: type[models.Model], frame: pl.DataFrame, using: str = DEFAULT_DB_ALIAS
) -> int:
    """Set every column of ``frame`` on the row its primary key names; rows updated.

    ``frame`` holds the primary key and the columns to write (nothing is filled in: pass
    ``updated`` yourself, as ``bulk_update`` would need it).
    """
    connection = _connection(using)
    if frame.is_empty():
        return 0
    pk = model._meta.pk
    assert pk is not None
    frame = _typed(model, frame)
    fields = _fields(model, frame.columns)
    if pk not in fields:
        raise ValueError(f"{model.__name__}: an update needs the primary key column {pk.attname}")
    values = [f for f in fields if f is not pk]
    method = write_method(connection, fields)
    if method == "orm":
        return _orm_update(model, frame, values, using=using)
    if method == "copy":
        return _copy_update(connection, model._meta.db_table, pk, values, frame)
    return _executemany_update(connection, model._meta.db_table, pk, values, frame)


def history_insert(
    *,
    model: type[models.Model],
    frame: pl.DataFrame,
    history_type: str,
    user: models.Model | None = None,
    reason: str | None = None,
    date: dt.datetime | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """simple-history's records of ``frame``'s rows (as written: every tracked field, the primary
    key included), as ``bulk_create_with_history`` (``+``) or ``bulk_update_with_history``
    (``~``) would write them: the tracked fields, ``history_type``, ``history_user``,
    ``history_change_reason`` and ``history_date``. Nothing when history is switched off.
    """
    if frame.is_empty() or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return 0
    manager = model.history  # type: ignore[attr-defined]
    historical: type[models.Model] = manager.model
    tracked = [f.attname for f in historical.tracked_fields]  # type: ignore[attr-defined]
    if user is None:
        # what simple-history falls back to: the request's user (HistoryRequestMiddleware)
        user = historical.get_default_history_user(model())  # type: ignore[attr-defined]
    date = date or timezone.now()
    if _orm_only.get() or write_method(_connection(using), _fields(model, tracked)) == "orm":
        objs = [model(**row) for row in frame.select(tracked).iter_rows(named=True)]
        created = manager.bulk_history_create(
            objs,
            batch_size=settings.KAOHE_BULK_BATCH_SIZE,
            update=history_type == CHANGED,
            default_user=user,
            default_change_reason=reason,
            default_date=date,
        )
        return len(created)
    rows = frame.select(tracked).with_columns(
        pl.lit(date, UTC).alias("history_date"),
        pl.lit(reason, pl.String).alias("history_change_reason"),
        pl.lit(history_type, pl.String).alias("history_type"),
        pl.lit(user.pk if user is not None else None, pl.Int64).alias("history_user_id"),
    )
    frame_insert(model=historical, frame=rows, using=using)
    return rows.height


# --- mapping a frame onto a model


def _connection(using: str) -> BaseDatabaseWrapper:
    connection = connections[using]
    if not connection.in_atomic_block:
        raise TransactionManagementError(
            "bulk writes run inside the use case's transaction.atomic()"
        )
    return connection


def _concrete(model: type[models.Model]) -> dict[str, models.Field[Any, Any]]:
    """Concrete fields by name and by attname (``unit`` and ``unit_id``)."""
    fields: dict[str, models.Field[Any, Any]] = {}
    for f in model._meta.concrete_fields:
        fields[f.name] = f
        fields[f.attname] = f
    return fields


def _fields(model: type[models.Model], columns: Sequence[str]) -> list[models.Field[Any, Any]]:
    known = _concrete(model)
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(unknown)}")
    fields = [known[c] for c in columns]
    if len({f.attname for f in fields}) != len(fields):
        raise ValueError(f"{model.__name__}: a field is named twice in {list(columns)}")
    return fields


def field_dtype(field: models.Field[Any, Any]) -> pl.DataType | None:
    """The polars type of a field's values; None when the fast paths do not handle it."""
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    return _DTYPES.get(target.get_internal_type())


def _typed(model: type[models.Model], frame: pl.DataFrame) -> pl.DataFrame:
    """Columns renamed to attnames and cast (strictly) to the field's type."""
    fields = _fields(model, frame.columns)
    exprs: list[pl.Expr] = []
    for column, f in zip(frame.columns, fields, strict=True):
        dtype = field_dtype(f)
        expr = pl.col(column)
        if dtype == UTC:
            have = frame.schema[column]
            if not isinstance(have, pl.Datetime) or have.time_zone is None:
                raise ValueError(f"{model.__name__}.{f.name}: datetimes must be timezone-aware")
            expr = expr.dt.convert_time_zone("UTC").cast(UTC)
        elif dtype is not None:
            expr = expr.cast(dtype, strict=True)
        exprs.append(expr.alias(f.attname))
    return frame.select(exprs)


def _complete(
    model: type[models.Model],
    frame: pl.DataFrame,
    *,
    ids: bool,
    now: dt.datetime,
    connection: BaseDatabaseWrapper,
) -> pl.DataFrame:
    """Every concrete field of the model as a typed column, in field order (the pk only when
    given or asked for)."""
    frame = _typed(model, frame)
    pk = model._meta.pk
    assert pk is not None
    exprs: list[pl.Expr] = []
    for f in model._meta.concrete_fields:
        if f.attname in frame.columns:
            exprs.append(pl.col(f.attname))
        elif f is pk:
            continue
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            exprs.append(pl.lit(now, UTC).alias(f.attname))
        else:
            exprs.append(pl.lit(f.get_default(), field_dtype(f)).alias(f.attname))
    out = frame.select(exprs)
    if ids and pk.attname not in frame.columns and not out.is_empty():
        if write_method(connection, [pk]) == "orm":
            return out  # bulk_create reads the ids back (see _orm_insert)
        reserved = _reserve_ids(connection, model, out.height)
        out = out.select(pl.Series(pk.attname, reserved, pl.Int64), pl.all())
    elif pk.attname in frame.columns:
        out = out.select(pk.attname, pl.exclude(pk.attname))
    return out


# --- PostgreSQL: COPY


def _copy(
    connection: BaseDatabaseWrapper,
    table: str,
    fields: Sequence[models.Field[Any, Any]],
    frame: pl.DataFrame,
) -> None:
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    statement = f"COPY {qn(table)} ({columns}) FROM STDIN (FORMAT csv)"
    text = _csv_ready(frame)
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        for chunk in text.iter_slices(COPY_ROWS):
            copy.write(chunk.write_csv(include_header=False, null_value="").encode())


def _csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Datetimes spelled out with their offset; polars quotes every non-null string (an empty
    string is ``""``, a null an empty field), writes booleans as true/false and floats in their
    shortest exact form (NaN and inf as PostgreSQL reads them)."""
    return frame.with_columns(
        pl.col(c).dt.strftime("%Y-%m-%d %H:%M:%S%.6f+00:00")
        for c, t in frame.schema.items()
        if isinstance(t, pl.Datetime)
    )


def _copy_update(
    connection: BaseDatabaseWrapper,
    table: str,
    pk: models.Field[Any, Any],
    values: Sequence[models.Field[Any, Any]],
    frame: pl.DataFrame,
) -> int:
    qn = connection.ops.quote_name
    fields = [pk, *values]
    columns = ", ".join(qn(f.column) for f in fields)
    assignments = ", ".join(f"{qn(f.column)} = u.{qn(f.column)}" for f in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {qn(UPDATE_TABLE)} ON COMMIT DROP AS "
            f"SELECT {columns} FROM {qn(table)} WITH NO DATA"
        )
    _copy(connection, UPDATE_TABLE, fields, frame)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(table)} AS t SET {assignments} FROM {qn(UPDATE_TABLE)} AS u "
            f"WHERE t.{qn(pk.column)} = u.{qn(pk.column)}"
        )
        updated: int = cursor.rowcount
        cursor.execute(f"DROP TABLE {qn(UPDATE_TABLE)}")
    return updated


# --- SQLite: executemany


def _sqlite_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Values as Django's SQLite backend stores them: datetimes as naive UTC text
    (``str(datetime)``: no fraction when it is zero), dates as ``YYYY-MM-DD``."""
    exprs: list[pl.Expr] = []
    for c, t in frame.schema.items():
        col = pl.col(c)
        if isinstance(t, pl.Datetime):
            col = (
                pl.when(col.dt.microsecond() == 0)
                .then(col.dt.strftime("%Y-%m-%d %H:%M:%S"))
                .otherwise(col.dt.strftime("%Y-%m-%d %H:%M:%S%.6f"))
            )
        elif isinstance(t, pl.Date):
            col = col.dt.strftime("%Y-%m-%d")
        exprs.append(col.alias(c))
    return frame.select(exprs)


def _executemany_insert(
    connection: BaseDatabaseWrapper,
    table: str,
    fields: Sequence[models.Field[Any, Any]],
    frame: pl.DataFrame,
) -> None:
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    statement = f"INSERT INTO {qn(table)} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        cursor.executemany(statement, _sqlite_ready(frame).rows())


def _executemany_update(
    connection: BaseDatabaseWrapper,
    table: str,
    pk: models.Field[Any, Any],
    values: Sequence[models.Field[Any, Any]],
    frame: pl.DataFrame,
) -> int:
    """One prepared ``UPDATE … WHERE pk = ?`` per row: SQLite has no round trips, so this is
    what a set-based update through a temporary table would do, without the table."""
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in values)
    statement = f"UPDATE {qn(table)} SET {assignments} WHERE {qn(pk.column)} = %s"
    ordered = _sqlite_ready(frame.select([f.attname for f in values] + [pk.attname]))
    with connection.cursor() as cursor:
        cursor.executemany(statement, ordered.rows())
        return frame.height


def _reserve_ids(connection: BaseDatabaseWrapper, model: type[models.Model], n: int) -> list[int]:
    """``n`` new primary keys, increasing: drawn from the PostgreSQL sequence, or on SQLite the
    next AUTOINCREMENT values (the transaction holds SQLite's write lock: no one else draws)."""
    qn = connection.ops.quote_name
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [qn(table), pk.column])
            (sequence,) = cursor.fetchone()
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, n]
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        found = cursor.fetchone()
        cursor.execute(f"SELECT MAX({qn(pk.column)}) FROM {qn(table)}")
        (highest,) = cursor.fetchone()
    start = max(found[0] if found else 0, highest or 0) + 1
    return list(range(start, start + n))


# --- the reference: Django's ORM


def _orm_insert(
    model: type[models.Model], frame: pl.DataFrame, *, ids: bool, using: str
) -> pl.DataFrame:
    size = settings.KAOHE_BULK_BATCH_SIZE
    fields = list(model._meta.concrete_fields)
    written: list[tuple[Any, ...]] = []
    for chunk in frame.iter_slices(size * 10):
        objs = [model(**row) for row in chunk.iter_rows(named=True)]
        model._default_manager.using(using).bulk_create(objs, batch_size=size)
        written += [tuple(getattr(o, f.attname) for f in fields) for o in objs]
    schema = {f.attname: field_dtype(f) or pl.Object() for f in fields}
    out = pl.DataFrame(written, schema=schema, orient="row")
    pk = model._meta.pk
    assert pk is not None
    return out if ids or pk.attname in frame.columns else out.drop(pk.attname)


def _orm_update(
    model: type[models.Model],
    frame: pl.DataFrame,
    values: Sequence[models.Field[Any, Any]],
    *,
    using: str,
) -> int:
    size = settings.KAOHE_BULK_BATCH_SIZE
    objs = [model(**row) for row in frame.iter_rows(named=True)]
    names = [f.name for f in values]
    return model._default_manager.using(using).bulk_update(objs, names, batch_size=size)
