"""Reads of plans."""

from __future__ import annotations

from kaohe.plans.models import Plan


def plan_for_year(*, year: int) -> Plan | None:
    return Plan.objects.filter(year=year).first()


def plan_list() -> list[Plan]:
    return list(Plan.objects.order_by("-year"))
