"""Table and column names of the exchange format (docs/data-format.md), in one place.

Every column the engine reads or writes is named here; modules import the constants instead of
spelling strings. ``TABLES`` describes each input table: its columns, their kinds, which are
required, and the natural key that must be unique.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

# ---- identifiers -------------------------------------------------------------------------
UNIT_ID: Final = "unit_id"
SECTION_ID: Final = "section_id"
POST_ID: Final = "post_id"
CADRE_ID: Final = "cadre_id"
SUBJECT_ID: Final = "subject_id"
SUBJECT_TYPE: Final = "subject_type"
TASK_ID: Final = "task_id"
EVENT_ID: Final = "event_id"
EVIDENCE_ID: Final = "evidence_id"
RATER_ID: Final = "rater_id"
HOME_UNIT_ID: Final = "home_unit_id"

# ---- descriptive -------------------------------------------------------------------------
NAME: Final = "name"
CATEGORY: Final = "category"
TIER: Final = "tier"
ROLE: Final = "role"
PERSONNEL_TYPE: Final = "personnel_type"
PROBATION_END: Final = "probation_end"
START: Final = "start"
END: Final = "end"

# ---- time ----------------------------------------------------------------------------------
MONTH: Final = "month"  # "YYYY-MM" in files; month number 1..12 inside the engine
PERIOD: Final = "period"  # "YYYY", "YYYY-Q1".."YYYY-Q4", "YYYY-H1", "YYYY-H2"
YEAR: Final = "year"
DATE: Final = "date"

# ---- district and economic statistics -----------------------------------------------------------
GDP_GROWTH: Final = "gdp_growth"
GDP_GROWTH_TARGET: Final = "gdp_growth_target"
INDICATOR: Final = "indicator"
TARGET_VOLUME: Final = "target_volume"
ACTUAL_VOLUME: Final = "actual_volume"
TARGET_GROWTH: Final = "target_growth"
ACTUAL_GROWTH: Final = "actual_growth"
DRAGS: Final = "drags"

# ---- indicator results, formula inputs, section tasks ---------------------------------------
ACTUAL: Final = "actual"
TARGET: Final = "target"
LEVEL: Final = "level"
OCCURRENCES: Final = "occurrences"
MILESTONES_DUE: Final = "milestones_due"
MILESTONES_DONE: Final = "milestones_done"
SCORER_ID: Final = "scorer_id"
INPUT_NAME: Final = "name"
VALUE: Final = "value"
WEIGHT: Final = "weight"
METHOD: Final = "method"
DIRECTION: Final = "direction"
TAGS: Final = "tags"
POINTS_PER_OCCURRENCE: Final = "points_per_occurrence"

# ---- events ----------------------------------------------------------------------------------
POINTS: Final = "points"
KIND: Final = "kind"
REASON: Final = "reason"
VETO: Final = "veto"
VETO_TYPE: Final = "veto_type"
SANCTION: Final = "sanction"
RECORDED_BY: Final = "recorded_by"
EVIDENCE: Final = "evidence"

# ---- cadre monthly records ------------------------------------------------------------------
LATES: Final = "lates"
ABSENCES: Final = "absences"
GOALS_SET: Final = "goals_set"
GOALS_MET: Final = "goals_met"
ON_LEAVE: Final = "on_leave"

# ---- evaluations and evidence ----------------------------------------------------------------
ITEM: Final = "item"
RATER_GROUP: Final = "rater_group"
SCORE: Final = "score"
BALLOTS: Final = "ballots"
SOURCE: Final = "source"
NOTE: Final = "note"
OUTCOME: Final = "outcome"
REVIEWER: Final = "reviewer"

# ---- pay ----------------------------------------------------------------------------------------
POOL_CENTS: Final = "pool_cents"

ColumnKind = Literal["str", "int", "float", "bool", "month", "date", "period"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of an input table. ``required`` columns must exist and hold a value."""

    name: str
    kind: ColumnKind
    required: bool = True


@dataclass(frozen=True, slots=True)
class Table:
    """One input table: a CSV file ``<name>.csv`` or a sheet ``<name>`` of a workbook."""

    name: str
    title: str  # Chinese title, used for import templates
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _c(name: str, kind: ColumnKind = "str", required: bool = True) -> Column:
    return Column(name, kind, required)


