"""Small valid data sets and file writers for the io and validation tests (fixed values only).

``SMALL_PLAN`` and :func:`small_rows` are a compact plan and a data set that validates with no
problem and no warning; a test changes one row and expects exactly the problem it caused.
:func:`example_rows` is a hand-built good data set for ``examples/plan-2026.yaml``.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

from kaohe.engine import schema as s
from kaohe.engine.errors import Problem
from kaohe.engine.plan import Plan
from kaohe.engine.validate import run_months, validate
from tests.engine.factories import Row, district, make_frame, make_plan

Rows = dict[str, list[dict[str, Any]]]

# ---- a compact plan exercising every method --------------------------------------------------

SMALL_PLAN: Plan = make_plan(
    {
        "A": {
            "groups": [
                {
                    "key": "economic",
                    "name": "经济",
                    "points": 40,
                    "indicators": [
                        {"key": "gdp", "name": "GDP", "weight": 50, "method": "volume_growth"},
                        {
                            "key": "q",
                            "name": "季度",
                            "weight": 50,
                            "method": "volume_growth",
                            "frequency": "quarterly",
                        },
                    ],
                },
                {
                    "key": "duty",
                    "name": "履职",
                    "points": 60,
                    "indicators": [
                        {"key": "rate", "name": "评价", "weight": 1, "method": "rating"},
                        {"key": "comp", "name": "完成", "weight": 1, "method": "completion"},
                        {
                            "key": "low",
                            "name": "越低越好",
                            "weight": 1,
                            "method": "completion",
                            "direction": "lower_is_better",
                        },
                        {"key": "ded", "name": "扣分", "weight": 1, "method": "deduction"},
                        {"key": "mile", "name": "节点", "weight": 1, "method": "milestones"},
                        {"key": "rank", "name": "排名", "weight": 1, "method": "rank"},
                        {
                            "key": "form",
                            "name": "公式",
                            "weight": 1,
                            "method": "formula",
                            "formula": "clamp(actual * x / target, 0, 1)",
                            "inputs": ["x", "y"],
                        },
                    ],
                },
            ]
        },
        "B": {
            "groups": [
                {
                    "key": "duty",
                    "name": "履职",
                    "points": 100,
                    "indicators": [
                        {"key": "rate", "name": "评价", "weight": 1, "method": "rating"},
                        {
                            "key": "quarter_rate",
                            "name": "季度评价",
                            "weight": 1,
                            "method": "rating",
                            "frequency": "quarterly",
                        },
                    ],
                }
            ]
        },
    },
    unit_weights={"U2": {"q": 0}},
)

MONTHS = 2
DUTY_VALUES: Mapping[str, Row] = {
    "rate": {s.LEVEL: "良"},
    "comp": {s.ACTUAL: 9.0, s.TARGET: 10.0},
    "low": {s.ACTUAL: 0.0, s.TARGET: 0.0},
    "ded": {s.OCCURRENCES: 0.0},
    "mile": {s.MILESTONES_DUE: 4, s.MILESTONES_DONE: 4},
    "rank": {s.ACTUAL: 3.5},
    "form": {s.ACTUAL: 1.0, s.TARGET: 2.0},
}


def small_rows() -> Rows:
    """A valid data set for :data:`SMALL_PLAN`, months 1–2: no problem, no warning.

    Units U1, U2 (category A; U2 does not carry ``q``) and U3 (B); section S1 of U1 with task
    T1; cadres C1 (principal of U1), C2 (staff in S1 from 2026), C3 (leader of U3).
    """
    months = range(1, MONTHS + 1)
    economic = [_economic(unit, "gdp", m) for unit in ("U1", "U2") for m in months] + [
        _economic("U1", "q", MONTHS)
    ]
    results = [
        {s.SUBJECT_ID: unit, s.INDICATOR: key, s.MONTH: m, **values}
        for unit in ("U1", "U2")
        for key, values in DUTY_VALUES.items()
        for m in months
    ]
    results += [
        {s.SUBJECT_ID: "U3", s.INDICATOR: "rate", s.MONTH: m, s.LEVEL: "优"} for m in months
    ]
    results += [
        {s.SUBJECT_ID: "U3", s.INDICATOR: "quarter_rate", s.MONTH: 1, s.LEVEL: "中"},
        {s.SUBJECT_ID: "S1", s.INDICATOR: "T1", s.MONTH: 1, s.LEVEL: "优"},
    ]
    return {
        s.UNITS: [
            {s.UNIT_ID: "U1", s.NAME: "一号", s.CATEGORY: "A", s.TIER: 2},
            {s.UNIT_ID: "U2", s.NAME: "二号", s.CATEGORY: "A"},
            {s.UNIT_ID: "U3", s.NAME: "三号", s.CATEGORY: "B", s.TIER: 6},
        ],
        s.SECTIONS: [{s.SECTION_ID: "S1", s.UNIT_ID: "U1", s.NAME: "综合科", s.TIER: 1}],
        s.POSTS: [
            {s.POST_ID: "P1", s.UNIT_ID: "U1", s.NAME: "局长", s.ROLE: "principal"},
            {
                s.POST_ID: "P2",
                s.UNIT_ID: "U1",
                s.SECTION_ID: "S1",
                s.NAME: "科员",
                s.ROLE: "staff",
            },
            {s.POST_ID: "P3", s.UNIT_ID: "U3", s.NAME: "副局长", s.ROLE: "leader"},
        ],
        s.CADRES: [
            {s.CADRE_ID: "C1", s.NAME: "张三", s.PERSONNEL_TYPE: "公务员"},
            {s.CADRE_ID: "C2", s.NAME: "李四", s.PERSONNEL_TYPE: "事业", s.HOME_UNIT_ID: "U3"},
            {
                s.CADRE_ID: "C3",
                s.NAME: "王五",
                s.PERSONNEL_TYPE: "聘用",
                s.PROBATION_END: "2026-06-30",
            },
        ],
        s.ASSIGNMENTS: [
            {s.CADRE_ID: "C1", s.POST_ID: "P1", s.START: "2020-01-01"},
            {s.CADRE_ID: "C2", s.POST_ID: "P2", s.START: "2026-01-01", s.END: "2026-12-31"},
            {s.CADRE_ID: "C3", s.POST_ID: "P3", s.START: "2025-03-01"},
        ],
        s.DISTRICT: district(MONTHS),
        s.ECONOMIC: economic,
        s.RESULTS: results,
        s.INPUTS: [
            {s.SUBJECT_ID: unit, s.INDICATOR: "form", s.MONTH: m, s.INPUT_NAME: "x", s.VALUE: 1.5}
            for unit in ("U1", "U2")
            for m in months
        ],
        s.TASKS: [
            {
                s.TASK_ID: "T1",
                s.SECTION_ID: "S1",
                s.NAME: "会务",
                s.WEIGHT: 2.0,
                s.METHOD: "rating",
                s.TAGS: ["作风建设"],
            },
            {
                s.TASK_ID: "T2",
                s.SECTION_ID: "S1",
                s.NAME: "投诉",
                s.WEIGHT: 1.0,
                s.METHOD: "deduction",
                s.DIRECTION: "lower_is_better",
                s.POINTS_PER_OCCURRENCE: 0.5,
            },
        ],
        s.EVENTS: [
            {s.EVENT_ID: "E1", s.SUBJECT_ID: "U1", s.MONTH: 1, s.POINTS: 2.0, s.REASON: "表彰"},
            {
                s.EVENT_ID: "E2",
                s.SUBJECT_ID: "U3",
                s.MONTH: 2,
                s.POINTS: -3.0,
                s.KIND: "normal",
                s.REASON: "事故",
                s.VETO: True,
                s.VETO_TYPE: "安全生产",
            },
            {
                s.EVENT_ID: "E3",
                s.SUBJECT_ID: "C1",
                s.MONTH: 2,
                s.POINTS: -1.0,
                s.REASON: "诫勉谈话",
                s.VETO: True,
                s.SANCTION: "诫勉",
            },
            {s.EVENT_ID: "E4", s.SUBJECT_ID: "S1", s.MONTH: 1, s.POINTS: 1.0, s.REASON: "加分"},
        ],
        s.RECORDS: [
            {
                s.CADRE_ID: cadre,
                s.MONTH: m,
                s.LATES: 1,
                s.ABSENCES: 0.5,
                s.GOALS_SET: 4,
                s.GOALS_MET: 4,
                s.LEVEL: "优",
            }
            for cadre in ("C1", "C2")
            for m in months
        ]
        + [
            {s.CADRE_ID: "C3", s.MONTH: 1, s.LEVEL: "中"},
            {s.CADRE_ID: "C3", s.MONTH: 2, s.ON_LEAVE: True},
        ],
        s.EVALUATIONS: [
            {
                s.SUBJECT_ID: "C1",
                s.PERIOD: "2026",
                s.KIND: "political",
                s.ITEM: "政治判断力",
                s.SCORE: 90.0,
            },
            {
                s.SUBJECT_ID: "U1",
                s.PERIOD: "2026",
                s.KIND: "democratic",
                s.ITEM: "领导能力",
                s.RATER_GROUP: "peers",
                s.SCORE: 88.0,
                s.BALLOTS: 12,
            },
            {
                s.SUBJECT_ID: "C2",
                s.PERIOD: "2026",
                s.KIND: "democratic",
                s.ITEM: "勤",
                s.RATER_GROUP: "leaders",
                s.SCORE: 100.0,
            },
            {s.SUBJECT_ID: "C2", s.PERIOD: "2026-Q1", s.KIND: "quarterly", s.SCORE: 80.0},
            {s.SUBJECT_ID: "C3", s.PERIOD: "2026-H1", s.KIND: "half_year", s.SCORE: 0.0},
            {s.SUBJECT_ID: "U3", s.PERIOD: "2026", s.KIND: "review", s.SCORE: 75.0},
        ],
        s.EVIDENCE_TABLE: [
            {
                s.EVIDENCE_ID: "V1",
                s.SUBJECT_ID: "C1",
                s.DATE: "2026-02-10",
                s.SOURCE: "work",
                s.DIRECTION: "positive",
                s.ITEM: "政治执行力",
                s.RECORDED_BY: "考核办",
            },
            {
                s.EVIDENCE_ID: "V2",
                s.SUBJECT_ID: "U1",
                s.DATE: "2026-01-05",
                s.SOURCE: "recipients",
                s.DIRECTION: "negative",
                s.RECORDED_BY: "考核办",
            },
        ],
        s.POOLS: [{s.UNIT_ID: "U1", s.MONTH: m, s.POOL_CENTS: 1_000_000} for m in months]
        + [{s.UNIT_ID: "U3", s.MONTH: 1, s.POOL_CENTS: 0}],
        s.REVIEWS: [
            {
                s.SUBJECT_ID: "C1",
                s.YEAR: 2026,
                s.OUTCOME: "confirm",
                s.REVIEWER: "考核办",
                s.DATE: "2027-01-10",
            }
        ],
    }


def _economic(unit: str, indicator: str, month: int) -> dict[str, Any]:
    return {
        s.UNIT_ID: unit,
        s.INDICATOR: indicator,
        s.MONTH: month,
        s.TARGET_VOLUME: 100.0,
        s.ACTUAL_VOLUME: 104.0,
        s.TARGET_GROWTH: 8.0,
        s.ACTUAL_GROWTH: 8.4,
    }


def frames_of(rows: Mapping[str, Sequence[Row]]) -> dict[str, pl.DataFrame]:
    return {name: make_frame(name, table_rows) for name, table_rows in rows.items()}


def check(
    rows: Mapping[str, Sequence[Row]] | None = None, plan: Plan = SMALL_PLAN
) -> tuple[list[Problem], list[Problem]]:
    """``validate`` on typed frames built from ``rows`` (default :func:`small_rows`)."""
    frames = frames_of(small_rows() if rows is None else rows)
    return validate(plan, frames, run_months(frames), {})


def changed(table: str, index: int | None, **values: Any) -> Rows:
    """:func:`small_rows` with row ``index`` of ``table`` updated (``None``: a new last row)."""
    rows = small_rows()
    if index is None:
        rows[table].append(dict(values))
    else:
        rows[table][index] = {**rows[table][index], **values}
        rows[table][index] = {k: v for k, v in rows[table][index].items() if v is not None}
    return rows


def new_row(table: str) -> int:
    """The spreadsheet row a row appended by :func:`changed` gets."""
    return len(small_rows()[table]) + 2


# ---- a good data set for examples/plan-2026.yaml ------------------------------------------------

EXAMPLE_VALUES: Mapping[str, Row] = {
    "rating": {s.LEVEL: "优"},
    "completion": {s.ACTUAL: 3.0, s.TARGET: 4.0},
    "deduction": {s.OCCURRENCES: 1.0},
    "milestones": {s.MILESTONES_DUE: 2, s.MILESTONES_DONE: 1},
    "rank": {s.ACTUAL: 12.5},
    "formula": {s.ACTUAL: 3.0, s.TARGET: 4.0},
}


def example_rows(plan: Plan, months: int = 3) -> Rows:
    """A complete, valid data set for the example plan: U001 and U002 (经济发展类), S001, 3 cadres.

    Every indicator a unit carries has data (monthly ones every month, quarterly ones in March),
    so the data set validates without warnings.
    """
    rows: Rows = {
        s.UNITS: [
            {s.UNIT_ID: "U001", s.NAME: "发展局", s.CATEGORY: "经济发展类", s.TIER: 3},
            {s.UNIT_ID: "U002", s.NAME: "投促局", s.CATEGORY: "经济发展类"},
        ],
        s.SECTIONS: [{s.SECTION_ID: "S001", s.UNIT_ID: "U001", s.NAME: "综合科"}],
        s.POSTS: [
            {s.POST_ID: "P001", s.UNIT_ID: "U001", s.NAME: "局长", s.ROLE: "principal"},
            {
                s.POST_ID: "P002",
                s.UNIT_ID: "U001",
                s.SECTION_ID: "S001",
                s.NAME: "科员",
                s.ROLE: "staff",
                s.TIER: 2,
            },
            {s.POST_ID: "P003", s.UNIT_ID: "U002", s.NAME: "局长", s.ROLE: "principal"},
        ],
        s.CADRES: [
            {s.CADRE_ID: "C001", s.NAME: "张三", s.PERSONNEL_TYPE: "公务员"},
            {s.CADRE_ID: "C002", s.NAME: "李四", s.PERSONNEL_TYPE: "参公"},
            {s.CADRE_ID: "C003", s.NAME: "王五", s.PERSONNEL_TYPE: "事业"},
        ],
        s.ASSIGNMENTS: [
            {s.CADRE_ID: "C001", s.POST_ID: "P001", s.START: "2021-06-01"},
            {s.CADRE_ID: "C002", s.POST_ID: "P002", s.START: "2025-01-01"},
            {s.CADRE_ID: "C003", s.POST_ID: "P003", s.START: "2024-01-01"},
        ],
        s.DISTRICT: district(months, growth=8.5),
        s.ECONOMIC: [],
        s.RESULTS: [],
        s.INPUTS: [],
        s.TASKS: [
            {
                s.TASK_ID: "T001",
                s.SECTION_ID: "S001",
                s.NAME: "招商对接",
                s.WEIGHT: 1.0,
                s.METHOD: "completion",
                s.TAGS: ["经济发展", "营商环境"],
            }
        ],
        s.EVENTS: [
            {s.EVENT_ID: "E001", s.SUBJECT_ID: "U001", s.MONTH: 2, s.POINTS: 1.5, s.REASON: "表彰"}
        ],
        s.RECORDS: [
            {s.CADRE_ID: c, s.MONTH: m, s.LATES: 0, s.GOALS_SET: 3, s.GOALS_MET: 2, s.LEVEL: "良"}
            for c in ("C001", "C002", "C003")
            for m in range(1, months + 1)
        ],
        s.EVALUATIONS: [
            {s.SUBJECT_ID: "C002", s.PERIOD: "2026-Q1", s.KIND: "quarterly", s.SCORE: 85.0}
        ],
        s.EVIDENCE_TABLE: [],
        s.POOLS: [
            {s.UNIT_ID: u, s.MONTH: m, s.POOL_CENTS: 5_000_000}
            for u in ("U001", "U002")
            for m in range(1, months + 1)
        ],
        s.REVIEWS: [],
    }
    for unit in ("U001", "U002"):
        weights = plan.unit_weights.get(unit, {})
        for _, ind in plan.categories["经济发展类"].indicators():
            if weights.get(ind.key, ind.weight) == 0:
                continue
            month_list = [months] if ind.frequency == "quarterly" else range(1, months + 1)
            for m in month_list:
                if ind.method == "volume_growth":
                    rows[s.ECONOMIC].append(_economic(unit, ind.key, m))
                    continue
                values = EXAMPLE_VALUES[ind.method]
                rows[s.RESULTS].append(
                    {s.SUBJECT_ID: unit, s.INDICATOR: ind.key, s.MONTH: m, **values}
                )
                for name in ind.inputs:
                    rows[s.INPUTS].append(
                        {
                            s.SUBJECT_ID: unit,
                            s.INDICATOR: ind.key,
                            s.MONTH: m,
                            s.INPUT_NAME: name,
                            s.VALUE: 2.5,
                        }
                    )
    rows[s.RESULTS].append(
        {s.SUBJECT_ID: "S001", s.INDICATOR: "T001", s.MONTH: 1, s.ACTUAL: 1.0, s.TARGET: 2.0}
    )
    return rows


# ---- writing test files by hand (independent of io.write_tables) --------------------------------


def cell_text(value: Any, year: int = 2026, kind: str = "str") -> str:
    """How a person would type a value in a CSV file."""
    if value is None:
        return ""
    if kind == "month" and isinstance(value, int):
        return f"{year}-{value:02d}"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value)
    return str(value)


def write_rows_csv(root: Path, rows: Mapping[str, Sequence[Row]], year: int = 2026) -> None:
    """``<table>.csv`` files with every schema column, values as :func:`cell_text` types them."""
    root.mkdir(parents=True, exist_ok=True)
    for name, table_rows in rows.items():
        table = s.TABLES[name]
        lines = [list(table.column_names)]
        lines += [
            [cell_text(row.get(c.name), year, c.kind) for c in table.columns] for row in table_rows
        ]
        write_csv(root / f"{name}.csv", lines)


def write_csv(path: Path, lines: Sequence[Sequence[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(lines)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_workbook(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """A workbook whose cells keep their Python type: numbers, dates, booleans, text."""
    with xlsxwriter.Workbook(path) as book:
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        for name, lines in sheets.items():
            sheet = book.add_worksheet(name)
            for r, line in enumerate(lines):
                for c, value in enumerate(line):
                    if value is None:
                        continue
                    if isinstance(value, dt.date):
                        moment = dt.datetime.combine(value, dt.time())
                        sheet.write_datetime(r, c, moment, date_format)
                    elif isinstance(value, bool):
                        sheet.write_boolean(r, c, value)
                    elif isinstance(value, int | float):
                        sheet.write_number(r, c, value)
                    else:
                        sheet.write_string(r, c, str(value))
    return path


def deep(rows: Rows) -> Rows:
    return copy.deepcopy(rows)
