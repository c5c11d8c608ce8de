"""Property tests: the engine agrees with the reference scorer, and the rules' invariants hold.

Every property runs over :func:`tests.engine.strategies.cases` (valid plans and data sets at
small sizes, values drawn so that ties are common). The settings come from a hypothesis profile
picked by ``KAOHE_HYPOTHESIS_PROFILE``: ``kaohe`` (default, 150 examples of the agreement test),
``kaohe-quick`` (40) or ``kaohe-deep`` (2,000, for a search before a release). With CI set,
hypothesis' own ``ci`` profile is the parent, so the runs are derandomised there.

The explicit tests below the properties are the edge cases of docs/rules.md with their numbers
worked by hand; a disagreement found by the search and not yet fixed is pinned by a strict
xfail test named after the rule, whose reason says which side is wrong.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from kaohe.engine import schema as s
from kaohe.engine.cascade import rank_cadres
from kaohe.engine.dataset import DataSet, Results
from kaohe.engine.io import dataset_from_frames
from kaohe.engine.numbers import round_half_up
from kaohe.engine.output import publish
from kaohe.engine.plan import Plan
from kaohe.engine.reference import reference_score
from kaohe.engine.score import score
from tests.engine.compare import differences
from tests.engine.factories import district, make_dataset, make_plan
from tests.engine.strategies import YEAR, Case, cases

settings.register_profile(
    "kaohe",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("kaohe-quick", settings.get_profile("kaohe"), max_examples=40)
settings.register_profile("kaohe-deep", settings.get_profile("kaohe"), max_examples=2000)
PROFILE = settings.get_profile(os.environ.get("KAOHE_HYPOTHESIS_PROFILE", "kaohe"))


def _share(fraction: float) -> settings:
    """The profile with a fraction of its examples: the invariants score once or twice each."""
    return settings(PROFILE, max_examples=max(10, int(PROFILE.max_examples * fraction)))


TOP_GRADES = (s.CADRE_GRADES[0], s.TEAM_GRADES[0])


def _published(value: float) -> float:
    return round_half_up(value, 2)


def _share_count(share: float, n: int) -> int:
    """``floor(share × n)`` on the decimal value of ``share`` (rules.md §0, §8, §9)."""
    return int(Decimal(repr(share)) * n // 1)


def _competition_ranks(values: Mapping[str, float]) -> dict[str, int]:
    return {k: 1 + sum(other > v for other in values.values()) for k, v in values.items()}


# ---- engine ≡ reference --------------------------------------------------------------------------


@PROFILE
@given(cases())
def test_engine_agrees_with_reference(case: Case) -> None:
    note(case.describe())
    found = differences(score(case.plan, case.data), reference_score(case.plan, case.data))
    assert not found, "engine and reference disagree:\n" + "\n".join(found)


@_share(0.15)
@given(cases())
def test_generated_data_passes_validation(case: Case) -> None:
    frames = {name: frame.drop(s.ROW) for name, frame in case.data.tables.items()}
    validated = dataset_from_frames(frames, case.plan)  # raises DataError when invalid
    assert validated.months == case.data.months


# ---- invariants of the engine's results ----------------------------------------------------------


@_share(0.2)
@given(cases())
def test_top_grades_never_exceed_the_quota(case: Case) -> None:
    note(case.describe())
    results = score(case.plan, case.data)
    q = case.plan.grades.quota
    graded = results["annual"].filter(pl.col(s.GRADE) != s.UNDETERMINED)
    quota_rows = {
        (r[s.SUBJECT_TYPE], r[s.QUOTA_GROUP]): r for r in results["quota"].iter_rows(named=True)
    }
    groups = graded.group_by(s.SUBJECT_TYPE, s.QUOTA_GROUP).agg(
        pl.len().alias("n"), pl.col(s.GRADE).is_in(TOP_GRADES).sum().alias("top")
    )
    assert set(quota_rows) == {(t, g) for t, g, _, _ in groups.iter_rows()}
    for subject_type, group, n, top in groups.iter_rows():
        quota = _share_count(q.share, n)
        if q.min_one and n > 0:
            quota = max(1, quota)
        assert top <= quota, f"{group}: {top} top grades, quota floor({q.share} × {n})"
        row = quota_rows[(subject_type, group)]
        assert (row[s.N], row[s.QUOTA], row[s.GRANTED]) == (n, quota, top)
        assert row[s.GRANTED] <= row[s.CANDIDATES] <= n


@_share(0.2)
@given(cases())
def test_pay_shares_sum_to_each_allocated_pool(case: Case) -> None:
    note(case.describe())
    results = score(case.plan, case.data)
    pay, unallocated = results["pay"], results["pay_unallocated"]
    assert pay[s.CENTS].min() is None or pay[s.CENTS].min() >= 0  # type: ignore[operator]
    pools = {
        (u, m): c
        for u, m, c in case.data[s.POOLS].select(s.UNIT_ID, s.MONTH, s.POOL_CENTS).iter_rows()
    }
    paid = {
        (u, m): c
        for u, m, c in pay.group_by(s.UNIT_ID, s.MONTH).agg(pl.col(s.CENTS).sum()).iter_rows()
    }
    left = {(u, m): c for u, m, c, _ in unallocated.iter_rows()}
    assert not set(paid) & set(left)
    assert set(paid) | set(left) == set(pools)
    for key, cents in paid.items():
        assert cents == pools[key], f"{key}: shares sum to {cents}, pool {pools[key]}"
    for key, cents in left.items():
        assert cents == pools[key]
    # each share is the floor of its exact part or one cent more (largest remainders)
    tiers = dict(case.data[s.POSTS].select(s.POST_ID, s.TIER).iter_rows())
    monthly = results["cadre_monthly"].select(s.CADRE_ID, s.MONTH, s.UNIT_ID, s.POST_ID, s.FINAL)
    weights: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for cid, month, uid, post, final in monthly.iter_rows():
        coefficient = case.plan.tier_value(tiers[post] or 1)
        weights[(uid, month)][cid] = round(_published(final) * 100) * round(
            round_half_up(coefficient, 4) * 10_000
        )
    for cid, uid, month, cents, _ in pay.iter_rows():
        w = weights[(uid, month)]
        exact_floor = pools[(uid, month)] * w[cid] // sum(w.values())
        assert cents in (exact_floor, exact_floor + 1), (cid, uid, month)


def _period_standings(case: Case, results: Results) -> list[dict[str, Any]]:
    """§9 Scores of the eligible subjects of every complete period, each with the keys of the
    peer groups it can belong to: its category for units; its unit and role, then its
    category and role (the fallback) for cadres, placed by the period's last scored month."""
    plan, data = case.plan, case.data
    category = dict(data[s.UNITS].select(s.UNIT_ID, s.CATEGORY).iter_rows())
    monthly = results["cadre_monthly"]

    def last_month(cid: str, span: range) -> dict[str, Any]:
        inside = monthly.filter((pl.col(s.CADRE_ID) == cid) & pl.col(s.MONTH).is_in(list(span)))
        return inside.sort(s.MONTH).row(-1, named=True)

    out: list[dict[str, Any]] = []
    for r in results["periods"].iter_rows(named=True):
        kind = {"Q": "quarter", "H": "half_year"}[r[s.PERIOD][5]]
        n = int(r[s.PERIOD][6])
        span = range(3 * n - 2, 3 * n + 1) if kind == "quarter" else range(6 * n - 5, 6 * n + 1)
        out.append({**r, "kind": kind, "span": span})
    for r in results["annual"].iter_rows(named=True):
        if r[s.SUBJECT_TYPE] == s.SUBJECT_TEAM and r[s.MEAN_MONTHLY] is not None:
            team = {s.SUBJECT_TYPE: s.SUBJECT_UNIT, s.SCORE: r[s.MEAN_MONTHLY]}
            out.append({**r, **team, s.PERIOD: str(YEAR), "kind": "year", "span": range(1, 13)})
        elif r[s.SUBJECT_TYPE] == s.SUBJECT_CADRE and r[s.SCORE] is not None:
            out.append({**r, s.PERIOD: str(YEAR), "kind": "year", "span": range(1, 13)})
    need = plan.ranking.min_months.model_dump()
    eligible = [r for r in out if r[s.MONTHS] >= need[r["kind"]]]
    for r in eligible:
        period, subject = r[s.PERIOD], r[s.SUBJECT_ID]
        if r[s.SUBJECT_TYPE] == s.SUBJECT_UNIT:
            r["groups"] = [("unit", period, category[subject])]
        else:
            last = last_month(subject, r["span"])
            unit, role = last[s.UNIT_ID], last[s.ROLE]
            r["groups"] = [
                ("cadre", period, "unit", unit, role),
                ("cadre", period, "category", category[unit], role),
            ]
    return eligible


