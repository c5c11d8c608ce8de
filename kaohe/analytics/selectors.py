"""Analytics of a run's stored results (docs/reports.md, "Analytics"): who is persistently at the
top or bottom and how their rank moved, rater and unit leniency and spread, score inflation by
unit, and each unit's score distribution against the district's (calibration).

Every function reads a few tables with one query each into polars; numbers are returned at full
precision (pages publish them: 2 decimals half up, ratios 4).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Final

import polars as pl
from django.db.models import Q

from kaohe.engine import schema as s
from kaohe.org.models import Assignment
from kaohe.results.models import CadreMonthly, Persistence, RaterStat, Run, UnitMonthly
from kaohe.web.selectors.common import subject_names, unit_names

DEMOCRATIC_GROUP: Final = "democratic_group"  # ratings by ballot group, not by a person
DYNAMICS_MAX: Final = 12  # subjects drawn in one rank-dynamics chart
RATERS_EACH_END: Final = 50  # raters shown at each end (most lenient, most severe)


@dataclass(frozen=True, slots=True)
class PersistentSubject:
    subject_type: str
    code: str
    name: str
    months: int
    top_months: int
    bottom_months: int
    flag: str


def persistence_list(run: Run, subject_type: str = "") -> list[PersistentSubject]:
    """Subjects flagged persistently top or bottom (the engine's flags, plan.persistence: in the
    top or bottom decile in ≥ 9 of the last 12 months), most months first (one query + names)."""
    query = Persistence.objects.filter(run=run).exclude(flag="").exclude(flag__isnull=True)
    if subject_type:
        query = query.filter(subject_type=subject_type)
    rows = list(
        query.values_list(
            "subject_type", "subject_code", "months", "top_months", "bottom_months", "flag"
        )
    )
    names = subject_names((t or "", c or "") for t, c, *_rest in rows)
    subjects = [
        PersistentSubject(
            t or "", c or "", names.get(c or "", c or ""), m or 0, tm or 0, bm or 0, f or ""
        )
        for t, c, m, tm, bm, f in rows
    ]
    return sorted(subjects, key=lambda p: (-max(p.top_months, p.bottom_months), p.code))


def rank_dynamics(run: Run, subjects: list[PersistentSubject]) -> dict[str, list[float | None]]:
    """Per subject (name), its monthly position in its peer group as a percentage: rank ÷ n ×
    100 (1 of 20 → 5.0: at the top; 20 of 20 → 100.0), None in a month without a rank."""
    chosen = subjects[:DYNAMICS_MAX]
    months = range(1, (run.months or 0) + 1)
    cadres = {p.code: p.name for p in chosen if p.subject_type == s.SUBJECT_CADRE}
    units = {p.code: p.name for p in chosen if p.subject_type != s.SUBJECT_CADRE}
    positions: dict[str, dict[int, float]] = defaultdict(dict)
    for code, month, rank, n in CadreMonthly.objects.filter(
        run=run, cadre_code__in=list(cadres)
    ).values_list("cadre_code", "month", "rank", "rank_n"):
        if rank and n:
            positions[cadres[code or ""]][month or 0] = 100 * rank / n
    for code, month, rank, n in UnitMonthly.objects.filter(
        run=run, unit_code__in=list(units)
    ).values_list("unit_code", "month", "rank", "rank_n"):
        if rank and n:
            positions[units[code or ""]][month or 0] = 100 * rank / n
    return {p.name: [positions[p.name].get(m) for m in months] for p in chosen}


@dataclass(frozen=True, slots=True)
class RaterLine:
    kind: str
    rater: str
    name: str
    n: int
    mean: float | None
    std: float | None
    leniency: float | None


def rater_list(run: Run, kind: str = "") -> list[RaterLine]:
    """The engine's rater statistics, most lenient first (one query + names)."""
    query = RaterStat.objects.filter(run=run)
    if kind:
        query = query.filter(kind=kind)
    rows = list(query.values_list("kind", "rater", "n", "mean", "std", "leniency"))
    names = subject_names(
        (s.SUBJECT_CADRE, r or "") for k, r, *_rest in rows if k != DEMOCRATIC_GROUP
    )
    lines = [
        RaterLine(k or "", r or "", names.get(r or "", r or ""), n or 0, mean, std, len_)
        for k, r, n, mean, std, len_ in rows
    ]
    return sorted(lines, key=lambda x: (-(x.leniency or 0.0), x.kind, x.rater))


def rater_kinds(run: Run) -> list[str]:
    """The kinds of rating the run's rater statistics cover."""
    kinds = RaterStat.objects.filter(run=run).values_list("kind", flat=True).distinct()
    return sorted({k for k in kinds if k})


