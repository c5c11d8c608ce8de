"""Writes of democratic evaluation rounds: create, issue tokens, open, cast a ballot, close.

The anonymity and single-vote guarantees live here (docs/evaluations.md):

- :func:`ballot_cast` marks the token used and stores the ballot in one transaction: the token
  row is locked (``SELECT … FOR UPDATE`` on PostgreSQL), flipped by a conditional
  ``UPDATE … SET used = true WHERE used = false`` whose row count must be 1 (the check that also
  holds on SQLite, where writers are serialised by the database lock), and a receipt unique per
  token is inserted; any second submission of a token stores nothing.
- :func:`round_close` copies the ballots in random order into the closed tables under new UUIDs,
  deletes the originals, and writes the aggregated rows into the year's evaluations
  (:mod:`kaohe.evaluations.aggregate`), which the engine's next run reads.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.evaluations.aggregate import evaluations_write
from kaohe.evaluations.labels import group_label
from kaohe.evaluations.models import (
    Ballot,
    BallotToken,
    CastReceipt,
    ClosedBallot,
    ClosedMark,
    Mark,
    Rater,
    Round,
    Subject,
)
from kaohe.evaluations.tokens import token_digest, token_new
from kaohe.org.models import Assignment, Cadre, Post, Unit
from kaohe.plans.models import Plan

SQLITE_LOCK_RETRIES = 40
SQLITE_LOCK_PAUSE = 0.01  # seconds, growing with each try


class EvaluationError(Exception):
    """A refused request; ``errors`` maps a field (or ``""``) to its messages."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors = {k: list(v) for k, v in errors.items()}
        super().__init__(self.text())

    def text(self) -> str:
        """Every message, joined (for a page message)."""
        return "；".join(m for messages in self.errors.values() for m in messages)


class BallotRefusedError(Exception):
    """A ballot that was not stored: unknown or used token, round not open."""


class IncompleteBallotError(BallotRefusedError):
    """A ballot without a level for some subject and item: nothing stored, the token unused."""


@dataclass(frozen=True, slots=True)
class GroupRaters:
    """The raters of one group as the office lists them: cadre codes and outside raters."""

    cadre_codes: tuple[str, ...] = ()
    outside: int = 0


@dataclass(frozen=True, slots=True)
class IssuedToken:
    rater: Rater
    token: str


def _plan_settings(
    year: int, kind: str
) -> tuple[list[list[object]], list[list[object]], dict[str, float]]:
    """Items, levels and rater groups of the year's plan (docs/plan.md ``annual``)."""
    row = Plan.objects.filter(year=year).first()
    if row is None:
        raise EvaluationError({"year": [_("%(year)s 年度尚无考核方案") % {"year": year}]})
    plan = row.parsed()
    items = plan.annual.team_items if kind == Round.Kind.TEAM else plan.annual.cadre_items
    return (
        [[i.name, i.weight] for i in items],
        [[name, value] for name, value in plan.rating_levels.items()],
        dict(plan.annual.rater_groups),
    )


def _team_units(cadres: Sequence[Cadre], on: date) -> dict[int, int]:
    """cadre id → the unit whose leadership team the cadre is in on ``on`` (principal/leader)."""
    held = Assignment.objects.filter(
        Q(end__isnull=True) | Q(end__gte=on),
        cadre__in=cadres,
        start__lte=on,
        post__role__in=(Post.Role.PRINCIPAL, Post.Role.LEADER),
    ).values_list("cadre_id", "post__unit_id")
    return dict(held)


