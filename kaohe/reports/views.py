"""Downloads (Excel and PDF) and the exports page with background jobs and their progress."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.reports import documents, predicates, sheets
from kaohe.reports.forms import ExportForm
from kaohe.reports.models import ExportJob
from kaohe.reports.selectors import export_job_get_for_user, export_job_list_for_user
from kaohe.reports.services import export_job_create, export_job_enqueue
from kaohe.results.models import Run
from kaohe.web.views.common import shown_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
View = Callable[..., HttpResponseBase]


def allowed(predicate: Callable[[Any], bool]) -> Callable[[View], View]:
    """Login required (else the login page), then ``predicate(user)`` (else 403)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorate


def _run(request: HttpRequest) -> Run:
    run = shown_for(request).run
    if run is None:
        raise Http404(_("该年度尚无完成的计算。"))
    return run


def _download(content: bytes, filename: str, content_type: str) -> FileResponse:
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type
    )


def _xlsx(build: Callable[[io.BytesIO], object], filename: str) -> FileResponse:
    buffer = io.BytesIO()
    build(buffer)
    return _download(buffer.getvalue(), filename, XLSX)


@allowed(predicates.can_read_results)
def ranking_xlsx(request: HttpRequest) -> HttpResponseBase:
    """Every category's ranking of a month, and every month side by side."""
    run = _run(request)
    month = shown_for(request).month
    return _xlsx(
        lambda b: sheets.ranking_workbook(run, month, b), f"ranking-{run.year}-{month:02d}.xlsx"
    )


@allowed(predicates.can_export_district)
def annual_xlsx(request: HttpRequest) -> HttpResponseBase:
    run = _run(request)
    return _xlsx(lambda b: sheets.annual_workbook(run, b), f"annual-{run.year}.xlsx")


@allowed(predicates.can_read_results)
def unit_scores_xlsx(request: HttpRequest, code: str) -> HttpResponseBase:
    """A unit's cadre score sheet."""
    if not predicates.can_read_unit_people(request.user, code):
        raise PermissionDenied
    run = _run(request)
    return _xlsx(
        lambda b: sheets.scores_workbook(run, b, unit=code), f"scores-{code}-{run.year}.xlsx"
    )


@allowed(predicates.can_read_results)
def unit_pdf(request: HttpRequest, code: str) -> HttpResponseBase:
    if not predicates.can_read_unit_card(request.user, code):
        raise PermissionDenied
    run = _run(request)
    try:
        pdf = documents.unit_card_pdf(run, code)
    except documents.SubjectNotFoundError as exc:
        raise Http404(code) from exc
    return _download(pdf, f"unit-{code}-{run.year}.pdf", PDF)


@allowed(predicates.can_read_results)
def cadre_pdf(request: HttpRequest, code: str) -> HttpResponseBase:
    if not predicates.can_read_cadre_card(request.user, code):
        raise PermissionDenied
    run = _run(request)
    try:
        pdf = documents.cadre_card_pdf(run, code)
    except documents.SubjectNotFoundError as exc:
        raise Http404(code) from exc
    return _download(pdf, f"cadre-{code}-{run.year}.pdf", PDF)


def request_user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required ran
    return request.user


@allowed(predicates.can_read_results)
def exports(request: HttpRequest) -> HttpResponse:
    """The user's exports with their progress; the office starts district-wide ones here."""
    shown = shown_for(request)
    may_start = predicates.can_export_district(request.user)
    form = ExportForm(request.POST or None, initial={"month": shown.month or None})
    if request.method == "POST":
        if not may_start:
            raise PermissionDenied
        if shown.run is None:
            form.add_error(None, _("该年度尚无完成的计算。"))
        elif form.is_valid() and (form.cleaned_data.get("month") or 0) > (shown.run.months or 0):
            form.add_error(
                "month", _("该计算批次只计算到 %(months)s 月") % {"months": shown.run.months}
            )
        elif form.is_valid():
            job = export_job_create(
                user=request_user(request),
                run=shown.run,
                kind=form.cleaned_data["kind"],
                params=form.params(),
            )
            export_job_enqueue(job=job)
            return redirect(f"{reverse('reports:exports')}?year={shown.year}")
    context = {
        "shown": shown,
        "form": form,
        "may_start": may_start,
        "jobs": export_job_list_for_user(user=request_user(request)),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/exports.html", context, status=status)


def _job(request: HttpRequest, job_id: int) -> ExportJob:
    job = export_job_get_for_user(user=request_user(request), job_id=job_id)
    if job is None:
        raise Http404(job_id)
    return job


@allowed(predicates.can_export_district)
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """One job's row; htmx polls it while the job works, and reloads the page once it is done
    (the what-if page then shows the comparison)."""
    job = _job(request, job_id)
    response = render(request, "reports/_job.html", {"job": job})
    if not job.is_active:
        response["HX-Refresh"] = "true"
    return response


@allowed(predicates.can_export_district)
def job_file(request: HttpRequest, job_id: int) -> HttpResponseBase:
    job = _job(request, job_id)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404(job_id)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
