"""The unit report card (单位成绩单): scorecard of a month, periods, year, explanation, cadres."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from kaohe.accounts.scope import AnyUser, cadre_rows
from kaohe.engine import Plan
from kaohe.engine import schema as s
from kaohe.followup.selectors.grades import EffectiveGrade, effective_grades
from kaohe.results.models import AnnualResult, CadreMonthly, PeriodScore, Run
from kaohe.web.explanation import SubjectData, subject_data
from kaohe.web.selectors.common import cadre_names


@dataclass(frozen=True, slots=True)
class IndicatorLine:
    key: str
    name: str
    method: str
    weight: float | None
    included: bool | None
    achievement: float | None
    note: str
    rv: float | None = None
    rg: float | None = None
    r: float | None = None
    drags: bool | None = None
    bonus: float | None = None
    penalty: float | None = None
    economic: dict[str, float | None] | None = None  # Tv, Av, Tg, Ag of the month


@dataclass(frozen=True, slots=True)
class GroupLine:
    key: str
    name: str
    points: float | None
    effective_points: float | None
    weight_sum: float | None
    base: float | None
    bonus: float | None
    penalty: float | None
    contribution: float | None
    indicators: list[IndicatorLine] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EventLine:
    code: str
    kind: str
    points: float
    reason: str
    veto: bool
    veto_type: str
    sanction: str


@dataclass(frozen=True, slots=True)
class UnitCard:
    code: str
    name: str
    category: str
    tier: int | None
    month: int
    months: list[dict[str, Any]]  # unit_monthly rows of every month, in order
    current: dict[str, Any] | None  # the shown month's row; None when not scored
    groups: list[GroupLine]
    events: list[EventLine]
    periods: list[PeriodScore]
    annual: AnnualResult | None
    grade: EffectiveGrade | None  # the published grade (the close's override applied)
    explanation: list[str]


def _economic(subject: SubjectData, unit: str, indicator: str, month: int) -> dict[str, Any]:
    """The latest economic row at or before ``month`` (as the engine reads it)."""
    rows = (
        subject.data[s.ECONOMIC]
        .filter(
            (pl.col(s.UNIT_ID) == unit)
            & (pl.col(s.INDICATOR) == indicator)
            & (pl.col(s.MONTH) <= month)
        )
        .sort(s.MONTH)
    )
    return rows.to_dicts()[-1] if rows.height else {}


def _groups(
    plan: Plan, subject: SubjectData, unit: str, category: str, month: int
) -> list[GroupLine]:
    groups = {g[s.GROUP]: g for g in subject.results["unit_groups"].to_dicts()}
    indicators = {i[s.INDICATOR]: i for i in subject.results["unit_indicators"].to_dicts()}
    lines: list[GroupLine] = []
    if category not in plan.categories:
        return lines
    for group in plan.categories[category].groups:  # in the plan's order, as the explanation
        g = groups.get(group.key)
        if g is None:
            continue
        items: list[IndicatorLine] = []
        for ind in group.indicators:
            row = indicators.get(ind.key)
            if row is None:
                continue
            economic = None
            if ind.method == "volume_growth" and row[s.INCLUDED]:
                e = _economic(subject, unit, ind.key, month)
                economic = {
                    "tv": e.get(s.TARGET_VOLUME),
                    "av": e.get(s.ACTUAL_VOLUME),
                    "tg": e.get(s.TARGET_GROWTH),
                    "ag": e.get(s.ACTUAL_GROWTH),
                }
            items.append(
                IndicatorLine(
                    key=ind.key,
                    name=ind.name,
                    method=ind.method,
                    weight=row[s.WEIGHT],
                    included=row[s.INCLUDED],
                    achievement=row[s.ACHIEVEMENT],
                    note=row[s.NOTE] or "",
                    rv=row[s.RV],
                    rg=row[s.RG],
                    r=row[s.R],
                    drags=row[s.DRAGS],
                    bonus=row[s.BONUS],
                    penalty=row[s.PENALTY],
                    economic=economic,
                )
            )
        lines.append(
            GroupLine(
                key=group.key,
                name=group.name,
                points=g[s.POINTS],
                effective_points=g[s.EFFECTIVE_POINTS],
                weight_sum=g[s.WEIGHT_SUM],
                base=g[s.BASE],
                bonus=g[s.BONUS],
                penalty=g[s.PENALTY],
                contribution=g[s.CONTRIBUTION],
                indicators=items,
            )
        )
    return lines


def _events(subject: SubjectData, code: str, month: int) -> list[EventLine]:
    rows = subject.data[s.EVENTS].filter(
        (pl.col(s.SUBJECT_ID) == code) & (pl.col(s.MONTH) == month)
    )
    return [
        EventLine(
            code=e[s.EVENT_ID],
            kind=e[s.KIND] or "normal",
            points=e[s.POINTS],
            reason=e[s.REASON],
            veto=bool(e[s.VETO]),
            veto_type=e[s.VETO_TYPE] or "",
            sanction=e[s.SANCTION] or "",
        )
        for e in rows.sort(s.EVENT_ID).to_dicts()
    ]


def unit_card(run: Run, plan: Plan, code: str, month: int) -> UnitCard | None:
    """The report card of unit ``code`` for ``month``; None when the unit does not exist.

    Queries: the five input tables and three result tables of the explanation, the unit's
    periods and its team's annual result.
    """
    subject = subject_data(run, "unit", code, month)
    units = subject.data[s.UNITS].to_dicts()
    if not units:
        return None
    info = units[0]
    months = subject.results["unit_monthly"].sort(s.MONTH).to_dicts()
    current = next((m for m in months if m[s.MONTH] == month), None)
    periods = list(
        PeriodScore.objects.filter(
            run=run, subject_type=s.SUBJECT_UNIT, subject_code=code
        ).order_by("period")
    )
    annual = AnnualResult.objects.filter(
        run=run, subject_type=s.SUBJECT_TEAM, subject_code=code
    ).first()
    explanation = subject.lines(plan, code, month) if month else []
    return UnitCard(
        code=code,
        name=info[s.NAME],
        category=info[s.CATEGORY],
        tier=current[s.TIER] if current else info[s.TIER],
        month=month,
        months=months,
        current=current,
        groups=_groups(plan, subject, code, info[s.CATEGORY], month) if current else [],
        events=_events(subject, code, month),
        periods=periods,
        annual=annual,
        grade=effective_grades(run, [annual])[(s.SUBJECT_TEAM, code)] if annual else None,
        explanation=explanation,
    )


@dataclass(frozen=True, slots=True)
class CadreLine:
    code: str
    name: str
    role: str
    section: str
    own: float | None
    upper: float | None
    final: float | None
    rank: int | None
    rank_n: int | None


def unit_cadres(run: Run, code: str, month: int, *, user: AnyUser) -> list[CadreLine]:
    """The cadres scored in unit ``code`` in ``month`` that ``user`` may see, best first (two
    queries, and the scope's)."""
    rows = list(
        cadre_rows(CadreMonthly.objects.filter(run=run, unit_code=code, month=month), user)
        .order_by("role", "rank", "cadre_code")
        .values_list(
            "cadre_code", "role", "section_code", "own", "upper", "final", "rank", "rank_n"
        )
    )
    names = cadre_names(r[0] or "" for r in rows)
    return [
        CadreLine(
            code=c or "",
            name=names.get(c or "", c or ""),
            role=role or "",
            section=section or "",
            own=own,
            upper=upper,
            final=final,
            rank=rank,
            rank_n=n,
        )
        for c, role, section, own, upper, final, rank, n in rows
    ]
