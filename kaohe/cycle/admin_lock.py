"""The admin of the monthly data refuses every change to a locked month: a locked row is shown
read only (no change, no delete), a new or moved row in a locked month is refused by the form,
and a bulk delete that touches a locked month is refused (403) and deletes nothing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from kaohe.cycle.guard import MonthLockedError, locked_months, month_lock_check


def _locked(obj: Any) -> bool:
    year, month = getattr(obj, "year", None), getattr(obj, "month", None)
    return year is not None and month is not None and month in locked_months(year)


class LockedMonthAdmin(SimpleHistoryAdmin[Model]):  # type: ignore[misc]  # untyped base
    """A data table kept per year and month (kaohe.cycle.guard)."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _locked(obj):
            return False
        return bool(super().has_change_permission(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and _locked(obj):
            return False
        return bool(super().has_delete_permission(request, obj))

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Any]]:
        base = super().get_form(request, obj, change, **kwargs)

        class Guarded(base):  # type: ignore[valid-type,misc]  # a form class made at run time
            def clean(self) -> dict[str, Any]:
                data: dict[str, Any] = super().clean()
                year, month = data.get("year"), data.get("month")
                if year is not None and month is not None:
                    try:
                        month_lock_check(year=year, month=month, what="the admin")
                    except MonthLockedError as exc:
                        raise ValidationError(str(exc)) from None
                return data

        return Guarded

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for year, month in queryset.values_list("year", "month").distinct():
            try:
                month_lock_check(year=year, month=month, what="the admin")
            except MonthLockedError as exc:
                raise PermissionDenied(str(exc)) from None
        super().delete_queryset(request, queryset)