UNITS: Final = "units"
SECTIONS: Final = "sections"
POSTS: Final = "posts"
CADRES: Final = "cadres"
ASSIGNMENTS: Final = "assignments"
DISTRICT: Final = "district"
ECONOMIC: Final = "economic"
RESULTS: Final = "results"
INPUTS: Final = "inputs"
TASKS: Final = "tasks"
EVENTS: Final = "events"
RECORDS: Final = "records"
EVALUATIONS: Final = "evaluations"
EVIDENCE_TABLE: Final = "evidence"
POOLS: Final = "pools"
REVIEWS: Final = "reviews"

TABLES: Final[dict[str, Table]] = {
    t.name: t
    for t in (
        Table(
            UNITS,
            "单位",
            (_c(UNIT_ID), _c(NAME), _c(CATEGORY), _c(TIER, "int", False)),
            (UNIT_ID,),
            required=True,
        ),
        Table(
            SECTIONS,
            "科室",
            (_c(SECTION_ID), _c(UNIT_ID), _c(NAME), _c(TIER, "int", False)),
            (SECTION_ID,),
        ),
        Table(
            POSTS,
            "岗位",
            (
                _c(POST_ID),
                _c(UNIT_ID),
                _c(SECTION_ID, required=False),
                _c(NAME),
                _c(ROLE),
                _c(TIER, "int", False),
            ),
            (POST_ID,),
            required=True,
        ),
        Table(
            CADRES,
            "干部",
            (
                _c(CADRE_ID),
                _c(NAME),
                _c(PERSONNEL_TYPE),
                _c(HOME_UNIT_ID, required=False),
                _c(PROBATION_END, "date", False),
            ),
            (CADRE_ID,),
            required=True,
        ),
        Table(
            ASSIGNMENTS,
            "任职",
            (_c(CADRE_ID), _c(POST_ID), _c(START, "date"), _c(END, "date", False)),
            (CADRE_ID, START),
            required=True,
        ),
        Table(
            DISTRICT,
            "新区经济",
            (_c(MONTH, "month"), _c(GDP_GROWTH, "float"), _c(GDP_GROWTH_TARGET, "float")),
            (MONTH,),
            required=True,
        ),
        Table(
            ECONOMIC,
            "经济指标统计",
            (
                _c(UNIT_ID),
                _c(INDICATOR),
                _c(MONTH, "month"),
                _c(TARGET_VOLUME, "float"),
                _c(ACTUAL_VOLUME, "float"),
                _c(TARGET_GROWTH, "float"),
                _c(ACTUAL_GROWTH, "float"),
                _c(DRAGS, "bool", False),
            ),
            (UNIT_ID, INDICATOR, MONTH),
        ),
        Table(
            RESULTS,
            "指标结果",
            (
                _c(SUBJECT_ID),
                _c(INDICATOR),
                _c(MONTH, "month"),
                _c(ACTUAL, "float", False),
                _c(TARGET, "float", False),
                _c(LEVEL, required=False),
                _c(OCCURRENCES, "float", False),
                _c(MILESTONES_DUE, "int", False),
                _c(MILESTONES_DONE, "int", False),
                _c(SCORER_ID, required=False),
            ),
            (SUBJECT_ID, INDICATOR, MONTH),
        ),
        Table(
            INPUTS,
            "公式输入",
            (
                _c(SUBJECT_ID),
                _c(INDICATOR),
                _c(MONTH, "month"),
                _c(INPUT_NAME),
                _c(VALUE, "float"),
            ),
            (SUBJECT_ID, INDICATOR, MONTH, INPUT_NAME),
        ),
        Table(
            TASKS,
            "科室任务",
            (
                _c(TASK_ID),
                _c(SECTION_ID),
                _c(INDICATOR, required=False),
                _c(NAME),
                _c(WEIGHT, "float"),
                _c(METHOD),
                _c(DIRECTION, required=False),
                _c(POINTS_PER_OCCURRENCE, "float", False),
                _c(TAGS, required=False),
            ),
            (TASK_ID,),
        ),
        Table(
            EVENTS,
            "加减分事项",
            (
                _c(EVENT_ID),
                _c(SUBJECT_ID),
                _c(MONTH, "month"),
                _c(POINTS, "float"),
                _c(KIND, required=False),
                _c(REASON),
                _c(VETO, "bool", False),
                _c(VETO_TYPE, required=False),
                _c(SANCTION, required=False),
                _c(RECORDED_BY, required=False),
                _c(EVIDENCE, required=False),
            ),
            (EVENT_ID,),
        ),
        Table(
            RECORDS,
            "干部月度记录",
            (
                _c(CADRE_ID),
                _c(MONTH, "month"),
                _c(LATES, "int", False),
                _c(ABSENCES, "float", False),
                _c(GOALS_SET, "int", False),
                _c(GOALS_MET, "int", False),
                _c(LEVEL, required=False),
                _c(ON_LEAVE, "bool", False),
                _c(RATER_ID, required=False),
            ),
            (CADRE_ID, MONTH),
        ),
        Table(
            EVALUATIONS,
            "评价",
            (
                _c(SUBJECT_ID),
                _c(PERIOD, "period"),
                _c(KIND),
                _c(ITEM, required=False),
                _c(RATER_GROUP, required=False),
                _c(SCORE, "float"),
                _c(BALLOTS, "int", False),
                _c(RATER_ID, required=False),
            ),
            (SUBJECT_ID, PERIOD, KIND, ITEM, RATER_GROUP, RATER_ID),
        ),
        Table(
            EVIDENCE_TABLE,
            "政治素质证据",
            (
                _c(EVIDENCE_ID),
                _c(SUBJECT_ID),
                _c(DATE, "date"),
                _c(SOURCE),
                _c(DIRECTION),
                _c(ITEM, required=False),
                _c(RECORDED_BY),
                _c(NOTE, required=False),
            ),
            (EVIDENCE_ID,),
        ),
        Table(
            POOLS,
            "绩效工资总额",
            (_c(UNIT_ID), _c(MONTH, "month"), _c(POOL_CENTS, "int")),
            (UNIT_ID, MONTH),
        ),
        Table(
            REVIEWS,
            "优秀人选审核",
            (
                _c(SUBJECT_ID),
                _c(YEAR, "int"),
                _c(OUTCOME),
                _c(REVIEWER),
                _c(DATE, "date"),
                _c(NOTE, required=False),
            ),
            (SUBJECT_ID, YEAR),
        ),
    )
}