@_share(0.2)
@given(cases())
def test_bottom_actions_are_within_their_cut_or_tied_with_it(case: Case) -> None:
    note(case.describe())
    results = score(case.plan, case.data)
    r = case.plan.ranking
    standings = _period_standings(case, results)
    members: dict[tuple[Any, ...], dict[str, float]] = defaultdict(dict)
    for row in standings:
        for key in row["groups"]:
            members[key][row[s.SUBJECT_ID]] = _published(row[s.SCORE])
    expected: dict[tuple[str, str, str], tuple[int, int]] = {}
    for row in standings:
        # a cadre's unit group when it is big enough, else the category fallback (§9)
        group = next(
            (members[k] for k in row["groups"] if len(members[k]) >= r.min_group),
            members[row["groups"][-1]],
        )
        n = len(group)
        if n < r.min_group:
            continue
        cut_score = sorted(group.values())[max(1, _share_count(r.bottom_share, n)) - 1]
        subject = row[s.SUBJECT_ID]
        if group[subject] <= cut_score:
            ranks = _competition_ranks(group)
            expected[(row[s.PERIOD], row[s.SUBJECT_TYPE], subject)] = (ranks[subject], n)
    actions = {
        (a[s.PERIOD], a[s.SUBJECT_TYPE], a[s.SUBJECT_ID]): (a[s.RANK], a[s.N])
        for a in results["actions"].iter_rows(named=True)
    }
    assert actions == expected


