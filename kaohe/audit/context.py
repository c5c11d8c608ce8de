"""Where a change comes from: the request (user, IP, user agent, path) or a command, kept in a
context variable by :class:`AuditContextMiddleware` and read when an event is recorded."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

MAX_AGENT = 300
MAX_PATH = 300


@dataclass(frozen=True, slots=True)
class Origin:
    request: HttpRequest | None = None
    path: str = ""


_origin: ContextVar[Origin | None] = ContextVar("kaohe_audit_origin", default=None)
_batch: ContextVar[bool] = ContextVar("kaohe_audit_batch", default=False)


def origin_current() -> Origin | None:
    return _origin.get()


@contextmanager
def origin(value: Origin) -> Iterator[None]:
    token = _origin.set(value)
    try:
        yield
    finally:
        _origin.reset(token)


@contextmanager
def audit_batch() -> Iterator[None]:
    """Inside: row-by-row events are not written; the caller records one event for the batch."""
    token = _batch.set(True)
    try:
        yield
    finally:
        _batch.reset(token)


def in_batch() -> bool:
    return _batch.get()


class AuditContextMiddleware:
    """Keeps the request for the events recorded while it is handled (after authentication)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with origin(Origin(request=request, path=request.path[:MAX_PATH])):
            return self.get_response(request)