# ---- vocabularies ------------------------------------------------------------------------
ROLE_PRINCIPAL: Final = "principal"
ROLE_LEADER: Final = "leader"
ROLE_STAFF: Final = "staff"
ROLES: Final = (ROLE_PRINCIPAL, ROLE_LEADER, ROLE_STAFF)

SUBJECT_UNIT: Final = "unit"
SUBJECT_TEAM: Final = "team"
SUBJECT_SECTION: Final = "section"
SUBJECT_CADRE: Final = "cadre"

EVAL_POLITICAL: Final = "political"
EVAL_QUARTERLY: Final = "quarterly"
EVAL_HALF_YEAR: Final = "half_year"
EVAL_REVIEW: Final = "review"
EVAL_DEMOCRATIC: Final = "democratic"
EVALUATION_KINDS: Final = (
    EVAL_POLITICAL,
    EVAL_QUARTERLY,
    EVAL_HALF_YEAR,
    EVAL_REVIEW,
    EVAL_DEMOCRATIC,
)

OUTCOME_CONFIRM: Final = "confirm"
OUTCOME_REJECT: Final = "reject"
DIRECTION_POSITIVE: Final = "positive"
DIRECTION_NEGATIVE: Final = "negative"

# ---- result tables -------------------------------------------------------------------------
# Every result table the engine writes, its columns in order, and how each number is published:
# "score" → 2 decimals half up, "ratio" → 4 decimals half up, "int", "bool", "str".

OutputFormat = Literal["score", "ratio", "int", "bool", "str", "month"]

