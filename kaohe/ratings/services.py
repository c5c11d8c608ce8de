"""Writes of the ratings app: a rater's sheet saved as a draft or submitted, and reminders.

:func:`ratings_save` is the one write path. It refuses (:class:`RatingError`, nothing changed)
outside the period's window, for a locked month (kaohe.cycle.guard: the period's last month), a
row the rater may not rate (themself above all: 回避), a score outside 0–100 or a level the plan
does not know. Submitting writes the engine's ``Evaluation`` row of each submitted rating in the
same transaction (year, subject, period, kind, item, the rater's code; ``rater_group`` empty), and
removes the rater's own row when they clear a submitted rating. Rows of other raters and other
sources are never touched (docs/ratings.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.collection.models import Evaluation
from kaohe.cycle.guard import month_lock_check
from kaohe.cycle.services.notifications import notification_send
from kaohe.engine import schema as s
from kaohe.engine.plan import Plan as EnginePlan
from kaohe.org.models import Unit
from kaohe.plans.selectors import plan_for_year
from kaohe.ratings import selectors
from kaohe.ratings.models import Rating
from kaohe.ratings.periods import RatingPeriod, Window, periods_of, rating_window


class RatingError(Exception):
    """A save refused, with the reason to show; nothing was changed."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of a submitted sheet: a subject (and a political item), a score or a level."""

    subject_code: str
    score: float | None = None
    level: str = ""
    comment: str = ""
    item: str = ""


def plan_of(year: int) -> EnginePlan:
    row = plan_for_year(year=year)
    if row is None:
        raise RatingError(_("%(year)s 年度尚无考核方案") % {"year": year})
    return row.parsed()


def window_of(period: RatingPeriod, plan: EnginePlan) -> Window:
    return rating_window(period, plan.procedure.rating_days)


def rater_code(user: User) -> str:
    """The rater's code in the engine's rows: their cadre's code, else the account."""
    return selectors.user_cadre_code(user) or f"user:{user.username}"[:64]


def window_check(period: RatingPeriod, plan: EnginePlan, today: dt.date) -> None:
    window = window_of(period, plan)
    state = window.state(today)
    if state == "before":
        raise RatingError(
            _("%(period)s 的评价自 %(date)s 开始，现在还不能填写")
            % {"period": period.code, "date": window.opens.isoformat()}
        )
    if state == "closed":
        raise RatingError(
            _("%(period)s 的评价已于 %(date)s 截止，不能再修改")
            % {"period": period.code, "date": window.closes.isoformat()}
        )


def _value(entry: Entry, kind: str, plan: EnginePlan) -> tuple[float, str, str] | None:
    """(score, level, level text) of an entry; None when it is empty."""
    if kind == s.EVAL_POLITICAL:
        anchors = plan.political.anchors_of(entry.item)
        if anchors:
            if not entry.level:
                return None
            for anchor in anchors:
                if anchor.name == entry.level:
                    return anchor.score, anchor.name, anchor.text
            raise RatingError(_("“%(level)s”不是方案规定的等次") % {"level": entry.level})
    if entry.score is None and not entry.level:
        return None
    level_value = None
    if entry.level:
        if entry.level not in plan.rating_levels:
            raise RatingError(_("“%(level)s”不是方案规定的等次") % {"level": entry.level})
        level_value = 100.0 * plan.rating_levels[entry.level]
    score = entry.score if entry.score is not None else level_value
    assert score is not None
    if not 0 <= score <= 100:
        raise RatingError(_("得分须在 0 到 100 之间"))
    return float(score), entry.level, ""


def _evaluation_key(rating: Rating) -> dict[str, Any]:
    """The natural key of the evaluation row a rating writes (one per rater)."""
    return {
        "year": rating.year,
        "subject_code": rating.subject_code,
        "period": rating.period,
        "kind": rating.kind,
        "item": rating.item,
        "rater_group": "",
        "rater_code": rating.rater_code,
    }


def _evaluation_write(rating: Rating) -> None:
    Evaluation.objects.update_or_create(
        **_evaluation_key(rating), defaults={"score": rating.score, "ballots": None}
    )


def _evaluation_delete(rating: Rating) -> None:
    Evaluation.objects.filter(**_evaluation_key(rating)).delete()


