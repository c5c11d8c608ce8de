from __future__ import annotations

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from kaohe.collection import models as c
from kaohe.cycle.admin_lock import LockedMonthAdmin


def _data_admin(
    model: type[models.Model], *, columns: tuple[str, ...], search: tuple[str, ...]
) -> None:
    """A changelist of a collected table: filter by year, search by its key."""
    fk = tuple(f.name for f in model._meta.fields if isinstance(f, models.ForeignKey))
    attrs = {
        "list_display": ("year", *columns),
        "list_filter": ("year",),
        "search_fields": search,
        "raw_id_fields": fk,
        "list_select_related": fk,
        "list_per_page": 100,
    }
    monthly = "month" in {f.name for f in model._meta.fields}
    base = LockedMonthAdmin if monthly else SimpleHistoryAdmin  # locked months refuse changes
    admin.site.register(model, type(f"{model.__name__}Admin", (base,), attrs))


_data_admin(c.DistrictStat, columns=("month", "gdp_growth", "gdp_growth_target"), search=())
_data_admin(
    c.EconomicStat,
    columns=("unit", "indicator", "month", "target_volume", "actual_volume", "drags"),
    search=("unit__code", "indicator"),
)
_data_admin(
    c.IndicatorResult,
    columns=("subject_code", "indicator", "month", "actual", "target", "level"),
    search=("subject_code", "indicator"),
)
_data_admin(
    c.FormulaInput,
    columns=("subject_code", "indicator", "month", "name", "value"),
    search=("subject_code", "indicator"),
)
_data_admin(
    c.Task, columns=("code", "section", "name", "weight", "method"), search=("code", "name")
)
_data_admin(
    c.Event,
    columns=("code", "subject_code", "month", "points", "kind", "veto"),
    search=("code", "subject_code", "reason"),
)
_data_admin(
    c.MonthlyRecord,
    columns=("cadre", "month", "level", "lates", "absences", "on_leave"),
    search=("cadre__code", "cadre__name"),
)
_data_admin(
    c.Evaluation,
    columns=("subject_code", "period", "kind", "item", "rater_group", "score"),
    search=("subject_code",),
)
_data_admin(
    c.Evidence,
    columns=("code", "subject_code", "date", "source", "direction"),
    search=("code", "subject_code"),
)
_data_admin(c.PayPool, columns=("unit", "month", "pool_cents"), search=("unit__code",))
_data_admin(
    c.TopReview, columns=("subject_code", "outcome", "reviewer", "date"), search=("subject_code",)
)


@admin.register(c.ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[c.ImportBatch]):
    list_display = (
        "created",
        "file_name",
        "year",
        "state",
        "created_count",
        "updated_count",
        "unchanged_count",
        "problem_count",
        "user",
    )
    list_filter = ("state", "year")
    search_fields = ("file_name", "sha256")
    readonly_fields = tuple(f.name for f in c.ImportBatch._meta.fields)

    def has_add_permission(self, request: object) -> bool:
        return False
