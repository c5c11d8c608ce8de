"""Every error of the API has one body: ``{"detail": "...", "problems": [...]}``.

``problems`` lists what is wrong where — ``{"file", "row", "column", "message"}``, as an import's
problems are — and is empty when there is nothing to point at (not found, not allowed).
Invalid request parameters are problems of the ``request``: ``column`` names the parameter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kaohe.api.selectors import NotFoundError
from kaohe.engine import Problem

REQUEST = "request"


class ApiError(Exception):
    """An error the API answers with ``status`` and the common body."""

    def __init__(self, status: int, detail: str, problems: Sequence[dict[str, Any]] = ()) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.problems = list(problems)


def problem_body(p: Problem) -> dict[str, Any]:
    return {"file": p.file, "row": p.row, "column": p.column, "message": p.message}


def not_found(detail: str) -> ApiError:
    return ApiError(404, detail)


def forbidden(detail: str = "you may not read or change this") -> ApiError:
    return ApiError(403, detail)


def require(allowed: bool, detail: str = "you may not read or change this") -> None:
    if not allowed:
        raise forbidden(detail)


def body(detail: str, problems: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    return {"detail": detail, "problems": list(problems)}


def _location(loc: Sequence[Any]) -> str:
    """``("query", "filters", "month")`` → ``query.month``: where, without ninja's wrappers."""
    parts = [str(p) for p in loc if p not in ("filters", "payload", "params")]
    return ".".join(parts)


def install(api: NinjaAPI) -> None:
    """Map every error to the common body."""

    # ninja types a handler's argument as "the exception or its class": take object, narrow it

    def api_error(request: HttpRequest, exc: object) -> HttpResponse:
        assert isinstance(exc, ApiError)
        return api.create_response(request, body(exc.detail, exc.problems), status=exc.status)

    def validation(request: HttpRequest, exc: object) -> HttpResponse:
        assert isinstance(exc, ValidationError)
        problems = [
            {
                "file": REQUEST,
                "row": None,
                "column": _location(e.get("loc", ())),
                "message": str(e.get("msg", "invalid")),
            }
            for e in exc.errors
        ]
        return api.create_response(request, body("the request is not valid", problems), status=422)

    def authentication(request: HttpRequest, exc: object) -> HttpResponse:
        response = api.create_response(
            request,
            body("authentication required: a valid bearer token or a logged-in session"),
            status=401,
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    def http_error(request: HttpRequest, exc: object) -> HttpResponse:
        assert isinstance(exc, HttpError)
        return api.create_response(request, body(str(exc)), status=exc.status_code)

    def missing(request: HttpRequest, exc: object) -> HttpResponse:
        detail = str(exc) if isinstance(exc, NotFoundError) else "not found"
        return api.create_response(request, body(detail), status=404)

    def denied(request: HttpRequest, exc: object) -> HttpResponse:
        return api.create_response(request, body("you may not read or change this"), status=403)

    api.add_exception_handler(ApiError, api_error)
    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(AuthenticationError, authentication)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(NotFoundError, missing)
    api.add_exception_handler(Http404, missing)
    api.add_exception_handler(ObjectDoesNotExist, missing)
    api.add_exception_handler(PermissionDenied, denied)
