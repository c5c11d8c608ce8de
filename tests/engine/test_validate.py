"""Semantic validation (kaohe.engine.validate): every check, both ways.

The base data set (``io_factories.small_rows``) validates with no problem and no warning; each
case changes one thing and expects exactly the problem it causes, with file, row and column.
"""

from __future__ import annotations

from typing import Any

import pytest

from kaohe.engine import schema as s
from kaohe.engine.errors import Problem
from kaohe.engine.validate import run_months, validate
from tests.engine.factories import district
from tests.engine.io_factories import (
    SMALL_PLAN,
    Rows,
    changed,
    check,
    frames_of,
    new_row,
    small_rows,
)

LEVELS = "优, 良, 中, 差"
POLITICAL_ITEMS = "政治判断力, 政治领悟力, 政治执行力"
AFTER = "is after the run's last month 2026-02 (the last month of district.csv)"


def at(table: str, row: int | None, column: str | None, message: str) -> Problem:
    return Problem(f"{table}.csv", row, column, message)


def added(table: str, **values: Any) -> Rows:
    return changed(table, None, **values)


def test_the_base_data_set_is_valid_without_warnings() -> None:
    assert check() == ([], [])


# Each case: (rows, the one problem expected). Row numbers: the header is row 1, so the row at
# index i of a table is row i + 2; results hold U1's indicators first, two months each:
# rate 0–1, comp 2–3, low 4–5, ded 6–7, mile 8–9, rank 10–11, form 12–13.
CASES = [
    # ---- units, sections, posts, cadres ----
    pytest.param(
        changed(s.UNITS, 0, category="Z"),
        at(s.UNITS, 2, s.CATEGORY, "category 'Z' is not one of A, B"),
        id="unit-category-not-in-plan",
    ),
    pytest.param(
        changed(s.UNITS, 2, tier=7),
        at(s.UNITS, 4, s.TIER, "tier 7 is outside 1–6 (the plan's coefficient tiers)"),
        id="unit-tier-above-range",
    ),
    pytest.param(
        changed(s.SECTIONS, 0, tier=0),
        at(s.SECTIONS, 2, s.TIER, "tier 0 is outside 1–6 (the plan's coefficient tiers)"),
        id="section-tier-below-range",
    ),
    pytest.param(
        added(s.SECTIONS, section_id="S9", unit_id="U9", name="x"),
        at(s.SECTIONS, 3, s.UNIT_ID, "unit 'U9' is not in units.csv"),
        id="section-unit-unknown",
    ),
    pytest.param(
        added(s.POSTS, post_id="P9", unit_id="U9", name="x", role="staff"),
        at(s.POSTS, 5, s.UNIT_ID, "unit 'U9' is not in units.csv"),
        id="post-unit-unknown",
    ),
    pytest.param(
        added(s.POSTS, post_id="P9", unit_id="U1", section_id="S9", name="x", role="staff"),
        at(s.POSTS, 5, s.SECTION_ID, "section 'S9' is not in sections.csv"),
        id="post-section-unknown",
    ),
    pytest.param(
        added(s.POSTS, post_id="P9", unit_id="U3", section_id="S1", name="x", role="staff"),
        at(
            s.POSTS,
            5,
            s.SECTION_ID,
            "section 'S1' belongs to unit 'U1', not to the post's unit 'U3'",
        ),
        id="post-section-of-another-unit",
    ),
    pytest.param(
        changed(s.POSTS, 1, role="boss"),
        at(s.POSTS, 3, s.ROLE, "role 'boss' is not one of principal, leader, staff"),
        id="post-role-unknown",
    ),
    pytest.param(
        changed(s.POSTS, 0, tier=9),
        at(s.POSTS, 2, s.TIER, "tier 9 is outside 1–6 (the plan's coefficient tiers)"),
        id="post-tier-out-of-range",
    ),
    pytest.param(
        changed(s.CADRES, 0, personnel_type="临时"),
        at(
            s.CADRES,
            2,
            s.PERSONNEL_TYPE,
            "personnel type '临时' is not one of 公务员, 参公, 事业, 聘用",
        ),
        id="cadre-personnel-type-unknown",
    ),
    pytest.param(
        changed(s.CADRES, 1, home_unit_id="U9"),
        at(s.CADRES, 3, s.HOME_UNIT_ID, "home unit 'U9' is not in units.csv"),
        id="cadre-home-unit-unknown",
    ),
    pytest.param(
        added(s.CADRES, cadre_id="U1", name="x", personnel_type="公务员"),
        at(
            s.CADRES,
            5,
            s.CADRE_ID,
            "id 'U1' is already the id of a unit (units.csv row 2): units, sections and cadres "
            "share one set of ids",
        ),
        id="cadre-id-repeats-a-unit-id",
    ),
    # ---- assignments ----
    pytest.param(
        added(s.ASSIGNMENTS, cadre_id="C9", post_id="P1", start="2019-01-01", end="2019-12-31"),
        at(s.ASSIGNMENTS, 5, s.CADRE_ID, "cadre 'C9' is not in cadres.csv"),
        id="assignment-cadre-unknown",
    ),
    pytest.param(
        added(s.ASSIGNMENTS, cadre_id="C1", post_id="P9", start="2019-01-01", end="2019-06-30"),
        at(s.ASSIGNMENTS, 5, s.POST_ID, "post 'P9' is not in posts.csv"),
        id="assignment-post-unknown",
    ),
    pytest.param(
        added(s.ASSIGNMENTS, cadre_id="C1", post_id="P3", start="2019-05-01", end="2019-01-01"),
        at(s.ASSIGNMENTS, 5, s.END, "end 2019-01-01 is before start 2019-05-01"),
        id="assignment-ends-before-it-starts",
    ),
    pytest.param(
        added(s.ASSIGNMENTS, cadre_id="C1", post_id="P1", start="2021-01-01", end="2021-12-31"),
        at(
            s.ASSIGNMENTS,
            5,
            s.START,
            "overlaps the assignment of cadre 'C1' on row 2: a cadre holds one post at a time",
        ),
        id="assignments-of-a-cadre-overlap",
    ),
    # ---- district and the run's months ----
    pytest.param(
        changed(s.DISTRICT, 0, gdp_growth_target=0.0),
        at(s.DISTRICT, 2, s.GDP_GROWTH_TARGET, "gdp_growth_target must be above 0, not 0"),
        id="district-target-zero",
    ),
    pytest.param(
        added(s.ECONOMIC, **{**small_rows()[s.ECONOMIC][0], s.MONTH: 3}),
        at(s.ECONOMIC, 7, s.MONTH, f"month 2026-03 {AFTER}"),
        id="economic-row-after-the-run",
    ),
    pytest.param(
        added(s.RECORDS, cadre_id="C1", month=3, level="优"),
        at(s.RECORDS, 8, s.MONTH, f"month 2026-03 {AFTER}"),
        id="record-after-the-run",
    ),
    pytest.param(
        added(s.EVALUATIONS, subject_id="C2", period="2026-Q2", kind="quarterly", score=1.0),
        at(s.EVALUATIONS, 8, s.PERIOD, f"period 2026-Q2 {AFTER}"),
        id="evaluation-period-after-the-run",
    ),
    pytest.param(
        changed(s.EVIDENCE_TABLE, 0, date="2026-03-01"),
        at(s.EVIDENCE_TABLE, 2, s.DATE, f"date 2026-03-01 {AFTER}"),
        id="evidence-after-the-run",
    ),
    # ---- economic (rules.md §3) ----
    pytest.param(
        added(s.ECONOMIC, **{**small_rows()[s.ECONOMIC][0], s.UNIT_ID: "U9"}),
        at(s.ECONOMIC, 7, s.UNIT_ID, "unit 'U9' is not in units.csv"),
        id="economic-unit-unknown",
    ),
    pytest.param(
        changed(s.ECONOMIC, 4, indicator="xyz"),
        at(s.ECONOMIC, 6, s.INDICATOR, "indicator 'xyz' is not an indicator of category 'A'"),
        id="economic-indicator-not-in-category",
    ),
    pytest.param(
        added(s.ECONOMIC, **{**small_rows()[s.ECONOMIC][0], s.INDICATOR: "rate"}),
        at(
            s.ECONOMIC,
            7,
            s.INDICATOR,
            "indicator 'rate' uses method rating, not volume_growth: its data belongs in "
            "results.csv",
        ),
        id="economic-indicator-not-volume-growth",
    ),
    pytest.param(
        changed(s.ECONOMIC, 1, target_volume=0.0),
        at(s.ECONOMIC, 3, s.TARGET_VOLUME, "a zero or negative volume target (0) cannot be scored"),
        id="economic-zero-volume-target",
    ),
    pytest.param(
        changed(s.ECONOMIC, 1, target_volume=-2.5),
        at(
            s.ECONOMIC,
            3,
            s.TARGET_VOLUME,
            "a zero or negative volume target (-2.5) cannot be scored",
        ),
        id="economic-negative-volume-target",
    ),
    # ---- results (rules.md §2, §6) ----
    pytest.param(
        added(s.RESULTS, subject_id="X9", indicator="rate", month=1, level="良"),
        at(s.RESULTS, 34, s.SUBJECT_ID, "subject 'X9' is not a unit or a section"),
        id="results-subject-unknown",
    ),
    pytest.param(
        added(s.RESULTS, subject_id="C1", indicator="rate", month=1, level="良"),
        at(s.RESULTS, 34, s.SUBJECT_ID, "subject 'C1' is a cadre, not a unit or a section"),
        id="results-subject-is-a-cadre",
    ),
    pytest.param(
        added(s.RESULTS, subject_id="U1", indicator="gdp", month=1, actual=1.0),
        at(
            s.RESULTS,
            34,
            s.INDICATOR,
            "indicator 'gdp' is a volume_growth indicator: its data belongs in economic.csv",
        ),
        id="results-volume-indicator",
    ),
    pytest.param(
        added(s.RESULTS, subject_id="U3", indicator="comp", month=1, actual=1.0, target=2.0),
        at(s.RESULTS, 34, s.INDICATOR, "indicator 'comp' is not an indicator of category 'B'"),
        id="results-indicator-not-in-category",
    ),
    pytest.param(
        added(s.RESULTS, subject_id="S1", indicator="T9", month=1, level="良"),
        at(s.RESULTS, 34, s.INDICATOR, "task 'T9' is not a task of section 'S1' in tasks.csv"),
        id="results-task-not-of-the-section",
    ),
    pytest.param(
        changed(s.RESULTS, 0, level=None),
        at(s.RESULTS, 2, s.LEVEL, "a value is required for method rating"),
        id="rating-without-level",
    ),
    pytest.param(
        changed(s.RESULTS, 0, level="A"),
        at(s.RESULTS, 2, s.LEVEL, f"level 'A' is not a rating level of the plan ({LEVELS})"),
        id="rating-level-not-in-plan",
    ),
    pytest.param(
        changed(s.RESULTS, 2, target=None),
        at(s.RESULTS, 4, s.TARGET, "a value is required for method completion"),
        id="completion-without-target",
    ),
    pytest.param(
        changed(s.RESULTS, 2, actual=None),
        at(s.RESULTS, 4, s.ACTUAL, "a value is required for method completion"),
        id="completion-without-actual",
    ),
    pytest.param(
        changed(s.RESULTS, 2, target=0.0),
        at(s.RESULTS, 4, s.TARGET, "target must be above 0 when higher is better, not 0"),
        id="completion-higher-is-better-zero-target",
    ),
    pytest.param(
        changed(s.RESULTS, 4, actual=-1.0),
        at(s.RESULTS, 6, s.ACTUAL, "actual must not be negative when lower is better, not -1"),
        id="completion-lower-is-better-negative-actual",
    ),
    pytest.param(
        changed(s.RESULTS, 5, target=-0.5),
        at(s.RESULTS, 7, s.TARGET, "target must not be negative when lower is better, not -0.5"),
        id="completion-lower-is-better-negative-target",
    ),
    pytest.param(
        changed(s.RESULTS, 6, occurrences=None),
        at(s.RESULTS, 8, s.OCCURRENCES, "a value is required for method deduction"),
        id="deduction-without-occurrences",
    ),
    pytest.param(
        changed(s.RESULTS, 6, occurrences=-1.0),
        at(s.RESULTS, 8, s.OCCURRENCES, "occurrences must not be negative, not -1"),
        id="deduction-negative-occurrences",
    ),
    pytest.param(
        changed(s.RESULTS, 8, milestones_due=None),
        at(s.RESULTS, 10, s.MILESTONES_DUE, "a value is required for method milestones"),
        id="milestones-without-due",
    ),
    pytest.param(
        changed(s.RESULTS, 8, milestones_done=5),
        at(s.RESULTS, 10, s.MILESTONES_DONE, "milestones_done 5 is more than milestones_due 4"),
        id="milestones-done-above-due",
    ),
    pytest.param(
        changed(s.RESULTS, 9, milestones_done=-1),
        at(s.RESULTS, 11, s.MILESTONES_DONE, "milestones_done must not be negative, not -1"),
        id="milestones-done-negative",
    ),
    pytest.param(
        changed(s.RESULTS, 10, actual=None),
        at(s.RESULTS, 12, s.ACTUAL, "a value is required for method rank"),
        id="rank-without-actual",
    ),
    pytest.param(
        changed(s.RESULTS, 12, target=None),
        at(s.RESULTS, 14, s.TARGET, "a value is required: the indicator's formula uses target"),
        id="formula-without-a-value-it-uses",
    ),
    pytest.param(
        added(s.RESULTS, subject_id="S1", indicator="T2", month=2),
        at(s.RESULTS, 34, s.OCCURRENCES, "a value is required for method deduction"),
        id="section-task-method-columns",
    ),
    pytest.param(
        changed(s.RESULTS, 1, month=None),
        at(
            s.RESULTS,
            None,
            s.MONTH,
            "unit 'U1', indicator 'rate': month 2026-02 is missing (a monthly indicator needs "
            "a row for every month of the run)",
        ),
        id="results-monthly-indicator-misses-a-month",
    ),
    # ---- formula inputs ----
    pytest.param(
        added(s.INPUTS, subject_id="U1", indicator="form", month=1, name="z", value=1.0),
        at(
            s.INPUTS,
            6,
            s.INPUT_NAME,
            "input 'z' is not declared by indicator 'form' (its inputs: x, y)",
        ),
        id="input-not-declared",
    ),
    pytest.param(
        added(s.INPUTS, subject_id="U1", indicator="rate", month=1, name="x", value=1.0),
        at(
            s.INPUTS,
            6,
            s.INDICATOR,
            "indicator 'rate' uses method rating: inputs are only for formula indicators",
        ),
        id="input-of-a-non-formula-indicator",
    ),
    pytest.param(
        added(s.INPUTS, subject_id="U3", indicator="form", month=1, name="x", value=1.0),
        at(s.INPUTS, 6, s.INDICATOR, "indicator 'form' is not an indicator of category 'B'"),
        id="input-indicator-not-in-category",
    ),
    pytest.param(
        added(s.INPUTS, subject_id="S1", indicator="form", month=1, name="x", value=1.0),
        at(s.INPUTS, 6, s.SUBJECT_ID, "subject 'S1' is a section, not a unit"),
        id="input-subject-is-a-section",
    ),
    pytest.param(
        changed(s.INPUTS, 0, name="y"),
        at(
            s.RESULTS,
            14,
            None,
            "formula input 'x' is missing: inputs.csv has no row for this subject, indicator "
            "and month",
        ),
        id="results-row-of-a-formula-without-its-input",
    ),
    # ---- tasks ----
    pytest.param(
        changed(s.TASKS, 1, section_id="S9"),
        at(s.TASKS, 3, s.SECTION_ID, "section 'S9' is not in sections.csv"),
        id="task-section-unknown",
    ),
    pytest.param(
        changed(s.TASKS, 1, method="formula"),
        at(
            s.TASKS,
            3,
            s.METHOD,
            "method 'formula' is not one of completion, rating, deduction, milestones",
        ),
        id="task-method-unknown",
    ),
    pytest.param(
        changed(s.TASKS, 0, direction="up"),
        at(
            s.TASKS,
            2,
            s.DIRECTION,
            "direction 'up' is not one of higher_is_better, lower_is_better",
        ),
        id="task-direction-unknown",
    ),
    pytest.param(
        changed(s.TASKS, 0, weight=0.0),
        at(s.TASKS, 2, s.WEIGHT, "weight must be above 0, not 0"),
        id="task-weight-zero",
    ),
    pytest.param(
        changed(s.TASKS, 1, points_per_occurrence=-1.0),
        at(s.TASKS, 3, s.POINTS_PER_OCCURRENCE, "points_per_occurrence must be above 0, not -1"),
        id="task-points-per-occurrence-negative",
    ),
    # ---- events (rules.md §5) ----
    pytest.param(
        changed(s.EVENTS, 0, subject_id="X9"),
        at(s.EVENTS, 2, s.SUBJECT_ID, "subject 'X9' is not a unit, a section or a cadre"),
        id="event-subject-unknown",
    ),
    pytest.param(
        changed(s.EVENTS, 0, kind="bonus"),
        at(
            s.EVENTS,
            2,
            s.KIND,
            "kind 'bonus' is not one of normal, special, special_performance, frontline",
        ),
        id="event-kind-unknown",
    ),
    pytest.param(
        changed(s.EVENTS, 1, veto_type=None),
        at(
            s.EVENTS,
            3,
            s.VETO_TYPE,
            "a unit's veto needs a veto_type, one of 安全生产, 信访稳定, 党风廉政, 生态环保",
        ),
        id="unit-veto-without-type",
    ),
    pytest.param(
        changed(s.EVENTS, 1, veto_type="交通"),
        at(
            s.EVENTS,
            3,
            s.VETO_TYPE,
            "veto_type '交通' is not one of 安全生产, 信访稳定, 党风廉政, 生态环保",
        ),
        id="unit-veto-type-unknown",
    ),
    pytest.param(
        changed(s.EVENTS, 3, veto=True),
        at(s.EVENTS, 5, s.VETO, "a veto applies to a unit or a cadre, not to a section"),
        id="section-veto",
    ),
    pytest.param(
        changed(s.EVENTS, 0, sanction="警告"),
        at(s.EVENTS, 2, s.SANCTION, "a sanction applies only to a cadre's event, not to a unit's"),
        id="sanction-on-a-unit",
    ),
    pytest.param(
        changed(s.EVENTS, 2, sanction="罚款"),
        at(
            s.EVENTS,
            4,
            s.SANCTION,
            "sanction '罚款' is not one of 警告, 诫勉, 记过, 记大过, 降级, 撤职, 开除",
        ),
        id="sanction-unknown",
    ),
    # ---- records (rules.md §1, §6) ----
    pytest.param(
        added(s.RECORDS, cadre_id="C9", month=1, level="优"),
        at(s.RECORDS, 8, s.CADRE_ID, "cadre 'C9' is not in cadres.csv"),
        id="record-cadre-unknown",
    ),
    pytest.param(
        changed(s.RECORDS, 0, level=None),
        at(s.RECORDS, 2, s.LEVEL, "a value is required unless on_leave is true"),
        id="record-without-level",
    ),
    pytest.param(
        changed(s.RECORDS, 0, level="A"),
        at(s.RECORDS, 2, s.LEVEL, f"level 'A' is not a rating level of the plan ({LEVELS})"),
        id="record-level-not-in-plan",
    ),
    pytest.param(
        changed(s.RECORDS, 0, lates=-1),
        at(s.RECORDS, 2, s.LATES, "lates must not be negative, not -1"),
        id="record-negative-lates",
    ),
    pytest.param(
        changed(s.RECORDS, 0, absences=-0.5),
        at(s.RECORDS, 2, s.ABSENCES, "absences must not be negative, not -0.5"),
        id="record-negative-absences",
    ),
    pytest.param(
        changed(s.RECORDS, 0, goals_set=-1, goals_met=None),
        at(s.RECORDS, 2, s.GOALS_SET, "goals_set must not be negative, not -1"),
        id="record-negative-goals-set",
    ),
    pytest.param(
        changed(s.RECORDS, 0, goals_met=5),
        at(s.RECORDS, 2, s.GOALS_MET, "goals_met 5 is more than goals_set 4"),
        id="record-goals-met-above-set",
    ),
    pytest.param(
        changed(s.RECORDS, 0, goals_set=None, goals_met=1),
        at(s.RECORDS, 2, s.GOALS_MET, "goals_met 1 is more than goals_set (empty)"),
        id="record-goals-met-without-set",
    ),
    # ---- evaluations (rules.md §6, §7) ----
    pytest.param(
        changed(s.EVALUATIONS, 3, subject_id="S1"),
        at(s.EVALUATIONS, 5, s.SUBJECT_ID, "subject 'S1' is a section, not a unit or a cadre"),
        id="evaluation-of-a-section",
    ),
    pytest.param(
        changed(s.EVALUATIONS, 5, kind="annual"),
        at(
            s.EVALUATIONS,
            7,
            s.KIND,
            "kind 'annual' is not one of political, quarterly, half_year, review, democratic",
        ),
        id="evaluation-kind-unknown",
    ),
    pytest.param(
        changed(s.EVALUATIONS, 0, period="2026-Q1"),
        at(
            s.EVALUATIONS, 2, s.PERIOD, "a political evaluation is for the year (2026), not 2026-Q1"
        ),
        id="political-evaluation-for-a-quarter",
    ),
    pytest.param(
        changed(s.EVALUATIONS, 3, period="2026"),
        at(
            s.EVALUATIONS,
            5,
            s.PERIOD,
            "a quarterly evaluation is for a quarter (2026-Q1…Q4), not 2026",
        ),
        id="quarterly-evaluation-for-the-year",
    ),
    pytest.param(
        changed(s.EVALUATIONS, 4, period="2026-Q1"),
        at(
            s.EVALUATIONS,
            6,
            s.PERIOD,
            "a half_year evaluation is for a half (2026-H1 or H2), not 2026-Q1",
        ),
        id="half-year-evaluation-for-a-quarter",
    ),
    pytest.param(
        changed(s.EVALUATIONS, 0, item=None),
        at(
            s.EVALUATIONS,
            2,
            s.ITEM,
            f"a political evaluation needs an item, one of {POLITICAL_ITEMS}",
        ),
        id="political-evaluation-without-item",
    ),
    pytest.param(
        changed(s.EVALUATIONS, 0, item="德"),
        at(s.EVALUATIONS, 2, s.ITEM, f"political item '德' is not one of {POLITICAL_ITEMS}"),
        id="political-item-unknown",
    ),
    pytest.param(
        changed(s.EVALUATIONS, 1, rater_group=None),
        at(
            s.EVALUATIONS,
            3,
            s.RATER_GROUP,
            "a democratic evaluation needs a rater_group, one of leaders, peers, subordinates",
        ),
        id="democratic-without-rater-group",
    ),
    pytest.param(
        changed(s.EVALUATIONS, 1, rater_group="public"),
        at(
            s.EVALUATIONS,
            3,
            s.RATER_GROUP,
            "rater_group 'public' is not one of leaders, peers, subordinates",
        ),
        id="democratic-rater-group-unknown",
    ),
    pytest.param(
        changed(s.EVALUATIONS, 1, item="德"),
        at(
            s.EVALUATIONS,
            3,
            s.ITEM,
            "democratic team item '德' is not one of 政治思想建设, 领导能力, 工作实绩, "
            "党风廉政建设, 作风建设",
        ),
        id="democratic-team-item-unknown",
    ),
    pytest.param(
        changed(s.EVALUATIONS, 2, item="领导能力"),
        at(
            s.EVALUATIONS,
            4,
            s.ITEM,
            "democratic cadre item '领导能力' is not one of 德, 能, 勤, 绩, 廉",
        ),
        id="democratic-cadre-item-unknown",
    ),
    pytest.param(
        changed(s.EVALUATIONS, 5, score=100.5),
        at(s.EVALUATIONS, 7, s.SCORE, "score 100.5 is outside 0–100"),
        id="evaluation-score-above-100",
    ),
    pytest.param(
        changed(s.EVALUATIONS, 1, ballots=-1),
        at(s.EVALUATIONS, 3, s.BALLOTS, "ballots must not be negative, not -1"),
        id="evaluation-negative-ballots",
    ),
    # ---- evidence, pools, reviews ----
    pytest.param(
        changed(s.EVIDENCE_TABLE, 0, subject_id="S1"),
        at(s.EVIDENCE_TABLE, 2, s.SUBJECT_ID, "subject 'S1' is a section, not a unit or a cadre"),
        id="evidence-of-a-section",
    ),
    pytest.param(
        changed(s.EVIDENCE_TABLE, 0, date="2025-12-31"),
        at(s.EVIDENCE_TABLE, 2, s.DATE, "date 2025-12-31 is not in the plan year 2026"),
        id="evidence-of-another-year",
    ),
    pytest.param(
        changed(s.EVIDENCE_TABLE, 0, source="gossip"),
        at(
            s.EVIDENCE_TABLE,
            2,
            s.SOURCE,
            "source 'gossip' is not one of work, life, social, field, discipline, recipients",
        ),
        id="evidence-source-unknown",
    ),
    pytest.param(
        changed(s.EVIDENCE_TABLE, 1, direction="up"),
        at(s.EVIDENCE_TABLE, 3, s.DIRECTION, "direction 'up' is not one of positive, negative"),
        id="evidence-direction-unknown",
    ),
    pytest.param(
        changed(s.EVIDENCE_TABLE, 0, item="德"),
        at(s.EVIDENCE_TABLE, 2, s.ITEM, f"political item '德' is not one of {POLITICAL_ITEMS}"),
        id="evidence-item-not-political",
    ),
    pytest.param(
        changed(s.POOLS, 2, unit_id="U9"),
        at(s.POOLS, 4, s.UNIT_ID, "unit 'U9' is not in units.csv"),
        id="pool-unit-unknown",
    ),
    pytest.param(
        changed(s.POOLS, 0, pool_cents=-1),
        at(s.POOLS, 2, s.POOL_CENTS, "pool_cents -1 is outside 0–10000000000"),
        id="pool-negative",
    ),
    pytest.param(
        changed(s.POOLS, 0, pool_cents=10**10 + 1),
        at(s.POOLS, 2, s.POOL_CENTS, "pool_cents 10000000001 is outside 0–10000000000"),
        id="pool-above-the-limit",
    ),
    pytest.param(
        changed(s.REVIEWS, 0, subject_id="S1"),
        at(s.REVIEWS, 2, s.SUBJECT_ID, "subject 'S1' is a section, not a unit or a cadre"),
        id="review-of-a-section",
    ),
    pytest.param(
        changed(s.REVIEWS, 0, year=2025),
        at(s.REVIEWS, 2, s.YEAR, "year 2025 is not the plan year 2026"),
        id="review-of-another-year",
    ),
    pytest.param(
        changed(s.REVIEWS, 0, outcome="maybe"),
        at(s.REVIEWS, 2, s.OUTCOME, "outcome 'maybe' is not one of confirm, reject"),
        id="review-outcome-unknown",
    ),
]