RAW: Final = "raw"
GROUPS_TOTAL: Final = "groups"
EVENTS_TOTAL: Final = "events"
COEFFICIENT: Final = "coefficient"
RANK: Final = "rank"
RANK_N: Final = "rank_n"
GROUP: Final = "group"
INCLUDED: Final = "included"
ACHIEVEMENT: Final = "achievement"
RV: Final = "rv"
RG: Final = "rg"
R: Final = "r"
BONUS: Final = "bonus"
PENALTY: Final = "penalty"
CONTRIBUTION: Final = "contribution"
EFFECTIVE_POINTS: Final = "effective_points"
WEIGHT_SUM: Final = "weight_sum"
BASE: Final = "base"
OWN: Final = "own"
UPPER: Final = "upper"
UNIT_SCORE: Final = "unit_score"
FINAL: Final = "final"
NO_TASKS: Final = "no_tasks"
ATTENDANCE: Final = "attendance"
WEEKLY: Final = "weekly"
MONTHLY: Final = "monthly"
PEER_GROUP: Final = "peer_group"
NO_GOALS: Final = "no_goals"
MONTHS: Final = "months"
MEAN_MONTHLY: Final = "mean_monthly"
RATING: Final = "rating"
POSITIVE: Final = "positive"
NEGATIVE: Final = "negative"
ADJUSTMENT: Final = "adjustment"
POLITICAL: Final = "political"
DEMOCRATIC: Final = "democratic"
REVIEW: Final = "review"
SECOND_HALF: Final = "second_half"
COMPREHENSIVE: Final = "comprehensive"
GRADE: Final = "grade"
TOP_STATUS: Final = "top_status"
QUOTA_GROUP: Final = "quota_group"
NOTES: Final = "notes"
N: Final = "n"
QUOTA: Final = "quota"
GRANTED: Final = "granted"
CANDIDATES: Final = "candidates"
ACTION: Final = "action"
TIED: Final = "tied"
OWNER: Final = "owner"
DUE: Final = "due"
CENTS: Final = "cents"
AMOUNT: Final = "amount"
TAG: Final = "tag"
FORM: Final = "form"
TOP_MONTHS: Final = "top_months"
BOTTOM_MONTHS: Final = "bottom_months"
FLAG: Final = "flag"
RATER: Final = "rater"
MEAN: Final = "mean"
STD: Final = "std"
LENIENCY: Final = "leniency"
MESSAGE: Final = "message"
TABLE: Final = "table"

OUTPUTS: Final[dict[str, tuple[tuple[str, OutputFormat], ...]]] = {
    "unit_monthly": (
        (UNIT_ID, "str"),
        (MONTH, "month"),
        (CATEGORY, "str"),
        (TIER, "int"),
        (GROUPS_TOTAL, "score"),
        (EVENTS_TOTAL, "score"),
        (RAW, "score"),
        (COEFFICIENT, "ratio"),
        (SCORE, "score"),
        (RANK, "int"),
        (RANK_N, "int"),
    ),
    "unit_groups": (
        (UNIT_ID, "str"),
        (MONTH, "month"),
        (GROUP, "str"),
        (POINTS, "score"),
        (EFFECTIVE_POINTS, "score"),
        (WEIGHT_SUM, "score"),
        (BASE, "score"),
        (BONUS, "score"),
        (PENALTY, "score"),
        (CONTRIBUTION, "score"),
    ),
    "unit_indicators": (
        (UNIT_ID, "str"),
        (MONTH, "month"),
        (GROUP, "str"),
        (INDICATOR, "str"),
        (METHOD, "str"),
        (WEIGHT, "score"),
        (INCLUDED, "bool"),
        (ACHIEVEMENT, "ratio"),
        (RV, "ratio"),
        (RG, "ratio"),
        (R, "ratio"),
        (DRAGS, "bool"),
        (BONUS, "score"),
        (PENALTY, "score"),
        (NOTE, "str"),
    ),
    "section_monthly": (
        (SECTION_ID, "str"),
        (UNIT_ID, "str"),
        (MONTH, "month"),
        (OWN, "score"),
        (COEFFICIENT, "ratio"),
        (UNIT_SCORE, "score"),
        (EVENTS_TOTAL, "score"),
        (FINAL, "score"),
        (NO_TASKS, "bool"),
    ),
    "cadre_monthly": (
        (CADRE_ID, "str"),
        (MONTH, "month"),
        (UNIT_ID, "str"),
        (SECTION_ID, "str"),
        (POST_ID, "str"),
        (ROLE, "str"),
        (ATTENDANCE, "score"),
        (WEEKLY, "score"),
        (MONTHLY, "score"),
        (OWN, "score"),
        (UPPER, "score"),
        (EVENTS_TOTAL, "score"),
        (FINAL, "score"),
        (RANK, "int"),
        (RANK_N, "int"),
        (PEER_GROUP, "str"),
        (NO_GOALS, "bool"),
    ),
    "periods": (
        (SUBJECT_ID, "str"),
        (SUBJECT_TYPE, "str"),
        (PERIOD, "str"),
        (MONTHS, "int"),
        (MEAN_MONTHLY, "score"),
        (RATING, "score"),
        (SCORE, "score"),
    ),
    "political": (
        (SUBJECT_ID, "str"),
        (SUBJECT_TYPE, "str"),
        (RATING, "score"),
        (POSITIVE, "int"),
        (NEGATIVE, "int"),
        (ADJUSTMENT, "score"),
        (SCORE, "score"),
    ),
    "annual": (
        (SUBJECT_ID, "str"),
        (SUBJECT_TYPE, "str"),
        (ROLE, "str"),
        (MONTHS, "int"),
        (MEAN_MONTHLY, "score"),
        (POLITICAL, "score"),
        (DEMOCRATIC, "score"),
        (REVIEW, "score"),
        (SECOND_HALF, "score"),
        (COMPREHENSIVE, "score"),
        (SCORE, "score"),
        (GRADE, "str"),
        (TOP_STATUS, "str"),
        (RANK, "int"),
        (RANK_N, "int"),
        (QUOTA_GROUP, "str"),
        (NOTES, "str"),
    ),
    "quota": (
        (QUOTA_GROUP, "str"),
        (SUBJECT_TYPE, "str"),
        (N, "int"),
        (QUOTA, "int"),
        (CANDIDATES, "int"),
        (GRANTED, "int"),
    ),
    "actions": (
        (SUBJECT_ID, "str"),
        (SUBJECT_TYPE, "str"),
        (PERIOD, "str"),
        (ACTION, "str"),
        (SCORE, "score"),
        (RANK, "int"),
        (N, "int"),
        (TIED, "bool"),
        (OWNER, "str"),
        (DUE, "str"),
    ),
    "pay": (
        (CADRE_ID, "str"),
        (UNIT_ID, "str"),
        (MONTH, "month"),
        (CENTS, "int"),
        (AMOUNT, "str"),
    ),
    "pay_unallocated": ((UNIT_ID, "str"), (MONTH, "month"), (POOL_CENTS, "int"), (REASON, "str")),
    "training": (
        (SUBJECT_ID, "str"),
        (SUBJECT_TYPE, "str"),
        (PERIOD, "str"),
        (TAG, "str"),
        (ACHIEVEMENT, "ratio"),
        (REASON, "str"),
        (FORM, "str"),
    ),
    "persistence": (
        (SUBJECT_ID, "str"),
        (SUBJECT_TYPE, "str"),
        (MONTHS, "int"),
        (TOP_MONTHS, "int"),
        (BOTTOM_MONTHS, "int"),
        (FLAG, "str"),
    ),
    "rater_stats": (
        (KIND, "str"),
        (RATER, "str"),
        (N, "int"),
        (MEAN, "score"),
        (STD, "score"),
        (LENIENCY, "score"),
    ),
    "warnings": ((TABLE, "str"), (SUBJECT_ID, "str"), (MONTH, "str"), (MESSAGE, "str")),
}

