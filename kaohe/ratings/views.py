"""The ratings pages: a rater's periods and units, a unit's sheet, the office's political ratings
and completion, and "我的评价" (docs/ratings.md). Every view is gated before any form is read."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.models import User
from kaohe.cycle.guard import MonthLockedError, locked_months
from kaohe.engine import schema as s
from kaohe.engine.plan import Plan as EnginePlan
from kaohe.org.models import Unit
from kaohe.plans.models import Plan
from kaohe.ratings import selectors
from kaohe.ratings.models import Rating
from kaohe.ratings.periods import RatingPeriod, period_parse, periods_of
from kaohe.ratings.predicates import MANAGE, RATE, RATE_UNIT, VIEW_OWN
from kaohe.ratings.services import (
    Entry,
    RatingError,
    plan_of,
    ratings_save,
    reminders_send,
    window_of,
)
from kaohe.web.views.common import page, require_object


@dataclass(frozen=True, slots=True)
class PeriodRow:
    period: RatingPeriod
    opens: dt.date
    closes: dt.date
    state: str


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # the page decorator asked for a login
    return request.user


def _period(text: str) -> RatingPeriod:
    try:
        return period_parse(text)
    except ValueError:
        raise Http404(text) from None


def _period_rows(today: dt.date) -> list[PeriodRow]:
    rows = []
    for plan_row in Plan.objects.order_by("-year"):
        plan = plan_row.parsed()
        for p in periods_of(plan_row.year):
            w = window_of(p, plan)
            rows.append(PeriodRow(p, w.opens, w.closes, w.state(today)))
    return rows


def _chosen(rows: list[PeriodRow], asked: str) -> RatingPeriod | None:
    for row in rows:
        if row.period.code == asked:
            return row.period
    opened = [r for r in rows if r.state != "before"]
    for row in opened:
        if row.state == "open":
            return row.period
    return max(opened, key=lambda r: r.closes).period if opened else None


def _locked(period: RatingPeriod) -> bool:
    return period.last_month in locked_months(period.year)


@page(RATE)
def index(request: HttpRequest) -> HttpResponse:
    """The rating periods with their windows, and the units the user rates in one of them."""
    today = timezone.localdate()
    rows = _period_rows(today)
    chosen = _chosen(rows, request.GET.get("period", ""))
    context: dict[str, Any] = {
        "rows": rows,
        "chosen": chosen,
        "units": selectors.rated_units(request.user) if chosen else [],
        "manage": request.user.has_perm(MANAGE),
    }
    return render(request, "ratings/index.html", context)


def _float(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise RatingError(_("“%(text)s”不是数字") % {"text": text}) from None
    if not math.isfinite(value):
        raise RatingError(_("“%(text)s”不是数字") % {"text": text})
    return value


def _entries(request: HttpRequest, codes: list[str]) -> list[Entry]:
    post = request.POST
    return [
        Entry(
            subject_code=code,
            score=_float(post.get(f"score-{code}", "")),
            level=post.get(f"level-{code}", "").strip(),
            comment=post.get(f"comment-{code}", "")[:1000],
        )
        for code in codes
        if f"score-{code}" in post or f"level-{code}" in post
    ]


def _save(request: HttpRequest, save: Any) -> str | None:
    """Run a save; the refusal's text (nothing changed) or None."""
    try:
        save()
    except RatingError as exc:
        return str(exc)
    except MonthLockedError as exc:
        return _("%(month)s 已锁定，不能再修改评价（锁定月份只能通过正式调整更改）") % {
            "month": f"{exc.year}-{exc.month:02d}"
        }
    except ValidationError as exc:
        return "; ".join(exc.messages)
    return None


def _state(period: RatingPeriod, plan: EnginePlan) -> tuple[str, dt.date, dt.date]:
    w = window_of(period, plan)
    return w.state(timezone.localdate()), w.opens, w.closes


@page(RATE)
def sheet(request: HttpRequest, period: str, code: str) -> HttpResponse:
    """A unit's sheet of the period's leaders' rating: the user's rows, a score or a level and a
    comment each; saved as a draft or submitted within the window."""
    rp = _period(period)
    unit = get_object_or_404(Unit, code=code)
    require_object(request, RATE_UNIT, code)
    user = _user(request)
    try:
        plan = plan_of(rp.year)
    except RatingError as exc:
        raise Http404(str(exc)) from None
    ratees = selectors.sheet_ratees(user, unit, rp, rp.kind)
    status = 200
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        error = _save(
            request,
            lambda: ratings_save(
                user=user,
                unit=unit,
                period=rp,
                kind=rp.kind,
                entries=_entries(request, [r.code for r in ratees]),
                submit=submit,
            ),
        )
        if error is None:
            messages.success(request, _("评价已提交") if submit else _("草稿已保存"))
            return redirect("ratings:sheet", period=rp.code, code=unit.code)
        messages.error(request, error)
        status = 400
    saved = selectors.sheet_ratings(user, rp, rp.kind, [r.code for r in ratees])
    state, opens, closes = _state(rp, plan)
    rows = [(r, saved.get((r.code, ""))) for r in ratees]
    context = {
        "period": rp,
        "unit": unit,
        "rows": rows,
        "levels": list(plan.rating_levels),
        "state": state,
        "opens": opens,
        "closes": closes,
        "locked": _locked(rp),
        "editable": state == "open" and not _locked(rp),
        "submitted": any(r is not None and r.state == Rating.State.SUBMITTED for _x, r in rows),
        "drafts": any(r is not None and r.state == Rating.State.DRAFT for _x, r in rows),
    }
    return render(request, "ratings/sheet.html", context, status=status)


