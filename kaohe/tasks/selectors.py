"""Reads of the tasks pages: a unit's decomposition, a section's results form, the
decomposition check, reports to rate. Lists of people are cut by kaohe.accounts.scope and the
predicates of :mod:`kaohe.tasks.permissions`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from kaohe.accounts.scope import AnyUser, scope_for
from kaohe.collection.models import IndicatorResult, Task
from kaohe.core.periods import month_end
from kaohe.org.models import Assignment, Cadre, Post, Section, Unit
from kaohe.tasks import permissions
from kaohe.tasks.models import Milestone, PostTask, Report


def holders(post_ids: list[int], year: int, month: int) -> dict[int, Cadre]:
    """Who holds each post on the month's last day (one query)."""
    day = month_end(year, month)
    rows = (
        Assignment.objects.filter(post_id__in=post_ids, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("cadre")
        .order_by("start")
    )
    return {a.post_id: a.cadre for a in rows}


@dataclass
class SectionBlock:
    section: Section
    tasks: list[Task] = field(default_factory=list)
    milestones: dict[int, list[Milestone]] = field(default_factory=dict)
    posts: list[tuple[Post, Cadre | None, list[PostTask]]] = field(default_factory=list)
    manages: bool = False  # the user manages this section's post tasks and results


def unit_decomposition(
    unit: Unit, year: int, month: int, user: AnyUser
) -> tuple[list[SectionBlock], list[tuple[Post, Cadre | None, list[PostTask]]]]:
    """The unit's sections with their tasks of the year (milestones by task) and their posts
    with the month's post tasks; and the posts without a section (leaders), the same way."""
    sections = list(Section.objects.filter(unit=unit).order_by("code"))
    tasks = list(Task.objects.filter(year=year, section__unit=unit).order_by("code"))
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for m in Milestone.objects.filter(task__in=tasks).order_by("month", "pk"):
        milestones[m.task_id].append(m)
    posts = list(Post.objects.filter(unit=unit).order_by("code"))
    held = holders([p.pk for p in posts], year, month)
    by_post: dict[int, list[PostTask]] = defaultdict(list)
    for pt in PostTask.objects.filter(year=year, month=month, post__unit=unit).select_related(
        "task"
    ):
        by_post[pt.post_id].append(pt)
    blocks = {
        sec.pk: SectionBlock(
            section=sec,
            manages=permissions.can_manage_section(user, unit.code, sec.code),
        )
        for sec in sections
    }
    for t in tasks:
        blocks[t.section_id].tasks.append(t)
        blocks[t.section_id].milestones[t.pk] = milestones.get(t.pk, [])
    loose = []
    for p in posts:
        row = (p, held.get(p.pk), by_post.get(p.pk, []))
        if p.section_id is not None and p.section_id in blocks:
            blocks[p.section_id].posts.append(row)
        else:
            loose.append(row)
    return list(blocks.values()), loose


def section_results(
    section: Section, year: int, month: int
) -> list[tuple[Task, object, list[Milestone]]]:
    """The section's tasks with the month's stored result (or None) and milestones."""
    tasks = list(Task.objects.filter(year=year, section=section).order_by("code"))
    stored = {
        r.indicator: r
        for r in IndicatorResult.objects.filter(year=year, subject_code=section.code, month=month)
    }
    by_task: dict[int, list[Milestone]] = defaultdict(list)
    for m in Milestone.objects.filter(task__in=tasks, month=month).order_by("pk"):
        by_task[m.task_id].append(m)
    return [(t, stored.get(t.code), by_task.get(t.pk, [])) for t in tasks]


@dataclass(frozen=True, slots=True)
class CheckRow:
    """A unit's decomposition of a month: posts held without a post task, sections without a
    task of the year."""

    unit: Unit
    posts: int
    posts_missing: int
    sections: int
    sections_missing: int

    @property
    def gaps(self) -> int:
        return self.posts_missing + self.sections_missing


def decomposition_check(year: int, month: int, units: frozenset[str] | None) -> list[CheckRow]:
    """Every unit (or ``units``) with its gaps of the month, units with gaps first (most
    first), then by code. A post counts when someone holds it on the month's last day."""
    query: QuerySet[Unit] = Unit.objects.filter(active=True).order_by("code")
    if units is not None:
        query = query.filter(code__in=units)
    unit_list = list(query)
    day = month_end(year, month)
    held = set(
        Assignment.objects.filter(post__unit__in=unit_list, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .values_list("post_id", "post__unit_id")
    )
    with_tasks = set(
        PostTask.objects.filter(year=year, month=month, post__unit__in=unit_list).values_list(
            "post_id", flat=True
        )
    )
    sections: dict[int, list[int]] = defaultdict(list)
    for pk, unit_id in Section.objects.filter(unit__in=unit_list).values_list("pk", "unit_id"):
        sections[unit_id].append(pk)
    tasked = set(
        Task.objects.filter(year=year, section__unit__in=unit_list).values_list(
            "section_id", flat=True
        )
    )
    rows = []
    for unit in unit_list:
        posts = [p for p, u in held if u == unit.pk]
        secs = sections.get(unit.pk, [])
        rows.append(
            CheckRow(
                unit=unit,
                posts=len(posts),
                posts_missing=sum(1 for p in posts if p not in with_tasks),
                sections=len(secs),
                sections_missing=sum(1 for s in secs if s not in tasked),
            )
        )
    return sorted(rows, key=lambda r: (-r.gaps, r.unit.code))


def reports_to_rate(user: AnyUser, year: int, month: int, unit: str = "") -> list[Report]:
    """The month's submitted and rated reports of the people ``user`` rates (rules.md §6). The
    office rates principals: without ``unit`` it is shown theirs, with ``unit`` that unit's
    people (the district's fallback rater)."""
    scope = scope_for(user)
    query = (
        Report.objects.filter(year=year, month=month)
        .select_related("cadre", "post__unit", "post__section")
        .prefetch_related("lines", "files")
        .order_by("post__unit__code", "post__code")
    )
    if scope.full:
        query = (
            query.filter(post__unit__code=unit)
            if unit
            else query.filter(post__role=Post.Role.PRINCIPAL)
        )
    else:
        staff = Q(post__role=Post.Role.STAFF)
        where = Q(staff, post__section__code__in=scope.sections)
        where |= Q(post__unit__code__in=scope.units) & (
            Q(post__role=Post.Role.LEADER) | Q(staff, post__section__isnull=True)
        )
        query = query.filter(where) if scope.units or scope.sections else query.none()
    return [r for r in query if permissions.can_rate(user, r.post, r.cadre.code)]
