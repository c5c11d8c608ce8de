"""``{% load cycle_tags %}{% publication shown %}``: whether the month a page shows is published,
and whether the run it shows is the published one (dashboard and unit card)."""

from __future__ import annotations

from typing import Any

from django import template

from kaohe.cycle.selectors import period_get, published_run

register = template.Library()


@register.inclusion_tag("cycle/_publication.html")
def publication(shown: Any) -> dict[str, Any]:
    if not shown or not shown.run or not shown.month:
        return {"show": False}
    period = period_get(shown.year, shown.month)
    run = published_run(period) if period is not None else None
    return {
        "show": True,
        "period": period,
        "published": run,
        "is_published_run": run is not None and run.pk == shown.run.pk,
        "year": shown.year,
        "month": shown.month,
    }
