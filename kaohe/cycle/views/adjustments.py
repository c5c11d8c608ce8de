"""Formal adjustments: ask for one (a locked month), decide on one, see its changed scores."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from kaohe.accounts.scope import cadre_codes_for
from kaohe.cycle import predicates
from kaohe.cycle.forms import AdjustmentForm, DecisionForm
from kaohe.cycle.models import Adjustment, AdjustmentEvidence
from kaohe.cycle.selectors import adjustment_changes
from kaohe.cycle.services.adjustments import (
    CorrectionRefusedError,
    adjustment_approve,
    adjustment_reject,
    adjustment_request,
)
from kaohe.cycle.services.periods import CycleError
from kaohe.cycle.views.periods import _period, _user
from kaohe.web.views.common import page


def _get(adjustment_id: int) -> Adjustment:
    return get_object_or_404(
        Adjustment.objects.select_related(
            "period", "requested_by", "decided_by", "previous_run", "new_run", "import_batch"
        ),
        pk=adjustment_id,
    )


@page()
def request_new(request: HttpRequest, year: int, month: int) -> HttpResponse:
    if not predicates.may_request_adjustment(request.user):
        raise PermissionDenied
    period = _period(year, month)
    form = AdjustmentForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = adjustment_request(
                period=period,
                user=_user(request),
                reason=form.cleaned_data["reason"],
                evidence=form.cleaned_data["evidence"],
                correction=form.cleaned_data["correction"],
            )
        except CycleError as exc:
            error = str(exc)
        except ValidationError as exc:
            error = "; ".join(exc.messages)
        else:
            return redirect("cycle:adjustment", adjustment_id=adjustment.pk)
    status = 400 if request.method == "POST" else 200
    context = {"period": period, "form": form, "error": error}
    return render(request, "cycle/adjustment_new.html", context, status=status)


def _page(
    request: HttpRequest, adjustment: Adjustment, error: str = "", status: int = 200
) -> HttpResponse:
    changes = adjustment_changes(adjustment)
    # units' scores are public within the district; a person's only to who may see that person
    readable = cadre_codes_for(request.user)
    changes = [
        c for c in changes if c.subject_type == "unit" or readable is None or c.code in readable
    ]
    context = {
        "adjustment": adjustment,
        "period": adjustment.period,
        "evidence": adjustment.evidence.all(),
        "changes": changes,
        "unit_changes": [c for c in changes if c.subject_type == "unit"],
        "cadre_changes": [c for c in changes if c.subject_type == "cadre"],
        "may_decide": adjustment.state == Adjustment.State.REQUESTED
        and predicates.may_decide_adjustment(request.user, adjustment),
        "may_see_files": predicates.may_run_cycle(request.user),
        "error": error,
    }
    return render(request, "cycle/adjustment.html", context, status=status)


@page()
def detail(request: HttpRequest, adjustment_id: int) -> HttpResponse:
    return _page(request, _get(adjustment_id))


@require_POST
@page()
def decide(request: HttpRequest, adjustment_id: int) -> HttpResponse:
    # 403 before the form: the office only. The requester, an office user, passes this gate and
    # is refused by the service with the reason (400): separation of duties on one record, not
    # a missing permission (docs/security.md)
    if not predicates.may_run_cycle(request.user):
        raise PermissionDenied
    adjustment = _get(adjustment_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _page(request, adjustment, error=str(form.errors), status=400)
    user, note = _user(request), form.cleaned_data["note"]
    try:
        if form.cleaned_data["decision"] == "approve":
            adjustment_approve(adjustment=adjustment, user=user, note=note)
        else:
            adjustment_reject(adjustment=adjustment, user=user, note=note)
    except CorrectionRefusedError as exc:
        problems = "; ".join(
            f"{p['file']} {p['row'] or ''} {p['column'] or ''}: {p['message']}"
            for p in exc.batch.problems[:20]
        )
        return _page(request, _get(adjustment_id), error=f"{exc} {problems}", status=400)
    except CycleError as exc:
        return _page(request, _get(adjustment_id), error=str(exc), status=400)
    return redirect("cycle:adjustment", adjustment_id=adjustment_id)


@page()
def evidence_file(request: HttpRequest, adjustment_id: int, evidence_id: int) -> HttpResponse:
    """An evidence file, for the office only (never served from a public media URL)."""
    if not predicates.may_run_cycle(request.user):
        raise PermissionDenied
    item = get_object_or_404(AdjustmentEvidence, pk=evidence_id, adjustment_id=adjustment_id)
    with item.file.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, Path(item.name).name) or ""
    return response
