"""A user's notifications (通知), newest first; mark them read."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kaohe.cycle.selectors import notifications_for
from kaohe.cycle.services.notifications import notification_read
from kaohe.cycle.views.periods import _user
from kaohe.web.views.common import int_param, page


@page()
def notifications(request: HttpRequest) -> HttpResponse:
    items = notifications_for(_user(request))
    page_obj = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "cycle/notifications.html", {"page_obj": page_obj, "target": "main"})


@require_POST
@page()
def read(request: HttpRequest) -> HttpResponse:
    notification_read(user=_user(request), notification_id=int_param(request, "id"))
    return redirect("cycle:notifications")
