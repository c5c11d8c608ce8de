"""Shared set-up of the evaluation tests: a tiny organisation, rounds, voting by token."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from kaohe.evaluations.models import Rater, Round, Subject
from kaohe.evaluations.services import (
    GroupRaters,
    ballot_cast,
    rater_subjects,
    round_create,
    round_open,
    tokens_issue,
)
from kaohe.org.models import Assignment, Cadre, Post, Unit
from tests.web.conftest import YEAR

Chooser = Callable[[Subject, int], str]  # (subject, item index) → level name


def org() -> None:
    """Units U1, U2, U3; cadres C01…C40; C01 principal and C02 leader of U1, C03 principal of
    U2, C04 staff of U1 (all from 2020 on)."""
    units = [
        Unit.objects.create(code=f"U{i}", name=name, category="社会事业类")
        for i, name in ((1, "民政局"), (2, "教育局"), (3, "卫健委"))
    ]
    cadres = [
        Cadre.objects.create(code=f"C{i:02}", name=f"干部{i}", personnel_type="公务员")
        for i in range(1, 41)
    ]
    for code, unit, role, cadre in (
        ("P1", units[0], Post.Role.PRINCIPAL, cadres[0]),
        ("P2", units[0], Post.Role.LEADER, cadres[1]),
        ("P3", units[1], Post.Role.PRINCIPAL, cadres[2]),
        ("P4", units[0], Post.Role.STAFF, cadres[3]),
    ):
        post = Post.objects.create(code=code, unit=unit, name=code, role=role)
        Assignment.objects.create(cadre=cadre, post=post, start=date(2020, 1, 1))


def team_round(
    *,
    subjects: tuple[str, ...] = ("U1", "U2"),
    leaders: tuple[str, ...] = (),
    peers: tuple[str, ...] = (),
    subordinates: int = 0,
    outside_leaders: int = 0,
    outside_peers: int = 0,
    kind: str = Round.Kind.TEAM,
) -> Round:
    return round_create(
        year=YEAR,
        name="2026年度领导班子民主测评",
        kind=kind,
        subject_codes=subjects,
        raters={
            "leaders": GroupRaters(leaders, outside_leaders),
            "peers": GroupRaters(peers, outside_peers),
            "subordinates": GroupRaters((), subordinates),
        },
    )


def open_with_tokens(round_: Round) -> dict[int, str]:
    """Issue tokens and open the round: rater id → token."""
    issued = tokens_issue(round_=round_)
    round_open(round_=round_)
    return {t.rater.pk: t.token for t in issued}


def levels_for(rater: Rater, choose: Chooser) -> dict[str, str]:
    """The POST-style levels of a full ballot of ``rater``."""
    return {
        f"{subject.pk}:{index}": choose(subject, index)
        for subject in rater_subjects(rater)
        for index in range(len(rater.round.items))
    }


def vote(rater: Rater, token: str, choose: Chooser | str) -> None:
    pick: Chooser = (lambda _s, _i: choose) if isinstance(choose, str) else choose
    ballot_cast(token=token, levels=levels_for(rater, pick))


def group_raters(round_: Round, group: str) -> list[Rater]:
    return list(Rater.objects.filter(round=round_, group=group).order_by("id"))


def vote_group(
    round_: Round, tokens: Mapping[int, str], group: str, choices: list[Chooser | str]
) -> None:
    """The first ``len(choices)`` raters of ``group`` vote, one choice each."""
    raters = group_raters(round_, group)
    assert len(raters) >= len(choices)
    for rater, choose in zip(raters, choices, strict=False):
        vote(rater, tokens[rater.pk], choose)
