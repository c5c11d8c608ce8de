"""The months of a year and one month: its steps, deadlines, the units' submissions, the
objections and the adjustments; every change goes through kaohe.cycle.services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kaohe.accounts.models import Role, User
from kaohe.accounts.scope import scope_for
from kaohe.cycle import predicates
from kaohe.cycle.forms import (
    AdvanceForm,
    AnswerForm,
    DeadlinesForm,
    ObjectionForm,
    SubmitForm,
    subject_choice,
)
from kaohe.cycle.models import Objection, Period, UnitSubmission
from kaohe.cycle.selectors import objections_for, period_due, period_get, period_list, published_run
from kaohe.cycle.services.objections import objection_answer, objection_file, window_open
from kaohe.cycle.services.periods import (
    NEXT,
    CycleError,
    period_advance,
    period_deadlines_set,
    period_open,
    procedure_of,
    unit_submit,
    units_missing,
)
from kaohe.engine import schema as s
from kaohe.org.models import Unit
from kaohe.plans.models import Plan
from kaohe.web.views.common import int_param, page


def _user(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _office_only(request: HttpRequest) -> None:
    """403 before any form is read: the office's steps (the services check again)."""
    if not predicates.may_run_cycle(request.user):
        raise PermissionDenied


def _submitter_only(request: HttpRequest) -> None:
    """403 unless the user may submit the posted unit: the office, or a unit head of it; a
    user who may submit for no unit at all is refused whatever is posted."""
    user = request.user
    if predicates.may_run_cycle(user):
        return
    scope = scope_for(user)
    if Role.UNIT_HEAD not in scope.roles or not scope.units:
        raise PermissionDenied
    code = request.POST.get("unit", "").strip()
    if code and not predicates.may_submit_unit(user, code):
        raise PermissionDenied


def _period(year: int, month: int) -> Period:
    found = period_get(year, month)
    if found is None:
        raise Http404(f"{year}-{month:02d} is not open")
    return found