def _assert_competition_ranks(
    frame: pl.DataFrame, column: str, groups: Sequence[Sequence[str]], min_group: int = 1
) -> None:
    """Each row's rank is 1 + the number of strictly higher published scores in its peer group
    and ``rank_n`` the group's size; the group is the first of ``groups`` (column lists) with at
    least ``min_group`` members (a cadre's unit group, else its category fallback, §6)."""
    rows = frame.filter(pl.col(column).is_not_null()).with_columns(
        pl.col(column).map_elements(_published, return_dtype=pl.Float64).alias("_shown")
    )
    members: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    for row in rows.iter_rows(named=True):
        for i, by in enumerate(groups):
            members[(i, *(row[c] for c in by))].append(row["_shown"])
    for row in rows.iter_rows(named=True):
        keys = [(i, *(row[c] for c in by)) for i, by in enumerate(groups)]
        group = next((members[k] for k in keys if len(members[k]) >= min_group), members[keys[-1]])
        assert row[s.RANK] == 1 + sum(v > row["_shown"] for v in group), row
        assert row[s.RANK_N] == len(group), row


@_share(0.2)
@given(cases())
def test_ranks_are_competition_ranks(case: Case) -> None:
    note(case.describe())
    results = score(case.plan, case.data)
    category = case.data[s.UNITS].select(s.UNIT_ID, s.CATEGORY)
    _assert_competition_ranks(results["unit_monthly"], s.SCORE, [[s.CATEGORY, s.MONTH]])
    cadres = results["cadre_monthly"].join(category, on=s.UNIT_ID)
    by_unit, by_category = [s.MONTH, s.UNIT_ID, s.ROLE], [s.MONTH, s.CATEGORY, s.ROLE]
    min_group = case.plan.ranking.min_group
    _assert_competition_ranks(cadres, s.FINAL, [by_unit, by_category], min_group)
    unit_size = cadres.group_by(by_unit).len()
    for row in cadres.join(unit_size, on=by_unit).iter_rows(named=True):
        in_unit = row["len"] >= min_group  # the unit group when big enough, else the category
        group = (s.UNIT_ID, "unit") if in_unit else (s.CATEGORY, "category")
        assert row[s.PEER_GROUP] == f"{group[1]}:{row[group[0]]}:{row[s.ROLE]}", row
    teams = (
        results["annual"]
        .filter(pl.col(s.SUBJECT_TYPE) == s.SUBJECT_TEAM)
        .join(category, left_on=s.SUBJECT_ID, right_on=s.UNIT_ID)
    )
    _assert_competition_ranks(teams, s.SCORE, [[s.CATEGORY]])


