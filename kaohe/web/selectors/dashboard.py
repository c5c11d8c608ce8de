"""The district dashboard (总览): key figures and the data of its three charts."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Count, Q

from kaohe.collection.models import Event
from kaohe.engine import round_half_up
from kaohe.engine import schema as s
from kaohe.results.models import BottomAction, CadreMonthly, Run, UnitMonthly
from kaohe.web.selectors.common import cadre_names, unit_names

HISTOGRAM_WIDTH = 5.0  # points per bar of the cadre finals' distribution


@dataclass(frozen=True, slots=True)
class UnitScore:
    unit_code: str
    category: str
    score: float | None
    rank: int | None


@dataclass(frozen=True, slots=True)
class KeyFigures:
    units: int
    cadres: int
    mean_unit: float | None
    vetoes: int
    actions: int
    actions_overdue: int


@dataclass(frozen=True, slots=True)
class Bin:
    low: float
    high: float
    count: int

    @property
    def label(self) -> str:
        return f"{self.low:g}–{self.high:g}"


def unit_scores(run: Run, month: int) -> list[UnitScore]:
    """Every scored unit of ``month``, by category and rank (one query)."""
    rows = (
        UnitMonthly.objects.filter(run=run, month=month)
        .order_by("category", "rank", "unit_code")
        .values_list("unit_code", "category", "score", "rank")
    )
    return [UnitScore(u or "", c or "", sc, r) for u, c, sc, r in rows]


def cadre_finals(run: Run, month: int) -> list[float]:
    """The month's cadre finals (one query)."""
    rows = CadreMonthly.objects.filter(run=run, month=month, final__isnull=False)
    return [f for f in rows.values_list("final", flat=True) if f is not None]


def histogram(values: list[float], width: float = HISTOGRAM_WIDTH) -> list[Bin]:
    """Counts of published values in bars of ``width`` points, from the lowest bar to the
    highest (empty bars in between kept)."""
    if not values:
        return []
    published = [round_half_up(v, 2) for v in values]
    low = math.floor(min(published) / width)
    high = math.floor(max(published) / width)
    counts = [0] * (high - low + 1)
    for v in published:
        counts[math.floor(v / width) - low] += 1
    return [Bin((low + i) * width, (low + i + 1) * width, n) for i, n in enumerate(counts)]


def category_trend(run: Run) -> dict[str, list[float | None]]:
    """Per category, the mean unit score of each month of the run, published (one query)."""
    months = run.months or 0
    trend: dict[str, list[float | None]] = defaultdict(lambda: [None] * months)
    rows = (
        UnitMonthly.objects.filter(run=run, score__isnull=False)
        .values("category", "month")
        .annotate(mean=Avg("score"))
        .order_by("category", "month")
    )
    for row in rows:
        if row["month"] and row["mean"] is not None:
            trend[row["category"] or ""][row["month"] - 1] = round_half_up(row["mean"], 2)
    return dict(trend)


@dataclass(frozen=True, slots=True)
class Veto:
    subject_code: str
    subject_type: str  # unit or cadre
    name: str
    month: int
    veto_type: str
    reason: str


def vetoes(run: Run) -> list[Veto]:
    """Veto events (一票否决) of the run's year and months, with whose they are (three queries)."""
    rows = list(
        Event.objects.filter(year=run.year, month__lte=run.months or 0, veto=True)
        .order_by("month", "subject_code")
        .values_list("subject_code", "month", "veto_type", "reason")
    )
    codes = {r[0] for r in rows}
    units = unit_names(codes) if codes else {}
    cadres = cadre_names(codes - set(units)) if codes - set(units) else {}
    return [
        Veto(
            subject_code=code,
            subject_type=s.SUBJECT_UNIT if code in units else s.SUBJECT_CADRE,
            name=units.get(code) or cadres.get(code, code),
            month=month,
            veto_type=veto_type,
            reason=reason,
        )
        for code, month, veto_type, reason in rows
    ]


def action_counts(run: Run, today: date) -> tuple[int, int]:
    """Bottom-rank actions of the run, and how many are past their due date (one query)."""
    counts = BottomAction.objects.filter(run=run).aggregate(
        total=Count("id"), overdue=Count("id", filter=Q(due__lt=today.isoformat()))
    )
    return counts["total"], counts["overdue"]


def key_figures(
    units: list[UnitScore], finals: list[float], veto_count: int, actions: tuple[int, int]
) -> KeyFigures:
    scores = [u.score for u in units if u.score is not None]
    mean = sum(scores) / len(scores) if scores else None
    return KeyFigures(
        units=len(scores),
        cadres=len(finals),
        mean_unit=mean,
        vetoes=veto_count,
        actions=actions[0],
        actions_overdue=actions[1],
    )


def ranking_bars(units: list[UnitScore], names: dict[str, str]) -> dict[str, list[list[object]]]:
    """Per category, [name, published score, code] of its units, best first."""
    bars: dict[str, list[list[object]]] = defaultdict(list)
    for u in units:
        if u.score is not None:
            bars[u.category].append(
                [names.get(u.unit_code, u.unit_code), round_half_up(u.score, 2), u.unit_code]
            )
    return dict(bars)


@dataclass(frozen=True, slots=True)
class Dashboard:
    figures: KeyFigures
    vetoes: list[Veto]
    trend: dict[str, list[float | None]]
    bars: dict[str, list[list[object]]]
    histogram: list[Bin]


def dashboard(
    run: Run, month: int, today: date, *, cadres: frozenset[str] | None = None
) -> Dashboard:
    """Key figures and charts of ``month`` (at most eight queries: unit scores, their names,
    cadre finals, the trend, vetoes and their subjects, actions). Figures and charts are the
    district's; the veto list shows units' vetoes and the vetoes of ``cadres`` (None: all)."""
    units = unit_scores(run, month)
    finals = cadre_finals(run, month)
    names = unit_names(u.unit_code for u in units)
    vetoed = vetoes(run)
    return Dashboard(
        figures=key_figures(units, finals, len(vetoed), action_counts(run, today)),
        vetoes=[
            v
            for v in vetoed
            if v.subject_type != s.SUBJECT_CADRE or cadres is None or v.subject_code in cadres
        ],
        trend=category_trend(run),
        bars=ranking_bars(units, names),
        histogram=histogram(finals),
    )
