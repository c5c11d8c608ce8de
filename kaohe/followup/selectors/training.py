"""Reads of the training plan: courses with progress, a course's people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kaohe.accounts.scope import AnyUser, cadre_codes_for, scope_for
from kaohe.engine import schema as s
from kaohe.followup.models import TrainingCourse, TrainingEnrolment
from kaohe.org.models import Assignment


def visible(user: AnyUser, prefix: str = "") -> Q | None:
    """Enrolments ``user`` may see (None: every one): the people of their scope, and the
    units and teams they head (kaohe.accounts.scope)."""
    if scope_for(user).full:
        return None
    cadres = cadre_codes_for(user) or frozenset()
    units = scope_for(user).units
    return Q(
        **{f"{prefix}subject_type": s.SUBJECT_CADRE, f"{prefix}subject_code__in": list(cadres)}
    ) | Q(
        **{
            f"{prefix}subject_type__in": [s.SUBJECT_UNIT, s.SUBJECT_TEAM],
            f"{prefix}subject_code__in": list(units),
        }
    )


def courses(year: int, *, user: AnyUser) -> QuerySet[TrainingCourse]:
    """The year's courses with how many of the people ``user`` may see need them and how many
    completed (one query); courses without such people are left out."""
    mine = visible(user, "people__")
    counted = Q() if mine is None else mine
    query = (
        TrainingCourse.objects.filter(year=year)
        .annotate(
            total=Count("people", filter=counted),
            done=Count("people", filter=counted & Q(people__completed_on__isnull=False)),
        )
        .order_by("-total", "tag", "form")
    )
    return query if mine is None else query.filter(total__gt=0)


def course_get(course_id: int) -> TrainingCourse:
    return TrainingCourse.objects.get(pk=course_id)


def course_people(course: TrainingCourse, *, user: AnyUser) -> list[TrainingEnrolment]:
    """The course's people ``user`` may see."""
    mine = visible(user)
    query = course.people.all() if mine is None else course.people.filter(mine)
    return list(
        query.select_related("recorded_by").order_by(
            "completed_on", "subject_type", "achievement", "subject_code"
        )
    )


def cadre_units_now(codes: Iterable[str], on: dt.date | None = None) -> dict[str, str]:
    """Cadre code → the unit code of the post they hold on ``on`` (default today), one query."""
    day = on or timezone.localdate()
    rows = (
        Assignment.objects.filter(cadre__code__in=set(codes), start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .order_by("start")
        .values_list("cadre__code", "post__unit__code")
    )
    return dict(rows)  # the latest assignment wins
