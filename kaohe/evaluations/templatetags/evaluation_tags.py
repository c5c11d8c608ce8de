"""``{% load evaluation_tags %}``: names of the plan's rater groups."""

from __future__ import annotations

from django import template
from django_stubs_ext import StrOrPromise

from kaohe.evaluations.labels import group_label

register = template.Library()


@register.filter
def rater_group(code: str) -> StrOrPromise:
    """``{{ "peers"|rater_group }}`` → 同级."""
    return group_label(code)
