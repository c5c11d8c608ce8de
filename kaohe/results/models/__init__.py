"""Runs and the result tables they store."""

from __future__ import annotations

from kaohe.results.models.run import Run, RunProblem
from kaohe.results.models.tables import (
    RESULT_MODELS,
    AnnualResult,
    BottomAction,
    CadreMonthly,
    PayShare,
    PayUnallocated,
    PeriodScore,
    Persistence,
    PoliticalScore,
    QuotaGroup,
    RaterStat,
    RunRow,
    RunWarning,
    SectionMonthly,
    TrainingNeed,
    UnitGroup,
    UnitIndicator,
    UnitMonthly,
)

__all__ = [
    "RESULT_MODELS",
    "AnnualResult",
    "BottomAction",
    "CadreMonthly",
    "PayShare",
    "PayUnallocated",
    "PeriodScore",
    "Persistence",
    "PoliticalScore",
    "QuotaGroup",
    "RaterStat",
    "Run",
    "RunProblem",
    "RunRow",
    "RunWarning",
    "SectionMonthly",
    "TrainingNeed",
    "UnitGroup",
    "UnitIndicator",
    "UnitMonthly",
]