@transaction.atomic
def ratings_save(
    *,
    user: User,
    unit: Unit,
    period: RatingPeriod,
    kind: str,
    entries: Sequence[Entry],
    submit: bool,
    today: dt.date | None = None,
) -> int:
    """Save the rater's rows of the unit's sheet (a draft, or submitted); the number of rows
    kept. A sheet once submitted stays submitted: saving it again within the window updates
    the engine's rows."""
    today = today or timezone.localdate()
    plan = plan_of(period.year)
    window_check(period, plan, today)
    month_lock_check(
        year=period.year, month=period.last_month, what=_("领导评价") + f" {period.code}"
    )
    own = selectors.user_cadre_code(user)
    allowed = {r.code: r for r in selectors.sheet_ratees(user, unit, period, kind)}
    items = {item.name for item in plan.political.items}
    code = rater_code(user)
    existing = selectors.sheet_ratings(user, period, kind, [e.subject_code for e in entries])
    now = timezone.now()
    kept = 0
    for entry in entries:
        if own is not None and entry.subject_code == own:
            raise RatingError(_("不能评价本人（回避）"))
        ratee = allowed.get(entry.subject_code)
        if ratee is None:
            raise RatingError(_("您不能评价 %(code)s") % {"code": entry.subject_code})
        if kind == s.EVAL_POLITICAL and entry.item not in items:
            raise RatingError(_("“%(item)s”不是方案的政治素质项目") % {"item": entry.item})
        item = entry.item if kind == s.EVAL_POLITICAL else ""
        old = existing.get((entry.subject_code, item))
        value = _value(entry, kind, plan)
        if value is None:
            if old is not None:
                if old.state == Rating.State.SUBMITTED:
                    _evaluation_delete(old)
                old.delete()
            continue
        score, level, level_text = value
        rating = old or Rating(
            year=period.year,
            period=period.code,
            kind=kind,
            subject_type=ratee.subject_type,
            subject_code=ratee.code,
            item=item,
            rater=user,
        )
        rating.unit_code = unit.code
        rating.rater_code = code
        rating.rater_role = ratee.rater_role
        rating.score, rating.level, rating.level_text = score, level, level_text
        rating.comment = entry.comment.strip()
        if submit or rating.state == Rating.State.SUBMITTED:
            rating.state = Rating.State.SUBMITTED
            rating.submitted_at = now
        rating.full_clean()
        rating.save()
        if rating.state == Rating.State.SUBMITTED:
            _evaluation_write(rating)
        kept += 1
    if submit:  # drafts of the sheet left untouched in this post are submitted too
        drafts = Rating.objects.filter(
            period=period.code, kind=kind, rater=user, unit_code=unit.code, state=Rating.State.DRAFT
        )
        if kind == s.EVAL_POLITICAL:  # a political sheet is one subject's
            drafts = drafts.filter(subject_code__in=[e.subject_code for e in entries])
        for rating in drafts:
            rating.state, rating.submitted_at = Rating.State.SUBMITTED, now
            rating.save(update_fields=["state", "submitted_at", "updated"])
            _evaluation_write(rating)
    return kept


def reminders_send(*, period: RatingPeriod, today: dt.date | None = None) -> int:
    """Notify each unit head who has not submitted all their rows of the period (once a day);
    the number of notifications made."""
    today = today or timezone.localdate()
    plan = plan_of(period.year)
    window = window_of(period, plan)
    made = 0
    for unit in selectors.completion(period):
        for head in unit.heads:
            if not head.expected or head.done:
                continue
            url = reverse("ratings:sheet", kwargs={"period": period.code, "code": unit.unit.code})
            made += notification_send(
                users=[head.user],
                key=f"ratings:{period.code}:{unit.unit.code}:{today.isoformat()}",
                text=_("请在 %(date)s 前完成 %(unit)s %(period)s 的领导评价（已提交 %(n)s/%(m)s）")
                % {
                    "date": window.closes.isoformat(),
                    "unit": unit.unit.name,
                    "period": period.code,
                    "n": head.submitted,
                    "m": head.expected,
                },
                url=url,
            )
    return made


def open_windows_remind(*, today: dt.date | None = None) -> int:
    """The daily reminders (``manage.py kaohe_remind``): for every period of this year and the
    last whose window is open today, :func:`reminders_send`; the number of notifications made."""
    today = today or timezone.localdate()
    made = 0
    for year in (today.year - 1, today.year):
        row = plan_for_year(year=year)
        if row is None:
            continue
        plan = row.parsed()
        for period in periods_of(year):
            if window_of(period, plan).state(today) == "open":
                made += reminders_send(period=period, today=today)
    return made
