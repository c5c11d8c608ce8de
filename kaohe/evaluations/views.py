"""The office's pages (测评管理): rounds, token cards, turnout and results, surveys."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kaohe.accounts.models import User
from kaohe.evaluations import selectors
from kaohe.evaluations.forms import RoundForm, SurveyForm, codes
from kaohe.evaluations.models import Round, Survey
from kaohe.evaluations.predicates import MANAGE_ROUNDS
from kaohe.evaluations.services import (
    EvaluationError,
    round_close,
    round_create,
    round_open,
    tokens_issue,
)
from kaohe.evaluations.surveys import survey_create, survey_feed, survey_set_active
from kaohe.evaluations.tokens import qr_svg
from kaohe.org.models import Unit
from kaohe.plans.models import Plan
from kaohe.web.views.common import page, render_htmx


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _plan_years() -> list[int]:
    return list(Plan.objects.order_by("-year").values_list("year", flat=True))


def _groups(year: int | None) -> list[str]:
    row = Plan.objects.filter(year=year).first() if year else None
    return list(row.parsed().annual.rater_groups) if row else []


def _add_errors(form: RoundForm | SurveyForm, exc: EvaluationError) -> None:
    for name, problems in exc.errors.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


@page(MANAGE_ROUNDS)
def index(request: HttpRequest) -> HttpResponse:
    """Rounds and surveys."""
    years = _plan_years()
    context = {
        "rounds": selectors.round_list(),
        "surveys": selectors.survey_list(),
        "survey_form": SurveyForm(years=years),
    }
    return render(request, "evaluations/index.html", context)


@page(MANAGE_ROUNDS)
def round_new(request: HttpRequest) -> HttpResponse:
    """Create a round: its subjects and, per rater group of the plan, its raters."""
    years = _plan_years()
    raw_year = request.POST.get("year") or request.GET.get("year") or ""
    year = int(raw_year) if raw_year.isdigit() else (years[0] if years else None)
    form = RoundForm(
        request.POST or None, years=years, groups=_groups(year), initial={"year": year}
    )
    if request.method == "POST" and form.is_valid():
        try:
            created = round_create(
                year=form.cleaned_data["year"],
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                subject_codes=codes(form.cleaned_data["subjects"]),
                raters=form.raters(),
                user=_user(request),
            )
        except EvaluationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("evaluations:round", round_id=created.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "evaluations/round_new.html", {"form": form}, status=status)


@page(MANAGE_ROUNDS)
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    """A round: subjects, turnout (counts only; htmx refreshes it while open), and its results
    once closed."""
    obj = get_object_or_404(Round, pk=round_id)
    items = [str(name) for name, _weight in obj.items]
    groups = list(obj.groups)
    results = None
    if obj.state == Round.State.CLOSED:
        results = [(r, r.table(groups, items)) for r in selectors.round_results(obj)]
    context = {
        "round": obj,
        "subjects": obj.subjects.all(),
        "turnout": selectors.round_turnout(obj),
        "results": results,
        "items": items,
        "groups": groups,
        "minimum": selectors.minimum_ballots(),
    }
    return render_htmx(request, "evaluations/round.html", "evaluations/_turnout.html", context)


def _act(request: HttpRequest, round_id: int, action: str) -> HttpResponse:
    obj = get_object_or_404(Round, pk=round_id)
    try:
        if action == "open":
            round_open(round_=obj)
            messages.success(request, _("测评已开始投票"))
        else:
            written = round_close(round_=obj, user=_user(request))
            messages.success(request, _("测评已结束，写入年度测评结果 %(n)s 条") % {"n": written})
    except EvaluationError as exc:
        messages.error(request, exc.text())
    return redirect("evaluations:round", round_id=obj.pk)


@require_POST
@page(MANAGE_ROUNDS)
def round_open_view(request: HttpRequest, round_id: int) -> HttpResponse:
    return _act(request, round_id, "open")


@require_POST
@page(MANAGE_ROUNDS)
def round_close_view(request: HttpRequest, round_id: int) -> HttpResponse:
    return _act(request, round_id, "close")


@never_cache
@require_POST
@page(MANAGE_ROUNDS)
def round_tokens(request: HttpRequest, round_id: int) -> HttpResponse:
    """Issue new tokens to every rater who has not voted; the printable cards (QR and link).

    The tokens exist only in this response: print it or send the links now.
    """
    obj = get_object_or_404(Round, pk=round_id)
    try:
        issued = tokens_issue(round_=obj)
    except EvaluationError as exc:
        messages.error(request, exc.text())
        return redirect("evaluations:round", round_id=obj.pk)
    vote = request.build_absolute_uri(reverse("vote"))
    cards = [
        {
            "rater": t.rater,
            "token": t.token,
            "link": f"{vote}#{t.token}",
            "qr": qr_svg(f"{vote}#{t.token}"),
        }
        for t in issued
    ]
    response = render(request, "evaluations/cards.html", {"round": obj, "cards": cards})
    response["Referrer-Policy"] = "same-origin"
    return response


@require_POST
@page(MANAGE_ROUNDS)
def survey_new(request: HttpRequest) -> HttpResponse:
    form = SurveyForm(request.POST, years=_plan_years())
    if form.is_valid():
        unit = Unit.objects.filter(code=form.cleaned_data["unit"].strip()).first()
        if unit is None:
            messages.error(
                request, _("单位编号不存在：%(code)s") % {"code": form.cleaned_data["unit"]}
            )
        else:
            survey = survey_create(unit=unit, year=form.cleaned_data["year"])
            return redirect("evaluations:survey", survey_id=survey.pk)
    else:
        messages.error(request, _("请填写年度和单位编号"))
    return redirect("evaluations:index")


@page(MANAGE_ROUNDS)
def survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    """A survey's public link and QR code, its answers count and mean, feed and open/close."""
    survey = get_object_or_404(Survey.objects.select_related("unit"), pk=survey_id)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "feed":
            written = survey_feed(survey=survey, user=_user(request))
            if written:
                messages.success(request, _("已写入年度民主测评"))
            else:
                messages.error(
                    request,
                    _("评价少于 %(n)s 份，未写入") % {"n": selectors.minimum_ballots()},
                )
        elif action in ("open", "close"):
            survey_set_active(survey=survey, active=action == "open")
        return redirect("evaluations:survey", survey_id=survey.pk)
    link = request.build_absolute_uri(reverse("survey", args=[survey.code]))
    n, mean = selectors.survey_result(survey)
    context = {
        "survey": survey,
        "link": link,
        "qr": qr_svg(link),
        "answers": n,
        "mean": mean,
        "minimum": selectors.minimum_ballots(),
    }
    return render(request, "evaluations/survey.html", context)
