"""Reads of the bottom-rank follow-up: the actions of a year, overdue ones, one action with its
records, a cadre's ladder history, and the follow-up of the /actions/ page's rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, QuerySet

from kaohe.accounts.scope import AnyUser, subject_rows
from kaohe.followup.models import FollowUpAction, FollowUpRecord
from kaohe.results.models import BottomAction

PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class ActionFilter:
    period: str = ""
    state: str = ""
    overdue: bool = False
    owner: str = ""


def _year(year: int, user: AnyUser) -> QuerySet[FollowUpAction]:
    """The year's actions of the subjects ``user`` may see (kaohe.accounts.scope)."""
    return subject_rows(FollowUpAction.objects.filter(year=year), user)


def _query(
    year: int, where: ActionFilter, today: dt.date, user: AnyUser
) -> QuerySet[FollowUpAction]:
    query = _year(year, user).annotate(n_records=Count("records"))
    if where.period:
        query = query.filter(period=where.period)
    if where.state:
        query = query.filter(state=where.state)
    if where.owner:
        query = query.filter(owner=where.owner)
    if where.overdue:
        query = query.filter(state=FollowUpAction.State.OPEN, due_on__lt=today)
    return query.order_by("due_on", "period", "subject_type", "subject_code")


def actions_page(
    year: int, where: ActionFilter, today: dt.date, number: int, *, user: AnyUser
) -> Page[FollowUpAction]:
    """One page of the year's actions ``user`` may see (a count and a page query)."""
    return Paginator(_query(year, where, today, user), PAGE_SIZE).get_page(number)


def action_periods(year: int, *, user: AnyUser) -> list[str]:
    return sorted(set(_year(year, user).values_list("period", flat=True).distinct()))


def action_owners(year: int, *, user: AnyUser) -> list[str]:
    """The owners of the year's actions (the office first, then unit codes)."""
    owners = set(_year(year, user).values_list("owner", flat=True))
    return sorted(owners, key=lambda o: (o != "office", o))


def overdue_count(year: int, today: dt.date, *, user: AnyUser) -> int:
    return _year(year, user).filter(state=FollowUpAction.State.OPEN, due_on__lt=today).count()


def action_get(action_id: int) -> FollowUpAction:
    return FollowUpAction.objects.prefetch_related(
        Prefetch("records", queryset=FollowUpRecord.objects.select_related("recorded_by"))
    ).get(pk=action_id)


def ladder(subject_type: str, code: str) -> list[FollowUpAction]:
    """Every action of a subject, all years, in period order, with their records (two
    queries): the whole ladder (谈话提醒 → 岗位调整 → 严肃处理)."""
    return list(
        FollowUpAction.objects.filter(subject_type=subject_type, subject_code=code)
        .prefetch_related("records")
        .order_by("year", "step", "period")
    )


def followups_of(rows: Iterable[BottomAction]) -> dict[int, FollowUpAction]:
    """The follow-up action of each of the engine's rows, by the row's id (one query)."""
    rows = list(rows)
    codes = {r.subject_code for r in rows}
    periods = {r.period for r in rows}
    actions = FollowUpAction.objects.filter(subject_code__in=codes, period__in=periods).annotate(
        n_records=Count("records")
    )
    found = {(a.period, a.subject_type, a.subject_code): a for a in actions}
    return {
        r.pk: found[key]
        for r in rows
        if (key := (r.period or "", r.subject_type or "", r.subject_code or "")) in found
    }
