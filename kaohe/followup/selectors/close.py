"""Reads of the year's close: grades with overrides, vetoes and sanctions applied,
overrides, reviews and appeals (overdue ones first)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from kaohe.engine import schema as s
from kaohe.followup.models import AnnualClose, GradeOverride, ReviewRequest
from kaohe.followup.selectors.grades import effective_grades
from kaohe.results.models import AnnualResult, Run

# the engine's notes that mean a veto, a sanction or a team grade capped the subject (§5, §8)
CAP_NOTES = ("veto", "sanction", "unit_veto", "team_grade", "review_rejected")


def close_get(year: int) -> AnnualClose | None:
    return AnnualClose.objects.select_related("run", "closed_by").filter(year=year).first()


@dataclass(frozen=True, slots=True)
class GradeRow:
    kind: str  # "team", or a cadre's role (principal, leader, staff)
    counts: dict[str, int]  # grade → subjects, with the overrides applied
    overridden: int


def grade_table(run: Run) -> list[GradeRow]:
    """Grades of teams, principals, leaders and staff as published: the year's close's
    overrides applied (``kaohe.followup.selectors.grades``; two queries)."""
    counts: dict[str, Counter[str]] = {}
    moved: Counter[str] = Counter()
    rows = list(
        AnnualResult.objects.filter(run=run).only("subject_type", "subject_code", "role", "grade")
    )
    published = effective_grades(run, rows)
    for r in rows:
        kind = s.SUBJECT_TEAM if r.subject_type == s.SUBJECT_TEAM else r.role or ""
        effective = published[(r.subject_type or "", r.subject_code or "")]
        counts.setdefault(kind, Counter())[effective.grade] += 1
        moved[kind] += effective.overridden
    order = (s.SUBJECT_TEAM, s.ROLE_PRINCIPAL, s.ROLE_LEADER, s.ROLE_STAFF)
    grades = {
        kind: (*(s.TEAM_GRADES if kind == s.SUBJECT_TEAM else s.CADRE_GRADES), s.UNDETERMINED)
        for kind in counts
    }
    return [
        GradeRow(kind, {g: counts[kind][g] for g in grades[kind]}, moved[kind])
        for kind in sorted(counts, key=lambda k: order.index(k) if k in order else len(order))
    ]


def overrides_with_results(
    close: AnnualClose,
) -> list[tuple[GradeOverride, AnnualResult | None]]:
    """The close's overrides with the engine's result of each subject (two queries)."""
    overrides = list(close.overrides.select_related("decided_by"))
    results = {
        (r.subject_type, r.subject_code): r
        for r in AnnualResult.objects.filter(
            run_id=close.run_id, subject_code__in=[o.subject_code for o in overrides]
        )
    }
    return [(o, results.get((o.subject_type, o.subject_code))) for o in overrides]


def capped(run: Run) -> list[AnnualResult]:
    """Subjects whose grade a veto, a sanction, the team's grade or a rejected review capped
    (one query)."""
    where = Q()
    for note in CAP_NOTES:
        where |= Q(notes__contains=note)
    return list(
        AnnualResult.objects.filter(where, run=run).order_by("subject_type", "subject_code")
    )


def requests_list(close: AnnualClose, *, overdue_only: bool, today: dt.date) -> list[ReviewRequest]:
    """Reviews and appeals, unanswered first by due date (one query)."""
    query: QuerySet[ReviewRequest] = close.requests.select_related("filed_by", "answered_by")
    if overdue_only:
        query = query.filter(answered_on__isnull=True, due_on__lt=today)
    return sorted(query, key=lambda r: (r.answered_on is not None, r.due_on, r.pk))


def requests_overdue(today: dt.date) -> QuerySet[ReviewRequest]:
    """Unanswered requests past their due date, every year."""
    return ReviewRequest.objects.filter(answered_on__isnull=True, due_on__lt=today)
