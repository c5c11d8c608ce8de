"""API tokens: the management command and the admin (the token is shown once, stored hashed)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from kaohe.accounts.models import User
from kaohe.accounts.roles import OFFICE
from kaohe.accounts.services import role_assign
from kaohe.api.models import ApiToken
from kaohe.api.services import token_digest

pytestmark = pytest.mark.django_db


def _command(*args: str) -> str:
    out = StringIO()
    call_command("kaohe_token", *args, stdout=out)
    return out.getvalue()


def test_the_command_creates_lists_and_revokes_tokens() -> None:
    user = User.objects.create_user(username="oa", password="x")
    role_assign(user=user, role=OFFICE)  # runs are the office's (staff alone reads nothing)
    printed = _command("create", "oa", "OA system", "--days", "30")
    secret = next(line for line in printed.splitlines() if line.startswith("kh_"))
    token = ApiToken.objects.get(user=user)
    assert token.digest == token_digest(secret)
    assert token.expires is not None
    assert (token.expires - token.created).days in (29, 30)
    bearer = f"Bearer {secret}"
    assert Client().get("/api/v1/runs", HTTP_AUTHORIZATION=bearer).status_code == 200
    listed = _command("list", "oa")
    assert f"{token.prefix}… active" in listed
    assert secret not in listed
    assert _command("revoke", str(token.pk)) == f"token {token.pk} revoked\n"
    assert Client().get("/api/v1/runs", HTTP_AUTHORIZATION=bearer).status_code == 401
    assert "revoked" in _command("list")
    forever = _command("create", "oa", "forever", "--days", "0")
    assert "until revoked" in forever
    with pytest.raises(CommandError, match="no user"):
        _command("create", "nobody", "x")


def test_the_admin_makes_a_token_shows_it_once_and_revokes(admin_client: Client) -> None:
    user = User.objects.create_user(username="screen", password="x", is_staff=True)
    response = admin_client.post(
        "/admin/api/apitoken/add/",
        {"user": user.pk, "name": "数据大屏", "expires_0": "", "expires_1": ""},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    shown = re.search(r"kh_[A-Za-z0-9_-]{40,}", response.content.decode())
    assert shown is not None
    assert token.digest == token_digest(shown.group(0))
    assert (
        shown.group(0)
        not in admin_client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()
    )
    admin_client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked is not None
