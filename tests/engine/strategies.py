"""Hypothesis strategies: small, valid plans and data sets for the property tests.

:func:`cases` draws a :class:`Case`: a plan and a :class:`~kaohe.engine.dataset.DataSet` that
pass validation (docs/rules.md, ``kaohe.engine.validate``), built so that everything the rules
branch on occurs at small sizes: 1–3 categories of 1–3 groups (empty and 0-point groups
included, points summing to exactly 100) holding 0–4 indicators of all seven methods, monthly
and quarterly, with per-unit weight overrides (0 included); 1–8 units with 0–3 sections of
tasks of the four task methods; posts of the three roles held by 0–40 cadres, with mid-year
transfers; records (on leave, no goals), events (vetoes, sanctions, every kind), evaluations of
every kind (democratic groups with 0 ballots), evidence, pay pools and reviews; runs of 1, 3, 6,
7 or 12 months (12 most often: the year is computed only then) and varied plan settings.

Values come from small sets ({60, 75, 90}-like scores, the plan's levels) so that ranks,
quota boundaries, bottom cuts and pay remainders tie often. A run of values over the months is
either constant (what shrinking prefers) or drawn from a seeded generator: one choice per series
keeps the examples small enough for hypothesis and fast to score.

:func:`cases` takes ``exclude``, names of :data:`PATTERNS` to leave out while a known
disagreement is open, so that the search can reach others.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn

from kaohe.engine import schema as s
from kaohe.engine.dataset import DataSet
from kaohe.engine.plan import TASK_METHODS, Plan, plan_from_mapping
from tests.engine.factories import make_dataset

T = TypeVar("T")
Rows = list[dict[str, Any]]

YEAR: Final = 2026
MONTH_COUNTS: Final = (12, 12, 12, 12, 12, 12, 1, 3, 6, 7)
CATEGORY_NAMES: Final = ("A", "B", "C")
GROUP_KEYS: Final = ("common", "economic", "duty")
POINT_SPLITS: Final[dict[int, tuple[tuple[float, ...], ...]]] = {
    1: ((100.0,),),
    2: ((50.0, 50.0), (70.0, 30.0), (100.0, 0.0), (0.0, 100.0), (99.5, 0.5)),
    3: (
        (50.0, 30.0, 20.0),
        (40.0, 40.0, 20.0),
        (0.0, 50.0, 50.0),
        (100.0, 0.0, 0.0),
        (33.3, 33.3, 33.4),
    ),
}
METHODS: Final = (
    "volume_growth",
    "completion",
    "rating",
    "deduction",
    "milestones",
    "rank",
    "formula",
)
DIRECTIONS: Final = ("higher_is_better", "lower_is_better")
# (formula, declared inputs): guarded divisions, an unused declared input, %, ** and sqrt.
FORMULAS: Final = (
    ("clamp(actual / target, 0, 1) if target > 0 else 0", ()),
    ("min(1, 0.6 * actual / target + 0.4 * x / y) if target > 0 and y != 0 else 0.5", ("x", "y")),
    ("max(0, 1 - x / 100)", ("x", "z")),
    ("1 if actual >= target else 0.5 * sqrt(abs(actual)) / 10", ()),
    ("clamp((actual % 40) / 40 + x ** 2 / 10000, 0, 1)", ("x",)),
)
COEFFICIENT_FORMULAS: Final = (
    "1 + (c - 1) * clamp(g / g_target, lo, hi)",
    "c if g >= g_target else 1 + (c - 1) * max(lo, g / g_target)",
)
TAGS: Final = ("经济发展", "作风建设", "意识形态")
DEFAULT_LEVELS: Final = {"优": 1.0, "良": 0.85, "中": 0.7, "差": 0.5}
OTHER_LEVELS: Final = {"A": 1.0, "B": 0.75, "C": 0.0}
PERSONNEL_TYPES: Final = ("公务员", "事业")
RATER_GROUPS: Final = ("leaders", "peers", "subordinates")
POLITICAL_ITEMS: Final = ("政治判断力", "政治领悟力", "政治执行力")
TEAM_ITEMS: Final = ("政治思想建设", "领导能力", "工作实绩")
CADRE_ITEMS: Final = ("德", "能", "勤")
EVENT_KINDS: Final = ("normal", "special", "special_performance", "frontline")
VETO_TYPES: Final = ("安全生产", "信访稳定")
SANCTIONS: Final = ("警告", "记过")
EVIDENCE_SOURCES: Final = ("work", "life", "field")
SCORES: Final = (60.0, 75.0, 90.0, 100.0)
EVENT_POINTS: Final = (-150.0, -5.0, -1.0, 0.0, 0.5, 3.0, 8.0, 12.0)
POOL_CENTS: Final = (0, 1, 100, 99_999, 1_000_001, 10**10)
OPEN_START: Final = dt.date(2020, 1, 1)

#: Patterns :func:`cases` can leave out (``exclude``) while a disagreement is being fixed.
PATTERNS: Final = frozenset(
    {
        "quarterly",  # quarterly indicators
        "formula",  # formula indicators
        "rank",  # rank indicators
        "transfers",  # mid-year transfers and assignments ending in the year
        "seconded",  # cadres with a home unit
        "unit_weights",  # per-unit weight overrides
        "vetoes",  # vetoes and sanctions
        "evidence",  # political-quality evidence
        "pools",  # performance-pay pools
        "section_posts",  # leaders and principals in a section
    }
)


@dataclass(frozen=True, slots=True)
class Case:
    """A generated plan and data set, with the plan mapping and rows they were built from."""

    plan: Plan
    data: DataSet
    settings: dict[str, Any]
    rows: dict[str, Rows]

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(rows)}" for name, rows in self.rows.items() if rows)
        return f"Case(months={len(self.data.months)}, {counts})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))  # hypothesis prints this; describe() holds the rows

    def describe(self) -> str:
        """The plan mapping and the input rows (nulls left out), one row a line."""
        lines = [
            f"months: {len(self.data.months)}",
            "plan: " + json.dumps(self.settings, ensure_ascii=False, default=str),
        ]
        for name, rows in self.rows.items():
            if rows:
                lines.append(f"{name}:")
                lines += [
                    "  "
                    + json.dumps(
                        {k: v for k, v in row.items() if v is not None},
                        ensure_ascii=False,
                        default=str,
                    )
                    for row in rows
                ]
        return "\n".join(lines)


# ---- small helpers -------------------------------------------------------------------------------


def month_end(month: int) -> dt.date:
    return dt.date(YEAR, month, calendar.monthrange(YEAR, month)[1])


def _series(draw: DrawFn, options: Sequence[T], n: int) -> list[T]:
    """``n`` values from ``options``: one value repeated, or a seeded mix (one choice each)."""
    if draw(st.booleans()):
        seed = draw(st.integers(0, 2**16))
        rnd = random.Random(seed)
        return [rnd.choice(options) for _ in range(n)]
    return [draw(st.sampled_from(options))] * n


def _maybe(draw: DrawFn, value: T, p_none: int = 1) -> T | None:
    """``value`` or ``None`` (roughly one time in ``p_none + 1``)."""
    return None if draw(st.integers(0, p_none)) == 0 else value


def _day_in(draw: DrawFn, month: int) -> dt.date:
    last = calendar.monthrange(YEAR, month)[1]
    return dt.date(YEAR, month, draw(st.sampled_from((1, 15, last))))


def _covered(start: dt.date, end: dt.date | None) -> set[int]:
    """The months 1–12 of the year whose last day the assignment covers."""
    return {
        m for m in range(1, 13) if start <= month_end(m) and (end is None or month_end(m) <= end)
    }


# ---- the plan ------------------------------------------------------------------------------------


def _indicator(draw: DrawFn, key: str, exclude: frozenset[str]) -> dict[str, Any]:
    methods = [
        m
        for m in METHODS
        if not (m == "formula" and "formula" in exclude) and not (m == "rank" and "rank" in exclude)
    ]
    method = draw(st.sampled_from(methods))
    ind: dict[str, Any] = {
        "key": key,
        "name": f"指标{key}",
        "weight": draw(st.sampled_from((1.0, 10.0, 20.0, 2.5))),
        "method": method,
    }
    if "quarterly" not in exclude and draw(st.integers(0, 4)) == 0:
        ind["frequency"] = "quarterly"
    if method in ("completion", "rank") and draw(st.booleans()):
        ind["direction"] = "lower_is_better"
    if draw(st.booleans()):
        ind["tags"] = draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True))
    if method == "volume_growth" and draw(st.booleans()):
        ind["k_bonus"] = draw(st.sampled_from((3.0, 10.0)))
        ind["k_penalty"] = draw(st.sampled_from((3.0, 5.0, 10.0)))
    if method == "deduction" and draw(st.booleans()):
        ind["points_per_occurrence"] = draw(st.sampled_from((2.0, 0.5)))
    if method == "rank" and draw(st.booleans()):
        ind["floor_share"] = draw(st.sampled_from((0.0, 0.6, 1.0)))
    if method == "formula":
        formula, inputs = draw(st.sampled_from(FORMULAS))
        ind["formula"] = formula
        ind["inputs"] = list(inputs)
    return ind


def _category(draw: DrawFn, exclude: frozenset[str]) -> dict[str, Any]:
    n_groups = draw(st.integers(1, 3))
    points = draw(st.sampled_from(POINT_SPLITS[n_groups]))
    number = 0
    groups = []
    for key, p in zip(GROUP_KEYS, points, strict=False):
        indicators = []
        for _ in range(draw(st.integers(0, 4))):
            number += 1  # keys repeat across categories on purpose
            indicators.append(_indicator(draw, f"i{number}", exclude))
        groups.append({"key": key, "name": key, "points": p, "indicators": indicators})
    return {"groups": groups}


def _settings(draw: DrawFn, rating_levels: dict[str, float]) -> dict[str, Any]:
    """Every plan setting the rules branch on, drawn around its default."""
    out: dict[str, Any] = {"rating_levels": rating_levels}
    if draw(st.booleans()):
        out["rank_floor_share"] = draw(st.sampled_from((0.0, 0.5)))
    volume = draw(st.sampled_from((0.8, 0.5, 1.0)))
    out["economic"] = {
        "volume_share": volume,
        "growth_share": round(1 - volume, 10),
        "cap": draw(st.sampled_from((1.2, 1.0, 1.5))),
        "excel_at": draw(st.sampled_from((1.0, 0.95, 1.1))),
        "drag_below": draw(st.sampled_from((0.9, 0.95, 0.5))),
        "basis": draw(st.sampled_from(("gap", "points"))),
        "k_bonus": draw(st.sampled_from((3.0, 5.0))),
        "k_penalty": draw(st.sampled_from((5.0, 10.0))),
    }
    out["coefficient"] = {
        "formula": draw(st.sampled_from(COEFFICIENT_FORMULAS)),
        "applies_to": draw(st.sampled_from(("total", "indicators"))),
        "sections": draw(st.booleans()),
        "lo": draw(st.sampled_from((0.0, 0.0, 0.5))),
        "hi": draw(st.sampled_from((1.5, 1.0))),
    }
    caps: dict[str, float | None] = {
        kind: draw(st.sampled_from((10.0, 10.0, 5.0, None))) for kind in EVENT_KINDS
    }
    out["events"] = {"caps": caps, "unit_veto_types": list(VETO_TYPES)}
    if draw(st.booleans()):
        out["cascade"] = {
            "section": {"own": 0.6, "upper": 0.4},
            "staff": {"own": 1.0, "upper": 0.0},
            "leader": {"own": 0.5, "upper": 0.5},
            "principal": {"own": 0.4, "upper": 0.6},
        }
    if draw(st.booleans()):
        out["periods"] = {
            "quarterly": {"monthly": 0.5, "rating": 0.5},
            "half_year": {"monthly": 1.0, "rating": 0.0},
        }
    out["annual"] = {
        "probation_undetermined": draw(st.booleans()),
        "max_leave_months": draw(st.sampled_from((6, 0, 1))),
        "team_items": [
            {"name": name, "weight": w, "tags": [tag]}
            for name, w, tag in zip(TEAM_ITEMS, (1.0, 2.0, 1.0), TAGS, strict=True)
        ],
        "cadre_items": [
            {"name": name, "weight": w, "tags": [tag]}
            for name, w, tag in zip(CADRE_ITEMS, (1.0, 1.0, 3.0), TAGS, strict=True)
        ],
    }
    if draw(st.booleans()):
        out["annual"]["staff"] = {"monthly": 0.6, "political": 0.0, "comprehensive": 0.4}
    top = draw(st.sampled_from((90.0, 80.0, 75.0, 65.0)))
    second = draw(st.sampled_from((min(70.0, top), top)))
    out["grades"] = {
        "top": top,
        "second": second,
        "third": min(60.0, second),
        "require_review": draw(st.booleans()),
        "quota": {
            "share": draw(st.sampled_from((0.2, 0.1, 0.25))),
            "min_one": draw(st.booleans()),
            "staff_scope": draw(st.sampled_from(("unit", "category", "district"))),
            "leader_scope": draw(st.sampled_from(("district", "unit", "category"))),
            "team_scope": draw(st.sampled_from(("category", "district"))),
            "by_personnel_type": draw(st.booleans()),
        },
    }
    out["ranking"] = {
        "min_group": draw(st.integers(2, 5)),
        "bottom_share": draw(st.sampled_from((0.1, 0.2, 0.34))),
        "min_months": {
            "quarter": draw(st.sampled_from((2, 0, 3))),
            "half_year": draw(st.sampled_from((4, 0, 6))),
            "year": draw(st.sampled_from((8, 0, 12))),
        },
        "due_days": draw(st.sampled_from((30, 0))),
    }
    window = draw(st.sampled_from((12, 3)))
    out["persistence"] = {
        "share": draw(st.sampled_from((0.1, 0.3))),
        "window": window,
        "months": draw(st.integers(1, window)),
    }
    out["training"] = {
        "threshold": draw(st.sampled_from((0.8, 0.9, 0.5))),
        "bottom_share": draw(st.sampled_from((0.25, 0.5))),
        "forms": {TAGS[0]: "offline"} if draw(st.booleans()) else {},
        "default_form": draw(st.sampled_from(("online", "offline"))),
    }
    return out


# ---- the data ------------------------------------------------------------------------------------


Figures = dict[int, dict[str, Any]]  # month → the columns of that month's row


def _economic_figures(draw: DrawFn, run: list[int]) -> Figures:
    n = len(run)
    tv = _series(draw, (100.0, 50.0), n)
    av = _series(draw, (0.0, 40.0, 100.0, 105.0, 150.0), n)
    tg = _series(draw, (8.0, 0.0, -2.0), n)
    ag = _series(draw, (9.6, 8.0, 5.0, 0.0, -3.0), n)
    drags = _series(draw, (None, None, True, False), n)
    return {
        m: {
            s.TARGET_VOLUME: tv[i],
            s.ACTUAL_VOLUME: av[i],
            s.TARGET_GROWTH: tg[i],
            s.ACTUAL_GROWTH: ag[i],
            s.DRAGS: drags[i],
        }
        for i, m in enumerate(run)
    }


def _measures(
    draw: DrawFn, method: str, direction: str, levels: Sequence[str], run: list[int]
) -> Figures:
    """The result columns of an indicator or task of ``method`` in each month (§2 table)."""
    n = len(run)
    values: list[dict[str, Any]]
    match method:
        case "completion" if direction == "lower_is_better":
            actual = _series(draw, (0.0, 50.0, 100.0), n)
            target = _series(draw, (0.0, 50.0, 100.0), n)
            values = [{s.ACTUAL: a, s.TARGET: t} for a, t in zip(actual, target, strict=True)]
        case "completion":
            actual = _series(draw, (0.0, 50.0, 100.0, 120.0), n)
            target = _series(draw, (50.0, 100.0), n)
            values = [{s.ACTUAL: a, s.TARGET: t} for a, t in zip(actual, target, strict=True)]
        case "rating":
            raters = _series(draw, (None, "R1", "R2"), n)
            values = [
                {s.LEVEL: lv, s.SCORER_ID: r}
                for lv, r in zip(_series(draw, levels, n), raters, strict=True)
            ]
        case "deduction":
            values = [{s.OCCURRENCES: o} for o in _series(draw, (0.0, 1.0, 3.0, 0.5, 25.0), n)]
        case "milestones":
            due = _series(draw, (0, 1, 2, 3), n)
            done = _series(draw, (0, 1, 2, 3), n)
            values = [
                {s.MILESTONES_DUE: d, s.MILESTONES_DONE: min(d, x)}
                for d, x in zip(due, done, strict=True)
            ]
        case "rank":
            values = [{s.ACTUAL: a} for a in _series(draw, (1.0, 2.0, 3.0), n)]
        case _:  # pragma: no cover
            raise AssertionError(method)
    return dict(zip(run, values, strict=True))


def _formula_figures(draw: DrawFn, ind: dict[str, Any], run: list[int]) -> Figures:
    """Results columns of a formula indicator, its inputs under the key ``inputs``."""
    n = len(run)
    actual = _series(draw, (-30.0, 0.0, 50.0, 100.0, 120.0), n)
    target = _series(draw, (0.0, 50.0, 100.0), n)
    values: dict[str, list[float | None]] = {
        "x": _series(draw, (-50.0, 0.0, 50.0, 150.0), n),
        "y": _series(draw, (0.0, 2.0), n),
        "z": _series(draw, (None, 1.0), n),
    }
    with_base = "actual" in ind["formula"] or draw(st.booleans())
    out: Figures = {}
    for i, m in enumerate(run):
        row: dict[str, Any] = {s.ACTUAL: actual[i], s.TARGET: target[i]} if with_base else {}
        row["inputs"] = {
            name: values[name][i] for name in ind["inputs"] if values[name][i] is not None
        }
        out[m] = row
    return out


def _figures(draw: DrawFn, ind: dict[str, Any], levels: Sequence[str], run: list[int]) -> Figures:
    method = ind["method"]
    if method == "volume_growth":
        return _economic_figures(draw, run)
    if method == "formula":
        return _formula_figures(draw, ind, run)
    return _measures(draw, method, ind.get("direction", DIRECTIONS[0]), levels, run)


def _indicator_months(draw: DrawFn, ind: dict[str, Any], run: list[int]) -> list[int]:
    """The months with a row: all of them for a monthly indicator; a quarterly one's figures."""
    if ind.get("frequency") != "quarterly":
        return run
    pattern = draw(st.sampled_from(("quarter_ends", "first", "last", "some")))
    match pattern:
        case "quarter_ends":
            months = [m for m in run if m % 3 == 0]
        case "first":
            months = run[:1]
        case "last":
            months = run[-1:]
        case _:
            months = sorted(draw(st.sets(st.sampled_from(run), min_size=1, max_size=3)))
    return months or run[-1:]


