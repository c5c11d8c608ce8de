"""The one published grade of every subject of a year's run: the engine's grade unless the
year's close rests on that run and holds an override (then the override's grade, marked as
overridden with its reason). Every page, export and API answer that shows an annual grade reads
it from here, so the close page, ``/annual/``, the API, the workbook and the 公示 notice agree."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Q

from kaohe.followup.models import AnnualClose, GradeOverride
from kaohe.followup.services.close import TOP_GRADES
from kaohe.results.models import AnnualResult, QuotaGroup, Run

Key = tuple[str, str]  # (subject type, subject code)


@dataclass(frozen=True, slots=True)
class EffectiveGrade:
    grade: str  # the published grade
    engine_grade: str  # the engine's stored grade
    override_reason: str = ""  # the office's reason when overridden

    @property
    def overridden(self) -> bool:
        return self.grade != self.engine_grade or bool(self.override_reason)


def overrides_of(run: Run) -> dict[Key, GradeOverride]:
    """The overrides that apply to ``run``: those of the year's close when it rests on this run
    (one query; none when the year is not closed or was closed on another run)."""
    rows = GradeOverride.objects.filter(close__run=run, close__year=run.year)
    return {(o.subject_type, o.subject_code): o for o in rows}


def effective_grades(
    run: Run,
    results: Iterable[AnnualResult] | None = None,
    *,
    overrides: Mapping[Key, GradeOverride] | None = None,
) -> dict[Key, EffectiveGrade]:
    """Subject → its published grade, for ``results`` (default: every annual result of the run).

    ``overrides`` may be passed when the caller already read them (``overrides_of``)."""
    found = overrides_of(run) if overrides is None else overrides
    rows = AnnualResult.objects.filter(run=run) if results is None else results
    out: dict[Key, EffectiveGrade] = {}
    for r in rows:
        key = (r.subject_type or "", r.subject_code or "")
        engine = r.grade or ""
        override = found.get(key)
        out[key] = (
            EffectiveGrade(override.grade, engine, override.reason)
            if override is not None
            else EffectiveGrade(engine, engine)
        )
    return out


def effective_grade_where(
    run: Run, grade: str, *, overrides: Mapping[Key, GradeOverride] | None = None
) -> Q:
    """A filter on annual rows of ``run`` whose published grade is ``grade`` (one query, none
    when ``overrides`` are given)."""
    overridden = overrides_of(run) if overrides is None else overrides
    where = Q(grade=grade)
    for (subject_type, code), override in overridden.items():
        subject = Q(subject_type=subject_type, subject_code=code)
        if override.grade == grade:
            where |= subject
        else:
            where &= ~subject
    return where


@dataclass(frozen=True, slots=True)
class EffectiveQuota:
    """A quota group with the top grades the engine granted and those published (after the
    overrides; never above ``quota``, which the override service guarantees)."""

    quota_group: str
    subject_type: str
    n: int
    quota: int
    candidates: int
    granted: int  # by the engine
    used: int  # top grades published

    @property
    def left(self) -> int:
        return self.quota - self.used


@dataclass(frozen=True, slots=True)
class EffectiveSummary:
    quota: list[EffectiveQuota]  # every quota group with its published top grades
    grades: dict[str, dict[str, int]]  # subject type → published grade → how many


def effective_summary(
    run: Run, *, overrides: Mapping[Key, GradeOverride] | None = None
) -> EffectiveSummary:
    """Quota use and grade counts of ``run`` as published (two queries, three without
    ``overrides``)."""
    groups = list(QuotaGroup.objects.filter(run=run).order_by("subject_type", "quota_group"))
    rows = list(
        AnnualResult.objects.filter(run=run).only(
            "subject_type", "subject_code", "grade", "quota_group"
        )
    )
    effective = effective_grades(run, rows, overrides=overrides)
    used: Counter[str] = Counter()
    counts: dict[str, Counter[str]] = {}
    for r in rows:
        grade = effective[(r.subject_type or "", r.subject_code or "")].grade
        counts.setdefault(r.subject_type or "", Counter())[grade] += 1
        if grade in TOP_GRADES:
            used[r.quota_group or ""] += 1
    quota = [
        EffectiveQuota(
            quota_group=g.quota_group or "",
            subject_type=g.subject_type or "",
            n=g.n or 0,
            quota=g.quota or 0,
            candidates=g.candidates or 0,
            granted=g.granted or 0,
            used=used[g.quota_group or ""],
        )
        for g in groups
    ]
    grades = {kind: dict(sorted(c.items())) for kind, c in sorted(counts.items())}
    return EffectiveSummary(quota, grades)


def effective_quota_use(run: Run) -> list[EffectiveQuota]:
    """Every quota group of ``run`` with its published top grades (three queries)."""
    return effective_summary(run).quota


def effective_grade_counts(run: Run) -> dict[str, dict[str, int]]:
    """Subject type → published grade → how many (three queries)."""
    return effective_summary(run).grades


def close_of(run: Run) -> AnnualClose | None:
    """The year's close when it rests on ``run`` (one query)."""
    return AnnualClose.objects.filter(run=run, year=run.year).first()
