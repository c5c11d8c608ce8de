"""Reads of the training plan: courses with progress, a course's people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from kaohe.followup.models import TrainingCourse, TrainingEnrolment
from kaohe.org.models import Assignment


def courses(year: int) -> QuerySet[TrainingCourse]:
    """The year's courses with how many need them and how many completed (one query)."""
    return (
        TrainingCourse.objects.filter(year=year)
        .annotate(
            total=Count("people"),
            done=Count("people", filter=Q(people__completed_on__isnull=False)),
        )
        .order_by("-total", "tag", "form")
    )


def course_get(course_id: int) -> TrainingCourse:
    return TrainingCourse.objects.get(pk=course_id)


def course_people(course: TrainingCourse) -> list[TrainingEnrolment]:
    return list(
        course.people.select_related("recorded_by").order_by(
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