def _shuffled(data: DataSet, seed: int) -> DataSet:
    tables = {
        name: frame.sample(fraction=1.0, shuffle=True, seed=seed + i)
        for i, (name, frame) in enumerate(sorted(data.tables.items()))
    }
    return DataSet(data.year, data.months, tables, data.sources, data.warnings)


def _published_tables(results: Results) -> dict[str, pl.DataFrame]:
    """Every compared table as published text, rows sorted, note lists in a fixed order."""
    out = {}
    for name in s.OUTPUTS:
        if name == "warnings":
            continue
        frame = publish(name, results[name], results.plan_year)
        if s.NOTES in frame.columns:
            frame = frame.with_columns(
                pl.col(s.NOTES).str.split(";").list.sort().list.join(";").alias(s.NOTES)
            )
        out[name] = frame.sort(frame.columns)
    return out


def _assert_same(name: str, left: pl.DataFrame, right: pl.DataFrame) -> None:
    try:
        assert_frame_equal(left, right, check_exact=True)
    except AssertionError as exc:
        raise AssertionError(f"table {name}: {exc}") from None


@_share(0.15)
@given(cases(), st.integers(0, 2**31))
def test_published_results_do_not_depend_on_row_order(case: Case, seed: int) -> None:
    note(case.describe())
    before = _published_tables(score(case.plan, case.data))
    after = _published_tables(score(case.plan, _shuffled(case.data, seed)))
    for name, frame in before.items():
        _assert_same(name, after[name], frame)


@_share(0.1)
@given(cases())
def test_scoring_twice_gives_identical_frames(case: Case) -> None:
    """Identical published tables; unrounded numbers equal to 1e-12 (not to the bit: the
    engine sums group-by output in hash order, so the last bit of a mean can differ)."""
    first, second = score(case.plan, case.data), score(case.plan, case.data)
    for name in s.OUTPUTS:
        _assert_same(name, publish(name, first[name], YEAR), publish(name, second[name], YEAR))
        assert_frame_equal(first[name], second[name], check_exact=False, rel_tol=1e-12)


# ---- edge cases of docs/rules.md, by hand --------------------------------------------------------

Tables = dict[str, list[dict[str, Any]]]


def _dataset(*parts: Tables) -> DataSet:
    return make_dataset(year=YEAR, months=None, **_merge(*parts))


def _agree(plan: Plan, data: DataSet) -> Results:
    """Score with the engine, check the reference agrees, return the engine's results."""
    results = score(plan, data)
    assert differences(results, reference_score(plan, data)) == []
    return results


def _rated_units(levels: Mapping[str, str], months: int, category: str = "A") -> Tables:
    """Units rated ``level`` every month on the default plan's one indicator (G = 100 × value)."""
    return {
        s.UNITS: [{s.UNIT_ID: u, s.NAME: u, s.CATEGORY: category} for u in levels],
        s.RESULTS: [
            {s.SUBJECT_ID: u, s.INDICATOR: "task", s.MONTH: m, s.LEVEL: level}
            for u, level in levels.items()
            for m in range(1, months + 1)
        ],
        s.DISTRICT: district(months),
    }


def _staff(
    finals: Mapping[str, float], months: int, unit: str = "U1", role: str = "staff"
) -> Tables:
    """Cadres at full own marks (10 + 30 + 60) in a unit with S = 100, so the three links give
    100; an event of ``final − 100`` points each month makes the monthly final."""
    tables: Tables = {s.POSTS: [], s.CADRES: [], s.ASSIGNMENTS: [], s.RECORDS: [], s.EVENTS: []}
    for cid, final in finals.items():
        tables[s.POSTS].append({s.POST_ID: f"P{cid}", s.UNIT_ID: unit, s.NAME: "岗", s.ROLE: role})
        tables[s.CADRES].append({s.CADRE_ID: cid, s.NAME: cid, s.PERSONNEL_TYPE: "公务员"})
        tables[s.ASSIGNMENTS].append({s.CADRE_ID: cid, s.POST_ID: f"P{cid}", s.START: "2026-01-01"})
        for m in range(1, months + 1):
            tables[s.RECORDS].append(
                {s.CADRE_ID: cid, s.MONTH: m, s.GOALS_SET: 4, s.GOALS_MET: 4, s.LEVEL: "优"}
            )
            if final != 100:
                tables[s.EVENTS].append(
                    {
                        s.EVENT_ID: f"E{cid}{m}",
                        s.SUBJECT_ID: cid,
                        s.MONTH: m,
                        s.POINTS: final - 100,
                        s.REASON: "r",
                    }
                )
    return tables


