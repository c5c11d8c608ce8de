"""Data in and scores out: imports (数据导入) and computations (计算)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.accounts.roles import COMPUTE_RUN, IMPORT_DATA
from kaohe.accounts.scope import importable_tables, owners_for
from kaohe.collection.models import ImportBatch
from kaohe.collection.selectors import import_batch_recent
from kaohe.collection.services import import_file
from kaohe.cycle.guard import MonthLockedError
from kaohe.results.models import Run
from kaohe.results.services import NoPlanError, run_create, run_enqueue
from kaohe.web.forms import ComputeForm, ImportForm
from kaohe.web.selectors.data import (
    plan_years,
    run_problems,
    runs_recent,
    stored_counts,
    table_titles,
)
from kaohe.web.views.common import page


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _imports_page(
    request: HttpRequest, form: ImportForm, batch: ImportBatch | None, status: int = 200
) -> HttpResponse:
    years = plan_years()
    year = batch.year if batch else (years[0] if years else None)
    context = {
        "form": form,
        "batch": batch,
        "year": year,
        "counts": stored_counts(year=year) if year else {},
        "tables": table_titles(),
        "recent": import_batch_recent(limit=15),
    }
    return render(request, "web/imports.html", context, status=status)


@page(IMPORT_DATA)
def imports(request: HttpRequest) -> HttpResponse:
    """The upload form; a POST imports the file (all of it or nothing) and shows the outcome."""
    years = plan_years()
    if request.method != "POST":
        return _imports_page(request, ImportForm(years=years), None)
    form = ImportForm(request.POST, request.FILES, years=years)
    if not form.is_valid():
        return _imports_page(request, form, None, status=400)
    batch = import_file(
        upload=form.cleaned_data["file"],
        year=form.cleaned_data["year"],
        user=_user(request),
        tables=importable_tables(request.user),
        owners=owners_for(request.user),
    )
    return redirect("web:import_batch", batch_id=batch.pk)


@page(IMPORT_DATA)
def import_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The outcome of one import: its problems (nothing written) or its counts."""
    batch = get_object_or_404(ImportBatch.objects.select_related("user"), pk=batch_id)
    return _imports_page(request, ImportForm(years=plan_years()), batch)


@page(COMPUTE_RUN)
def compute(request: HttpRequest) -> HttpResponse:
    """Start a run of a year; the list of runs with state, timings and checksum."""
    years = plan_years()
    form = ComputeForm(request.POST or None, years=years)
    if request.method == "POST" and form.is_valid():
        try:
            run = run_create(
                year=form.cleaned_data["year"],
                through_month=form.cleaned_data["through_month"],
                user=_user(request),
            )
        except NoPlanError:
            form.add_error("year", _("该年度尚无考核方案"))
        except MonthLockedError as exc:
            form.add_error(
                "through_month",
                _("%(month)s 已锁定，不能重新计算；锁定的月份只能通过正式调整更改")
                % {"month": f"{exc.year}-{exc.month:02d}"},
            )
        else:
            run_enqueue(run=run)
            return redirect("web:run", run_id=run.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "web/compute.html", {"form": form, "runs": runs_recent()}, status=status)


@page(COMPUTE_RUN)
def run(request: HttpRequest, run_id: int) -> HttpResponse:
    """One run: its progress (polled by htmx while it works) and, when it failed, its problems."""
    obj = get_object_or_404(Run.objects.select_related("plan", "created_by"), pk=run_id)
    problems, total = run_problems(obj) if obj.state == Run.State.FAILED else ([], 0)
    context = {"run": obj, "problems": problems, "problem_total": total}
    return render(request, "web/run.html", context)


@page(COMPUTE_RUN)
def run_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The progress fragment; it stops polling once the run is done or failed."""
    obj = get_object_or_404(Run, pk=run_id)
    response = render(request, "web/_run_progress.html", {"run": obj})
    if obj.state in (Run.State.DONE, Run.State.FAILED):
        response["HX-Refresh"] = "true"  # reload the page: the results or the problems
    return response
