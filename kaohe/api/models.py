"""API tokens: a user's named key for ``Authorization: Bearer <token>``.

Only the SHA-256 digest of a token is stored; the token itself is shown once, when it is made
(``manage.py kaohe_token create USER NAME`` or the admin). Tokens are 256-bit random strings, so a
fast hash is enough (nothing to brute-force) and lets a request find its token by digest.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DIGEST_LENGTH = 64
PREFIX_LENGTH = 8


class ApiToken(models.Model):
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(
        _("前缀"), max_length=PREFIX_LENGTH, help_text=_("令牌的前几个字符，用于辨认")
    )
    digest = models.CharField(_("摘要 (SHA-256)"), max_length=DIGEST_LENGTH, editable=False)
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires = models.DateTimeField(_("到期时间"), null=True, blank=True)
    revoked = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ("-created",)
        constraints = (models.UniqueConstraint(fields=("digest",), name="api_apitoken_digest"),)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…, {self.user})"

    def is_active(self, now: dt.datetime | None = None) -> bool:
        """Not revoked and not expired."""
        now = now or timezone.now()
        return self.revoked is None and (self.expires is None or self.expires > now)