@pytest.mark.parametrize(("rows", "expected"), CASES)
def test_one_bad_value_gives_exactly_its_problem(rows: Rows, expected: Problem) -> None:
    problems, _ = check(rows)
    assert problems == [expected]


VALID = [
    pytest.param(changed(s.UNITS, 0, tier=None), id="unit-without-tier-is-tier-1"),
    pytest.param(changed(s.UNITS, 0, tier=6), id="unit-in-the-top-tier"),
    pytest.param(changed(s.RESULTS, 4, actual=0.0, target=0.0), id="lower-is-better-zeros"),
    pytest.param(changed(s.RESULTS, 8, milestones_due=0, milestones_done=0), id="no-milestone-due"),
    pytest.param(changed(s.RESULTS, 0, scorer_id="组织部"), id="results-with-a-scorer"),
    pytest.param(changed(s.RECORDS, 0, goals_set=0, goals_met=0), id="no-goals-set"),
    pytest.param(changed(s.RECORDS, 0, level=None, on_leave=True), id="on-leave-without-level"),
    pytest.param(changed(s.EVENTS, 2, veto_type=None), id="cadre-veto-needs-no-type"),
    pytest.param(changed(s.EVENTS, 0, kind="frontline"), id="event-kind-of-the-plan"),
    pytest.param(changed(s.EVALUATIONS, 1, item=None), id="democratic-without-item"),
    pytest.param(changed(s.EVALUATIONS, 5, score=100.0), id="score-exactly-100"),
    pytest.param(changed(s.POOLS, 0, pool_cents=10**10), id="pool-at-the-limit"),
    pytest.param(changed(s.TASKS, 0, direction=None), id="task-without-direction"),
    pytest.param(
        added(s.ASSIGNMENTS, cadre_id="C1", post_id="P3", start="2019-01-01", end="2019-12-31"),
        id="a-cadre-held-another-post-before",
    ),
]