def _merge(*parts: Tables) -> Tables:
    out: Tables = defaultdict(list)
    for part in parts:
        for name, rows in part.items():
            out[name] += rows
    return dict(out)


def _value(frame: pl.DataFrame, column: str, **where: Any) -> Any:
    row = frame.filter(*(pl.col(k) == v for k, v in where.items()))
    assert row.height == 1, row
    return row[column].item()


def test_an_empty_group_gives_its_points_to_the_others() -> None:
    plan = make_plan(
        {
            "A": {
                "groups": [
                    {
                        "key": "common",
                        "name": "共性",
                        "points": 50,
                        "indicators": [
                            {"key": "task", "name": "任务", "weight": 1, "method": "rating"}
                        ],
                    },
                    {"key": "economic", "name": "经济", "points": 30, "indicators": []},
                    {
                        "key": "duty",
                        "name": "履职",
                        "points": 20,
                        "indicators": [
                            {"key": "gdp", "name": "GDP", "weight": 1, "method": "volume_growth"}
                        ],
                    },
                ]
            }
        }
    )
    # U1 has no economic figures: economic and duty are empty, common gets 50 × 100 / 50 = 100
    data = _dataset(_rated_units({"U1": "良"}, months=1))
    results = _agree(plan, data)
    groups = results["unit_groups"]
    assert _value(groups, s.EFFECTIVE_POINTS, group="common") == pytest.approx(100.0)
    assert _value(groups, s.EFFECTIVE_POINTS, group="economic") == 0.0
    assert _value(groups, s.CONTRIBUTION, group="duty") == 0.0
    assert _value(results["unit_monthly"], s.SCORE, unit_id="U1") == pytest.approx(
        85.0
    )  # 100 × 0.85


def test_a_category_of_one_unit_gets_full_rank_achievement() -> None:
    rank = {"key": "r", "name": "排名", "weight": 1, "method": "rank"}
    groups = [{"key": "duty", "name": "履职", "points": 100, "indicators": [rank]}]
    plan = make_plan({"A": {"groups": groups}, "B": {"groups": groups}})
    data = make_dataset(
        units=[
            {s.UNIT_ID: "U1", s.NAME: "U1", s.CATEGORY: "A"},
            {s.UNIT_ID: "U2", s.NAME: "U2", s.CATEGORY: "B"},
            {s.UNIT_ID: "U3", s.NAME: "U3", s.CATEGORY: "B"},
        ],
        results=[
            {s.SUBJECT_ID: u, s.INDICATOR: "r", s.MONTH: 1, s.ACTUAL: a}
            for u, a in (("U1", 1.0), ("U2", 1.0), ("U3", 2.0))
        ],
        district=district(1),
    )
    results = _agree(plan, data)
    achievement = results["unit_indicators"]
    assert _value(achievement, s.ACHIEVEMENT, unit_id="U1") == 1.0  # n = 1 in category A
    assert _value(achievement, s.ACHIEVEMENT, unit_id="U3") == 1.0  # rank 1 of 2 in B
    # U2: rank 2 of 2 → 1 − (2 − 1)/(2 − 1) × (1 − 0.6) = 0.6
    assert _value(achievement, s.ACHIEVEMENT, unit_id="U2") == pytest.approx(0.6)