@page(MANAGE)
def political_unit(request: HttpRequest, year: int, code: str) -> HttpResponse:
    """The office's political ratings of a unit: its team and cadres, items rated so far."""
    rp = _period(str(year))
    unit = get_object_or_404(Unit, code=code)
    try:
        plan = plan_of(year)
    except RatingError as exc:
        raise Http404(str(exc)) from None
    ratees = selectors.sheet_ratees(request.user, unit, rp, s.EVAL_POLITICAL)
    ratings = selectors.subject_ratings(rp, [r.code for r in ratees])
    items = [item.name for item in plan.political.items]
    rows = []
    for r in ratees:
        mine = {x.item: x for x in ratings.get(r.code, []) if x.rater_id == request.user.pk}
        others = len({x.rater_id for x in ratings.get(r.code, []) if x.rater_id != request.user.pk})
        rows.append((r, [mine.get(i) for i in items], others))
    state, opens, closes = _state(rp, plan)
    context = {
        "year": year,
        "unit": unit,
        "items": items,
        "rows": rows,
        "state": state,
        "opens": opens,
        "closes": closes,
    }
    return render(request, "ratings/political_unit.html", context)


@page(MANAGE)
def political(request: HttpRequest, year: int, code: str, subject: str) -> HttpResponse:
    """One subject's political rating: each plan item on its behaviour-anchored levels (radio
    cards; an item without anchors takes a score), and a comment."""
    rp = _period(str(year))
    unit = get_object_or_404(Unit, code=code)
    user = _user(request)
    try:
        plan = plan_of(year)
    except RatingError as exc:
        raise Http404(str(exc)) from None
    ratees = {r.code: r for r in selectors.sheet_ratees(user, unit, rp, s.EVAL_POLITICAL)}
    ratee = ratees.get(subject)
    if ratee is None:
        raise Http404(subject)
    items = [item.name for item in plan.political.items]
    status = 200
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        comment = request.POST.get("comment", "")[:1000]

        def entries() -> list[Entry]:
            return [
                Entry(
                    subject_code=subject,
                    item=item,
                    level=request.POST.get(f"level-{i}", "").strip(),
                    score=_float(request.POST.get(f"score-{i}", "")),
                    comment=comment,
                )
                for i, item in enumerate(items)
            ]

        error = _save(
            request,
            lambda: ratings_save(
                user=user,
                unit=unit,
                period=rp,
                kind=s.EVAL_POLITICAL,
                entries=entries(),
                submit=submit,
            ),
        )
        if error is None:
            messages.success(request, _("评价已提交") if submit else _("草稿已保存"))
            codes = list(ratees)
            after = codes.index(subject) + 1
            if submit and after < len(codes):
                return redirect("ratings:political", year=year, code=code, subject=codes[after])
            return redirect("ratings:political_unit", year=year, code=code)
        messages.error(request, error)
        status = 400
    saved = selectors.sheet_ratings(user, rp, s.EVAL_POLITICAL, [subject])
    rows = [
        (i, item, plan.political.anchors_of(item), saved.get((subject, item)))
        for i, item in enumerate(items)
    ]
    state, opens, closes = _state(rp, plan)
    comment = next((r.comment for r in saved.values() if r.comment), "")
    context = {
        "year": year,
        "unit": unit,
        "ratee": ratee,
        "rows": rows,
        "comment": comment,
        "state": state,
        "opens": opens,
        "closes": closes,
        "locked": _locked(rp),
        "editable": state == "open" and not _locked(rp),
        "submitted": any(r.state == Rating.State.SUBMITTED for r in saved.values()),
    }
    return render(request, "ratings/political.html", context, status=status)


@page(MANAGE)
def completion_view(request: HttpRequest) -> HttpResponse:
    """The office's completion of a period's leaders' rating per unit: who has not rated yet."""
    rows = _period_rows(timezone.localdate())
    chosen = _chosen(rows, request.GET.get("period", ""))
    units = selectors.completion(chosen) if chosen else []
    context = {
        "rows": rows,
        "chosen": chosen,
        "units": units,
        "pending": sum(1 for u in units if not u.done),
    }
    return render(request, "ratings/completion.html", context)


@require_POST
@page(MANAGE)
def remind(request: HttpRequest) -> HttpResponse:
    """Remind the unit heads who have not submitted the period's ratings (once a day each)."""
    text = request.POST.get("period", "")
    try:
        rp = period_parse(text)
        made = reminders_send(period=rp)
    except (ValueError, RatingError) as exc:
        messages.error(request, str(exc))
        return redirect("ratings:completion")
    messages.success(request, _("已发送提醒 %(n)s 条") % {"n": made})
    return redirect(reverse("ratings:completion") + f"?period={rp.code}")


@page(VIEW_OWN)
def mine(request: HttpRequest) -> HttpResponse:
    """我的评价: the user's own submitted ratings — score, level and its description, comment and
    the rater's role (not their name: docs/ratings.md)."""
    context = {
        "ratings": selectors.my_ratings(request.user),
        "linked": selectors.user_cadre_code(request.user) is not None,
    }
    return render(request, "ratings/mine.html", context)
