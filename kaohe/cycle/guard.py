"""The lock guard: after a month is locked, nothing of it changes through any path.

:func:`month_lock_check` is the one check. Every path calls it or a helper built on it: the
import service (:func:`frames_lock_problems`, problems naming the table, row and month, nothing
written), the bulk demo load and reset, the creation of a run (:func:`run_lock_check`: pages, API
and ``kaohe_compute``), the admin of the monthly data (kaohe.cycle.admin_lock) and, as the last
line of defence, a ``pre_save``/``pre_delete`` receiver on every monthly data model of
kaohe.collection (and of another app's models that ask for it: :func:`monthly_models`). The
only way through is :func:`lock_bypass`, used by the approval of a formal adjustment
(kaohe.cycle.services.adjustments).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final

import polars as pl
from django.apps import apps
from django.db import models
from django.db.models.signals import pre_delete, pre_save

from kaohe.core.periods import month_label
from kaohe.cycle.models import Period
from kaohe.engine import Problem
from kaohe.engine import schema as s

UID: Final = "kaohe.cycle.guard"
_bypass: ContextVar[int | None] = ContextVar("kaohe_lock_bypass", default=None)
_checked: ContextVar[bool] = ContextVar("kaohe_lock_checked", default=False)


class MonthLockedError(Exception):
    """A change to a locked month was refused."""

    def __init__(self, year: int, month: int, what: str) -> None:
        self.year, self.month, self.what = year, month, what
        super().__init__(
            f"{month_label(year, month)} is locked: {what} cannot change it "
            "(a locked month changes only through a formal adjustment)"
        )


@contextmanager
def lock_bypass(adjustment_id: int) -> Iterator[None]:
    """Let an approved adjustment write into its locked month (and only inside this block)."""
    token = _bypass.set(adjustment_id)
    try:
        yield
    finally:
        _bypass.reset(token)


@contextmanager
def lock_checked() -> Iterator[None]:
    """A bulk operation that has already passed the guard as a whole (skip the per-row check)."""
    token = _checked.set(True)
    try:
        yield
    finally:
        _checked.reset(token)


def locked_months(year: int) -> frozenset[int]:
    """The locked months of ``year`` (one query); none while an adjustment is applied."""
    if _bypass.get() is not None:
        return frozenset()
    rows = Period.objects.filter(year=year, state=Period.State.LOCKED).values_list("month")
    return frozenset(m for (m,) in rows)


def month_lock_check(*, year: int, month: int, what: str) -> None:
    """The guard: MonthLockedError when ``year``-``month`` is locked."""
    if month in locked_months(year):
        raise MonthLockedError(year, month, what)


def any_lock_check(*, what: str) -> None:
    """For operations on every year at once (the demo's reset): refused if any month is locked."""
    if _bypass.get() is not None:
        return
    first = Period.objects.filter(state=Period.State.LOCKED).order_by("year", "month").first()
    if first is not None:
        month_lock_check(year=first.year, month=first.month, what=what)


def frames_lock_problems(
    frames: Mapping[str, pl.DataFrame], sources: Mapping[str, str], year: int
) -> list[Problem]:
    """A problem for every row of a locked month in the engine frames of an import."""
    locked = locked_months(year)
    if not locked:
        return []
    problems: list[Problem] = []
    for name, frame in frames.items():
        if s.MONTH not in frame.columns:
            continue
        rows = frame.filter(pl.col(s.MONTH).is_in(sorted(locked)))
        if rows.is_empty():
            continue
        title = s.TABLES[name].title
        has_row = s.ROW in rows.columns
        for item in rows.iter_rows(named=True):
            label = month_label(year, int(item[s.MONTH]))
            problems.append(
                Problem(
                    sources.get(name, name),
                    int(item[s.ROW]) if has_row else None,
                    s.MONTH,
                    f"{name} ({title}): month {label} is locked; nothing was imported "
                    "(a locked month changes only through a formal adjustment)",
                )
            )
    return problems


def run_lock_check(*, year: int, through_month: int | None) -> None:
    """A run whose last month is locked would compute that month again: refused.

    Without ``through_month`` a run computes every month of the district table, so its last
    month is that table's last month. Runs through a later, open month are allowed: a locked
    month keeps its published run.
    """
    month = through_month
    if month is None:
        from kaohe.collection.models import DistrictStat  # noqa: PLC0415 - collection uses us

        month = (
            DistrictStat.objects.filter(year=year)
            .order_by("-month")
            .values_list("month", flat=True)
        ).first()
    if month is not None:
        month_lock_check(year=year, month=month, what="a computation")


def monthly_models() -> list[type[models.Model]]:
    """The data models of kaohe.collection kept per year and month, and any other app's model
    with ``year`` and ``month`` fields that asks for the guard (``month_locked = True``: the
    post tasks and reconciliations of kaohe.tasks)."""
    found = []
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if not {"year", "month"} <= names or hasattr(model, "instance_type"):
            continue
        if model._meta.app_label == "collection" or getattr(model, "month_locked", False):
            found.append(model)
    return found


def _row_check(instance: Any, what: str) -> None:
    if _checked.get():
        return
    month_lock_check(year=instance.year, month=instance.month, what=what)


def _before_save(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    _row_check(instance, f"saving {sender._meta.verbose_name}")
    if instance.pk is not None and not _checked.get():
        old = sender._default_manager.filter(pk=instance.pk).values("year", "month").first()
        if old is not None:
            month_lock_check(
                year=old["year"], month=old["month"], what=f"saving {sender._meta.verbose_name}"
            )


def _before_delete(sender: type[models.Model], instance: Any, **kwargs: Any) -> None:
    _row_check(instance, f"deleting {sender._meta.verbose_name}")


def connect() -> None:
    for model in monthly_models():
        label = model._meta.label_lower
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"{UID}.save.{label}")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{UID}.delete.{label}")
