"""What every page view needs: login and permission, query parameters, htmx fragments."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from kaohe.accounts.roles import VIEW_RESULTS, allowed
from kaohe.web.cache import memo, scope_prime
from kaohe.web.selectors.common import Shown, shown

View = Callable[..., HttpResponse]


def page(permission: str = VIEW_RESULTS) -> Callable[[View], View]:
    """Login required (else the login page), then ``permission`` (else 403). Object-level
    checks (a unit's card, a cadre's page) follow in the view with :func:`require_object`."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            scope_prime(request)
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorate


def require_object(request: HttpRequest, permission: str, code: str) -> None:
    """403 unless the user has ``permission`` on the object ``code`` (a unit's, a cadre's)."""
    if not allowed(request.user, permission, code):
        raise PermissionDenied


def int_param(request: HttpRequest, name: str) -> int | None:
    """A whole-number query parameter; None when absent or not a number."""
    value = request.GET.get(name, "").strip()
    return int(value) if value.isdigit() else None


def shown_for(request: HttpRequest) -> Shown:
    """The year, run and month asked for by ``?year=&month=`` (defaults: the newest results);
    kept until the next audited change (kaohe/web/cache.py)."""
    year, month = int_param(request, "year"), int_param(request, "month")
    return memo(request, "shown", (year, month), lambda: shown(year, month))


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def render_htmx(
    request: HttpRequest, template: str, fragment: str, context: dict[str, Any]
) -> HttpResponse:
    """The whole page, or only ``fragment`` when htmx asks (the response varies on it)."""
    response = render(request, fragment if is_htmx(request) else template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response
