"""Training plan pages (培训补课): courses by topic and form with progress, a course's people,
completions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.models import User
from kaohe.accounts.roles import VIEW_PEOPLE
from kaohe.engine import schema as s
from kaohe.followup import permissions
from kaohe.followup.forms import CompleteForm
from kaohe.followup.models import TrainingCourse, TrainingEnrolment
from kaohe.followup.selectors import training as selectors
from kaohe.followup.selectors.training import cadre_units_now
from kaohe.followup.services import training as services
from kaohe.followup.views.common import attempt, form_errors, require_office
from kaohe.web.selectors.common import subject_names
from kaohe.web.views.common import page, shown_for


@page(VIEW_PEOPLE)
def training(request: HttpRequest) -> HttpResponse:
    shown = shown_for(request)
    return render(
        request,
        "followup/training.html",
        {
            "shown": shown,
            "courses": list(selectors.courses(shown.year, user=request.user)) if shown.year else [],
            "is_office": permissions.is_office_user(request.user),
        },
    )


@require_POST
@page()
def training_create(request: HttpRequest) -> HttpResponse:
    """The office makes (or brings up to date) the plan from the current run's needs."""
    require_office(request)
    shown = shown_for(request)
    if shown.run is None:
        messages.error(request, _("该年度尚无完成的计算。"))
    else:
        run = shown.run
        counts = attempt(
            request, lambda: services.training_plan_from_run(run=run), _("培训计划已更新。")
        )
        if counts is not None:
            messages.info(
                request,
                _("新建课程 %(courses)d 门、培训对象 %(people)d 人次，更新 %(updated)d 人次。")
                % {"courses": counts.courses, "people": counts.people, "updated": counts.updated},
            )
    return redirect(f"{reverse('followup:training')}?year={shown.year}")


def _unit_of(enrolment: TrainingEnrolment, cadre_units: dict[str, str]) -> str | None:
    if enrolment.subject_type == s.SUBJECT_CADRE:
        return cadre_units.get(enrolment.subject_code)
    return enrolment.subject_code  # a unit or its team


@page(VIEW_PEOPLE)
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    row = get_object_or_404(TrainingCourse, pk=course_id)
    people = selectors.course_people(row, user=request.user)
    cadre_units = cadre_units_now(
        p.subject_code for p in people if p.subject_type == s.SUBJECT_CADRE
    )
    allowed = permissions.training_units(request.user)
    may = {p.pk: allowed is None or _unit_of(p, cadre_units) in allowed for p in people}
    return render(
        request,
        "followup/course.html",
        {
            "course": row,
            "people": people,
            "may": may,
            "done": sum(1 for p in people if p.completed_on),
            "names": subject_names((p.subject_type, p.subject_code) for p in people),
            "form": CompleteForm(),
            "today": timezone.localdate(),
        },
    )


@require_POST
@page()
def complete(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    """Record or clear (empty date) a person's completion."""
    enrolment = get_object_or_404(TrainingEnrolment, pk=enrolment_id)
    unit = _unit_of(enrolment, cadre_units_now([enrolment.subject_code]))
    if not permissions.can_record_training(request.user, unit):
        raise PermissionDenied
    form = CompleteForm(request.POST)
    if form.is_valid():
        user = request.user if isinstance(request.user, User) else None
        attempt(
            request,
            lambda: services.training_complete(
                enrolment=enrolment, completed_on=form.cleaned_data["completed_on"], user=user
            ),
            _("已记录。"),
        )
    else:
        form_errors(request, form)
    return redirect("followup:course", course_id=enrolment.course_id)
