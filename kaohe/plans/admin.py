from __future__ import annotations

from typing import ClassVar

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kaohe.plans.models import Plan
from kaohe.plans.services import plan_export


class PlanForm(forms.ModelForm[Plan]):
    class Meta:
        model = Plan
        fields = ("year", "name", "state", "yaml")
        widgets: ClassVar = {
            "yaml": forms.Textarea(
                attrs={"rows": 40, "cols": 110, "style": "font-family: monospace"}
            )
        }


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    form = PlanForm
    list_display = ("year", "name", "state", "updated")
    list_filter = ("state",)
    actions = ("export_yaml",)

    @admin.action(description=_("导出方案 YAML"))
    def export_yaml(self, request: HttpRequest, queryset: QuerySet[Plan]) -> HttpResponse | None:
        plans = list(queryset)
        if len(plans) != 1:
            self.message_user(request, _("请只选择一个方案导出。"))
            return None
        plan = plans[0]
        response = HttpResponse(
            plan_export(plan=plan), content_type="application/x-yaml; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="plan-{plan.year}.yaml"'
        return response