@pytest.mark.parametrize("rows", VALID)
def test_valid_variations_pass(rows: Rows) -> None:
    assert check(rows) == ([], [])


def test_plan_unit_weights_name_existing_units_and_their_indicators() -> None:
    plan = SMALL_PLAN.model_copy(
        update={"unit_weights": {"U2": {"q": 0}, "U9": {"gdp": 10}, "U3": {"gdp": 10}}}
    )
    problems, _ = check(plan=plan)
    assert problems == [
        Problem(
            "plan",
            None,
            "unit_weights.U3.gdp",
            "indicator 'gdp' is not an indicator of category 'B', the category of unit 'U3'",
        ),
        Problem("plan", None, "unit_weights.U9", "unit 'U9' is not in units.csv"),
    ]


def test_an_id_is_reported_in_the_later_of_units_sections_cadres() -> None:
    rows = small_rows()
    rows[s.SECTIONS].append({s.SECTION_ID: "C4", s.UNIT_ID: "U1", s.NAME: "x"})
    rows[s.CADRES].append({s.CADRE_ID: "C4", s.NAME: "赵六", s.PERSONNEL_TYPE: "公务员"})
    problems, _ = check(rows)
    assert problems == [
        at(
            s.CADRES,
            5,
            s.CADRE_ID,
            "id 'C4' is already the id of a section (sections.csv row 3): units, sections and "
            "cadres share one set of ids",
        )
    ]


