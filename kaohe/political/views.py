"""Political-quality pages (政治素质): a cadre's or a team's evidence ledger with the political
score and its reasons, the ledger's CSV export, and the office's 优秀 evidence reviews.

Every check is asked of :mod:`kaohe.political.predicates` before a form is read (403 when the
user may not); every list of entries comes from
:func:`kaohe.political.selectors.evidence_list_for_user`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kaohe.accounts.models import User
from kaohe.collection.models import Evidence, TopReview
from kaohe.core.exports import csv_response
from kaohe.engine import schema as s
from kaohe.engine.plan import Grades
from kaohe.political import predicates, selectors, services
from kaohe.political.forms import EvidenceForm, ReviewForm
from kaohe.political.labels import DIRECTIONS, OUTCOMES, SOURCES
from kaohe.political.models import EvidenceFile
from kaohe.results.models import AnnualResult
from kaohe.web.views.common import shown_for


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required ran first
    return request.user


def _access(
    request: HttpRequest, subject_type: str, code: str
) -> tuple[int, frozenset[str], frozenset[str]]:
    """(year, sources read, sources recorded); 403 when neither."""
    year = shown_for(request).year
    rules = selectors.evidence_rules(year)
    read = predicates.readable_sources(request.user, subject_type, code, rules)
    record = predicates.recordable_sources(request.user, subject_type, code, rules)
    if not read and not record:
        raise PermissionDenied
    return year, read, record


def _subject(subject_type: str, code: str) -> selectors.Subject:
    found = selectors.subject_get(subject_type, code)
    if found is None:
        raise Http404(code)
    return found


def _ledger(
    request: HttpRequest, subject_type: str, code: str, form: EvidenceForm | None = None
) -> HttpResponse:
    year, _read, record = _access(request, subject_type, code)
    subject = _subject(subject_type, code)
    shown = shown_for(request)
    plan = selectors.year_plan(year)
    rules = plan.political.evidence if plan is not None else None
    entries = selectors.evidence_list_for_user(
        request.user, year=year, subject=subject, rules=rules
    )
    items = [i.name for i in plan.political.items] if plan is not None else []
    if form is None and record:
        initial: dict[str, Any] = {}
        editing = request.GET.get("edit", "")
        for entry in entries:
            if entry.code == editing and entry.source in record:
                initial = {
                    "code": entry.code,
                    "source": entry.source,
                    "direction": entry.direction,
                    "date": entry.date,
                    "item": entry.item,
                    "note": entry.note,
                }
        form = EvidenceForm(initial=initial or None, sources=sorted(record), items=items)
    context = {
        "shown": shown,
        "year": year,
        "subject": subject,
        "entries": entries,
        "recordable": record,
        "form": form,
        "editing": bool(form is not None and (form.initial or {}).get("code")),
        "breakdown": selectors.political_breakdown(
            request.user, year=year, subject=subject, run=shown.run
        ),
        "sources": SOURCES,
        "directions": DIRECTIONS,
        "is_office": predicates.is_office_user(request.user),
        "record_url": reverse(f"political:{subject_type}_record", args=[code]),
        "csv_url": reverse(f"political:{subject_type}_csv", args=[code]),
    }
    return render(
        request, "political/ledger.html", context, status=400 if form and form.errors else 200
    )


def _record(request: HttpRequest, subject_type: str, code: str) -> HttpResponse:
    year, _read, record = _access(request, subject_type, code)
    if not record:
        raise PermissionDenied
    subject = _subject(subject_type, code)
    plan = selectors.year_plan(year)
    items = [i.name for i in plan.political.items] if plan is not None else []
    form = EvidenceForm(request.POST, request.FILES, sources=sorted(record), items=items)
    if not form.is_valid():
        return _ledger(request, subject_type, code, form)
    data = form.cleaned_data
    try:
        services.evidence_record(
            user=_user(request),
            year=year,
            subject=subject,
            date=data["date"],
            source=data["source"],
            direction=data["direction"],
            item=data["item"],
            note=data["note"],
            code=data["code"],
            attachment=data["attachment"] or None,
        )
    except services.PoliticalError as exc:
        messages.error(request, str(exc))
        return _ledger(request, subject_type, code, form)
    messages.success(
        request,
        (_("证据已更正。") if data["code"] else _("证据已登记。"))
        + " "
        + _("政治素质得分在下次计算时更新。"),
    )
    return redirect(f"{reverse(f'political:{subject_type}', args=[code])}?year={year}")


def _csv(request: HttpRequest, subject_type: str, code: str) -> HttpResponse:
    year, read, _ = _access(request, subject_type, code)
    if not read:
        raise PermissionDenied
    subject = _subject(subject_type, code)
    header = (s.EVIDENCE_ID, s.SUBJECT_ID, s.DATE, s.SOURCE, s.DIRECTION, s.ITEM)
    rows = (
        (
            e.code,
            e.subject_code,
            e.date.isoformat(),
            e.source,
            e.direction,
            e.item,
            e.recorded_by,
            e.note,
        )
        for e in selectors.evidence_list_for_user(request.user, year=year, subject=subject)
    )
    return csv_response(f"evidence-{code}-{year}.csv", (*header, s.RECORDED_BY, s.NOTE), rows)


@require_GET
@login_required
def cadre_ledger(request: HttpRequest, code: str) -> HttpResponse:
    return _ledger(request, s.SUBJECT_CADRE, code)


@require_POST
@login_required
def cadre_record(request: HttpRequest, code: str) -> HttpResponse:
    return _record(request, s.SUBJECT_CADRE, code)


@require_GET
@login_required
def cadre_csv(request: HttpRequest, code: str) -> HttpResponse:
    return _csv(request, s.SUBJECT_CADRE, code)


@require_GET
@login_required
def team_ledger(request: HttpRequest, code: str) -> HttpResponse:
    return _ledger(request, s.SUBJECT_TEAM, code)


@require_POST
@login_required
def team_record(request: HttpRequest, code: str) -> HttpResponse:
    return _record(request, s.SUBJECT_TEAM, code)


@require_GET
@login_required
def team_csv(request: HttpRequest, code: str) -> HttpResponse:
    return _csv(request, s.SUBJECT_TEAM, code)


@require_GET
@login_required
def attachment(request: HttpRequest, evidence_id: int) -> FileResponse:
    """An entry's attachment, to whoever reads the entry (its source, for its subject)."""
    entry = Evidence.objects.filter(pk=evidence_id).first()
    subject = selectors.subject_by_code(entry.subject_code) if entry is not None else None
    if entry is None or subject is None:
        raise Http404(evidence_id)
    rules = selectors.evidence_rules(entry.year)
    if entry.source not in predicates.readable_sources(
        request.user, subject.type, subject.code, rules
    ):
        raise PermissionDenied
    found = EvidenceFile.objects.filter(evidence=entry).first()
    if found is None or not found.file:
        raise Http404(evidence_id)
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=found.name)