def rater_extremes(lines: list[RaterLine], each: int = RATERS_EACH_END) -> list[RaterLine]:
    """The ``each`` most lenient and ``each`` most severe of ``lines`` (sorted most lenient
    first), or all of them when there are no more than twice ``each``."""
    return lines if len(lines) <= 2 * each else lines[:each] + lines[-each:]


@dataclass(frozen=True, slots=True)
class UnitLeniency:
    unit: str
    name: str
    raters: int
    ratings: int
    leniency: float  # ratings-weighted mean of its raters' leniency
    spread: float  # ratings-weighted mean of its raters' standard deviation


def _cadre_units(run: Run) -> dict[str, str]:
    rows = CadreMonthly.objects.filter(run=run).order_by("cadre_code", "month")
    return {c or "": u or "" for c, u in rows.values_list("cadre_code", "unit_code")}


def unit_leniency(run: Run) -> list[UnitLeniency]:
    """Per unit, its raters (personal raters, placed in their unit of their last scored month)
    pooled: Σ n·leniency ÷ Σ n and Σ n·std ÷ Σ n; most lenient first."""
    units = _cadre_units(run)
    pooled: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    rows = (
        RaterStat.objects.filter(run=run)
        .exclude(kind=DEMOCRATIC_GROUP)
        .values_list("rater", "n", "std", "leniency")
    )
    for rater, n, std, leniency in rows:
        unit = units.get(rater or "")
        if not unit or not n:
            continue
        acc = pooled[unit]
        acc[0] += 1
        acc[1] += n
        acc[2] += n * (leniency or 0.0)
        acc[3] += n * (std or 0.0)
    names = unit_names(pooled)
    lines = [
        UnitLeniency(u, names.get(u, u), int(a[0]), int(a[1]), a[2] / a[1], a[3] / a[1])
        for u, a in pooled.items()
    ]
    return sorted(lines, key=lambda x: (-x.leniency, x.unit))


# --- per rater group and per unit head (rules.md §11): the engine's rater statistics regrouped

HEAD_KINDS: Final = ("records", s.EVAL_QUARTERLY, s.EVAL_HALF_YEAR)  # what unit heads rate


def rater_groups(run: Run) -> list[RaterLine]:
    """Per democratic rater group (leaders, peers, subordinates, service recipients): the
    engine's statistics of the ballots' scores of the group (kind ``democratic_group``): count,
    mean, population standard deviation, and leniency = the group's mean − the mean of every
    democratic score; most lenient first (one query)."""
    return rater_list(run, DEMOCRATIC_GROUP)


@dataclass(frozen=True, slots=True)
class HeadLine:
    unit: str
    unit_name: str
    rater: str
    name: str
    kinds: dict[str, RaterLine]  # kind → the engine's statistics of the head's ratings of it

    @property
    def leniency(self) -> float:
        """Ratings-weighted mean of the head's leniency over the kinds."""
        n = sum(line.n for line in self.kinds.values())
        return (
            sum(line.n * (line.leniency or 0.0) for line in self.kinds.values()) / n if n else 0.0
        )


