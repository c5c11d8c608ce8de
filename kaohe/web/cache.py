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

The latest audit event's id — the *stamp* — is read once per GET request (:func:`request_stamp`)
and keys, besides the bodies, what a page asks before its body (:func:`memo`): which years have
results and which run a year shows (a run's creation, completion and failure are audited), whether
data was imported after it (imports are audited), and the user's scope (role assignments and the
organisation are audited). A hit then costs the session, the user, the stamp and the
notifications count: four small queries. A POST reads everything afresh, since it may itself
append events.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from kaohe.accounts.models import User
from kaohe.accounts.scope import Scope, scope_adopt, scope_for, scope_known
from kaohe.audit.models import AuditEvent
from kaohe.results.models import Run
from kaohe.web.explanation import data_changed_since
from kaohe.web.selectors.common import Shown

PREFIX = "kaohe:body:"
MEMO_PREFIX = "kaohe:memo:"
_STAMP = "_kaohe_stamp"
T = TypeVar("T")


def latest_event_id() -> int:
    """The id of the newest audit event, 0 before the first (one query, by the primary key)."""
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def request_stamp(request: HttpRequest) -> int | None:
    """The stamp of a GET or HEAD request (read once, kept on the request); None for other
    methods, and when the page cache is off: then nothing may be memoised."""
    if request.method not in ("GET", "HEAD") or settings.KAOHE_PAGE_CACHE_SECONDS <= 0:
        return None
    stamp = getattr(request, _STAMP, None)
    if not isinstance(stamp, int):
        stamp = latest_event_id()
        setattr(request, _STAMP, stamp)
    return stamp


def memo(request: HttpRequest, name: str, parts: tuple[object, ...], read: Callable[[], T]) -> T:
    """``read()``, kept in the cache under ``name``, ``parts`` and the request's stamp: the same
    answer until the next audited change (read afresh when the request has no stamp)."""
    stamp = request_stamp(request)
    if stamp is None:
        return read()
    key = MEMO_PREFIX + name + ":" + ":".join(map(str, (stamp, *parts)))
    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        return found  # type: ignore[no-any-return]  # what read() returned under this key
    value = read()
    cache.set(key, value, settings.KAOHE_PAGE_CACHE_SECONDS)
    return value


_MISSING: Any = object()


def run_changed(request: HttpRequest, run: Run) -> bool:
    """:func:`data_changed_since` of ``run``, memoised for the request's stamp."""
    return memo(request, "changed", (run.pk,), lambda: data_changed_since(run))


def scope_prime(request: HttpRequest) -> None:
    """Give the request's user the scope kept for its stamp (read and kept on a miss), so the
    permission checks and selectors that follow ask no role queries."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated or scope_known(user):
        return
    parts = (user.pk, user.is_active, user.is_superuser, user.cadre_id)
    scope_adopt(user, memo(request, "scope", parts, lambda: scope_for(user)))


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
    """The cache key of the body ``request`` asks for (no query when the stamp, the run's
    import check and the scope are memoised)."""
    user = request.user
    run = shown.run
    stamp = request_stamp(request)
    latest = latest_event_id() if stamp is None else stamp
    match = request.resolver_match
    ident = [
        match.view_name if match is not None else request.path,
        request.get_full_path(),
        get_language() or "",
        str(run.pk) if run is not None else "-",
        str(run is not None and run_changed(request, run)),
        str(latest),
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
