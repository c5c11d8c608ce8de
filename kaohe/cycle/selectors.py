"""Reads of the cycle: months of a year, a month's published run, objections a user may see,
the changed scores of an adjustment, a user's notifications, what is due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from kaohe.accounts.models import User
from kaohe.cycle import predicates
from kaohe.cycle.models import Adjustment, Notification, Objection, Period
from kaohe.engine.numbers import round_half_up
from kaohe.results.models import CadreMonthly, Run, UnitMonthly
from kaohe.web.selectors.common import cadre_names, unit_names


def period_get(year: int, month: int) -> Period | None:
    return Period.objects.filter(year=year, month=month).select_related("published_run").first()


def period_list(year: int) -> dict[int, Period]:
    """The opened months of ``year`` by month number."""
    return {p.month: p for p in Period.objects.filter(year=year).select_related("published_run")}


def published_run(period: Period) -> Run | None:
    """The run published for the month: the newest finished run of an approved adjustment, else
    the run chosen at publication (None before publication)."""
    if period.state not in (Period.State.PUBLISHED, Period.State.LOCKED):
        return None
    adjusted = (
        Adjustment.objects.filter(
            period=period, state=Adjustment.State.APPROVED, new_run__state=Run.State.DONE
        )
        .order_by("-decided_at", "-id")
        .select_related("new_run")
        .first()
    )
    if adjusted is not None and adjusted.new_run is not None:
        return adjusted.new_run
    return period.published_run


def objections_for(period: Period, user: User) -> list[Objection]:
    rows = period.objections.select_related("filed_by", "answered_by").order_by("id")
    return [o for o in rows if predicates.may_see_objection(user, o)]


@dataclass(frozen=True, slots=True)
class Change:
    """A published score that differs between the old and the new run."""

    subject_type: str
    code: str
    name: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round_half_up(self.after - self.before)


def _published(value: float | None) -> float | None:
    return None if value is None else round_half_up(value)


def _changes(
    kind: str, old: dict[str, float | None], new: dict[str, float | None], names: dict[str, str]
) -> list[Change]:
    out = []
    for code in sorted(set(old) | set(new)):
        before, after = _published(old.get(code)), _published(new.get(code))
        if before != after:
            out.append(Change(kind, code, names.get(code, code), before, after))
    return out


def adjustment_changes(adjustment: Adjustment) -> list[Change]:
    """Units' scores and cadres' finals of the month whose published value (2 decimals, half
    up) differs between the adjustment's previous and new run."""
    old_run, new_run, month = adjustment.previous_run, adjustment.new_run, adjustment.period.month
    if old_run is None or new_run is None or new_run.state != Run.State.DONE:
        return []

    def units(run: Run) -> dict[str, float | None]:
        rows = UnitMonthly.objects.filter(run=run, month=month).values_list("unit_code", "score")
        return {str(code): score for code, score in rows}

    def cadres(run: Run) -> dict[str, float | None]:
        rows = CadreMonthly.objects.filter(run=run, month=month).values_list("cadre_code", "final")
        return {str(code): final for code, final in rows}

    old_u, new_u = units(old_run), units(new_run)
    old_c, new_c = cadres(old_run), cadres(new_run)
    changed = _changes("unit", old_u, new_u, unit_names(set(old_u) | set(new_u)))
    cadre_codes = {c for c in set(old_c) | set(new_c) if old_c.get(c) != new_c.get(c)}
    return changed + _changes("cadre", old_c, new_c, cadre_names(cadre_codes))


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-id")


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@dataclass(frozen=True, slots=True)
class Due:
    """The deadline a month is waiting on, and what for."""

    period: Period
    step: str
    due: dt.date


def period_due(period: Period) -> Due | None:
    """The current step's deadline (None when locked)."""
    state = Period.State
    if period.state in (state.OPEN, state.COLLECTING):
        return Due(period, "submit", period.submit_due)
    if period.state == state.SUBMITTED:
        return Due(period, "review", period.review_due)
    if period.state == state.REVIEWED:
        return Due(period, "publish", period.publish_due)
    if period.state == state.PUBLISHED and period.objections_until is not None:
        return Due(period, "lock", period.objections_until)
    return None
