"""Admin: rounds, their raters (further recusals: relatives and the like) and surveys.

Ballots, marks, receipts and tokens are left out on purpose: nobody browses ballots.
"""

from __future__ import annotations

from django.contrib import admin

from kaohe.evaluations.models import Rater, Round, Survey


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin[Round]):
    list_display = ("year", "name", "kind", "state", "opened", "closed")
    list_filter = ("year", "kind", "state")
    readonly_fields = ("state", "items", "levels", "groups", "opened", "closed", "created_by")


@admin.register(Rater)
class RaterAdmin(admin.ModelAdmin[Rater]):
    list_display = ("label", "round", "group", "team_unit")
    list_filter = ("round", "group")
    search_fields = ("label",)
    raw_id_fields = ("cadre", "team_unit")
    readonly_fields = ("round",)
    filter_horizontal = ("recused",)

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        # offer only the subjects of the rater's round
        rater_id = (
            request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
        )
        if db_field.name == "recused" and rater_id:
            rater = Rater.objects.filter(pk=rater_id).first()
            if rater is not None:
                kwargs["queryset"] = rater.round.subjects.all()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin[Survey]):
    list_display = ("year", "unit", "active", "fed")
    list_filter = ("year", "active")
    readonly_fields = ("code", "fed")
