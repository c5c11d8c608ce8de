"""The training plan (培训补课, rules.md §10) from a run's weak tags, and completions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.followup.models import TrainingCourse, TrainingEnrolment
from kaohe.followup.services import FollowupError
from kaohe.results.models import Run, TrainingNeed


@dataclass(frozen=True, slots=True)
class PlanCounts:
    courses: int  # created
    people: int  # created
    updated: int  # people whose periods or achievement changed


@transaction.atomic
def training_plan_from_run(*, run: Run) -> PlanCounts:
    """One course per weak tag and form of the run's training table, one enrolment per subject
    who needs it (the periods in which the tag was weak, the lowest achievement).

    Idempotent: existing courses and enrolments are updated, completions kept.
    """
    if run.state != Run.State.DONE:
        raise FollowupError(_("计算批次 #%(run)d 尚未完成。") % {"run": run.pk})
    needs: dict[tuple[str, str], dict[tuple[str, str], list[TrainingNeed]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for need in TrainingNeed.objects.filter(run=run).order_by("period"):
        topic = (need.tag or "", need.form or TrainingCourse.Form.ONLINE)
        needs[topic][(need.subject_type or "", need.subject_code or "")].append(need)
    courses = {(c.tag, c.form): c for c in TrainingCourse.objects.filter(year=run.year)}
    new_courses = [
        TrainingCourse(year=run.year, tag=tag, form=form)
        for tag, form in needs
        if (tag, form) not in courses
    ]
    for course in new_courses:
        course.full_clean(validate_unique=False, validate_constraints=False)
    TrainingCourse.objects.bulk_create(new_courses)
    courses |= {(c.tag, c.form): c for c in new_courses}
    existing = {
        (e.course_id, e.subject_type, e.subject_code): e
        for e in TrainingEnrolment.objects.select_for_update().filter(course__year=run.year)
    }
    new: list[TrainingEnrolment] = []
    changed: list[TrainingEnrolment] = []
    for topic, people in needs.items():
        course = courses[topic]
        for (kind, code), rows in people.items():
            periods = ";".join(sorted({r.period or "" for r in rows}))
            lows = [r.achievement for r in rows if r.achievement is not None]
            achievement = min(lows) if lows else None
            enrolment = existing.get((course.pk, kind, code))
            if enrolment is None:
                new.append(
                    TrainingEnrolment(
                        course=course,
                        subject_type=kind,
                        subject_code=code,
                        periods=periods,
                        achievement=achievement,
                    )
                )
            elif (enrolment.periods, enrolment.achievement) != (periods, achievement):
                enrolment.periods, enrolment.achievement = periods, achievement
                changed.append(enrolment)
    TrainingEnrolment.objects.bulk_create(new)
    TrainingEnrolment.objects.bulk_update(changed, ["periods", "achievement"], batch_size=200)
    return PlanCounts(courses=len(new_courses), people=len(new), updated=len(changed))


@transaction.atomic
def training_complete(
    *, enrolment: TrainingEnrolment, completed_on: dt.date | None, user: User | None
) -> TrainingEnrolment:
    """Record (or, with ``completed_on`` None, clear) a person's completion of a course."""
    if completed_on is not None and completed_on > timezone.localdate():
        raise FollowupError(_("完成日期不能晚于今天。"))
    enrolment.completed_on, enrolment.recorded_by = completed_on, user
    enrolment.full_clean()
    enrolment.save(update_fields=["completed_on", "recorded_by", "updated"])
    return enrolment
