"""The interactive API docs (Swagger UI) served from Kaohe's own static files.

django-ninja's default page loads Swagger UI from a CDN unless ``ninja`` is an installed app; an
intranet has no CDN, and we pin the library ourselves: ``swagger-ui-dist`` from package.json is
copied to ``kaohe/static/vendor/swagger-ui/`` by scripts/setup, like htmx and ECharts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

SETTINGS: Final = {
    "layout": "BaseLayout",
    "deepLinking": True,
    "validatorUrl": None,  # the default asks validator.swagger.io: no outside calls
}


class LocalSwagger(DocsBase):
    template = "api/swagger.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**SETTINGS, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": settings, "api": api}
        return render(request, self.template, context)
