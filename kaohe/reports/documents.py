"""Printed documents (PDF, WeasyPrint with Noto CJK): a unit's and a cadre's annual report card
with charts, every unit's card in one file, and the 公示 notice of the year's grades.

The data is read from a run's stored results (a few queries per subject); charts are SVG drawn
here (:mod:`kaohe.reports.svgchart`); templates live in ``templates/reports/pdf``. Fonts come
from the system (Debian ``fonts-noto-cjk``): nothing is fetched from outside.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from django.db.models import Avg
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kaohe.engine import round_half_up
from kaohe.engine import schema as s
from kaohe.followup.selectors.grades import effective_grades
from kaohe.org.models import Cadre, Unit
from kaohe.reports.svgchart import Series, line_chart
from kaohe.results.models import (
    AnnualResult,
    BottomAction,
    CadreMonthly,
    PayShare,
    PeriodScore,
    Run,
    UnitMonthly,
)
from kaohe.web import labels

Progress = Callable[[int], None]
NOTICE_WORKING_DAYS: Final = 5  # rules.md §12: 公示 for at least 5 working days
SATURDAY: Final = 5


class SubjectNotFoundError(LookupError):
    """No stored results for this unit or cadre in the run."""


def _published(value: float | None) -> float | None:
    return None if value is None else round_half_up(value, 2)


def _months(run: Run) -> list[str]:
    return [f"{m}月" for m in range(1, (run.months or 0) + 1)]


def _by_month(run: Run, rows: Iterable[tuple[int | None, float | None]]) -> list[float | None]:
    values = dict(rows)
    return [_published(values.get(m)) for m in range(1, (run.months or 0) + 1)]


@dataclass(frozen=True, slots=True)
class UnitCardData:
    code: str
    name: str
    category: str
    months: list[UnitMonthly]
    periods: list[PeriodScore]
    team: AnnualResult | None
    grades: dict[str, int]
    score_chart: SafeString
    rank_chart: SafeString
    team_grade: str = ""  # published (the year's close's override applied)


@dataclass(frozen=True, slots=True)
class CadreCardData:
    code: str
    name: str
    personnel_type: str
    unit_name: str
    months: list[CadreMonthly]
    periods: list[PeriodScore]
    annual: AnnualResult | None
    pay_total: str
    actions: list[BottomAction]
    score_chart: SafeString
    rank_chart: SafeString
    grade: str = ""  # published (the year's close's override applied)


def unit_cadre_grades(run: Run) -> dict[str, dict[str, int]]:
    """Per unit, how many of its cadres (by their unit of their last scored month) got each
    grade (two queries)."""
    last_unit = _cadre_units(run)
    grades: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    results = AnnualResult.objects.filter(run=run, subject_type=s.SUBJECT_CADRE).only(
        "subject_type", "subject_code", "grade"
    )
    for (_kind, cadre), published in effective_grades(run, results).items():
        grade = published.grade
        unit = last_unit.get(cadre or "")
        if unit and grade:
            grades[unit][str(labels.label("grade", grade))] += 1
    return {unit: dict(counts) for unit, counts in grades.items()}


def _published_grade(run: Run, result: AnnualResult | None) -> str:
    """The subject's published grade (one query), or "" without a result."""
    if result is None:
        return ""
    published = effective_grades(run, [result])
    return published[(result.subject_type or "", result.subject_code or "")].grade


def unit_card_data(
    run: Run, code: str, *, cadre_grades: dict[str, dict[str, int]] | None = None
) -> UnitCardData:
    """What a unit's annual card shows (``cadre_grades``: :func:`unit_cadre_grades`, computed
    once when many cards are made)."""
    unit = Unit.objects.filter(code=code).first()
    months = list(UnitMonthly.objects.filter(run=run, unit_code=code).order_by("month"))
    if unit is None or not months:
        raise SubjectNotFoundError(code)
    category = months[-1].category or unit.category
    district = (
        UnitMonthly.objects.filter(run=run, category=category)
        .values("month")
        .annotate(mean=Avg("score"))
        .order_by("month")
        .values_list("month", "mean")
    )
    grades = (cadre_grades if cadre_grades is not None else unit_cadre_grades(run)).get(code, {})
    team = AnnualResult.objects.filter(
        run=run, subject_type=s.SUBJECT_TEAM, subject_code=code
    ).first()
    own = _by_month(run, ((m.month, m.score) for m in months))
    return UnitCardData(
        code=code,
        name=unit.name,
        category=category,
        months=months,
        periods=list(
            PeriodScore.objects.filter(
                run=run, subject_type=s.SUBJECT_UNIT, subject_code=code
            ).order_by("period")
        ),
        team=team,
        team_grade=_published_grade(run, team),
        grades=grades,
        score_chart=mark_safe(
            line_chart(
                _months(run),
                [
                    Series(_("本单位月度得分"), own),
                    Series(_("同类别平均"), _by_month(run, district)),
                ],
                title=_("月度得分"),
            )
        ),
        rank_chart=mark_safe(
            line_chart(
                _months(run),
                [Series(_("类别内名次"), [float(m.rank) if m.rank else None for m in months])],
                title=_("类别内名次"),
                inverted=True,
                decimals=0,
            )
        ),
    )


def _cadre_units(run: Run) -> dict[str, str]:
    """Each cadre's unit in its last scored month (one query)."""
    rows = CadreMonthly.objects.filter(run=run).order_by("cadre_code", "month")
    return {c or "": u or "" for c, u in rows.values_list("cadre_code", "unit_code")}


