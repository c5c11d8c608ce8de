"""Template filters and tags of the pages (``{% load kaohe %}``, registered in settings.TEMPLATES).

Every number is published the engine's way: half up on the decimal value, fixed decimals
(:func:`kaohe.engine.numbers.format_fixed`), never Python's ``round``.

>>> score(98.4785)
'98.48'
>>> ratio(1.1125)
'1.1125'
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.contrib.auth.context_processors import PermWrapper
from django.http import HttpRequest, QueryDict
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from kaohe.core.periods import month_label
from kaohe.engine.numbers import format_fixed
from kaohe.web import labels
from kaohe.web.cache import memo

register = template.Library()
MISSING = "—"


def _published(value: object, decimals: int) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return MISSING  # missing, or a template variable that does not exist
    return format_fixed(float(value), decimals) or MISSING


@register.filter
def score(value: object) -> str:
    """A score as published: 2 decimals, half up; a dash when missing."""
    return _published(value, 2)


@register.filter
def ratio(value: object) -> str:
    """A ratio (achievement, coefficient) as published: 4 decimals, half up."""
    return _published(value, 4)


@register.filter
def label(code: str | None, kind: str) -> StrOrPromise:
    """``{{ row.role|label:"role" }}`` → 一把手."""
    return labels.label(kind, code)


@register.filter
def notes(codes: str | None, kind: str = "note") -> str:
    """``;``-joined codes as their labels, joined by 、."""
    return "、".join(str(x) for x in labels.labels(kind, codes)) or MISSING


@register.filter
def yes_no(value: bool | None) -> str:
    if value is None:
        return MISSING
    return _("是") if value else _("否")


@register.simple_tag
def month(year: int, number: int) -> str:
    """``{% month 2026 3 %}`` → 2026-03."""
    return month_label(year, number)


@register.filter
def rank_change(change: int | None) -> SafeString:
    """Places moved since last month: ▲2 (up), ▼1 (down), — (same, or no rank last month)."""
    if change is None:
        return format_html('<span class="chg none" title="{}">—</span>', _("上月未排名"))
    if change > 0:
        return format_html('<span class="chg up" title="{}">▲{}</span>', _("上升"), change)
    if change < 0:
        return format_html('<span class="chg down" title="{}">▼{}</span>', _("下降"), -change)
    return format_html('<span class="chg same" title="{}">—</span>', _("持平"))


@register.simple_tag(takes_context=True)
def query(context: dict[str, Any], **changes: object) -> str:
    """The current query string with ``changes`` applied (``None`` removes a parameter)."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    if "page" not in changes:  # a new filter starts again at the first page
        params.pop("page", None)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def get_item(mapping: dict[Any, Any] | None, key: object) -> Any:
    """``{{ names|get_item:code }}``: a value of a mapping; None when absent."""
    return mapping.get(key) if mapping else None


@register.simple_tag
def seconds(start: datetime | None, end: datetime | None) -> str:
    """How long from ``start`` to ``end``, in seconds with one decimal."""
    if start is None or end is None:
        return MISSING
    return f"{(end - start).total_seconds():.1f}"


@register.simple_tag(takes_context=True)
def nav(context: template.Context) -> SafeString:
    """The header's navigation (``_nav.html``): its links depend on the user's permissions and
    the page only, so it is rendered once per user, page and language and kept until the next
    audited change (a role granted or taken away is one), like the page bodies."""
    request = context.get("request")
    user = context.get("user")

    def render() -> str:
        nav_context = {"request": request, "user": user, "perms": PermWrapper(user)}
        return str(get_template("_nav.html").render(nav_context))

    if not isinstance(request, HttpRequest) or user is None:
        return mark_safe(render())  # our own template, escaped when it was rendered
    match = request.resolver_match
    page = match.view_name if match is not None else request.path
    parts = (getattr(user, "pk", None), get_language(), page)
    return mark_safe(memo(request, "nav", parts, render))
