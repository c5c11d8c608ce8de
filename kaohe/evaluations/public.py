"""The pages without login: voting by token (投票) and the public survey (群众评价).

The token never travels in a URL the server sees: the printed QR code and the sent link carry it
after ``#`` (a fragment, which browsers do not send), the page's script moves it into the form
and submits it by POST. So neither the server's nor a proxy's access log holds a token. The
views' POST parameters are marked sensitive (kept out of Django's error reports), responses are
never cached and send no referrer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from kaohe.evaluations.models import Rater, Survey
from kaohe.evaluations.services import (
    BallotRefusedError,
    IncompleteBallotError,
    ballot_cast,
    rater_subjects,
    token_rater,
)
from kaohe.evaluations.surveys import (
    SurveyRefusedError,
    survey_answer,
    survey_levels,
    survey_nonce_issue,
)

MARK_PREFIX = "m-"
DEVICE_COOKIE = "kaohe_survey"
DEVICE_SALT = "kaohe.evaluations.survey-device"

View = Callable[..., HttpResponse]


def _private(view: View) -> View:
    """No caching, no referrer, POST parameters kept out of error reports."""

    @never_cache
    @sensitive_post_parameters()
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapped


def _ballot(
    request: HttpRequest,
    *,
    rater: Rater,
    token: str,
    chosen: dict[str, str],
    error: str,
    status: int,
) -> HttpResponse:
    levels = [str(name) for name, _value in rater.round.levels]
    rows = [
        {
            "subject": subject,
            "items": [
                {
                    "name": str(item),
                    "field": f"{MARK_PREFIX}{subject.pk}:{index}",
                    "chosen": chosen.get(f"{subject.pk}:{index}", ""),
                }
                for index, (item, _weight) in enumerate(rater.round.items)
            ],
        }
        for subject in rater_subjects(rater)
    ]
    context = {
        "round": rater.round,
        "group": rater.group,
        "rows": rows,
        "levels": levels,
        "token": token,
        "error": error,
    }
    return render(request, "evaluations/ballot.html", context, status=status)


@_private
def vote(request: HttpRequest) -> HttpResponse:
    """GET: the page that takes the token (from the link's fragment or typed); POST ``token``:
    the ballot; POST ``token`` and ``cast``: store the ballot (once per token)."""
    if request.method != "POST":
        return render(request, "evaluations/vote.html", {})
    token = request.POST.get("token", "").strip()
    try:
        rater = token_rater(token)
    except BallotRefusedError as exc:
        return render(request, "evaluations/vote.html", {"error": str(exc)}, status=403)
    chosen = {
        key.removeprefix(MARK_PREFIX): str(value)
        for key, value in request.POST.items()
        if key.startswith(MARK_PREFIX)
    }
    if "cast" not in request.POST:
        return _ballot(request, rater=rater, token=token, chosen=chosen, error="", status=200)
    try:
        ballot_cast(token=token, levels=chosen)
    except IncompleteBallotError as exc:
        return _ballot(request, rater=rater, token=token, chosen=chosen, error=str(exc), status=400)
    except BallotRefusedError as exc:
        return render(request, "evaluations/vote.html", {"error": str(exc)}, status=403)
    return render(request, "evaluations/voted.html", {"round": rater.round})


def _client(request: HttpRequest) -> str:
    """The client address the limit counts: ``KAOHE_CLIENT_IP_HEADER`` when set behind a
    trusted proxy (e.g. ``HTTP_X_REAL_IP``), else REMOTE_ADDR."""
    header = str(settings.KAOHE_CLIENT_IP_HEADER)
    value = request.META.get(header, "") if header else ""
    return (value or request.META.get("REMOTE_ADDR", "")).split(",")[0].strip()


def _answered_today(request: HttpRequest, survey: Survey) -> bool:
    if not settings.KAOHE_SURVEY_DEVICE_COOKIE:
        return False
    value = request.get_signed_cookie(f"{DEVICE_COOKIE}_{survey.pk}", default="", salt=DEVICE_SALT)
    return value == timezone.localdate().isoformat()


@_private
def survey(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the form with a fresh one-time nonce; POST: one answer (limits in docs)."""
    found = Survey.objects.select_related("unit").filter(code=code).first()
    if found is None:
        raise Http404(code)
    levels = survey_levels(found.year)
    context: dict[str, Any] = {"survey": found, "levels": levels}
    if not found.active:
        context["closed"] = True
        return render(request, "evaluations/survey_public.html", context)
    if _answered_today(request, found):
        context["done"] = True
        return render(request, "evaluations/survey_public.html", context)
    if request.method == "POST":
        try:
            survey_answer(
                survey=found,
                nonce=request.POST.get("nonce", ""),
                level=request.POST.get("level", ""),
                client=_client(request),
            )
        except SurveyRefusedError as exc:
            context |= {"error": str(exc), "nonce": survey_nonce_issue(survey=found)}
            return render(request, "evaluations/survey_public.html", context, status=400)
        context["done"] = True
        response = render(request, "evaluations/survey_public.html", context)
        if settings.KAOHE_SURVEY_DEVICE_COOKIE:
            response.set_signed_cookie(
                f"{DEVICE_COOKIE}_{found.pk}",
                timezone.localdate().isoformat(),
                salt=DEVICE_SALT,
                max_age=24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
    context["nonce"] = survey_nonce_issue(survey=found)
    return render(request, "evaluations/survey_public.html", context)
