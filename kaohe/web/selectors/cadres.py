"""The cadre page (干部): monthly scores and ranks, periods, the year, pay, actions, explanation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kaohe.engine import Plan
from kaohe.engine import schema as s
from kaohe.followup.selectors.grades import EffectiveGrade, effective_grades
from kaohe.results.models import AnnualResult, BottomAction, PayShare, PeriodScore, Run
from kaohe.web.explanation import subject_data
from kaohe.web.selectors.common import section_names, unit_names


@dataclass(frozen=True, slots=True)
class CadrePage:
    code: str
    name: str
    personnel_type: str
    month: int
    months: list[dict[str, Any]]  # cadre_monthly rows of every scored month, in order
    current: dict[str, Any] | None
    periods: list[PeriodScore]
    annual: AnnualResult | None
    grade: EffectiveGrade | None  # the published grade (the close's override applied)
    pay: dict[int, str]  # month → amount (yuan, as published)
    actions: list[BottomAction]
    units: dict[str, str]
    sections: dict[str, str]
    explanation: list[str]


def cadre_page(run: Run, plan: Plan, code: str, month: int) -> CadrePage | None:
    """Everything the cadre page shows; None when there is no such cadre.

    Queries: the cadre, records and events (inputs), cadre_monthly (results), periods, annual,
    pay, actions, unit and section names.
    """
    subject = subject_data(run, "cadre", code, month)
    cadres = subject.data[s.CADRES].to_dicts()
    if not cadres:
        return None
    info = cadres[0]
    months = subject.results["cadre_monthly"].sort(s.MONTH).to_dicts()
    current = next((m for m in months if m[s.MONTH] == month), None)
    periods = list(
        PeriodScore.objects.filter(
            run=run, subject_type=s.SUBJECT_CADRE, subject_code=code
        ).order_by("period")
    )
    annual = AnnualResult.objects.filter(
        run=run, subject_type=s.SUBJECT_CADRE, subject_code=code
    ).first()
    pay = dict(
        PayShare.objects.filter(run=run, cadre_code=code)
        .order_by("month")
        .values_list("month", "amount")
    )
    actions = list(
        BottomAction.objects.filter(
            run=run, subject_type=s.SUBJECT_CADRE, subject_code=code
        ).order_by("period")
    )
    return CadrePage(
        code=code,
        name=info[s.NAME],
        personnel_type=info[s.PERSONNEL_TYPE],
        month=month,
        months=months,
        current=current,
        periods=periods,
        annual=annual,
        grade=effective_grades(run, [annual])[(s.SUBJECT_CADRE, code)] if annual else None,
        pay={m: a for m, a in pay.items() if m is not None and a is not None},
        actions=actions,
        units=unit_names(m[s.UNIT_ID] for m in months if m[s.UNIT_ID]),
        sections=section_names(m[s.SECTION_ID] for m in months if m[s.SECTION_ID]),
        explanation=subject.lines(plan, code, month) if month else [],
    )