@dataclass
class _Org:
    units: Rows
    sections: Rows
    posts: Rows


def _organisation(draw: DrawFn, categories: list[str], exclude: frozenset[str]) -> _Org:
    units: Rows = []
    sections: Rows = []
    posts: Rows = []
    for u in range(1, draw(st.integers(1, 8)) + 1):
        uid = f"U{u}"
        units.append(
            {
                s.UNIT_ID: uid,
                s.NAME: f"单位{u}",
                s.CATEGORY: draw(st.sampled_from(categories)),
                s.TIER: _maybe(draw, draw(st.integers(1, 6))),
            }
        )
        unit_sections = [f"{uid}S{k}" for k in range(1, draw(st.integers(0, 3)) + 1)]
        sections += [
            {
                s.SECTION_ID: sid,
                s.UNIT_ID: uid,
                s.NAME: sid,
                s.TIER: _maybe(draw, draw(st.integers(1, 6))),
            }
            for sid in unit_sections
        ]
        roles = (
            [s.ROLE_PRINCIPAL] * draw(st.integers(0, 1))
            + [s.ROLE_LEADER] * draw(st.integers(0, 2))
            + [s.ROLE_STAFF] * draw(st.integers(0, 4))
        )
        for k, role in enumerate(roles, start=1):
            in_section = unit_sections and (
                role == s.ROLE_STAFF or ("section_posts" not in exclude and draw(st.booleans()))
            )
            posts.append(
                {
                    s.POST_ID: f"{uid}P{k}",
                    s.UNIT_ID: uid,
                    s.SECTION_ID: (
                        draw(st.sampled_from([None, *unit_sections])) if in_section else None
                    ),
                    s.NAME: f"岗位{k}",
                    s.ROLE: role,
                    s.TIER: _maybe(draw, draw(st.integers(1, 6)), p_none=2),
                }
            )
    return _Org(units, sections, posts)


