"""Bottom-rank follow-up pages (末尾督考跟踪): the year's actions, overdue ones, one action with
its records and the form to add one, an attachment's download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.models import User
from kaohe.accounts.roles import VIEW_PEOPLE
from kaohe.engine import schema as s
from kaohe.followup import permissions
from kaohe.followup.forms import RecordForm
from kaohe.followup.models import FollowUpAction, FollowUpRecord
from kaohe.followup.selectors import actions as selectors
from kaohe.followup.services import actions as services
from kaohe.followup.views.common import attempt, form_errors, require_office
from kaohe.web.selectors.common import subject_names, unit_names
from kaohe.web.views.common import int_param, page, shown_for


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@page(VIEW_PEOPLE)
def actions(request: HttpRequest) -> HttpResponse:
    """The year's follow-up actions; ``?overdue=1`` lists the overdue ones only."""
    shown = shown_for(request)
    today = timezone.localdate()
    where = selectors.ActionFilter(
        period=request.GET.get("period", ""),
        state=request.GET.get("state", ""),
        overdue=request.GET.get("overdue") == "1",
        owner=request.GET.get("owner", ""),
    )
    user = request.user
    owners = selectors.action_owners(shown.year, user=user)
    rows = selectors.actions_page(
        shown.year, where, today, int_param(request, "page") or 1, user=user
    )
    return render(
        request,
        "followup/actions.html",
        {
            "shown": shown,
            "where": where,
            "rows": rows,
            "periods": selectors.action_periods(shown.year, user=user),
            "overdue": selectors.overdue_count(shown.year, today, user=user),
            "today": today,
            "names": subject_names((a.subject_type, a.subject_code) for a in rows)
            | unit_names({a.owner for a in rows if a.owner != s.OFFICE}),
            "is_office": permissions.is_office_user(request.user),
            "states": FollowUpAction.State.choices,
            "owners": owners,
            "owner_names": unit_names(o for o in owners if o != s.OFFICE),
        },
    )


@require_POST
@page()
def actions_create(request: HttpRequest) -> HttpResponse:
    """The office turns the current run's bottom lists into actions (idempotent)."""
    require_office(request)
    shown = shown_for(request)
    if shown.run is None:
        messages.error(request, _("该年度尚无完成的计算。"))
    else:
        run = shown.run
        counts = attempt(request, lambda: services.actions_from_run(run=run), _("已同步。"))
        if counts is not None:
            messages.info(
                request,
                _("新建 %(created)d 项，更新 %(updated)d 项，不再在名单中 %(dropped)d 项。")
                % {"created": counts.created, "updated": counts.updated, "dropped": counts.dropped},
            )
    return redirect(f"{reverse('followup:actions')}?year={shown.year}")


@page(VIEW_PEOPLE)
def action(request: HttpRequest, action_id: int) -> HttpResponse:
    """One action: the engine's numbers, the records of what was done, the form to add one."""
    row = get_object_or_404(FollowUpAction, pk=action_id)
    if not permissions.can_see_subject(request.user, row.subject_type, row.subject_code):
        raise PermissionDenied
    may_record = permissions.can_record_action(request.user, row.owner)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        form = RecordForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            attempt(
                request,
                lambda: services.action_record_add(
                    action=row,
                    date=data["date"],
                    participants=data["participants"],
                    notes=data["notes"],
                    attachment=data["attachment"] or None,
                    completes=data["completes"],
                    user=_user(request),
                    today=timezone.localdate(),
                ),
                _("记录已保存。"),
            )
        else:
            form_errors(request, form)
        return redirect("followup:action", action_id=row.pk)
    row = selectors.action_get(action_id)
    names = subject_names([(row.subject_type, row.subject_code)])
    if row.owner != s.OFFICE:
        names |= unit_names([row.owner])
    return render(
        request,
        "followup/action.html",
        {
            "action": row,
            "names": names,
            "ladder": selectors.ladder(row.subject_type, row.subject_code),
            "today": timezone.localdate(),
            "may_record": may_record,
            "may_download": may_record
            or permissions.is_self(request.user, row.subject_type, row.subject_code),
            "form": RecordForm(),
        },
    )


@login_required
def attachment(request: HttpRequest, record_id: int) -> FileResponse:
    """A record's attachment, as a download: to the office, the owning unit's head and the
    subject (a cadre) themself."""
    record = get_object_or_404(FollowUpRecord.objects.select_related("action"), pk=record_id)
    action = record.action
    if not (
        permissions.can_record_action(request.user, action.owner)
        or permissions.is_self(request.user, action.subject_type, action.subject_code)
    ):
        raise PermissionDenied
    if not record.attachment:
        raise Http404
    return FileResponse(
        record.attachment.open("rb"),
        as_attachment=True,
        filename=record.attachment_name or record.attachment.name,
    )