def unit_head_ratings(run: Run) -> list[HeadLine]:
    """Per unit head (a cadre holding a unit's principal post during the year): the monthly
    levels they gave (``records``: level × 100, MonthlyRecord.rater_code) and their quarterly and
    half-year ratings (evaluation rows they rated), each kind with count, mean, spread and
    leniency as the engine computed them; most lenient first (three queries)."""
    start, end = dt.date(run.year, 1, 1), dt.date(run.year, 12, 31)
    heads: dict[str, str] = {}
    held = (
        Assignment.objects.filter(post__role=s.ROLE_PRINCIPAL, start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .order_by("start")
        .values_list("cadre__code", "post__unit__code")
    )
    for cadre, unit in held:
        heads[cadre] = unit  # the latest principal post of the year
    per: dict[str, dict[str, RaterLine]] = defaultdict(dict)
    for line in rater_list(run):
        if line.kind in HEAD_KINDS and line.rater in heads:
            per[line.rater][line.kind] = line
    units = unit_names(heads[r] for r in per)
    lines = [
        HeadLine(heads[r], units.get(heads[r], heads[r]), r, next(iter(k.values())).name, k)
        for r, k in per.items()
    ]
    return sorted(lines, key=lambda x: (-x.leniency, x.unit, x.rater))


def _cadre_finals(run: Run, month: int | None = None) -> pl.DataFrame:
    query = CadreMonthly.objects.filter(run=run, final__isnull=False)
    if month is not None:
        query = query.filter(month=month)
    rows = list(query.values_list("unit_code", "month", "final"))
    return pl.DataFrame(
        rows, schema={"unit": pl.String, "month": pl.Int64, "final": pl.Float64}, orient="row"
    )


def _slope(x: pl.Expr, y: pl.Expr) -> pl.Expr:
    """Least-squares slope of y on x: Σ(x−x̄)(y−ȳ) ÷ Σ(x−x̄)²."""
    dx = x - x.mean()
    return (dx * (y - y.mean())).sum() / (dx * dx).sum()


@dataclass(frozen=True, slots=True)
class UnitInflation:
    unit: str
    name: str
    months: int
    slope: float | None  # the unit's mean cadre score, points per month
    excess: float | None  # its slope minus the district's
    first_gap: float | None  # unit mean − district mean, first month
    last_gap: float | None  # … last month
    means: list[float | None]


@dataclass(frozen=True, slots=True)
class Inflation:
    district_slope: float | None
    district_means: list[float | None]
    units: list[UnitInflation]


def inflation(run: Run) -> Inflation:
    """Score inflation by unit: each unit's monthly mean of its cadres' final scores, its
    least-squares trend (points per month) against the district's, and its gap to the district
    mean in the first and last month; fastest-rising first."""
    frame = _cadre_finals(run)
    months = list(range(1, (run.months or 0) + 1))
    if frame.is_empty():
        return Inflation(None, [None for _m in months], [])
    district = frame.group_by("month").agg(pl.col("final").mean().alias("d")).sort("month")
    d_by_month = dict(district.iter_rows())
    district_slope = district.select(_slope(pl.col("month").cast(pl.Float64), pl.col("d"))).item()
    per_unit = (
        frame.group_by("unit", "month").agg(pl.col("final").mean().alias("m")).sort("unit", "month")
    )
    names = unit_names(per_unit["unit"].unique().to_list())
    units = []
    for (unit,), part in per_unit.group_by("unit", maintain_order=True):
        by_month = dict(zip(part["month"].to_list(), part["m"].to_list(), strict=True))
        slope = (
            part.select(_slope(pl.col("month").cast(pl.Float64), pl.col("m"))).item()
            if part.height > 1
            else None
        )
        first, last = min(by_month), max(by_month)
        units.append(
            UnitInflation(
                unit=str(unit),
                name=names.get(str(unit), str(unit)),
                months=part.height,
                slope=slope,
                excess=None if slope is None or district_slope is None else slope - district_slope,
                first_gap=by_month[first] - d_by_month[first],
                last_gap=by_month[last] - d_by_month[last],
                means=[by_month.get(m) for m in months],
            )
        )
    units.sort(key=lambda u: (-(u.excess if u.excess is not None else float("-inf")), u.unit))
    return Inflation(district_slope, [d_by_month.get(m) for m in months], units)


@dataclass(frozen=True, slots=True)
class Distribution:
    """Five numbers (min, 25%, median, 75%, max; linear interpolation) and the mean."""

    code: str
    name: str
    n: int
    low: float
    q1: float
    median: float
    q3: float
    high: float
    mean: float
    above_q3: float  # share of its cadres above the district's 75th percentile (district: 0.25-ish)


def _distribution(values: pl.Series, code: str, name: str, district_q3: float) -> Distribution:
    def q(p: float) -> float:
        value = values.quantile(p, interpolation="linear")
        return float(value) if value is not None else 0.0

    return Distribution(
        code=code,
        name=name,
        n=values.len(),
        low=float(values.min()),  # type: ignore[arg-type]
        q1=q(0.25),
        median=q(0.5),
        q3=q(0.75),
        high=float(values.max()),  # type: ignore[arg-type]
        mean=float(values.mean()),  # type: ignore[arg-type]
        above_q3=float((values > district_q3).mean()),  # type: ignore[arg-type]
    )


def calibration(run: Run, month: int) -> tuple[Distribution | None, list[Distribution]]:
    """The district's distribution of cadre final scores in ``month`` and each unit's, units by
    how far their median lies above the district's."""
    frame = _cadre_finals(run, month)
    if frame.is_empty():
        return None, []
    values = frame["final"]
    district_q3 = values.quantile(0.75, interpolation="linear") or 0.0
    district = _distribution(values, "", "", float(district_q3))
    names = unit_names(frame["unit"].unique().to_list())
    units = [
        _distribution(part["final"], str(unit), names.get(str(unit), str(unit)), district.q3)
        for (unit,), part in frame.group_by("unit", maintain_order=True)
    ]
    units.sort(key=lambda d: (-d.median, d.code))
    return district, units