def test_a_post_held_by_two_cadres_on_a_month_end_names_both() -> None:
    rows = small_rows()
    rows[s.CADRES].append({s.CADRE_ID: "C4", s.NAME: "赵六", s.PERSONNEL_TYPE: "公务员"})
    rows[s.ASSIGNMENTS].append({s.CADRE_ID: "C4", s.POST_ID: "P1", s.START: "2026-01-15"})
    rows[s.RECORDS] += [{s.CADRE_ID: "C4", s.MONTH: m, s.LEVEL: "良"} for m in (1, 2)]
    problems, _ = check(rows)
    assert problems == [
        at(
            s.ASSIGNMENTS,
            5,
            s.POST_ID,
            "post 'P1' is already held by cadre 'C1' (row 2) on 2026-01-31, 2026-02-28",
        )
    ]


def test_a_handover_on_the_month_end_is_not_a_clash() -> None:
    # C1 leaves P1 on 31 January, C4 takes it on 1 February: one holder on each month-end.
    rows = small_rows()
    rows[s.CADRES].append({s.CADRE_ID: "C4", s.NAME: "赵六", s.PERSONNEL_TYPE: "公务员"})
    rows[s.ASSIGNMENTS][0][s.END] = "2026-01-31"
    rows[s.ASSIGNMENTS].append({s.CADRE_ID: "C4", s.POST_ID: "P1", s.START: "2026-02-01"})
    rows[s.RECORDS] = [
        r for r in rows[s.RECORDS] if not (r[s.CADRE_ID] == "C1" and r[s.MONTH] == 2)
    ]
    rows[s.RECORDS].append({s.CADRE_ID: "C4", s.MONTH: 2, s.LEVEL: "良"})
    assert check(rows) == ([], [])