@page()
def months(request: HttpRequest) -> HttpResponse:
    """The twelve months of a plan year and where each is in the cycle."""
    years = list(Plan.objects.order_by("-year").values_list("year", flat=True))
    year = int_param(request, "year") or (years[0] if years else timezone.localdate().year)
    opened = period_list(year)
    rows = [(m, opened.get(m)) for m in range(1, 13)]
    dues = {m: period_due(p) for m, p in opened.items()}
    context = {
        "year": year,
        "years": years,
        "rows": rows,
        "dues": dues,
        "may_run": predicates.may_run_cycle(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "cycle/months.html", context)


@require_POST
@page()
def open_month(request: HttpRequest, year: int, month: int) -> HttpResponse:
    _office_only(request)
    if not 1 <= month <= 12:
        raise Http404
    try:
        period_open(year=year, month=month, user=_user(request))
    except CycleError as exc:
        return months_error(request, year, str(exc))
    return redirect("cycle:period", year=year, month=month)


def months_error(request: HttpRequest, year: int, error: str) -> HttpResponse:
    context = {"year": year, "years": [], "rows": [], "dues": {}, "error": error}
    return render(request, "cycle/months.html", context, status=400)


def _subjects(user: Any) -> list[tuple[str, str]]:
    """What ``user`` may object to: their unit, the units they head, themself."""
    out = []
    seen: set[str] = set()
    if isinstance(user, User) and user.cadre is not None:
        unit = predicates.cadre_unit(user.cadre)
        if unit is not None:
            out.append(subject_choice(s.SUBJECT_UNIT, unit.code, unit.name))
            seen.add(unit.code)
    scope = scope_for(user)
    if Role.UNIT_HEAD in scope.roles and scope.units:
        headed = Unit.objects.filter(code__in=scope.units).exclude(code__in=seen)
        out += [subject_choice(s.SUBJECT_UNIT, u.code, u.name) for u in headed.order_by("code")]
    if isinstance(user, User) and user.cadre is not None:
        out.append(subject_choice(s.SUBJECT_CADRE, user.cadre.code, user.cadre.name))
    return out


def _detail(
    request: HttpRequest, period: Period, *, error: str = "", status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    submitted = {
        sub.unit_id: sub
        for sub in UnitSubmission.objects.filter(period=period).select_related("submitted_by")
    }
    units = list(Unit.objects.filter(active=True).order_by("code"))
    objections = objections_for(period, _user(request))
    subjects = _subjects(user)
    context = {
        "period": period,
        "next_state": NEXT.get(Period.State(period.state)),
        "due": period_due(period),
        "steps": period.steps.select_related("user"),
        "units": [
            (u, submitted.get(u.pk), predicates.may_submit_unit(user, u.code)) for u in units
        ],
        "missing": len(units_missing(period)),
        "objections": objections,
        "answer_form": AnswerForm(),
        "objection_form": forms.get("objection_form")
        or (ObjectionForm(subjects=subjects) if subjects else None),
        "window_open": window_open(period),
        "deadlines_form": forms.get("deadlines_form")
        or DeadlinesForm(
            initial={
                "submit_due": period.submit_due,
                "review_due": period.review_due,
                "publish_due": period.publish_due,
            }
        ),
        "advance_form": forms.get("advance_form")
        or AdvanceForm(year=period.year, month=period.month),
        "published": published_run(period),
        "adjustments": period.adjustments.select_related("requested_by", "decided_by"),
        "may_run": predicates.may_run_cycle(user),
        "procedure": procedure_of(period.year),
        "error": error,
    }
    return render(request, "cycle/period.html", context, status=status)


@page()
def period(request: HttpRequest, year: int, month: int) -> HttpResponse:
    return _detail(request, _period(year, month))


@require_POST
@page()
def advance(request: HttpRequest, year: int, month: int) -> HttpResponse:
    _office_only(request)
    obj = _period(year, month)
    form = AdvanceForm(request.POST, year=year, month=month)
    if not form.is_valid():
        return _detail(request, obj, advance_form=form, status=400)
    try:
        period_advance(
            period=obj,
            user=_user(request),
            reason=form.cleaned_data["reason"],
            run=form.cleaned_data["run"],
        )
    except CycleError as exc:
        return _detail(request, obj, error=str(exc), advance_form=form, status=400)
    return redirect("cycle:period", year=year, month=month)


@require_POST
@page()
def deadlines(request: HttpRequest, year: int, month: int) -> HttpResponse:
    _office_only(request)
    obj = _period(year, month)
    form = DeadlinesForm(request.POST)
    if not form.is_valid():
        return _detail(request, obj, deadlines_form=form, status=400)
    try:
        period_deadlines_set(period=obj, user=_user(request), **form.cleaned_data)
    except (CycleError, ValidationError) as exc:
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return _detail(request, obj, error=message, deadlines_form=form, status=400)
    return redirect("cycle:period", year=year, month=month)


@require_POST
@page()
def submit(request: HttpRequest, year: int, month: int) -> HttpResponse:
    _submitter_only(request)
    obj = _period(year, month)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        return _detail(request, obj, error=str(form.errors), status=400)
    unit = get_object_or_404(Unit, code=form.cleaned_data["unit"])
    try:
        unit_submit(period=obj, unit=unit, user=_user(request), note=form.cleaned_data["note"])
    except CycleError as exc:
        return _detail(request, obj, error=str(exc), status=400)
    return redirect("cycle:period", year=year, month=month)


@require_POST
@page()
def object_to(request: HttpRequest, year: int, month: int) -> HttpResponse:
    subjects = _subjects(request.user)
    if not subjects:  # nothing the user may object to: not one of the affected
        raise PermissionDenied
    obj = _period(year, month)
    form = ObjectionForm(request.POST, subjects=subjects)
    if not form.is_valid():
        return _detail(request, obj, objection_form=form, status=400)
    kind, code = form.subject_parts()
    try:
        objection_file(
            period=obj,
            user=_user(request),
            subject_type=kind,
            subject_code=code,
            text=form.cleaned_data["text"],
        )
    except CycleError as exc:
        return _detail(request, obj, error=str(exc), objection_form=form, status=400)
    return redirect("cycle:period", year=year, month=month)


@require_POST
@page()
def answer(request: HttpRequest, objection_id: int) -> HttpResponse:
    _office_only(request)
    objection = get_object_or_404(Objection.objects.select_related("period"), pk=objection_id)
    obj = objection.period
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _detail(request, obj, error=str(form.errors), status=400)
    try:
        objection_answer(
            objection=objection,
            user=_user(request),
            outcome=form.cleaned_data["outcome"],
            answer=form.cleaned_data["answer"],
        )
    except CycleError as exc:
        return _detail(request, obj, error=str(exc), status=400)
    return redirect("cycle:period", year=obj.year, month=obj.month)