def _assignments(
    draw: DrawFn, cadre_ids: list[str], posts: Rows, exclude: frozenset[str]
) -> tuple[Rows, dict[str, set[int]]]:
    """Dated assignments: no cadre holds two posts at once, no post has two holders at a
    month end (rules.md §1). Returns the rows and the month ends each cadre holds a post."""
    taken: dict[str, set[int]] = {p[s.POST_ID]: set() for p in posts}
    rows: Rows = []
    held: dict[str, set[int]] = {}
    kinds = ["whole", "whole", "whole", "starts", "none"]
    if "transfers" not in exclude:
        kinds += ["transfer", "transfer", "ends"]
    for cid in cadre_ids:
        held[cid] = set()
        if not posts:
            continue
        kind = draw(st.sampled_from(kinds))
        first = draw(st.integers(0, len(posts) - 1))
        spans: list[tuple[dt.date, dt.date | None]]
        match kind:
            case "none":
                continue
            case "whole":
                spans = [(draw(st.sampled_from((OPEN_START, dt.date(YEAR, 1, 1)))), None)]
            case "starts":
                spans = [(_day_in(draw, draw(st.integers(1, 12))), None)]
            case "ends":
                spans = [(OPEN_START, _day_in(draw, draw(st.integers(1, 12))))]
            case _:
                change = _day_in(draw, draw(st.integers(1, 11)))
                spans = [(OPEN_START, change), (change + dt.timedelta(days=1), None)]
        for n, (start, end) in enumerate(spans):
            months = _covered(start, end)
            # the first free post from the drawn one on (a transfer moves to another post)
            for step in range(len(posts)):
                post = posts[(first + n + step) % len(posts)][s.POST_ID]
                if not months & taken[post] and (n == 0 or post != rows[-1][s.POST_ID]):
                    break
            else:
                continue
            if n == 1 and (not rows or rows[-1][s.CADRE_ID] != cid):
                continue  # the first half of the transfer found no post: keep it simple
            taken[post] |= months
            held[cid] |= months
            rows.append({s.CADRE_ID: cid, s.POST_ID: post, s.START: start, s.END: end})
    return rows, held