def test_a_record_needs_a_post_on_the_months_last_day() -> None:
    rows = changed(s.ASSIGNMENTS, 1, start="2026-02-01")  # C2 arrives in February
    problems, _ = check(rows)
    assert problems == [at(s.RECORDS, 4, s.CADRE_ID, "cadre 'C2' holds no post on 2026-01-31")]


def test_a_missing_district_month_is_named() -> None:
    rows = small_rows()
    rows[s.DISTRICT] = district(2)[1:]  # only February
    problems, _ = check(rows)
    assert problems == [
        at(
            s.DISTRICT,
            None,
            s.MONTH,
            "month 2026-01 is missing: the run needs every month from 2026-01 to 2026-02",
        )
    ]


def test_a_district_without_months_is_a_problem() -> None:
    rows = small_rows()
    rows[s.DISTRICT] = []
    problems, _ = check(rows)
    assert problems == [
        at(s.DISTRICT, None, s.MONTH, "no month: the run's months are the months of this table")
    ]


def test_an_economic_monthly_indicator_missing_a_month_is_named() -> None:
    problems, _ = check(changed(s.ECONOMIC, 0, month=None))
    assert problems == [
        at(
            s.ECONOMIC,
            None,
            s.MONTH,
            "unit 'U1', indicator 'gdp': month 2026-01 is missing (a monthly indicator needs a "
            "row for every month of the run)",
        )
    ]


