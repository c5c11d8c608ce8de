"""The JSON API, mounted at ``/api/v1/`` (docs/api.md): routers, authentication, errors, docs."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from kaohe import __version__
from kaohe.api import errors
from kaohe.api.auth import TokenAuth, api_auth
from kaohe.api.docs import LocalSwagger
from kaohe.api.routers import cadres, imports, runs, subjects, units

DESCRIPTION = """\
Kaohe's data and results as JSON. Authenticate with `Authorization: Bearer <token>`
(`manage.py kaohe_token create USER NAME`) or a logged-in session (unsafe methods then need the
`X-CSRFToken` header). Every error answers `{"detail": ..., "problems": [{file, row, column,
message}]}`. Numbers are published values: scores rounded half up to 2 decimals, ratios to 4.
"""

View = Callable[..., HttpResponse]


def docs_access(view: View) -> View:
    """The schema and the docs page: for a logged-in user or a valid token."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated and TokenAuth()(request) is None:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


api = NinjaAPI(
    title="Kaohe API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=api_auth(),
    docs=LocalSwagger(),
    docs_decorator=docs_access,
    openapi_extra={"info": {"x-kaohe-version": __version__}},
)
errors.install(api)
api.add_router("/runs", runs.router)
api.add_router("/units", units.router)
api.add_router("/cadres", cadres.router)
api.add_router("/", subjects.router)
api.add_router("/", imports.router)
# apps above the API add their own operations when they are ready (kaohe/diary/apps.py)
