"""Rendered page bodies, kept while nothing they show can have changed.

The heavy pages (dashboard, ranking, unit card, cadre page) show one computation run, and a run's
results never change. Their body — everything between the header and the footer — is rendered
once and kept in Django's cache under a key made of everything it depends on:

- the page and its full URL (year, month, category, page…), and the language;
- the run shown (its id) and whether data was imported after it started (the page warns);
- the latest audit event's id: every write to the organisation, plans, data, follow-up records,
  roles and the cycle appends one (docs/audit.md), so any change makes a new key;
- what the user may see: their roles and scope (unit subtrees, sections, own cadre), and the
  staff and superuser flags (the links and lists a body holds depend on nothing else).

A body holds no CSRF token and nothing else of the session (the header, with the user's name,
forms and notifications, is rendered on every request). ``KAOHE_PAGE_CACHE_SECONDS`` (default
300) bounds how long a body is kept; 0 turns the cache off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from kaohe.accounts.scope import Scope, scope_for
from kaohe.audit.models import AuditEvent
from kaohe.web.explanation import data_changed_since
from kaohe.web.selectors.common import Shown

PREFIX = "kaohe:body:"


def scope_signature(scope: Scope) -> str:
    """A stable text of what a scope lets its user see (the same for every process)."""
    parts = [
        ",".join(sorted(scope.roles)),
        ",".join(sorted(scope.units)),
        ",".join(sorted(scope.sections)),
        scope.cadre or "",
        ",".join(sorted(scope.member_units)),
        ",".join(sorted(scope.departments)),
    ]
    return "|".join(parts)


def body_key(request: HttpRequest, shown: Shown) -> str:
    """The cache key of the body ``request`` asks for (two small queries, and the scope's)."""
    user = request.user
    run = shown.run
    latest = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    match = request.resolver_match
    ident = [
        match.view_name if match is not None else request.path,
        request.get_full_path(),
        get_language() or "",
        str(run.pk) if run is not None else "-",
        str(run is not None and data_changed_since(run)),
        str(latest or 0),
        scope_signature(scope_for(user)),
        str(getattr(user, "is_staff", False)),
        str(getattr(user, "is_superuser", False)),
        timezone.localdate().isoformat(),  # what is overdue
    ]
    digest = hashlib.sha256("\x1f".join(ident).encode("utf-8")).hexdigest()
    return PREFIX + digest


def cached_body(
    request: HttpRequest,
    *,
    shown: Shown,
    template: str,
    build: Callable[[], tuple[Mapping[str, Any], str]],
) -> dict[str, Any]:
    """``{"title": …, "body": …}``: ``template`` rendered with the context ``build()`` returns
    (with the page's title), from the cache when kept.

    ``build`` runs only on a miss: the selectors behind a body are its expensive part.
    """
    seconds = settings.KAOHE_PAGE_CACHE_SECONDS
    key = body_key(request, shown) if seconds > 0 else ""
    found = cache.get(key) if key else None
    if isinstance(found, tuple) and len(found) == 2:
        title, html = found
    else:
        context, title = build()
        html = render_to_string(template, dict(context), request)
        if key:
            cache.set(key, (title, html), seconds)
    # our own rendered template: escaped by the template engine when it was rendered
    return {"title": title, "body": mark_safe(html)}
