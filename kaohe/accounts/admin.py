from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from kaohe.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("考核"), {"fields": ("display_name", "cadre")}),
    )
    list_display = ("username", "display_name", "cadre", "is_staff", "is_active")
    raw_id_fields = ("cadre",)