@transaction.atomic
def round_create(
    *,
    year: int,
    name: str,
    kind: str,
    subject_codes: Sequence[str],
    raters: Mapping[str, GroupRaters],
    user: User | None = None,
) -> Round:
    """A draft round of the plan's items, levels and rater groups, with its subjects and raters.

    Every problem is reported at once by field (``subjects`` or ``raters_<group>``) naming the
    code; nothing is written then.
    """
    items, levels, groups = _plan_settings(year, kind)
    errors: dict[str, list[str]] = {}
    codes = list(dict.fromkeys(c.strip() for c in subject_codes if c.strip()))
    if kind == Round.Kind.TEAM:
        found: dict[str, Unit | Cadre] = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    else:
        found = {c.code: c for c in Cadre.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if not codes:
        errors["subjects"] = [_("至少需要一个测评对象")]
    elif missing:
        what = _("单位") if kind == Round.Kind.TEAM else _("干部")
        errors["subjects"] = [
            _("%(what)s编号不存在：%(codes)s") % {"what": what, "codes": "、".join(missing)}
        ]
    unknown = [g for g in raters if g not in groups]
    if unknown:
        errors["raters"] = [
            _("测评群体不在考核方案中：%(groups)s") % {"groups": "、".join(unknown)}
        ]
    rater_codes = {
        g: list(dict.fromkeys(c.strip() for c in spec.cadre_codes if c.strip()))
        for g, spec in raters.items()
    }
    all_codes = [c for cs in rater_codes.values() for c in cs]
    cadres = {c.code: c for c in Cadre.objects.filter(code__in=all_codes)}
    seen: dict[str, str] = {}
    for group, cs in rater_codes.items():
        bad = [c for c in cs if c not in cadres]
        twice = [c for c in cs if c in seen and seen[c] != group]
        for c in cs:
            seen.setdefault(c, group)
        field = f"raters_{group}"
        if bad:
            errors.setdefault(field, []).append(
                _("干部编号不存在：%(codes)s") % {"codes": "、".join(bad)}
            )
        if twice:
            errors.setdefault(field, []).append(
                _("已在其他测评群体中：%(codes)s") % {"codes": "、".join(twice)}
            )
        if raters[group].outside < 0:
            errors.setdefault(field, []).append(_("人数不能为负数"))
    if not errors and not all_codes and sum(r.outside for r in raters.values()) == 0:
        errors["raters"] = [_("至少需要一名测评人")]
    if errors:
        raise EvaluationError(errors)
    round_ = Round(
        year=year, name=name, kind=kind, items=items, levels=levels, groups=groups, created_by=user
    )
    round_.full_clean()
    round_.save()
    Subject.objects.bulk_create(
        Subject(
            round=round_,
            unit=obj if isinstance(obj, Unit) else None,
            cadre=obj if isinstance(obj, Cadre) else None,
            code=obj.code,
            name=obj.name,
        )
        for obj in (found[c] for c in codes)
    )
    teams = _team_units(list(cadres.values()), timezone.localdate())
    new: list[Rater] = []
    for group, cs in rater_codes.items():
        new += [
            Rater(
                round=round_,
                group=group,
                label=f"{cadres[c].code} {cadres[c].name}",
                cadre=cadres[c],
                team_unit_id=teams.get(cadres[c].pk),
            )
            for c in cs
        ]
        new += [
            Rater(
                round=round_,
                group=group,
                label=_("%(group)s测评人 %(n)s") % {"group": group_label(group), "n": n},
            )
            for n in range(1, raters[group].outside + 1)
        ]
    Rater.objects.bulk_create(new)
    return round_


def rater_subjects(rater: Rater) -> list[Subject]:
    """The subjects ``rater`` rates: the round's subjects less the recused (回避) ones."""
    recused = set(rater.recused.values_list("pk", flat=True))
    out = []
    for subject in rater.round.subjects.all():
        if subject.pk in recused:
            continue
        if rater.cadre_id is not None and subject.cadre_id == rater.cadre_id:
            continue  # not themself
        if rater.team_unit_id is not None and subject.unit_id == rater.team_unit_id:
            continue  # not the leadership team they belong to
        out.append(subject)
    return out


@transaction.atomic
def rater_recuse(*, rater: Rater, subjects: Sequence[Subject]) -> Rater:
    """Record further recusals of ``rater`` (relatives and the like) before the round closes."""
    if rater.round.state == Round.State.CLOSED:
        raise EvaluationError({"": [_("测评已结束")]})
    rater.recused.add(*[s for s in subjects if s.round_id == rater.round_id])
    return rater


@transaction.atomic
def tokens_issue(*, round_: Round) -> list[IssuedToken]:
    """New one-time tokens for every rater who has not voted (replacing unused ones).

    The tokens are returned once, for the printed cards or links; only their digests are kept.
    """
    if round_.state == Round.State.CLOSED:
        raise EvaluationError({"": [_("测评已结束，不能再发放凭证")]})
    raters = list(
        Rater.objects.filter(round=round_)
        .exclude(token__used=True)
        .select_related("round")
        .order_by("group", "id")
    )
    BallotToken.objects.filter(rater__in=raters, used=False).delete()
    issued = [IssuedToken(r, token_new()) for r in raters]
    BallotToken.objects.bulk_create(
        BallotToken(rater=t.rater, digest=token_digest(t.token)) for t in issued
    )
    return issued


@transaction.atomic
def round_open(*, round_: Round) -> Round:
    """Start the voting of a draft round."""
    if round_.state != Round.State.DRAFT:
        raise EvaluationError({"": [_("只有准备中的测评可以开始投票")]})
    if not round_.subjects.exists() or not round_.raters.exists():
        raise EvaluationError({"": [_("测评需要测评对象和测评人")]})
    round_.state = Round.State.OPEN
    round_.opened = timezone.now()
    round_.save(update_fields=["state", "opened", "updated"])
    return round_


def token_rater(token: str) -> Rater:
    """The rater of an unused token of an open round; BallotRefusedError otherwise."""
    found = (
        BallotToken.objects.filter(digest=token_digest(token))
        .select_related("rater__round")
        .first()
    )
    if found is None:
        raise BallotRefusedError(_("投票凭证无效"))
    if found.used:
        raise BallotRefusedError(_("该凭证已投票，每个凭证只能投一次"))
    if found.rater.round.state != Round.State.OPEN:
        raise BallotRefusedError(_("该测评当前不在投票时间内"))
    return found.rater


def _marks(rater: Rater, levels: Mapping[str, str]) -> list[tuple[Subject, str, float]]:
    """(subject, item, score 0–100) for every subject and item ``rater`` rates.

    ``levels`` maps ``"<subject id>:<item index>"`` to a level name of the round.
    """
    values = {str(name): float(value) for name, value in rater.round.levels}
    out = []
    for subject in rater_subjects(rater):
        for index, (item, _weight) in enumerate(rater.round.items):
            level = levels.get(f"{subject.pk}:{index}", "")
            if level not in values:
                raise IncompleteBallotError(
                    _("请为 %(subject)s 的“%(item)s”选择等次")
                    % {"subject": subject.name, "item": item}
                )
            out.append((subject, str(item), round(values[level] * 100, 6)))
    return out


def ballot_cast(*, token: str, levels: Mapping[str, str]) -> None:
    """Store one anonymous ballot for ``token``; refuse a used token (exactly one ballot per
    token, however many submissions race). The ballot rows get random UUIDs and no time.

    On SQLite a submission that finds the database locked by another voter's write is tried
    again a few times (PostgreSQL waits on the row lock instead).
    """
    retry = connection.vendor == "sqlite" and not connection.in_atomic_block
    for attempt in range(SQLITE_LOCK_RETRIES if retry else 1):
        try:
            rater = token_rater(token)
            _cast(rater, _marks(rater, levels))
        except OperationalError as exc:
            if not retry or "locked" not in str(exc) or attempt == SQLITE_LOCK_RETRIES - 1:
                raise
            time.sleep(SQLITE_LOCK_PAUSE * (attempt + 1))
        else:
            return


def _cast(rater: Rater, marks: list[tuple[Subject, str, float]]) -> None:
    with transaction.atomic():
        if connection.features.has_select_for_update:
            # PostgreSQL: a racing submission waits here until this one commits or rolls back
            BallotToken.objects.select_for_update().filter(rater=rater).first()
        # the statement that decides, on every database: only one UPDATE finds used = false
        # (on SQLite it is the transaction's first statement, so it takes the write lock)
        flipped = BallotToken.objects.filter(rater=rater, used=False).update(used=True)
        if flipped != 1:
            raise BallotRefusedError(_("该凭证已投票，每个凭证只能投一次"))
        CastReceipt.objects.create(token=BallotToken.objects.get(rater=rater))
        ballot = Ballot.objects.create(id=uuid.uuid4(), round_id=rater.round_id, group=rater.group)
        Mark.objects.bulk_create(
            Mark(id=uuid.uuid4(), ballot=ballot, subject=s, item=item, score=score)
            for s, item, score in marks
        )


def _shuffle_ballots(round_: Round) -> int:
    """Copy the round's ballots in random order into the closed tables; delete the originals."""
    rng = random.SystemRandom()
    ballots = list(Ballot.objects.filter(round=round_).values_list("id", "group"))
    rng.shuffle(ballots)
    marks: dict[uuid.UUID, list[tuple[int, str, float]]] = {}
    for ballot_id, subject_id, item, score in Mark.objects.filter(ballot__round=round_).values_list(
        "ballot_id", "subject_id", "item", "score"
    ):
        marks.setdefault(ballot_id, []).append((subject_id, item, score))
    new_ids = {old: uuid.uuid4() for old, _g in ballots}
    ClosedBallot.objects.bulk_create(
        ClosedBallot(id=new_ids[old], round=round_, group=group) for old, group in ballots
    )
    closed_marks = [
        ClosedMark(id=uuid.uuid4(), ballot_id=new_ids[old], subject_id=s, item=i, score=v)
        for old, _g in ballots
        for s, i, v in marks.get(old, [])
    ]
    rng.shuffle(closed_marks)
    ClosedMark.objects.bulk_create(closed_marks, batch_size=2000)
    Mark.objects.filter(ballot__round=round_).delete()
    Ballot.objects.filter(round=round_).delete()
    return len(ballots)


@transaction.atomic
def round_close(*, round_: Round, user: User | None = None) -> int:
    """Close an open round: reshuffle its ballots, write the year's democratic evaluation rows
    (groups with at least the minimum of ballots) and return how many rows were written."""
    locked = Round.objects.select_for_update().get(pk=round_.pk)
    if locked.state != Round.State.OPEN:
        raise EvaluationError({"": [_("只有投票中的测评可以结束")]})
    _shuffle_ballots(locked)
    BallotToken.objects.filter(rater__round=locked, used=False).delete()  # no longer usable
    locked.state = Round.State.CLOSED
    locked.closed = timezone.now()
    locked.save(update_fields=["state", "closed", "updated"])
    round_.state, round_.closed = locked.state, locked.closed
    return evaluations_write(round_=locked, user=user)