def _record_pattern(draw: DrawFn, levels: Sequence[str]) -> dict[int, dict[str, Any] | None]:
    """A cadre's record columns for each month 1–12; ``None``: no record that month."""
    n = 12
    present = _series(draw, (True, True, True, True, False), n)
    leave = _series(draw, (None, None, False, True), n)
    lates = _series(draw, (None, 0, 1, 4, 25), n)
    absences = _series(draw, (None, 0.0, 0.5, 6.0), n)
    goals_set: list[int | None] = _series(draw, (None, 0, 4), n)
    goals_met = _series(draw, (0, 2, 4), n)
    level = _series(draw, levels, n)
    rater = _series(draw, (None, "R1", "C01"), n)
    out: dict[int, dict[str, Any] | None] = {}
    for i in range(n):
        on_leave, set_ = leave[i], goals_set[i]
        out[i + 1] = (
            {
                s.LATES: lates[i],
                s.ABSENCES: absences[i],
                s.GOALS_SET: set_,
                s.GOALS_MET: min(goals_met[i], set_) if set_ else None,
                s.LEVEL: None if on_leave and i % 2 else level[i],
                s.ON_LEAVE: on_leave,
                s.RATER_ID: rater[i],
            }
            if present[i]
            else None  # a post held without a record: the month is not scored (a warning)
        )
    return out


