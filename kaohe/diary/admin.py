"""The diary's records in the admin site (the office's corrections go through the pages)."""

from __future__ import annotations

from django.contrib import admin

from kaohe.diary.models import Attendance, CalendarDay, Goal, Week


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin[Attendance]):
    list_display = ("cadre", "date", "status", "leave_type", "check_in", "source")
    list_filter = ("status", "source")
    search_fields = ("cadre__code", "cadre__name")
    readonly_fields = ("cadre", "date", "status", "leave_type", "check_in", "source")

    def has_add_permission(self, request: object) -> bool:
        return False  # written through the services, which sum the month


class GoalInline(admin.TabularInline[Goal, Week]):
    model = Goal
    extra = 0
    readonly_fields = ("position", "text", "done", "note")


@admin.register(Week)
class WeekAdmin(admin.ModelAdmin[Week]):
    list_display = ("cadre", "monday", "state", "reviewed_by")
    list_filter = ("state",)
    search_fields = ("cadre__code", "cadre__name")
    readonly_fields = ("cadre", "monday", "state", "comment", "reviewed_by", "reviewed_at")
    inlines = (GoalInline,)

    def has_add_permission(self, request: object) -> bool:
        return False