def test_nothing_due_leaves_a_milestones_indicator_out() -> None:
    indicators = [
        {"key": "m", "name": "节点", "weight": 1, "method": "milestones"},
        {"key": "task", "name": "任务", "weight": 1, "method": "rating"},
    ]
    plan = make_plan(
        {
            "A": {
                "groups": [{"key": "duty", "name": "履职", "points": 100, "indicators": indicators}]
            }
        }
    )
    milestones = [(1, "U1", 0, 0), (2, "U1", 2, 1), (1, "U2", 0, 0), (2, "U2", 1, 1)]
    data = make_dataset(
        units=[{s.UNIT_ID: u, s.NAME: u, s.CATEGORY: "A"} for u in ("U1", "U2")],
        results=[
            {
                s.SUBJECT_ID: u,
                s.INDICATOR: "m",
                s.MONTH: m,
                s.MILESTONES_DUE: due,
                s.MILESTONES_DONE: done,
            }
            for m, u, due, done in milestones
        ]
        + [{s.SUBJECT_ID: "U1", s.INDICATOR: "task", s.MONTH: m, s.LEVEL: "优"} for m in (1, 2)],
        district=district(2),
    )
    results = _agree(plan, data)
    monthly = results["unit_monthly"]
    assert _value(monthly, s.SCORE, unit_id="U1", month=1) == pytest.approx(100.0)  # task alone
    assert _value(monthly, s.SCORE, unit_id="U1", month=2) == pytest.approx(75.0)  # (0.5 + 1) / 2
    # U2 carries only the milestones: nothing due in month 1 → not scored that month
    assert monthly.filter(pl.col(s.UNIT_ID) == "U2")[s.MONTH].to_list() == [2]
    assert not _value(results["unit_indicators"], s.INCLUDED, unit_id="U1", month=1, indicator="m")


def test_scores_below_zero_are_floored() -> None:
    plan = make_plan()
    tables = _merge(
        _rated_units({"U1": "差"}, months=1),  # G = 50
        {
            s.SECTIONS: [{s.SECTION_ID: "S1", s.UNIT_ID: "U1", s.NAME: "科"}],
            s.TASKS: [
                {s.TASK_ID: "T1", s.SECTION_ID: "S1", s.NAME: "t", s.WEIGHT: 1, s.METHOD: "rating"}
            ],
            s.RESULTS: [{s.SUBJECT_ID: "S1", s.INDICATOR: "T1", s.MONTH: 1, s.LEVEL: "差"}],
            s.POSTS: [
                {
                    s.POST_ID: "P1",
                    s.UNIT_ID: "U1",
                    s.SECTION_ID: "S1",
                    s.NAME: "岗",
                    s.ROLE: "staff",
                }
            ],
            s.CADRES: [{s.CADRE_ID: "C1", s.NAME: "C1", s.PERSONNEL_TYPE: "公务员"}],
            s.ASSIGNMENTS: [{s.CADRE_ID: "C1", s.POST_ID: "P1", s.START: "2026-01-01"}],
            s.RECORDS: [
                {s.CADRE_ID: "C1", s.MONTH: 1, s.GOALS_SET: 4, s.GOALS_MET: 4, s.LEVEL: "优"}
            ],
            s.EVENTS: [
                {s.EVENT_ID: f"E{x}", s.SUBJECT_ID: x, s.MONTH: 1, s.POINTS: -150, s.REASON: "r"}
                for x in ("U1", "S1", "C1")
            ],
        },
    )
    results = _agree(plan, _dataset(tables))
    # unit: max(0, (50 − 150) × 1.00) = 0; raw stays −100
    assert _value(results["unit_monthly"], s.SCORE, unit_id="U1") == 0.0
    assert _value(results["unit_monthly"], s.RAW, unit_id="U1") == pytest.approx(-100.0)
    # section: max(0, 0.7 × 50 + 0.3 × 0 − 150) = 0
    assert _value(results["section_monthly"], s.FINAL, section_id="S1") == 0.0
    # cadre: max(0, 0.7 × 100 + 0.3 × 0 − 150) = 0
    assert _value(results["cadre_monthly"], s.FINAL, cadre_id="C1") == 0.0


def test_a_tie_at_the_quota_boundary_gives_the_top_grade_to_none_of_the_tied() -> None:
    plan = make_plan(grades={"require_review": False})
    finals = {"C1": 100.0, "C2": 100.0, "C3": 80.0, "C4": 80.0, "C5": 80.0}
    data = _dataset(_rated_units({"U1": "优"}, 12), _staff(finals, 12))
    results = _agree(plan, data)
    annual = results["annual"].filter(pl.col(s.SUBJECT_TYPE) == s.SUBJECT_CADRE)
    # annual = (0.5 × 100 + 0.4 × H2 100) / 0.9 = 100 for C1 and C2, tied on every key;
    # quota = floor(0.2 × 5) = 1 < 2 candidates at or above them → neither is 优秀
    assert annual.sort(s.SUBJECT_ID)[s.GRADE].to_list() == ["称职"] * 5
    quota = results["quota"].filter(pl.col(s.SUBJECT_TYPE) == s.SUBJECT_CADRE).row(0, named=True)
    assert (quota[s.N], quota[s.QUOTA], quota[s.CANDIDATES], quota[s.GRANTED]) == (5, 1, 2, 0)