def test_quarterly_indicators_and_section_tasks_may_skip_months() -> None:
    rows = small_rows()
    assert [r[s.MONTH] for r in rows[s.ECONOMIC] if r[s.INDICATOR] == "q"] == [2]
    assert [r[s.MONTH] for r in rows[s.RESULTS] if r[s.SUBJECT_ID] == "S1"] == [1]
    assert check(rows) == ([], [])


def test_data_for_an_indicator_of_weight_zero_is_a_warning() -> None:
    row = {**small_rows()[s.ECONOMIC][4], s.UNIT_ID: "U2"}  # U2 carries q with weight 0
    problems, warnings = check(added(s.ECONOMIC, **row))
    assert problems == []
    assert warnings == [
        at(
            s.ECONOMIC,
            new_row(s.ECONOMIC),
            s.INDICATOR,
            "unit 'U2' does not carry indicator 'q' (weight 0 in the plan's unit_weights): its 1 "
            "row(s) are ignored",
        )
    ]


def test_an_indicator_without_any_data_is_left_out_with_a_warning() -> None:
    rows = small_rows()
    rows[s.ECONOMIC] = [r for r in rows[s.ECONOMIC] if r[s.INDICATOR] != "q"]
    rows[s.RESULTS] = [r for r in rows[s.RESULTS] if r[s.SUBJECT_ID] != "U3"]
    assert check(rows) == (
        [],
        [
            at(
                s.ECONOMIC,
                None,
                None,
                "unit 'U1' has no data for indicator 'q' in the run: left out (no data)",
            ),
            at(
                s.RESULTS,
                None,
                None,
                "unit 'U3' has no data for indicator 'quarter_rate' in the run: left out (no data)",
            ),
            at(
                s.RESULTS,
                None,
                None,
                "unit 'U3' has no data for indicator 'rate' in the run: left out (no data)",
            ),
        ],
    )


