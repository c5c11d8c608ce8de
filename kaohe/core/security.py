"""Response headers Django 5.2 does not set itself: a Content-Security-Policy that allows only
our own origin (no inline script or style, no other host), and a Permissions-Policy.

The policy is ``settings.KAOHE_CONTENT_SECURITY_POLICY``; a response that already has the
header keeps its own. Pages load htmx, ECharts, Swagger UI and their own script and style
files from /static/; data for charts arrives as ``json_script`` (JSON, not script).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CSP_HEADER: Final = "Content-Security-Policy"
PERMISSIONS_HEADER: Final = "Permissions-Policy"
DEFAULT_POLICY: Final = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # ECharts and Swagger UI draw small data: images
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
PERMISSIONS_POLICY: Final = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy headers to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy: str = getattr(settings, "KAOHE_CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy and CSP_HEADER not in response:
            response[CSP_HEADER] = self.policy
        if PERMISSIONS_HEADER not in response:
            response[PERMISSIONS_HEADER] = PERMISSIONS_POLICY
        return response


SEEN_KEY: Final = "kaohe_seen"


class SessionIdleMiddleware:
    """An idle timeout without a write per request: a logged-in session is saved again (and
    so lives ``SESSION_COOKIE_AGE`` more seconds) when it was last refreshed more than
    ``KAOHE_SESSION_REFRESH_SECONDS`` ago. A session left alone for ``SESSION_COOKIE_AGE`` ends."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.every: int = getattr(settings, "KAOHE_SESSION_REFRESH_SECONDS", 60)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            seen = session.get(SEEN_KEY)
            if not isinstance(seen, int) or now - seen >= self.every:
                session[SEEN_KEY] = now  # modified: the session middleware saves it
        return self.get_response(request)


def session_seen_at_login(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """Mark a new session as refreshed now (connected to ``user_logged_in``)."""
    if request is not None and hasattr(request, "session"):
        request.session[SEEN_KEY] = int(time.time())