def _evaluations(draw: DrawFn, subject: str, is_team: bool, run: int) -> Rows:
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}

    def add(kind: str, period: str, *, item: Any = None, group: Any = None, **rest: Any) -> None:
        rater = draw(st.sampled_from((None, "R1", "R2")))
        key = (period, kind, item, group, rater)
        rows[key] = {
            s.SUBJECT_ID: subject,
            s.PERIOD: period,
            s.KIND: kind,
            s.ITEM: item,
            s.RATER_GROUP: group,
            s.SCORE: draw(st.sampled_from(SCORES)),
            s.RATER_ID: rater,
            **rest,
        }

    for q in range(1, 5):
        if 3 * q - 2 <= run and draw(st.integers(0, 2)) > 0:
            for _ in range(draw(st.integers(1, 2))):
                add(s.EVAL_QUARTERLY, f"{YEAR}-Q{q}")
    for h in (1, 2):
        if 6 * h - 5 <= run and draw(st.integers(0, 2)) > 0:
            add(s.EVAL_HALF_YEAR, f"{YEAR}-H{h}")
    for _ in range(draw(st.integers(0, 2))):
        add(s.EVAL_REVIEW, str(YEAR))
    for item in draw(st.lists(st.sampled_from(POLITICAL_ITEMS), max_size=3, unique=True)):
        add(s.EVAL_POLITICAL, str(YEAR), item=item)
    items = TEAM_ITEMS if is_team else CADRE_ITEMS
    counts: dict[str, int | None] = {"zero": 0, "some": 7, "none": None}  # or "mixed"
    for group in draw(st.lists(st.sampled_from(RATER_GROUPS), max_size=3, unique=True)):
        ballots = draw(st.sampled_from((*counts, "mixed")))
        for entry in draw(st.lists(st.sampled_from((None, *items)), min_size=1, max_size=2)):
            count = counts[ballots] if ballots in counts else draw(st.sampled_from((0, 3)))
            add(s.EVAL_DEMOCRATIC, str(YEAR), item=entry, group=group, **{s.BALLOTS: count})
    return list(rows.values())


