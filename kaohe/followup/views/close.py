"""The annual close page (年度结果确定), grade overrides, reviews and appeals (复核与申诉)."""

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
from kaohe.followup.forms import AnswerForm, CloseForm, OverrideForm, RequestForm
from kaohe.followup.models import AnnualClose, GradeOverride, ReviewRequest
from kaohe.followup.selectors import close as selectors
from kaohe.followup.selectors.grades import effective_quota_use
from kaohe.followup.services import close as services
from kaohe.followup.views.common import attempt, form_errors, require_office
from kaohe.results.models import AnnualResult, Run
from kaohe.web.selectors import annual as annual_selectors
from kaohe.web.views.common import page, shown_for


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _close_url(year: int, anchor: str = "") -> str:
    return f"{reverse('followup:close')}?year={year}{anchor}"


def _finished(run: Run) -> str:
    return timezone.localtime(run.finished).strftime("%Y-%m-%d %H:%M") if run.finished else ""


def _runs_with_annual(year: int) -> list[tuple[int, str]]:
    runs = Run.objects.filter(year=year, state=Run.State.DONE).order_by("-finished", "-id")
    with_annual = set(
        AnnualResult.objects.filter(run__in=runs).values_list("run_id", flat=True).distinct()
    )
    return [(r.pk, f"#{r.pk} {_finished(r)}") for r in runs if r.pk in with_annual]


@page(VIEW_PEOPLE)
def close(request: HttpRequest) -> HttpResponse:
    """The year's close: the run it rests on, quota use per group with the overrides, vetoes
    and sanctions applied, 不定等次, overrides; the office closes the year here (POST)."""
    shown = shown_for(request)
    year = shown.year
    runs = _runs_with_annual(year) if year else []
    if request.method == "POST":
        require_office(request)
        form = CloseForm(request.POST, runs=runs)
        if form.is_valid():
            chosen = get_object_or_404(Run, pk=form.cleaned_data["run"])
            attempt(
                request,
                lambda: services.annual_close(
                    year=year,
                    run=chosen,
                    notified_on=form.cleaned_data["notified_on"],
                    user=_user(request),
                ),
                _("%(year)d 年度结果已按计算批次 #%(run)d 确定。")
                % {"year": year, "run": chosen.pk},
            )
        else:
            form_errors(request, form)
        return redirect(_close_url(year))
    close_row = selectors.close_get(year) if year else None
    run = close_row.run if close_row else shown.run
    context: dict[str, object] = {
        "shown": shown,
        "close": close_row,
        "run": run,
        "is_office": permissions.is_office_user(request.user),
        "close_form": CloseForm(runs=runs, initial={"run": runs[0][0]} if runs else None),
        "override_form": OverrideForm(),
    }
    if run is not None:
        user = request.user
        capped = [
            r
            for r in selectors.capped(run)
            if permissions.can_see_subject(user, r.subject_type or "", r.subject_code or "")
        ]
        undetermined = annual_selectors.undetermined(run, user=user)
        overrides = [
            (o, r)
            for o, r in (selectors.overrides_with_results(close_row) if close_row else [])
            if permissions.can_see_subject(user, o.subject_type, o.subject_code)
        ]
        context |= {
            "quota": effective_quota_use(run),
            "grades": selectors.grade_table(run),
            "capped": capped,
            "undetermined": undetermined,
            "overrides": overrides,
            "names": annual_selectors.names_of(
                [*capped, *undetermined, *(r for _, r in overrides if r)]
            ),
        }
    return render(request, "followup/close.html", context)


@require_POST
@page()
def override_set(request: HttpRequest, year: int) -> HttpResponse:
    require_office(request)
    close_row = get_object_or_404(AnnualClose, year=year)
    form = OverrideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.grade_override_set(
                close=close_row,
                subject_type=data["subject_type"],
                subject_code=data["subject_code"].strip(),
                grade=data["grade"],
                reason=data["reason"],
                user=_user(request),
            ),
            _("%(code)s 的等次已调整为 %(grade)s。")
            % {"code": data["subject_code"], "grade": data["grade"]},
        )
    else:
        form_errors(request, form)
    return redirect(_close_url(year, "#overrides"))


@require_POST
@page()
def override_withdraw(request: HttpRequest, override_id: int) -> HttpResponse:
    require_office(request)
    override = get_object_or_404(GradeOverride.objects.select_related("close"), pk=override_id)
    year = override.close.year
    attempt(
        request,
        lambda: services.grade_override_withdraw(override=override, user=_user(request)),
        _("已撤销 %(code)s 的等次调整。") % {"code": override.subject_code},
    )
    return redirect(_close_url(year, "#overrides"))


def _visible(request: HttpRequest, rows: list[ReviewRequest]) -> list[ReviewRequest]:
    """The office sees every request; others those of the subjects in their scope."""
    if permissions.is_office_user(request.user):
        return rows
    return [
        r for r in rows if permissions.can_see_subject(request.user, r.subject_type, r.subject_code)
    ]


@page(VIEW_PEOPLE)
def reviews(request: HttpRequest) -> HttpResponse:
    """Reviews (复核) and appeals (申诉) of the year: file one (POST), see each to its answer,
    overdue ones flagged and listable alone (``?overdue=1``)."""
    shown = shown_for(request)
    close_row = selectors.close_get(shown.year) if shown.year else None
    if request.method == "POST":
        form = RequestForm(request.POST)
        if close_row is None:
            messages.error(request, _("该年度结果尚未确定，不能提出复核或申诉。"))
        elif form.is_valid():
            data = form.cleaned_data
            code = data["subject_code"].strip()
            if not permissions.can_file_request(request.user, data["subject_type"], code):
                raise PermissionDenied
            attempt(
                request,
                lambda: services.request_file(
                    close=close_row,
                    kind=data["kind"],
                    subject_type=data["subject_type"],
                    subject_code=code,
                    grounds=data["grounds"],
                    filed_on=data["filed_on"],
                    user=_user(request),
                ),
                _("申请已提交。"),
            )
        else:
            form_errors(request, form)
        return redirect(f"{reverse('followup:reviews')}?year={shown.year}")
    today = timezone.localdate()
    overdue_only = request.GET.get("overdue") == "1"
    rows = (
        _visible(
            request, selectors.requests_list(close_row, overdue_only=overdue_only, today=today)
        )
        if close_row
        else []
    )
    user = request.user
    own = user.cadre.code if isinstance(user, User) and user.cadre else ""
    return render(
        request,
        "followup/reviews.html",
        {
            "shown": shown,
            "close": close_row,
            "rows": rows,
            "overdue_only": overdue_only,
            "today": today,
            "names": annual_selectors.names_of(rows),  # type: ignore[arg-type]
            "is_office": permissions.is_office_user(user),
            "form": RequestForm(initial={"subject_type": s.SUBJECT_CADRE, "subject_code": own}),
            "answer_form": AnswerForm(),
        },
    )


@require_POST
@page()
def request_answer(request: HttpRequest, request_id: int) -> HttpResponse:
    require_office(request)
    row = get_object_or_404(ReviewRequest.objects.select_related("close"), pk=request_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        attempt(
            request,
            lambda: services.request_answer(
                request=row,
                outcome=data["outcome"],
                answer=data["answer"],
                answered_on=data["answered_on"],
                user=_user(request),
            ),
            _("已答复。"),
        )
    else:
        form_errors(request, form)
    return redirect(f"{reverse('followup:reviews')}?year={row.close.year}#request-{row.pk}")
