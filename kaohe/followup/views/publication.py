"""The year's publication page (年度结果公示与异议): the office publishes the closed year's
grades, the affected file objections within the window, the office answers them and makes the
year final (docs/followup.md)."""

from __future__ import annotations

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
from kaohe.followup.forms import ObjectionAnswerForm, ObjectionForm, PublishForm
from kaohe.followup.models import AnnualClose, AnnualObjection, AnnualPublication
from kaohe.followup.selectors import close as selectors
from kaohe.followup.services import publication as services
from kaohe.followup.views.common import attempt, form_errors, require_office
from kaohe.web.selectors import annual as annual_selectors
from kaohe.web.views.common import page, shown_for


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _url(year: int, anchor: str = "") -> str:
    return f"{reverse('followup:publication')}?year={year}{anchor}"


@page(VIEW_PEOPLE)
def publication(request: HttpRequest) -> HttpResponse:
    """The year's 公示: its window and state, the objections (cut to the user's scope) with
    their answers; file an objection (POST)."""
    shown = shown_for(request)
    close_row = selectors.close_get(shown.year) if shown.year else None
    published = AnnualPublication.objects.filter(close=close_row).first() if close_row else None
    user = request.user
    if request.method == "POST":
        form = ObjectionForm(request.POST)
        if published is None:
            return redirect(_url(shown.year))
        if form.is_valid():
            data = form.cleaned_data
            code = data["subject_code"].strip()
            if not permissions.can_file_request(user, data["subject_type"], code):
                raise PermissionDenied
            attempt(
                request,
                lambda: services.annual_objection_file(
                    publication=published,
                    subject_type=data["subject_type"],
                    subject_code=code,
                    text=data["text"],
                    filed_on=timezone.localdate(),
                    user=_user(request),
                ),
                _("异议已提交。"),
            )
        else:
            form_errors(request, form)
        return redirect(_url(shown.year, "#objections"))
    rows = list(published.objections.select_related("filed_by")) if published else []
    if not permissions.is_office_user(user):
        rows = [
            r for r in rows if permissions.can_see_subject(user, r.subject_type, r.subject_code)
        ]
    today = timezone.localdate()
    own = user.cadre.code if isinstance(user, User) and user.cadre else ""
    return render(
        request,
        "followup/publication.html",
        {
            "shown": shown,
            "close": close_row,
            "published": published,
            "in_window": published is not None
            and published.final_on is None
            and published.published_on <= today <= published.objections_until,
            "open": sum(1 for r in rows if r.answered_on is None),
            "rows": rows,
            "names": annual_selectors.names_of(rows),  # type: ignore[arg-type]
            "is_office": permissions.is_office_user(user),
            "publicity_days": services.publicity_days(shown.year) if shown.year else None,
            "publish_form": PublishForm(),
            "form": ObjectionForm(initial={"subject_type": s.SUBJECT_CADRE, "subject_code": own}),
            "answer_form": ObjectionAnswerForm(),
        },
    )


@require_POST
@page()
def publish(request: HttpRequest, year: int) -> HttpResponse:
    require_office(request)
    close_row = get_object_or_404(AnnualClose, year=year)
    form = PublishForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.annual_publish(
                close=close_row,
                published_on=form.cleaned_data["published_on"],
                user=_user(request),
            ),
            _("%(year)d 年度结果已公示。") % {"year": year},
        )
    else:
        form_errors(request, form)
    return redirect(_url(year))


@require_POST
@page()
def objection_answer(request: HttpRequest, objection_id: int) -> HttpResponse:
    require_office(request)
    row = get_object_or_404(
        AnnualObjection.objects.select_related("publication__close"), pk=objection_id
    )
    form = ObjectionAnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.annual_objection_answer(
                objection=row,
                outcome=data["outcome"],
                answer=data["answer"],
                answered_on=data["answered_on"],
                user=_user(request),
            ),
            _("已答复。"),
        )
    else:
        form_errors(request, form)
    return redirect(_url(row.publication.close.year, f"#objection-{row.pk}"))


@require_POST
@page()
def finalise(request: HttpRequest, year: int) -> HttpResponse:
    require_office(request)
    published = get_object_or_404(AnnualPublication, close__year=year)
    attempt(
        request,
        lambda: services.annual_finalise(
            publication=published, today=timezone.localdate(), user=_user(request)
        ),
        _("%(year)d 年度结果已终定。") % {"year": year},
    )
    return redirect(_url(year))
