"""Writes of the API app: API tokens (create, revoke, use)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Final

from django.db import transaction
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.api.models import PREFIX_LENGTH, ApiToken

TOKEN_PREFIX: Final = "kh_"
TOKEN_BYTES: Final = 32
LAST_USED_EVERY: Final = dt.timedelta(minutes=1)  # at most one write per token and minute


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token just made: the stored row and the token itself, shown once and never again."""

    token: ApiToken
    secret: str


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int | None = 365) -> NewToken:
    """A new token for ``user`` valid ``days`` days (None: until revoked)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    expires = timezone.now() + dt.timedelta(days=days) if days is not None else None
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + PREFIX_LENGTH],
        digest=token_digest(secret),
        expires=expires,
    )
    token.full_clean()
    token.save()
    return NewToken(token, secret)


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke ``token`` now (a revoked token stays listed, with the time it was revoked)."""
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
    return token


def api_token_use(*, secret: str) -> User | None:
    """The active user a presented token belongs to, or None; records when it was last used
    (at most once a minute, so a busy client does not write on every request)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(secret)).first()
    now = timezone.now()
    if token is None or not token.is_active(now) or not token.user.is_active:
        return None
    if token.last_used is None or now - token.last_used > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user
