from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kaohe.accounts.models import RoleAssignment, User
from kaohe.accounts.roles import MANAGE_ROLES


class RoleAssignmentInline(admin.TabularInline[RoleAssignment, User]):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ("role", "unit", "section", "department", "granted_by", "created")
    readonly_fields = ("granted_by", "created")
    raw_id_fields = ("unit", "section")


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (_("考核"), {"fields": ("display_name", "cadre")}),
    )
    list_display = ("username", "display_name", "cadre", "is_staff", "is_active")
    raw_id_fields = ("cadre",)
    inlines = (RoleAssignmentInline,)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Role assignments added here record who granted them."""
        granter = request.user if isinstance(request.user, User) else None
        for inline_form in formset.forms:
            assignment = inline_form.instance
            if isinstance(assignment, RoleAssignment) and assignment.pk is None:
                assignment.granted_by = granter
        super().save_formset(request, form, formset, change)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "unit", "section", "department", "granted_by", "created")
    list_filter = ("role",)
    search_fields = ("user__username", "user__display_name", "unit__code", "section__code")
    raw_id_fields = ("user", "unit", "section")
    readonly_fields = ("granted_by", "created")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE_ROLES) or super().has_module_permission(request)

    def save_model(
        self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool
    ) -> None:
        if obj.granted_by_id is None and request.user.is_authenticated:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)
