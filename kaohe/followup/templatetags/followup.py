"""``{% load followup %}``: the follow-up a subject's pages include (the cadre page's ladder)."""

from __future__ import annotations

from django import template

from kaohe.followup.models import FollowUpAction, GradeOverride
from kaohe.followup.selectors.actions import ladder
from kaohe.followup.services.pay import yuan as pay_yuan

register = template.Library()


@register.simple_tag
def followup_ladder(subject_type: str, code: str) -> list[FollowUpAction]:
    """Every follow-up action of a subject, all years, with records (two queries)."""
    return ladder(subject_type, code)


@register.filter
def yuan(cents: object) -> str:
    """Whole cents as yuan with two decimals, exactly (``12345`` → ``123.45``)."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        return "—"
    return pay_yuan(cents)


@register.simple_tag
def followup_override(subject_type: str, code: str, year: int) -> GradeOverride | None:
    """The office's grade override of a subject in a closed year, if any (one query)."""
    return (
        GradeOverride.objects.filter(close__year=year, subject_type=subject_type, subject_code=code)
        .select_related("close")
        .first()
    )
