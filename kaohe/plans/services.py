"""Writes of plans: save (validated by the engine), load a file, export."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.engine import PlanError, parse_plan
from kaohe.plans.models import Plan


@transaction.atomic
def plan_save(*, yaml_text: str, state: str = Plan.State.ACTIVE) -> Plan:
    """Create or replace the plan of the year the YAML names; ValidationError when invalid."""
    try:
        parsed = parse_plan(yaml_text)
    except PlanError as exc:
        raise ValidationError({"yaml": [str(issue) for issue in exc.issues]}) from None
    plan = Plan.objects.filter(year=parsed.year).first() or Plan(year=parsed.year)
    plan.yaml = yaml_text
    plan.name = parsed.name[:200]
    plan.state = state
    plan.full_clean()
    plan.save()
    return plan


def plan_load_file(*, path: Path, state: str = Plan.State.ACTIVE) -> Plan:
    """Read a plan file (UTF-8 YAML) and save it for its year."""
    return plan_save(yaml_text=path.read_text(encoding="utf-8"), state=state)


def plan_export(*, plan: Plan) -> str:
    """The stored YAML exactly as saved (comments and anchors kept)."""
    return plan.yaml