def cadre_card_data(run: Run, code: str) -> CadreCardData:
    cadre = Cadre.objects.filter(code=code).first()
    months = list(CadreMonthly.objects.filter(run=run, cadre_code=code).order_by("month"))
    if cadre is None or not months:
        raise SubjectNotFoundError(code)
    unit_code = months[-1].unit_code or ""
    unit_mean = (
        CadreMonthly.objects.filter(run=run, unit_code=unit_code)
        .values("month")
        .annotate(mean=Avg("final"))
        .order_by("month")
        .values_list("month", "mean")
    )
    annual = AnnualResult.objects.filter(
        run=run, subject_type=s.SUBJECT_CADRE, subject_code=code
    ).first()
    annual = AnnualResult.objects.filter(
        run=run, subject_type=s.SUBJECT_CADRE, subject_code=code
    ).first()
    paid = PayShare.objects.filter(run=run, cadre_code=code).values_list("cents", flat=True)
    cents = sum(c or 0 for c in paid)
    return CadreCardData(
        code=code,
        name=cadre.name,
        personnel_type=cadre.personnel_type,
        unit_name=Unit.objects.filter(code=unit_code).values_list("name", flat=True).first()
        or unit_code,
        months=months,
        periods=list(
            PeriodScore.objects.filter(
                run=run, subject_type=s.SUBJECT_CADRE, subject_code=code
            ).order_by("period")
        ),
        annual=annual,
        grade=_published_grade(run, annual),
        pay_total=f"{(cents or 0) / 100:.2f}",
        actions=list(
            BottomAction.objects.filter(
                run=run, subject_type=s.SUBJECT_CADRE, subject_code=code
            ).order_by("period")
        ),
        score_chart=mark_safe(
            line_chart(
                _months(run),
                [
                    Series(_("月度最终得分"), _by_month(run, ((m.month, m.final) for m in months))),
                    Series(_("本单位平均"), _by_month(run, unit_mean)),
                ],
                title=_("月度最终得分"),
            )
        ),
        rank_chart=mark_safe(
            line_chart(
                _months(run),
                [Series(_("名次"), [float(m.rank) if m.rank else None for m in months])],
                title=_("同类人员内名次"),
                inverted=True,
                decimals=0,
            )
        ),
    )


def pdf_render(template: str, context: dict[str, Any]) -> bytes:
    """HTML from ``template`` printed by WeasyPrint (imported here: it loads native libraries)."""
    import weasyprint  # noqa: PLC0415 - heavy import, only when a PDF is made

    html = render_to_string(template, context)
    document: bytes = weasyprint.HTML(string=html, base_url=None).write_pdf()
    return document


def unit_card_pdf(run: Run, code: str) -> bytes:
    return pdf_render(
        "reports/pdf/unit_card.html", {"run": run, "cards": [unit_card_data(run, code)]}
    )


def cadre_card_pdf(run: Run, code: str) -> bytes:
    return pdf_render(
        "reports/pdf/cadre_card.html", {"run": run, "card": cadre_card_data(run, code)}
    )


def unit_cards_pdf(run: Run, progress: Progress) -> bytes:
    """Every unit's card in one PDF, in unit-code order, each from a new page."""
    codes = sorted(
        {c for c in UnitMonthly.objects.filter(run=run).values_list("unit_code", flat=True) if c}
    )
    cards = []
    grades = unit_cadre_grades(run)
    for done, code in enumerate(codes, start=1):
        cards.append(unit_card_data(run, code, cadre_grades=grades))
        progress(5 + 60 * done // max(len(codes), 1))
    return pdf_render("reports/pdf/unit_card.html", {"run": run, "cards": cards})


@dataclass(frozen=True, slots=True)
class NoticeGroup:
    title: str
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # unit, name, grade


def working_days_after(start: dt.date, days: int) -> dt.date:
    """The last day of ``days`` working days (Monday–Friday) from ``start`` on; public holidays
    are not known to the system and must be allowed for by the office."""
    day, counted = start, 0
    while True:
        if day.weekday() < SATURDAY:
            counted += 1
            if counted == days:
                return day
        day += dt.timedelta(days=1)


def notice_groups(run: Run) -> list[NoticeGroup]:
    """Teams, then cadres: every graded subject by grade (best first), then unit and code."""
    order = {g: i for i, g in enumerate((*s.TEAM_GRADES, *s.CADRE_GRADES, s.UNDETERMINED))}
    rows = list(AnnualResult.objects.filter(run=run).exclude(grade__isnull=True))
    published = effective_grades(run, rows)  # the year's close's overrides applied
    units = dict(Unit.objects.values_list("code", "name"))
    cadres = dict(Cadre.objects.values_list("code", "name"))
    last_unit = _cadre_units(run)
    groups = []
    team = _("领导班子")
    for kind, title in (
        (s.SUBJECT_TEAM, _("领导班子")),
        (s.SUBJECT_CADRE, _("干部")),
    ):
        lines = []
        for r in rows:
            if r.subject_type != kind:
                continue
            code = r.subject_code or ""
            unit = code if kind == s.SUBJECT_TEAM else last_unit.get(code, "")
            name = team if kind == s.SUBJECT_TEAM else cadres.get(code, code)
            grade = published[(kind, code)].grade
            lines.append((order.get(grade, 99), units.get(unit, unit), code, name, grade))
        lines.sort()
        groups.append(
            NoticeGroup(
                title=title,
                rows=[(u, n, str(labels.label("grade", g))) for _o, u, _c, n, g in lines],
            )
        )
    return groups


def notice_pdf(run: Run, start: dt.date, issuer: str) -> bytes:
    """The 公示 of the year's grades: the period (5 working days from ``start``), who issues it,
    and every team and cadre with their grade."""
    context = {
        "run": run,
        "groups": notice_groups(run),
        "start": start,
        "end": working_days_after(start, NOTICE_WORKING_DAYS),
        "issuer": issuer,
    }
    return pdf_render("reports/pdf/notice.html", context)
