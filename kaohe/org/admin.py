from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kaohe.org.models import Assignment, Cadre, Post, Section, Unit


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "category", "tier", "active")
    list_filter = ("category", "tier", "active")
    search_fields = ("code", "name")


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "unit", "tier")
    list_select_related = ("unit",)
    search_fields = ("code", "name", "unit__code", "unit__name")
    raw_id_fields = ("unit",)


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "unit", "section", "role", "tier")
    list_filter = ("role",)
    list_select_related = ("unit", "section")
    search_fields = ("code", "name", "unit__code")
    raw_id_fields = ("unit", "section")


@admin.register(Cadre)
class CadreAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "personnel_type", "home_unit", "probation_end")
    list_filter = ("personnel_type",)
    list_select_related = ("home_unit",)
    search_fields = ("code", "name")
    raw_id_fields = ("home_unit",)


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("cadre", "post", "start", "end")
    list_select_related = ("cadre", "post")
    search_fields = ("cadre__code", "cadre__name", "post__code")
    raw_id_fields = ("cadre", "post")
