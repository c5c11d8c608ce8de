"""The yearly plan (考核方案), stored as the engine's YAML (docs/plan.md)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kaohe.core.models import TimeStamped, year_field
from kaohe.engine import Plan as EnginePlan
from kaohe.engine import PlanError, parse_plan


class Plan(TimeStamped):
    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("启用")

    year = year_field()
    name = models.CharField(_("方案名称"), max_length=200)
    yaml = models.TextField(_("方案内容 (YAML)"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.DRAFT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ("-year",)
        constraints = (models.UniqueConstraint(fields=("year",), name="plans_plan_year_unique"),)

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    def clean(self) -> None:
        """Validate the YAML with the engine: its path-precise issues become form errors."""
        engine_plan = self.parsed()
        if self.year is not None and engine_plan.year != self.year:
            raise ValidationError(
                {
                    "yaml": _("方案内容中的年度 %(found)s 与方案年度 %(year)s 不一致")
                    % {"found": engine_plan.year, "year": self.year}
                }
            )

    def parsed(self) -> EnginePlan:
        """The engine's plan; ValidationError on the ``yaml`` field listing every issue."""
        try:
            return parse_plan(self.yaml, source=f"plan {self.year}")
        except PlanError as exc:
            raise ValidationError({"yaml": [str(issue) for issue in exc.issues]}) from None
