from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from kaohe.api.models import ApiToken
from kaohe.api.services import api_token_create, api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Tokens are listed and revoked here; a new one is shown once, in the confirmation."""

    list_display = ("name", "user", "prefix", "created", "last_used", "expires", "revoked")
    list_filter = ("revoked",)
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username")
    raw_id_fields = ("user",)
    fields = ("user", "name", "expires", "prefix", "created", "last_used", "revoked")
    readonly_fields = ("prefix", "created", "last_used", "revoked")
    actions = ("revoke",)

    def get_readonly_fields(
        self, request: HttpRequest, obj: ApiToken | None = None
    ) -> tuple[str, ...]:
        if obj is not None:  # a token's owner and name stay what they were made for
            return ("user", "name", *self.readonly_fields)
        return tuple(self.readonly_fields)

    def save_model(
        self, request: HttpRequest, obj: ApiToken, form: ModelForm[ApiToken], change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        new = api_token_create(user=obj.user, name=obj.name, days=None)
        new.token.expires = obj.expires
        new.token.save(update_fields=["expires"])
        obj.pk = new.token.pk
        messages.warning(
            request, f"令牌 {new.token.name}: {new.secret} — 只显示这一次，请立即复制保存。"
        )

    @admin.action(description="撤销所选令牌")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            api_token_revoke(token=token)