# Rows of each result table are sorted by these columns (then by the remaining columns).
OUTPUT_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "unit_monthly": (UNIT_ID, MONTH),
    "unit_groups": (UNIT_ID, MONTH, GROUP),
    "unit_indicators": (UNIT_ID, MONTH, INDICATOR),
    "section_monthly": (SECTION_ID, MONTH),
    "cadre_monthly": (CADRE_ID, MONTH),
    "periods": (SUBJECT_TYPE, SUBJECT_ID, PERIOD),
    "political": (SUBJECT_TYPE, SUBJECT_ID),
    "annual": (SUBJECT_TYPE, SUBJECT_ID),
    "quota": (SUBJECT_TYPE, QUOTA_GROUP),
    "actions": (PERIOD, SUBJECT_TYPE, SUBJECT_ID),
    "pay": (UNIT_ID, MONTH, CADRE_ID),
    "pay_unallocated": (UNIT_ID, MONTH),
    "training": (SUBJECT_TYPE, SUBJECT_ID, PERIOD, TAG),
    "persistence": (SUBJECT_TYPE, SUBJECT_ID),
    "rater_stats": (KIND, RATER),
    "warnings": (TABLE, SUBJECT_ID, MONTH, MESSAGE),
}

ROW: Final = "_row"  # spreadsheet row of an input row, kept for error messages

# Grade labels (rules.md §8), best first.
CADRE_GRADES: Final = ("优秀", "称职", "基本称职", "不称职")
TEAM_GRADES: Final = ("好", "较好", "一般", "较差")
UNDETERMINED: Final = "不定等次"
TOP_CONFIRMED: Final = "confirmed"
TOP_CANDIDATE: Final = "candidate"
OFFICE: Final = "office"
