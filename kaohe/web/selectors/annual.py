"""Annual results (年度结果), bottom-rank actions (末尾督考) and training needs (培训需求)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from kaohe.accounts.scope import AnyUser, subject_rows
from kaohe.engine import schema as s
from kaohe.followup.models import GradeOverride
from kaohe.followup.selectors.grades import (
    EffectiveSummary,
    Key,
    effective_grade_where,
    effective_grades,
    effective_summary,
    overrides_of,
)
from kaohe.results.models import (
    AnnualResult,
    BottomAction,
    CadreMonthly,
    Run,
    TrainingNeed,
)
from kaohe.web.selectors.common import subject_names

PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class AnnualFilter:
    subject_type: str = ""
    grade: str = ""
    unit: str = ""


def overrides(run: Run) -> dict[Key, GradeOverride]:
    """The year's close's overrides that apply to ``run`` (one query)."""
    return overrides_of(run)


def summary(run: Run, found: dict[Key, GradeOverride]) -> EffectiveSummary:
    """Quota use per group (graded subjects, quota, candidates, granted by the engine, used by
    the published grades) and the published grade counts (two queries)."""
    return effective_summary(run, overrides=found)


def _annual_query(
    run: Run, where: AnnualFilter, user: AnyUser, found: dict[Key, GradeOverride]
) -> QuerySet[AnnualResult]:
    """Annual rows ``user`` may see with the subject's unit (a team's own; a cadre's unit of
    its last scored month, read by a correlated subquery on the indexed cadre rows)."""
    last_unit = (
        CadreMonthly.objects.filter(run=run, cadre_code=OuterRef("subject_code"))
        .order_by("-month")
        .values("unit_code")[:1]
    )
    scoped: QuerySet[AnnualResult] = subject_rows(AnnualResult.objects.filter(run=run), user)
    query = scoped.annotate(unit=Subquery(last_unit))
    if where.subject_type:
        query = query.filter(subject_type=where.subject_type)
    if where.grade:  # the published grade (the close's overrides applied)
        query = query.filter(effective_grade_where(run, where.grade, overrides=found))
    if where.unit:
        query = query.filter(
            Q(subject_type=s.SUBJECT_TEAM, subject_code=where.unit)
            | Q(subject_type=s.SUBJECT_CADRE, unit=where.unit)
        )
    return query.order_by("subject_type", "quota_group", "rank", "subject_code")


def annual_page(
    run: Run,
    where: AnnualFilter,
    number: int,
    *,
    user: AnyUser,
    found: dict[Key, GradeOverride] | None = None,
) -> Page[AnnualResult]:
    """One page of the annual results ``user`` may see, each row with its published grade
    as ``effective`` (a count and a page query; and the overrides' without ``found``)."""
    found = overrides_of(run) if found is None else found
    page = Paginator(_annual_query(run, where, user, found), PAGE_SIZE).get_page(number)
    rows = list(page.object_list)
    grades = effective_grades(run, rows, overrides=found)
    for r in rows:
        r.effective = grades[(r.subject_type or "", r.subject_code or "")]
    page.object_list = rows
    return page


def undetermined(run: Run, *, user: AnyUser) -> list[AnnualResult]:
    """Subjects ``user`` may see without a grade (不定等次) and why (one query)."""
    query = subject_rows(AnnualResult.objects.filter(run=run, grade=s.UNDETERMINED), user)
    return list(query.order_by("subject_type", "subject_code"))


def names_of(rows: Iterable[AnnualResult | BottomAction | TrainingNeed]) -> dict[str, str]:
    """Names of the subjects of result rows (two queries at most)."""
    pairs = [(r.subject_type or "", r.subject_code or "") for r in rows]
    return subject_names(pairs)


def action_periods(run: Run) -> list[str]:
    """Periods that have bottom-rank actions, in order (one query)."""
    periods = BottomAction.objects.filter(run=run).values_list("period", flat=True).distinct()
    return sorted({p for p in periods if p})


def actions(run: Run, period: str, subject_type: str = "", *, user: AnyUser) -> list[BottomAction]:
    """The bottom-rank actions of ``period`` that ``user`` may see (one query)."""
    query = subject_rows(BottomAction.objects.filter(run=run, period=period), user)
    if subject_type:
        query = query.filter(subject_type=subject_type)
    return list(query.order_by("subject_type", "owner", "rank", "subject_code"))


@dataclass(frozen=True, slots=True)
class TagNeed:
    tag: str
    form: str
    counts: dict[str, int]  # subject type → subjects that need it

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def training_summary(run: Run, *, user: AnyUser) -> list[TagNeed]:
    """Weak tags by topic and form with how many subjects of each type (of those ``user`` may
    see) need them (one query)."""
    rows = (
        subject_rows(TrainingNeed.objects.filter(run=run), user)
        .values_list("tag", "form", "subject_type")
        .annotate(n=Count("id"))
        .order_by("tag", "form", "subject_type")
    )
    needs: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for tag, form, kind, n in rows:
        needs[(tag or "", form or "")][kind or ""] = n
    ordered = sorted(needs.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return [TagNeed(tag, form, counts) for (tag, form), counts in ordered]


def training_page(
    run: Run, tag: str, form: str, number: int, *, user: AnyUser
) -> Page[TrainingNeed]:
    """Who (of those ``user`` may see) needs training on ``tag`` (and ``form``), weakest first
    (a count and a page query)."""
    query = subject_rows(TrainingNeed.objects.filter(run=run), user)
    if tag:
        query = query.filter(tag=tag)
    if form:
        query = query.filter(form=form)
    ordered = query.order_by("tag", "achievement", "subject_type", "subject_code", "period")
    return Paginator(ordered, PAGE_SIZE).get_page(number)