@st.composite
def cases(draw: DrawFn, exclude: frozenset[str] = frozenset()) -> Case:
    """A valid plan and data set (see the module docstring); ``exclude`` names of PATTERNS."""
    unknown = exclude - PATTERNS
    if unknown:
        raise ValueError(f"unknown patterns: {sorted(unknown)}")
    n_months = draw(st.sampled_from(MONTH_COUNTS))
    run = list(range(1, n_months + 1))
    categories = {
        name: _category(draw, exclude) for name in CATEGORY_NAMES[: draw(st.integers(1, 3))]
    }
    levels_map = draw(st.sampled_from((DEFAULT_LEVELS, DEFAULT_LEVELS, OTHER_LEVELS)))
    levels = list(levels_map)
    org = _organisation(draw, list(categories), exclude)
    settings = _settings(draw, dict(levels_map))
    unit_category = {u[s.UNIT_ID]: u[s.CATEGORY] for u in org.units}

    # §2 部门差异权重, 0 included
    unit_weights: dict[str, dict[str, float]] = {}
    if "unit_weights" not in exclude:
        for uid, cat in unit_category.items():
            keys = [i["key"] for g in categories[cat]["groups"] for i in g["indicators"]]
            if keys and draw(st.integers(0, 3)) == 0:
                chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=2, unique=True))
                unit_weights[uid] = {k: draw(st.sampled_from((0.0, 5.0, 30.0))) for k in chosen}
    settings["unit_weights"] = unit_weights

    # §2, §3 indicator figures; a unit may copy the figures of the previous one (ties)
    economic: Rows = []
    results: Rows = []
    inputs: Rows = []
    templates: dict[tuple[str, str], Figures] = {}
    for uid, cat in unit_category.items():
        for group in categories[cat]["groups"]:
            for ind in group["indicators"]:
                key = ind["key"]
                weight = unit_weights.get(uid, {}).get(key, ind["weight"])
                # no row in the whole run: not carried (a warning); weight 0: rows ignored
                if draw(st.integers(0, 9 if weight > 0 else 1)) == 0:
                    continue
                if (cat, key) not in templates or draw(st.booleans()):
                    templates[(cat, key)] = _figures(draw, ind, levels, run)
                figures = templates[(cat, key)]
                for m in _indicator_months(draw, ind, run):
                    row = dict(figures[m])
                    if ind["method"] == "volume_growth":
                        economic.append({s.UNIT_ID: uid, s.INDICATOR: key, s.MONTH: m, **row})
                        continue
                    ids = {s.SUBJECT_ID: uid, s.INDICATOR: key, s.MONTH: m}
                    inputs += [
                        {**ids, s.INPUT_NAME: name, s.VALUE: value}
                        for name, value in row.pop("inputs", {}).items()
                    ]
                    results.append({**ids, **row})

    # §6 section tasks and their monthly results
    tasks: Rows = []
    for section in org.sections:
        sid = section[s.SECTION_ID]
        for _ in range(draw(st.integers(0, 3))):
            tid = f"T{len(tasks) + 1}"
            method = draw(st.sampled_from(TASK_METHODS))
            direction = draw(st.sampled_from((None, *DIRECTIONS)))
            tasks.append(
                {
                    s.TASK_ID: tid,
                    s.SECTION_ID: sid,
                    s.NAME: tid,
                    s.WEIGHT: draw(st.sampled_from((1.0, 2.0, 0.5))),
                    s.METHOD: method,
                    s.DIRECTION: direction,
                    s.POINTS_PER_OCCURRENCE: draw(st.sampled_from((None, 2.0))),
                    s.TAGS: draw(st.sampled_from((None, [TAGS[1]]))),
                }
            )
            present = _series(draw, (True, True, True, False), len(run))
            measures = _measures(draw, method, direction or DIRECTIONS[0], levels, run)
            results += [
                {s.SUBJECT_ID: sid, s.INDICATOR: tid, s.MONTH: m, **measures[m]}
                for m, here in zip(run, present, strict=True)
                if here
            ]

    # §1 cadres (usually one per post), assignments, records
    if draw(st.integers(0, 3)) > 0:
        n_cadres = min(40, len(org.posts) + draw(st.integers(0, 2)))
    else:
        n_cadres = draw(st.integers(0, min(40, len(org.posts) + 3)))
    cadre_ids = [f"C{c:02d}" for c in range(1, n_cadres + 1)]
    # a twin copies the previous cadre's records and evaluations: ties in ranks, quotas, pay
    twins = {cid for cid in cadre_ids[1:] if draw(st.integers(0, 2)) == 0}
    unit_ids = list(unit_category)
    cadres: Rows = []
    for cid in cadre_ids:
        home = None
        if "seconded" not in exclude and draw(st.integers(0, 5)) == 0:
            home = draw(st.sampled_from(unit_ids))
        cadres.append(
            {
                s.CADRE_ID: cid,
                s.NAME: cid,
                s.PERSONNEL_TYPE: draw(st.sampled_from(PERSONNEL_TYPES)),
                s.HOME_UNIT_ID: home,
                s.PROBATION_END: draw(
                    st.sampled_from((None, None, None, dt.date(YEAR, 6, 30), dt.date(YEAR, 12, 31)))
                ),
            }
        )
    assignments, held = _assignments(draw, cadre_ids, org.posts, exclude)
    records: Rows = []
    pattern: dict[int, dict[str, Any] | None] = {}
    for cid in cadre_ids:
        if cid not in twins:
            pattern = _record_pattern(draw, levels)
        records += [
            {s.CADRE_ID: cid, s.MONTH: m, **values}
            for m in sorted(held[cid] & set(run))
            if (values := pattern[m]) is not None
        ]

    # §5 events
    section_ids = [x[s.SECTION_ID] for x in org.sections]
    subjects = [("unit", u) for u in unit_ids]
    subjects += [("section", x) for x in section_ids] + [("cadre", c) for c in cadre_ids]
    events: Rows = []
    for e in range(1, draw(st.integers(0, 12)) + 1):
        kind, subject = draw(st.sampled_from(subjects))
        event: dict[str, Any] = {
            s.EVENT_ID: f"E{e}",
            s.SUBJECT_ID: subject,
            s.MONTH: draw(st.sampled_from(run)),
            s.POINTS: draw(st.sampled_from(EVENT_POINTS)),
            s.KIND: draw(st.sampled_from((None, *EVENT_KINDS))),
            s.REASON: "事由",
        }
        if "vetoes" not in exclude and kind != "section" and draw(st.integers(0, 3)) == 0:
            event[s.VETO] = True
            if kind == "unit":
                event[s.VETO_TYPE] = draw(st.sampled_from(VETO_TYPES))
        if "vetoes" not in exclude and kind == "cadre" and draw(st.integers(0, 3)) == 0:
            event[s.SANCTION] = draw(st.sampled_from(SANCTIONS))
        events.append(event)

    # §6, §7 evaluations (every kind) and §7 evidence
    evaluations: Rows = []
    previous: Rows = []
    for kind, subject in subjects:
        if kind == "cadre" and subject in twins:
            evaluations += [{**row, s.SUBJECT_ID: subject} for row in previous]
        elif kind != "section":
            previous = []
            if draw(st.integers(0, 3)) > 0:
                previous = _evaluations(draw, subject, kind == "unit", n_months)
            evaluations += previous
    evidence: Rows = []
    if "evidence" not in exclude:
        rated = [x for k, x in subjects if k != "section"]
        for e in range(1, draw(st.integers(0, 6)) + 1):
            evidence.append(
                {
                    s.EVIDENCE_ID: f"V{e}",
                    s.SUBJECT_ID: draw(st.sampled_from(rated)),
                    s.DATE: _day_in(draw, draw(st.sampled_from(run))),
                    s.SOURCE: draw(st.sampled_from(EVIDENCE_SOURCES)),
                    s.DIRECTION: draw(
                        st.sampled_from((s.DIRECTION_POSITIVE, s.DIRECTION_NEGATIVE))
                    ),
                    s.ITEM: draw(st.sampled_from((None, *POLITICAL_ITEMS))),
                    s.RECORDED_BY: "office",
                }
            )

    # §10 pools (zero, unscored units, 10¹⁰) and §8 reviews
    pools: Rows = []
    if "pools" not in exclude:
        for uid in unit_ids:
            if draw(st.booleans()):
                cents = _series(draw, POOL_CENTS, len(run))
                present = _series(draw, (True, True, False), len(run))
                pools += [
                    {s.UNIT_ID: uid, s.MONTH: m, s.POOL_CENTS: c}
                    for m, c, here in zip(run, cents, present, strict=True)
                    if here
                ]
    reviews: Rows = [
        {
            s.SUBJECT_ID: x,
            s.YEAR: YEAR,
            s.OUTCOME: draw(st.sampled_from((s.OUTCOME_CONFIRM, s.OUTCOME_REJECT))),
            s.REVIEWER: "office",
            s.DATE: dt.date(YEAR + 1, 1, 10),
        }
        for k, x in subjects
        if k != "section" and draw(st.integers(0, 2)) == 0
    ]

    district = [
        {s.MONTH: m, s.GDP_GROWTH: g, s.GDP_GROWTH_TARGET: t}
        for m, g, t in zip(
            run,
            _series(draw, (8.0, 9.0, 4.0, -2.0, 16.0), n_months),
            _series(draw, (8.0, 6.0), n_months),
            strict=True,
        )
    ]
    rows = {
        s.UNITS: org.units,
        s.SECTIONS: org.sections,
        s.POSTS: org.posts,
        s.CADRES: cadres,
        s.ASSIGNMENTS: assignments,
        s.DISTRICT: district,
        s.ECONOMIC: economic,
        s.RESULTS: results,
        s.INPUTS: inputs,
        s.TASKS: tasks,
        s.EVENTS: events,
        s.RECORDS: records,
        s.EVALUATIONS: evaluations,
        s.EVIDENCE_TABLE: evidence,
        s.POOLS: pools,
        s.REVIEWS: reviews,
    }
    mapping = {"year": YEAR, "name": "generated", "categories": categories, **settings}
    plan = plan_from_mapping(mapping)
    data = make_dataset(year=YEAR, months=n_months, **rows)
    return Case(plan=plan, data=data, settings=mapping, rows=rows)


def plans_and_data(
    exclude: frozenset[str] = frozenset(),
) -> st.SearchStrategy[tuple[Plan, DataSet]]:
    """:func:`cases` as ``(plan, data)`` pairs."""
    return cases(exclude).map(lambda c: (c.plan, c.data))