# --- the 优秀 evidence review (the office)


def _require_reviewer(request: HttpRequest) -> None:
    if not request.user.has_perm(predicates.REVIEW_TOP):
        raise PermissionDenied


REVIEWS_PER_PAGE = 100  # candidates on a page of the list (pending first)


def _grades(year: int) -> Grades:
    plan = selectors.year_plan(year)
    return plan.grades if plan is not None else Grades()


@require_GET
@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    """The year's 优秀/好 candidates with their review status, pending first."""
    _require_reviewer(request)
    shown = shown_for(request)
    grades = _grades(shown.year)
    annual = shown.run is not None and (shown.run.months or 0) >= 12
    found = selectors.candidates(shown.run, grades.top) if annual and shown.run else []
    return render(
        request,
        "political/reviews.html",
        {
            "shown": shown,
            "annual": annual,
            "candidates": Paginator(found, REVIEWS_PER_PAGE).get_page(request.GET.get("page")),
            "pending": sum(c.pending for c in found),
            "grades": grades,
            "final_on": selectors.year_final(shown.year),
            "outcomes": OUTCOMES,
        },
    )


def _review_page(request: HttpRequest, code: str, form: ReviewForm | None = None) -> HttpResponse:
    shown = shown_for(request)
    subject = selectors.subject_by_code(code)
    if subject is None:
        raise Http404(code)
    result = (
        AnnualResult.objects.filter(run=shown.run, subject_code=code).first()
        if shown.run is not None
        else None
    )
    review = TopReview.objects.filter(year=shown.year, subject_code=code).first()
    context = {
        "shown": shown,
        "subject": subject,
        "result": result,
        "review": review,
        "entries": selectors.evidence_all(year=shown.year, subject=subject),
        "sources": SOURCES,
        "directions": DIRECTIONS,
        "outcomes": OUTCOMES,
        "grades": _grades(shown.year),
        "final_on": selectors.year_final(shown.year),
        "form": form or ReviewForm(initial={"outcome": review.outcome} if review else None),
    }
    return render(
        request, "political/review.html", context, status=400 if form and form.errors else 200
    )


@require_GET
@login_required
def review(request: HttpRequest, code: str) -> HttpResponse:
    """One candidate: every entry of every source, the annual result, the review form."""
    _require_reviewer(request)
    return _review_page(request, code)


@require_POST
@login_required
def review_record(request: HttpRequest, code: str) -> HttpResponse:
    _require_reviewer(request)
    shown = shown_for(request)
    subject = selectors.subject_by_code(code)
    if subject is None:
        raise Http404(code)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _review_page(request, code, form)
    data = form.cleaned_data
    try:
        services.top_review_record(
            user=_user(request),
            year=shown.year,
            subject=subject,
            outcome=data["outcome"],
            date=data["date"],
            note=data["note"],
        )
    except services.PoliticalError as exc:
        messages.error(request, str(exc))
        return _review_page(request, code, form)
    messages.success(request, _("审核已记录。等次在下次计算后按审核结果确定。"))
    return redirect(f"{reverse('political:reviews')}?year={shown.year}")
