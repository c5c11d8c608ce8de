"""Ballots and survey answers → the year's evaluation rows, which the engine reads (§7).

A closed round gives one ``democratic`` row per subject, rater group and item: ``score`` is the
mean of the group's ballots for that item (levels × 100), ``ballots`` their number, ``period`` the
round's year, ``rater_id`` empty. The engine weighs the items (``annual.team_items`` /
``annual.cadre_items``) and the rater groups (``annual.rater_groups``), leaving out groups
without rows. A group with fewer than ``KAOHE_BALLOT_MIN_SHOWN`` ballots for a subject is not
written (the §12 rule: such a small group's mean would tell how its few voters voted).

A survey gives one ``democratic`` row for its unit's team without item, in the rater group
``KAOHE_SURVEY_RATER_GROUP`` (service recipients vote with the subordinates, docs/rules.md §7):
the mean of its answers and their number. The rows are written with the importer's upsert
(:func:`kaohe.collection.services.data_load`), with history, like an imported evaluations table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl
from django.conf import settings
from django.db.models import Avg, Count

from kaohe.accounts.models import User
from kaohe.collection.services import data_load
from kaohe.engine import schema as s
from kaohe.engine.dataset import table_schema
from kaohe.evaluations.models import ClosedMark, Round, Survey, SurveyAnswer


@dataclass(frozen=True, slots=True)
class GroupItem:
    """The mean of one rater group's ballots for one subject and item."""

    subject_code: str
    group: str
    item: str
    score: float
    ballots: int


def minimum_ballots() -> int:
    return int(settings.KAOHE_BALLOT_MIN_SHOWN)


def group_items(marks: Iterable[tuple[str, str, str, float]]) -> list[GroupItem]:
    """(subject code, group, item, score) of every mark → per subject, group and item the mean
    and the number of ballots, sorted by subject, group and item."""
    sums: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for subject, group, item, score in marks:
        sums[(subject, group, item)].append(score)
    return [GroupItem(k[0], k[1], k[2], sum(v) / len(v), len(v)) for k, v in sorted(sums.items())]


def round_group_items(round_: Round) -> list[GroupItem]:
    """The closed round's means per subject, rater group and item (every group)."""
    rows = ClosedMark.objects.filter(ballot__round=round_).values_list(
        "subject__code", "ballot__group", "item", "score"
    )
    return group_items(rows)


def _frame(rows: list[dict[str, object]]) -> pl.DataFrame:
    schema = table_schema(s.EVALUATIONS)
    columns = [c for c in schema.names() if c != s.ROW]
    return pl.DataFrame(rows, schema={c: schema[c] for c in columns})


def _row(
    *, subject: str, year: int, item: str | None, group: str, score: float, n: int
) -> dict[str, object]:
    return {
        s.SUBJECT_ID: subject,
        s.PERIOD: str(year),
        s.KIND: s.EVAL_DEMOCRATIC,
        s.ITEM: item,
        s.RATER_GROUP: group,
        s.SCORE: score,
        s.BALLOTS: n,
        s.RATER_ID: None,
    }


def evaluations_write(*, round_: Round, user: User | None = None) -> int:
    """Write the closed round's rows (groups with enough ballots); the number of rows."""
    least = minimum_ballots()
    rows = [
        _row(
            subject=g.subject_code,
            year=round_.year,
            item=g.item,
            group=g.group,
            score=g.score,
            n=g.ballots,
        )
        for g in round_group_items(round_)
        if g.ballots >= least
    ]
    if rows:
        data_load(
            frames={s.EVALUATIONS: _frame(rows)},
            year=round_.year,
            user=user,
            reason=f"democratic round {round_.pk}"[:100],
        )
    return len(rows)


def survey_summary(survey: Survey) -> tuple[int, float | None]:
    """The number of answers and their mean score."""
    found = SurveyAnswer.objects.filter(survey=survey).aggregate(n=Count("id"), mean=Avg("score"))
    return int(found["n"] or 0), found["mean"]


def survey_rows(survey: Survey) -> list[dict[str, object]]:
    """The survey's evaluation row, when it has at least the minimum of answers."""
    n, mean = survey_summary(survey)
    if mean is None or n < minimum_ballots():
        return []
    group = str(settings.KAOHE_SURVEY_RATER_GROUP)
    return [
        _row(
            subject=survey.unit.code,
            year=survey.year,
            item=None,
            group=group,
            score=float(mean),
            n=n,
        )
    ]


def survey_write(*, survey: Survey, user: User | None = None) -> int:
    rows = survey_rows(survey)
    if rows:
        data_load(
            frames={s.EVALUATIONS: _frame(rows)},
            year=survey.year,
            user=user,
            reason=f"public survey {survey.pk}"[:100],
        )
    return len(rows)