def test_a_post_without_a_record_is_a_warning_listing_the_months() -> None:
    rows = small_rows()
    rows[s.RECORDS] = [r for r in rows[s.RECORDS] if r[s.CADRE_ID] != "C1"]
    assert check(rows) == (
        [],
        [
            at(
                s.RECORDS,
                None,
                None,
                "cadre 'C1' holds a post but has no record in 2026-01, 2026-02: those months "
                "are not scored",
            )
        ],
    )


def test_checks_reading_a_missing_table_are_skipped() -> None:
    # Without a usable units table, nothing that refers to units can be checked, and nothing
    # is reported for it (the parser has already said the table is unusable).
    rows = added(s.ECONOMIC, **{**small_rows()[s.ECONOMIC][0], s.UNIT_ID: "U9"})
    rows[s.RESULTS].append({s.SUBJECT_ID: "X9", s.INDICATOR: "rate", s.MONTH: 1, s.LEVEL: "良"})
    del rows[s.UNITS]
    assert check(rows) == ([], [])


def test_sources_name_the_file_in_every_problem() -> None:
    frames = frames_of(changed(s.UNITS, 0, category="Z"))
    sources = {s.UNITS: "data.xlsx[单位]"}
    problems, _ = validate(SMALL_PLAN, frames, run_months(frames), sources)
    assert problems == [
        Problem("data.xlsx[单位]", 2, s.CATEGORY, "category 'Z' is not one of A, B")
    ]
