from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from kaohe.engine import schema as s
from kaohe.results.adapters import field_name
from kaohe.results.models import RESULT_MODELS, Run, RunProblem


class RunProblemInline(admin.TabularInline[RunProblem, Run]):
    model = RunProblem
    extra = 0
    fields = ("file", "row", "column", "message")
    readonly_fields = fields
    can_delete = False
    max_num = 0


@admin.register(Run)
class RunAdmin(admin.ModelAdmin[Run]):
    list_display = ("id", "year", "through_month", "state", "progress", "stage", "finished")
    list_filter = ("state", "year")
    readonly_fields = tuple(f.name for f in Run._meta.fields if f.name != "id")
    inlines = (RunProblemInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


def _result_admin(name: str) -> None:
    model = RESULT_MODELS[name]
    columns = tuple(field_name(c) for c, _ in s.OUTPUTS[name])
    filters = [c for c in ("month", "category", "subject_type", "grade", "role") if c in columns]
    attrs = {
        "list_display": ("run", *columns[:10]),
        "list_filter": ("run", *filters),
        "search_fields": [c for c in columns if c.endswith("_code")],
        "list_per_page": 100,
        "has_add_permission": lambda self, request: False,
        "has_change_permission": lambda self, request, obj=None: False,
    }
    admin.site.register(model, type(f"{model.__name__}Admin", (admin.ModelAdmin,), attrs))


for _name in RESULT_MODELS:
    _result_admin(_name)
