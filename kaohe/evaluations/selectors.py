"""Reads of rounds and surveys: lists, turnout (counts only), results (only from 5 ballots)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from kaohe.evaluations.aggregate import minimum_ballots, round_group_items, survey_summary
from kaohe.evaluations.models import Rater, Round, Subject, Survey

__all__ = [
    "SubjectResult",
    "Turnout",
    "minimum_ballots",
    "round_list",
    "round_results",
    "round_turnout",
    "survey_list",
    "survey_result",
]


def round_list() -> QuerySet[Round]:
    return Round.objects.annotate(
        n_subjects=Count("subjects", distinct=True), n_raters=Count("raters", distinct=True)
    ).order_by("-year", "-id")


@dataclass(frozen=True, slots=True)
class Turnout:
    """Per rater group: raters, tokens issued, votes cast (counts only, no names)."""

    group: str
    weight: float
    raters: int
    issued: int
    voted: int

    @property
    def share(self) -> float:
        return self.voted / self.raters if self.raters else 0.0


def round_turnout(round_: Round) -> list[Turnout]:
    """Turnout of every rater group of the round, in the plan's order of groups."""
    counts = {
        row["group"]: row
        for row in Rater.objects.filter(round=round_)
        .values("group")
        .annotate(
            raters=Count("id"),
            issued=Count("token"),
            voted=Count("token", filter=Q(token__used=True)),
        )
    }
    return [
        Turnout(
            group,
            float(weight),
            counts.get(group, {}).get("raters", 0),
            counts.get(group, {}).get("issued", 0),
            counts.get(group, {}).get("voted", 0),
        )
        for group, weight in round_.groups.items()
    ]


@dataclass(slots=True)
class SubjectResult:
    """A subject's results: per group and item the mean (None when the group is too small)."""

    subject: Subject
    ballots: int = 0
    shown: bool = False
    groups: dict[str, int] = field(default_factory=dict)  # group → ballots
    scores: dict[tuple[str, str], float | None] = field(default_factory=dict)  # (group, item)
    overall: float | None = None

    def table(
        self, groups: list[str], items: list[str]
    ) -> list[tuple[str, int, list[float | None]]]:
        """(group, ballots, [mean per item or None]) per rater group, for the page."""
        return [
            (g, self.groups.get(g, 0), [self.scores.get((g, i)) for i in items]) for g in groups
        ]


def round_results(round_: Round) -> list[SubjectResult]:
    """Per subject: results shown only when the subject has at least the minimum of ballots
    (and, within it, each group's means only when the group has that many). The overall score
    weighs items and groups as the engine does (groups shown only, renormalised)."""
    least = minimum_ballots()
    items = {str(name): float(weight) for name, weight in round_.items}
    out = {s.code: SubjectResult(s) for s in round_.subjects.all()}
    per_group: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for g in round_group_items(round_):
        result = out[g.subject_code]
        result.groups[g.group] = max(result.groups.get(g.group, 0), g.ballots)
        per_group[(g.subject_code, g.group)][g.item] = g.score
    for code, result in out.items():
        result.ballots = sum(result.groups.values())
        result.shown = result.ballots >= least
        if not result.shown:
            result.scores = {}
            continue
        total = weights = 0.0
        for group, n in result.groups.items():
            means = per_group[(code, group)]
            for item, score in means.items():
                result.scores[(group, item)] = score if n >= least else None
            if n >= least and means:
                w = sum(items.get(i, 1.0) for i in means)
                group_score = sum(means[i] * items.get(i, 1.0) for i in means) / w
                total += group_score * float(round_.groups.get(group, 0.0))
                weights += float(round_.groups.get(group, 0.0))
        result.overall = total / weights if weights else None
    return sorted(out.values(), key=lambda r: r.subject.code)


def survey_list() -> QuerySet[Survey]:
    return Survey.objects.select_related("unit").annotate(n_answers=Count("answers"))


def survey_result(survey: Survey) -> tuple[int, float | None]:
    """Number of answers and the mean (None below the minimum)."""
    n, mean = survey_summary(survey)
    return n, (mean if n >= minimum_ballots() else None)
