"""The audit log (审计日志) for the office: filter by user, model, action and date; a record's
history; the state of the chain."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kaohe.audit.forms import AuditFilterForm
from kaohe.audit.rules import VIEW_AUDIT
from kaohe.audit.selectors import audit_event_list, audit_models, audit_record_history
from kaohe.web.views.common import page

PER_PAGE = 50


@page(VIEW_AUDIT)
def log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_event_list(
        user=filters.get("user") or "",
        model=filters.get("model") or "",
        action=filters.get("action") or "",
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page_obj = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page_obj, "models": audit_models(), "target": "main"}
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "audit/log.html", context, status=status)


@page(VIEW_AUDIT)
def history(request: HttpRequest, model: str, object_id: str) -> HttpResponse:
    events = audit_record_history(model=model, object_id=object_id)
    context = {"events": events, "model": model, "object_id": object_id}
    return render(request, "audit/history.html", context)
