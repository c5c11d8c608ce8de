"""Admin: ratings are read here (who rated whom, when); they are written on the rating pages,
which keep the window, the lock and the engine's rows in step (docs/ratings.md)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from kaohe.ratings.models import Rating


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin[Rating]):
    list_display = ("period", "kind", "subject_code", "item", "score", "level", "rater", "state")
    list_filter = ("kind", "state", "rater_role", "year")
    search_fields = ("subject_code", "rater_code", "unit_code")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Rating | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Rating | None = None) -> bool:
        return False