def test_ties_at_the_bottom_cut_are_all_taken_and_flagged() -> None:
    plan = make_plan()
    levels = {"U1": "中", "U2": "中", "U3": "良", "U4": "优", "U5": "优"}  # 70 70 85 100 100
    results = _agree(plan, _dataset(_rated_units(levels, 3)))
    actions = results["actions"]
    # n = 5, cut max(1, floor(0.1 × 5)) = 1: the lowest is 70, shared by U1 and U2
    assert actions[s.SUBJECT_ID].to_list() == ["U1", "U2"]
    assert actions[s.TIED].to_list() == [True, True]
    assert actions[s.RANK].to_list() == [4, 4]
    assert set(actions[s.DUE].to_list()) == {"2026-04-30"}  # 31 March + 30 days


def test_a_fallback_peer_group_flags_ties_among_all_its_members() -> None:
    """§9: C3 is alone among U2's leaders, so its group is every leader of category A: C1, C2
    and C3, all at 100; the cut of max(1, floor(0.1 × 3)) = 1 takes the three, flagged tied.
    (Found by the agreement test: the engine counted the tie among C3 alone.)"""
    plan = make_plan(ranking={"min_group": 2})
    tables = _merge(
        _rated_units({"U1": "优", "U2": "优"}, 3),
        _staff({"C1": 100.0, "C2": 100.0}, 3, unit="U1", role="leader"),
        _staff({"C3": 100.0}, 3, unit="U2", role="leader"),
    )
    results = _agree(plan, _dataset(tables))
    c3 = results["actions"].filter(pl.col(s.SUBJECT_ID) == "C3").row(0, named=True)
    assert (c3[s.RANK], c3[s.N], c3[s.TIED]) == (1, 3, True)


def test_all_zero_pay_weights_leave_the_pool_unallocated() -> None:
    plan = make_plan()
    tables = _merge(
        _rated_units({"U1": "优", "U2": "优"}, 1),
        _staff({"C1": 0.0, "C2": 0.0}, 1),  # finals 100 − 100 = 0: weight 0 × coefficient
        {
            s.POOLS: [
                {s.UNIT_ID: "U1", s.MONTH: 1, s.POOL_CENTS: 1000},
                {s.UNIT_ID: "U2", s.MONTH: 1, s.POOL_CENTS: 500},
            ]
        },
    )
    results = _agree(plan, _dataset(tables))
    assert results["pay"].is_empty()
    assert results["pay_unallocated"].rows() == [
        ("U1", 1, 1000, "all weights zero"),
        ("U2", 1, 500, "no scored cadre"),
    ]


def test_equal_pay_remainders_go_to_the_lower_cadre_id() -> None:
    plan = make_plan()
    tables = _merge(
        _rated_units({"U1": "优"}, 1),
        _staff({"C2": 100.0, "C3": 100.0, "C1": 100.0}, 1),
        {s.POOLS: [{s.UNIT_ID: "U1", s.MONTH: 1, s.POOL_CENTS: 100}]},
    )
    results = _agree(plan, _dataset(tables))
    # 100 / 3 = 33 each, remainders all equal: the one cent left goes to C1
    assert results["pay"].select(s.CADRE_ID, s.CENTS).rows() == [("C1", 34), ("C2", 33), ("C3", 33)]


def test_equal_published_scores_share_a_rank_whatever_the_frame_chunks() -> None:
    def rows(cadres: list[str], finals: list[float]) -> pl.DataFrame:
        n = len(cadres)
        return pl.DataFrame(
            {
                s.CADRE_ID: cadres,
                s.MONTH: [1] * n,
                s.UNIT_ID: ["U1"] * n,
                s.ROLE: [s.ROLE_STAFF] * n,
                s.CATEGORY: ["A"] * n,
                s.FINAL: finals,
            }
        )

    # as the engine's joins can leave it: a chunk of one row, then a chunk of two
    frame = pl.concat([rows(["C1"], [63.73]), rows(["C2", "C3"], [63.73, 50.0])], rechunk=False)
    ranked = rank_cadres(frame, s.FINAL, [s.MONTH], 1).sort(s.CADRE_ID)
    assert ranked[s.RANK].to_list() == [1, 1, 3]
