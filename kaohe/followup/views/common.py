"""What the follow-up views share: the office check, running a service, redirects."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from kaohe.followup import permissions
from kaohe.followup.services import FollowupError

T = TypeVar("T")
Form = forms.Form


def require_office(request: HttpRequest) -> None:
    if not permissions.is_office_user(request.user):
        raise PermissionDenied


def attempt(request: HttpRequest, write: Callable[[], T], done: str) -> T | None:
    """Run a service; its refusal becomes an error message (nothing was written)."""
    try:
        result = write()
    except FollowupError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, done)
    return result


def form_errors(request: HttpRequest, form: Form) -> None:
    """Each problem of a form as an error message naming the field."""
    for field, problems in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        for problem in problems:
            messages.error(request, f"{label}：{problem}" if label else str(problem))
