"""How the API knows who asks: a bearer token, or the browser's session (CSRF-checked).

``Authorization: Bearer kh_…`` is for scripts and other systems; the session cookie serves the
interactive docs and the pages' own scripts. A session request that changes something (POST)
must carry the CSRF token (``X-CSRFToken``), as Django's forms do; a token request needs none,
since a browser never sends a bearer token by itself.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from kaohe.accounts.models import User
from kaohe.api.services import api_token_use


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: an active (not revoked, not expired) token."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_use(secret=token.strip())
        if user is not None:
            request.user = user  # so history, permissions and logs see who it is
        return user


class SessionAuth(APIKeyCookie):
    """Django's session: the logged-in user; unsafe methods must pass Django's CSRF check."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, only for a logged-in user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header")
        return user


def api_auth() -> list[HttpBearer | APIKeyCookie]:
    """Token first: a request with both is the token's."""
    return [TokenAuth(), SessionAuth()]
