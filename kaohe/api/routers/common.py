"""What the routers share: query parameters, error responses, the request's user."""

from __future__ import annotations

from typing import Final

from django.http import HttpRequest
from ninja import Schema
from pydantic import Field

from kaohe.api.permissions import AnyUser
from kaohe.api.schemas import ErrorOut

ERRORS: Final = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PageQuery(Schema):
    limit: int = Field(100, ge=1, le=1000, description="rows per page")
    offset: int = Field(0, ge=0, le=1_000_000_000, description="rows to skip")


class RunQuery(Schema):
    year: int | None = Field(
        None, ge=2000, le=2100, description="plan year (default: the latest with a finished run)"
    )
    run: int | None = Field(None, description="a finished run (default: the year's current run)")


def user_of(request: HttpRequest) -> AnyUser:
    return request.user  # set by the session middleware, or by the token (kaohe.api.auth)
