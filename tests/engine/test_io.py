"""Reading, parsing and writing the exchange format (kaohe.engine.io, docs/data-format.md)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import fastexcel
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kaohe.engine import schema as s
from kaohe.engine.errors import DataError, Problem
from kaohe.engine.io import (
    dataset_from_frames,
    parse_tables,
    read_dataset,
    template_workbook,
    write_tables,
)
from kaohe.engine.plan import load_plan
from tests.engine.factories import make_frame
from tests.engine.io_factories import (
    SMALL_PLAN,
    example_rows,
    frames_of,
    small_rows,
    write_csv,
    write_rows_csv,
    write_workbook,
)

EXAMPLE_PLAN = Path(__file__).parents[2] / "examples" / "plan-2026.yaml"
ECONOMIC_HEADER = list(s.TABLES[s.ECONOMIC].column_names)
UNITS_HEADER = list(s.TABLES[s.UNITS].column_names)


def parse_csv(
    root: Path, name: str, lines: Sequence[Sequence[str]], encoding: str = "utf-8"
) -> tuple[pl.DataFrame | None, list[Problem]]:
    """Write one CSV file, parse the directory: the table's frame and the file's problems."""
    write_csv(root / f"{name}.csv", lines, encoding)
    frames, _, problems = parse_tables(root, SMALL_PLAN)
    return frames.get(name), [p for p in problems if p.file == f"{name}.csv"]


def economic_line(**values: str) -> list[str]:
    row = {
        s.UNIT_ID: "U1",
        s.INDICATOR: "gdp",
        s.MONTH: "2026-01",
        s.TARGET_VOLUME: "100",
        s.ACTUAL_VOLUME: "104",
        s.TARGET_GROWTH: "8",
        s.ACTUAL_GROWTH: "8.4",
        s.DRAGS: "",
    } | values
    return [row[c] for c in ECONOMIC_HEADER]


def column(frame: pl.DataFrame | None, name: str) -> list[Any]:
    assert frame is not None
    return frame[name].to_list()


# ---- a whole data set ----------------------------------------------------------------------------


def test_the_example_plan_validates_a_small_hand_built_data_set(tmp_path: Path) -> None:
    plan = load_plan(EXAMPLE_PLAN)
    rows = example_rows(plan)
    write_rows_csv(tmp_path, rows)
    data = read_dataset(tmp_path, plan)
    assert data.year == 2026
    assert data.months == (1, 2, 3)
    assert data.warnings == ()
    assert data[s.ECONOMIC].height == len(rows[s.ECONOMIC])
    assert data[s.TASKS][s.TAGS].to_list() == [["经济发展", "营商环境"]]
    assert data.source(s.RESULTS) == "results.csv"
    assert data[s.RESULTS].schema == make_frame(s.RESULTS, []).schema


def test_one_call_reports_problems_of_several_tables_and_returns_nothing(tmp_path: Path) -> None:
    rows = small_rows()
    rows[s.UNITS][0][s.TIER] = "high"
    rows[s.ECONOMIC][1][s.ACTUAL_VOLUME] = "1,234.5"
    rows[s.RECORDS][0][s.CADRE_ID] = "C9"
    del rows[s.POSTS]
    write_rows_csv(tmp_path, rows)
    with pytest.raises(DataError) as caught:
        read_dataset(tmp_path, SMALL_PLAN)
    assert caught.value.problems == (
        Problem(
            "economic.csv",
            3,
            s.ACTUAL_VOLUME,
            "'1,234.5' is not a number: write it without thousands separators, as 1234.5",
        ),
        Problem("posts.csv", None, None, "the table is missing: posts (岗位) is required"),
        Problem("records.csv", 2, s.CADRE_ID, "cadre 'C9' is not in cadres.csv"),
        Problem("units.csv", 2, s.TIER, "'high' is not a number"),
    )
    assert "4 problem(s) in the data" in str(caught.value)


def test_a_broken_table_skips_the_checks_that_read_it(tmp_path: Path) -> None:
    # units.csv lacks the category column: the table is unusable, so sections, posts and
    # economic rows are not all reported as pointing at unknown units.
    rows = small_rows()
    write_rows_csv(tmp_path, rows)
    lines = [["unit_id", "name", "tier"]] + [[u[s.UNIT_ID], u[s.NAME], ""] for u in rows[s.UNITS]]
    write_csv(tmp_path / "units.csv", lines)
    with pytest.raises(DataError) as caught:
        read_dataset(tmp_path, SMALL_PLAN)
    assert caught.value.problems == (
        Problem("units.csv", None, s.CATEGORY, "the required column is missing"),
    )


def test_a_path_that_is_not_data_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        read_dataset(tmp_path / "nowhere", SMALL_PLAN)
    assert caught.value.problems[0] == Problem("nowhere", None, None, "no such file or directory")
    text = tmp_path / "data.txt"
    text.write_text("x", encoding="utf-8")
    _, _, problems = parse_tables(text, SMALL_PLAN)
    assert problems[0] == Problem(
        "data.txt", None, None, "not a directory of CSV files or an .xlsx/.xls workbook"
    )


# ---- tables and headers --------------------------------------------------------------------------


def test_a_missing_required_table_is_a_problem_and_optional_ones_are_empty(tmp_path: Path) -> None:
    write_csv(tmp_path / "units.csv", [UNITS_HEADER])
    (tmp_path / "notes.txt").write_text("not a table", encoding="utf-8")
    write_csv(tmp_path / "other.csv", [["a"], ["1"]])
    frames, sources, problems = parse_tables(tmp_path, SMALL_PLAN)
    missing = [t.name for t in s.TABLES.values() if t.required and t.name != s.UNITS]
    assert problems == [
        Problem(
            f"{name}.csv",
            None,
            None,
            f"the table is missing: {name} ({s.TABLES[name].title}) is required",
        )
        for name in missing
    ]
    assert set(frames) == set(s.TABLES) - set(missing)
    assert frames[s.EVENTS].is_empty()
    assert frames[s.EVENTS].schema == make_frame(s.EVENTS, []).schema
    assert sources[s.EVENTS] == "events.csv"


def test_a_header_with_spaces_is_accepted(tmp_path: Path) -> None:
    frame, problems = parse_csv(
        tmp_path, s.UNITS, [[f" {c} " for c in UNITS_HEADER], ["U1", "一号", "A", "2"]]
    )
    assert problems == []
    assert column(frame, s.UNIT_ID) == ["U1"]
    assert column(frame, s.TIER) == [2]


def test_an_unknown_column_is_a_problem_naming_it(tmp_path: Path) -> None:
    frame, problems = parse_csv(
        tmp_path, s.UNITS, [[*UNITS_HEADER, "catgory"], ["U1", "一号", "A", "2", "x"]]
    )
    assert problems == [
        Problem(
            "units.csv",
            1,
            "catgory",
            "unknown column 'catgory' (the columns are: unit_id, name, category, tier)",
        )
    ]
    assert column(frame, s.UNIT_ID) == ["U1"]


def test_a_repeated_column_is_a_problem(tmp_path: Path) -> None:
    _, problems = parse_csv(
        tmp_path, s.UNITS, [[*UNITS_HEADER, "name"], ["U1", "一号", "A", "2", "x"]]
    )
    assert problems == [Problem("units.csv", 1, s.NAME, "the column appears twice")]


def test_a_missing_required_column_makes_the_table_unusable(tmp_path: Path) -> None:
    frame, problems = parse_csv(
        tmp_path, s.UNITS, [["unit_id", "name", "tier"], ["U1", "一号", "x"]]
    )
    assert frame is None
    assert problems == [
        Problem("units.csv", None, s.CATEGORY, "the required column is missing"),
        Problem("units.csv", 2, s.TIER, "'x' is not a number"),
    ]


def test_a_missing_key_column_does_not_make_every_row_a_duplicate(tmp_path: Path) -> None:
    lines = [["name", "category"], ["一号", "A"], ["二号", "A"]]
    frame, problems = parse_csv(tmp_path, s.UNITS, lines)
    assert frame is None
    assert problems == [Problem("units.csv", None, s.UNIT_ID, "the required column is missing")]


def test_a_missing_optional_column_is_filled_with_nulls(tmp_path: Path) -> None:
    frame, problems = parse_csv(
        tmp_path, s.UNITS, [["unit_id", "name", "category"], ["U1", "一号", "A"]]
    )
    assert problems == []
    assert column(frame, s.TIER) == [None]


def test_values_in_a_column_without_a_name_are_a_problem(tmp_path: Path) -> None:
    _, problems = parse_csv(tmp_path, s.UNITS, [[*UNITS_HEADER, ""], ["U1", "一号", "A", "2", "x"]])
    assert problems == [
        Problem("units.csv", 1, None, "a column without a name in the header holds values")
    ]


def test_a_row_with_more_values_than_the_header_is_reported_and_skipped(tmp_path: Path) -> None:
    text = "unit_id,name,category,tier\nU1,一号,A,1\nU2,二号,A,1,234\n"
    (tmp_path / "units.csv").write_text(text, encoding="utf-8")
    frames, _, problems = parse_tables(tmp_path, SMALL_PLAN)
    assert [p for p in problems if p.file == "units.csv"] == [
        Problem(
            "units.csv",
            3,
            None,
            "the row has more values than the header has columns (is there an unquoted comma, "
            "as in 1,234.5?); the row is not read",
        )
    ]
    assert column(frames[s.UNITS], s.UNIT_ID) == ["U1"]


def test_blank_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    text = "unit_id,name,category,tier\n\nU1,一号,A,1\n,,,\nU2,二号,A,x\n"
    (tmp_path / "units.csv").write_text(text, encoding="utf-8")
    frames, _, problems = parse_tables(tmp_path, SMALL_PLAN)
    assert column(frames[s.UNITS], s.ROW) == [3, 5]
    assert [p for p in problems if p.file == "units.csv"] == [
        Problem("units.csv", 5, s.TIER, "'x' is not a number")
    ]


def test_an_empty_file_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_bytes(b"")
    frames, _, problems = parse_tables(tmp_path, SMALL_PLAN)
    assert s.UNITS not in frames
    assert Problem("units.csv", None, None, "the table is empty: no header row") in problems


# ---- encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_is_read_as_utf8_with_or_without_bom_or_gb18030(tmp_path: Path, encoding: str) -> None:
    lines = [UNITS_HEADER, ["U1", "发展改革局", "经济发展类", "1"]]
    frame, problems = parse_csv(tmp_path, s.UNITS, lines, encoding)
    assert problems == []
    assert column(frame, s.NAME) == ["发展改革局"]
    assert column(frame, s.CATEGORY) == ["经济发展类"]


def test_utf16_text_is_refused_with_advice(tmp_path: Path) -> None:
    _, problems = parse_csv(tmp_path, s.UNITS, [UNITS_HEADER, ["U1", "一号", "A", "1"]], "utf-16")
    assert problems == [
        Problem("units.csv", None, None, "the file is UTF-16 text: save it as CSV UTF-8")
    ]


# ---- values of each kind -------------------------------------------------------------------------


def test_text_in_number_column_names_file_row_and_column(tmp_path: Path) -> None:
    lines = [ECONOMIC_HEADER, economic_line(), economic_line(month="2026-02", actual_volume="abc")]
    frame, problems = parse_csv(tmp_path, s.ECONOMIC, lines)
    assert problems == [Problem("economic.csv", 3, s.ACTUAL_VOLUME, "'abc' is not a number")]
    assert column(frame, s.ACTUAL_VOLUME) == [104.0, None]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,234.5", "'1,234.5' is not a number: write it without thousands separators, as 1234.5"),
        ("12,000", "'12,000' is not a number: write it without thousands separators, as 12000"),
        ("8.5%", "'8.5%' is not a number: write it without the % sign, as 8.5"),
        ("8 %", "'8 %' is not a number: write it without the % sign, as 8"),
        ("inf", "'inf' is not a number"),
        ("NaN", "'NaN' is not a number"),
        ("１２", "'１２' is not a number"),
        ("12,5", "'12,5' is not a number"),
    ],
)
def test_numbers_refuse_separators_percent_signs_and_non_finite_values(
    tmp_path: Path, text: str, message: str
) -> None:
    _, problems = parse_csv(
        tmp_path, s.ECONOMIC, [ECONOMIC_HEADER, economic_line(actual_growth=text)]
    )
    assert problems == [Problem("economic.csv", 2, s.ACTUAL_GROWTH, message)]


def test_numbers_are_plain_decimals_trimmed(tmp_path: Path) -> None:
    values = [" 12.5 ", "-3", "+4", "1e3", ".5", "0"]
    lines = [ECONOMIC_HEADER] + [
        economic_line(month=f"2026-{i + 1:02d}", actual_growth=v) for i, v in enumerate(values)
    ]
    frame, problems = parse_csv(tmp_path, s.ECONOMIC, lines)
    assert problems == []
    assert column(frame, s.ACTUAL_GROWTH) == [12.5, -3.0, 4.0, 1000.0, 0.5, 0.0]


def test_whole_numbers_accept_a_zero_fraction_only(tmp_path: Path) -> None:
    header = list(s.TABLES[s.RECORDS].column_names)
    lines = [header] + [
        [f"C{i}", "2026-01", v, "", "", "", "优", "", ""]
        for i, v in enumerate(["3", "3.0", "2.5", "abc"])
    ]
    frame, problems = parse_csv(tmp_path, s.RECORDS, lines)
    assert column(frame, s.LATES) == [3, 3, None, None]
    assert problems == [
        Problem("records.csv", 4, s.LATES, "'2.5' is not a whole number"),
        Problem("records.csv", 5, s.LATES, "'abc' is not a number"),
    ]


def test_an_empty_required_value_is_a_problem(tmp_path: Path) -> None:
    lines = [ECONOMIC_HEADER, economic_line(indicator="  ", target_volume="")]
    _, problems = parse_csv(tmp_path, s.ECONOMIC, lines)
    assert problems == [
        Problem("economic.csv", 2, s.INDICATOR, "a value is required"),
        Problem("economic.csv", 2, s.TARGET_VOLUME, "a value is required"),
    ]


def test_flags_accept_the_usual_spellings(tmp_path: Path) -> None:
    spellings = ["true", "FALSE", "1", "0", "Yes", "no", "y", "N", "是", "否", ""]
    lines = [ECONOMIC_HEADER] + [
        economic_line(unit_id=f"U{i}", drags=v) for i, v in enumerate(spellings)
    ]
    frame, problems = parse_csv(tmp_path, s.ECONOMIC, lines)
    assert problems == []
    expected = [True, False, True, False, True, False, True, False, True, False, None]
    assert column(frame, s.DRAGS) == expected


def test_a_flag_that_is_not_true_or_false_is_a_problem(tmp_path: Path) -> None:
    _, problems = parse_csv(tmp_path, s.ECONOMIC, [ECONOMIC_HEADER, economic_line(drags="maybe")])
    assert problems == [
        Problem(
            "economic.csv",
            2,
            s.DRAGS,
            "'maybe' is not true or false (write true/false, 1/0, yes/no or 是/否)",
        )
    ]


def test_months_accept_the_usual_spellings(tmp_path: Path) -> None:
    spellings = ["2026-01", "2026-2", "2026/03", "2026/4", "202605", "2026-06-30", "2026/7/1"]
    lines = [ECONOMIC_HEADER] + [economic_line(month=v) for v in spellings]
    frame, problems = parse_csv(tmp_path, s.ECONOMIC, lines)
    assert problems == []
    assert column(frame, s.MONTH) == [1, 2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-12", "'2025-12' is not in the plan year 2026"),
        ("202701", "'202701' is not in the plan year 2026"),
        ("2026-13", "'2026-13' is not a month (write YYYY-MM, as 2026-03)"),
        ("2026-02-30", "'2026-02-30' is not a month (write YYYY-MM, as 2026-03)"),
        ("March", "'March' is not a month (write YYYY-MM, as 2026-03)"),
        ("3", "'3' is not a month (write YYYY-MM, as 2026-03)"),
    ],
)
def test_a_month_that_is_not_one_of_the_plan_year_is_a_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    _, problems = parse_csv(tmp_path, s.ECONOMIC, [ECONOMIC_HEADER, economic_line(month=text)])
    assert problems == [Problem("economic.csv", 2, s.MONTH, message)]


def test_dates_accept_iso_and_slashes(tmp_path: Path) -> None:
    header = list(s.TABLES[s.ASSIGNMENTS].column_names)
    lines = [
        header,
        ["C1", "P1", "2026-03-31", ""],
        ["C2", "P2", "2026/3/1", "2019/12/31"],
        ["C3", "P3", "2026-02-30", "31.12.2026"],
    ]
    frame, problems = parse_csv(tmp_path, s.ASSIGNMENTS, lines)
    assert column(frame, s.START) == [dt.date(2026, 3, 31), dt.date(2026, 3, 1), None]
    assert column(frame, s.END) == [None, dt.date(2019, 12, 31), None]
    assert problems == [
        Problem("assignments.csv", 4, s.START, "'2026-02-30' is not a date (write YYYY-MM-DD)"),
        Problem("assignments.csv", 4, s.END, "'31.12.2026' is not a date (write YYYY-MM-DD)"),
    ]


def test_periods_are_normalised(tmp_path: Path) -> None:
    header = list(s.TABLES[s.EVALUATIONS].column_names)
    spellings = ["2026", "2026-q1", "2026Q2", "2026-H1", "2026h2", "2026-Q5", "2025-Q1"]
    lines = [header] + [
        [f"C{i}", v, "quarterly", "", "", "80", "", ""] for i, v in enumerate(spellings)
    ]
    frame, problems = parse_csv(tmp_path, s.EVALUATIONS, lines)
    assert column(frame, s.PERIOD) == [
        "2026",
        "2026-Q1",
        "2026-Q2",
        "2026-H1",
        "2026-H2",
        None,
        None,
    ]
    assert problems == [
        Problem(
            "evaluations.csv",
            7,
            s.PERIOD,
            "'2026-Q5' is not a period (write 2026, 2026-Q1…Q4 or 2026-H1/H2)",
        ),
        Problem("evaluations.csv", 8, s.PERIOD, "'2025-Q1' is not in the plan year 2026"),
    ]


def test_tags_split_on_commas_semicolons_and_enumeration_commas(tmp_path: Path) -> None:
    header = list(s.TABLES[s.TASKS].column_names)
    lines = [header] + [
        [f"T{i}", "S1", "", "任务", "1", "rating", "", "", tags]
        for i, tags in enumerate(["经济发展，营商环境、党建;廉政 , ,作风", "单一", "", " ，"])
    ]
    frame, problems = parse_csv(tmp_path, s.TASKS, lines)
    assert problems == []
    assert column(frame, s.TAGS) == [
        ["经济发展", "营商环境", "党建", "廉政", "作风"],
        ["单一"],
        None,
        None,
    ]


# ---- duplicate keys ------------------------------------------------------------------------------


def test_a_repeated_natural_key_names_the_first_row(tmp_path: Path) -> None:
    lines = [
        ECONOMIC_HEADER,
        economic_line(),
        economic_line(month="2026-02"),
        economic_line(month="2026-1", actual_volume="99"),
        economic_line(month="2026/01"),
    ]
    _, problems = parse_csv(tmp_path, s.ECONOMIC, lines)
    assert problems == [
        Problem("economic.csv", 4, None, "duplicates row 2 (unit_id, indicator, month)"),
        Problem("economic.csv", 5, None, "duplicates row 2 (unit_id, indicator, month)"),
    ]


def test_empty_key_values_count_as_equal(tmp_path: Path) -> None:
    header = list(s.TABLES[s.EVALUATIONS].column_names)
    lines = [
        header,
        ["C1", "2026", "review", "", "", "80", "", ""],
        ["C1", "2026", "review", "", "", "90", "", ""],
        ["C1", "2026", "review", "", "", "70", "", "R7"],
    ]
    _, problems = parse_csv(tmp_path, s.EVALUATIONS, lines)
    key = "subject_id, period, kind, item, rater_group, rater_id"
    assert problems == [Problem("evaluations.csv", 3, None, f"duplicates row 2 ({key})")]


def test_rows_whose_key_did_not_parse_are_not_called_duplicates(tmp_path: Path) -> None:
    lines = [ECONOMIC_HEADER, economic_line(month="x"), economic_line(month="y")]
    _, problems = parse_csv(tmp_path, s.ECONOMIC, lines)
    assert [p.message for p in problems] == [
        "'x' is not a month (write YYYY-MM, as 2026-03)",
        "'y' is not a month (write YYYY-MM, as 2026-03)",
    ]


# ---- workbooks -----------------------------------------------------------------------------------


def test_workbook_sheets_are_matched_by_name_or_chinese_title(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "data.xlsx",
        {
            "说明": [["anything"]],
            "单位": [UNITS_HEADER, [1001, "一号", "A", 2.0], ["U2", "二号", "A", None]],
            "economic": [
                ECONOMIC_HEADER,
                ["1001", "gdp", dt.date(2026, 3, 1), 100, 104.5, 8, 8.4, True],
            ],
            "notes": [["x"]],
        },
    )
    frames, sources, problems = parse_tables(book, SMALL_PLAN)
    assert sources[s.UNITS] == "data.xlsx[单位]"
    assert sources[s.ECONOMIC] == "data.xlsx[economic]"
    assert [p for p in problems if "单位" in p.file or "economic" in p.file] == []
    assert column(frames[s.UNITS], s.UNIT_ID) == ["1001", "U2"]  # not "1001.0"
    assert column(frames[s.UNITS], s.TIER) == [2, None]
    assert column(frames[s.ECONOMIC], s.MONTH) == [3]
    assert column(frames[s.ECONOMIC], s.TARGET_VOLUME) == [100.0]
    assert column(frames[s.ECONOMIC], s.DRAGS) == [True]
    assert (
        Problem("data.xlsx[posts]", None, None, "the table is missing: posts (岗位) is required")
        in problems
    )


def test_excel_date_cells_are_dates_and_months(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "data.xlsx",
        {
            "assignments": [
                list(s.TABLES[s.ASSIGNMENTS].column_names),
                [7, "P1", dt.date(2025, 3, 1), dt.date(2026, 12, 31)],
            ],
            "district": [
                list(s.TABLES[s.DISTRICT].column_names),
                [dt.date(2026, 1, 1), 8.5, 8],
                [dt.date(2026, 2, 28), 8.5, 8],
            ],
        },
    )
    frames, _, problems = parse_tables(book, SMALL_PLAN)
    assert column(frames[s.ASSIGNMENTS], s.CADRE_ID) == ["7"]
    assert column(frames[s.ASSIGNMENTS], s.START) == [dt.date(2025, 3, 1)]
    assert column(frames[s.ASSIGNMENTS], s.END) == [dt.date(2026, 12, 31)]
    assert column(frames[s.DISTRICT], s.MONTH) == [1, 2]
    assert [p for p in problems if p.row is not None] == []


def test_excel_numbers_in_whole_number_columns_must_be_whole(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "data.xlsx",
        {"units": [UNITS_HEADER, ["U1", "一号", "A", 2.5], ["U2", "二号", "A", 3]]},
    )
    frames, _, problems = parse_tables(book, SMALL_PLAN)
    assert column(frames[s.UNITS], s.TIER) == [None, 3]
    assert Problem("data.xlsx[units]", 2, s.TIER, "'2.5' is not a whole number") in problems


def test_a_sheet_whose_header_is_not_on_row_one_keeps_spreadsheet_rows(tmp_path: Path) -> None:
    book = write_workbook(
        tmp_path / "data.xlsx",
        {"units": [[], [], UNITS_HEADER, ["U1", "一号", "A", "x"]]},
    )
    _, _, problems = parse_tables(book, SMALL_PLAN)
    assert Problem("data.xlsx[units]", 4, s.TIER, "'x' is not a number") in problems


def test_two_sheets_for_one_table_are_a_problem(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "d.xlsx", {"units": [UNITS_HEADER], "单位": [UNITS_HEADER]})
    _, _, problems = parse_tables(book, SMALL_PLAN)
    assert (
        Problem("d.xlsx[单位]", None, None, "d.xlsx[units] already holds table units") in problems
    )


# ---- writing and reading back --------------------------------------------------------------------


TRICKY_FLOATS = [0.1, 1 / 3, 1e-7, 1e22, 123456789.12345679, -2.5, 2.0**53 + 2]


def round_trip_frames() -> dict[str, pl.DataFrame]:
    rows = small_rows()
    for row, value in zip(rows[s.ECONOMIC], TRICKY_FLOATS, strict=False):
        row[s.ACTUAL_VOLUME] = value
    rows[s.ECONOMIC][0][s.DRAGS] = True
    rows[s.ECONOMIC][1][s.DRAGS] = False
    rows[s.TASKS][0][s.TAGS] = ["作风建设", "营商环境"]
    rows[s.EVALUATIONS][0][s.RATER_ID] = "007"
    return frames_of(rows)


@pytest.mark.parametrize("xlsx", [False, True], ids=["csv", "xlsx"])
def test_written_tables_parse_back_to_the_same_frames(tmp_path: Path, xlsx: bool) -> None:
    frames = round_trip_frames()
    paths = write_tables(frames, tmp_path, 2026, xlsx=xlsx)
    source = paths[0] if xlsx else tmp_path
    assert paths == ([tmp_path / "data.xlsx"] if xlsx else [tmp_path / f"{n}.csv" for n in frames])
    parsed, _, problems = parse_tables(source, SMALL_PLAN)
    assert problems == []
    for name, frame in frames.items():
        assert_frame_equal(parsed[name], frame)
    assert read_dataset(source, SMALL_PLAN).warnings == ()


def test_written_csv_holds_months_dates_flags_tags_and_exact_floats(tmp_path: Path) -> None:
    frames = round_trip_frames()
    write_tables({n: frames[n] for n in (s.ECONOMIC, s.TASKS, s.ASSIGNMENTS)}, tmp_path, 2026)
    economic = (tmp_path / "economic.csv").read_text(encoding="utf-8-sig").splitlines()
    assert economic[0] == ",".join(ECONOMIC_HEADER)
    assert economic[1] == "U1,gdp,2026-01,100.0,0.1,8.0,8.4,true"
    assert economic[2] == "U1,gdp,2026-02,100.0,0.3333333333333333,8.0,8.4,false"
    assert economic[4].split(",")[4] == "1e+22"
    tasks = (tmp_path / "tasks.csv").read_text(encoding="utf-8-sig").splitlines()
    assert tasks[1] == 'T1,S1,,会务,2.0,rating,,,"作风建设,营商环境"'
    assignments = (tmp_path / "assignments.csv").read_text(encoding="utf-8-sig").splitlines()
    assert assignments[1:3] == ["C1,P1,2020-01-01,", "C2,P2,2026-01-01,2026-12-31"]


def test_written_workbook_has_text_cells_and_a_frozen_bold_header(tmp_path: Path) -> None:
    (path,) = write_tables({s.UNITS: round_trip_frames()[s.UNITS]}, tmp_path, 2026, xlsx=True)
    sheet = fastexcel.read_excel(path).load_sheet("units", header_row=None, dtypes="string")
    cells = sheet.to_polars().rows()
    assert cells[0] == tuple(UNITS_HEADER)
    assert cells[1] == ("U1", "一号", "A", "2")


def test_writing_an_unknown_table_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not tables of the exchange format: scores"):
        write_tables({"scores": pl.DataFrame()}, tmp_path, 2026)


# ---- the import template -------------------------------------------------------------------------


def test_the_template_has_a_readme_and_a_header_only_sheet_per_table(tmp_path: Path) -> None:
    path = template_workbook(tmp_path)
    assert path == tmp_path / "template.xlsx"
    reader = fastexcel.read_excel(path)
    assert reader.sheet_names == ["说明", *s.TABLES]
    for name, table in s.TABLES.items():
        cells = reader.load_sheet(name, header_row=None, dtypes="string").to_polars().rows()
        assert cells == [table.column_names]
    readme = reader.load_sheet("说明", dtypes="string").to_polars()
    assert readme.height == sum(len(t.columns) for t in s.TABLES.values())
    first = readme.row(0)
    assert first == ("units", "单位", "yes", "unit_id", "str", "text", "yes")
    tags = readme.filter(pl.col("column") == s.TAGS).row(0)
    assert tags[4:] == ("tags", "tags separated by , or 、", "no")


def test_the_empty_template_reads_back_with_only_the_missing_months_problem(tmp_path: Path) -> None:
    path = template_workbook(tmp_path / "import.xlsx")
    assert path == tmp_path / "import.xlsx"
    plan = SMALL_PLAN.model_copy(update={"unit_weights": {}})
    with pytest.raises(DataError) as caught:
        read_dataset(path, plan)
    assert caught.value.problems == (
        Problem(
            "import.xlsx[district]",
            None,
            s.MONTH,
            "no month: the run's months are the months of this table",
        ),
    )


# ---- typed frames --------------------------------------------------------------------------------


def test_frames_become_a_validated_data_set_with_rows_and_empty_tables() -> None:
    frames = frames_of(small_rows())
    units = frames[s.UNITS].drop(s.ROW).drop(s.TIER)
    del frames[s.REVIEWS]
    data = dataset_from_frames({**frames, s.UNITS: units}, SMALL_PLAN)
    assert data.months == (1, 2)
    assert column(data[s.UNITS], s.ROW) == [2, 3, 4]
    assert column(data[s.UNITS], s.TIER) == [None, None, None]
    assert data[s.REVIEWS].is_empty()
    assert data.warnings == ()


def test_frames_with_wrong_values_or_columns_raise_every_problem() -> None:
    frames = frames_of(small_rows())
    frames[s.RECORDS] = frames[s.RECORDS].with_columns(
        pl.when(pl.col(s.ROW) == 3).then(13).otherwise(pl.col(s.MONTH)).alias(s.MONTH)
    )
    frames[s.EVALUATIONS] = frames[s.EVALUATIONS].with_columns(
        pl.col(s.PERIOD).str.replace("2026-Q1", "2026q1"), pl.lit(1).alias("extra")
    )
    frames[s.POOLS] = frames[s.POOLS].with_columns(pl.lit("many").alias(s.POOL_CENTS))
    frames["scores"] = pl.DataFrame()
    with pytest.raises(DataError) as caught:
        dataset_from_frames(frames, SMALL_PLAN, {s.POOLS: "database:pools"})
    assert caught.value.problems == (
        Problem("database:pools", None, s.POOL_CENTS, "the column is String, not Int64"),
        Problem("evaluations.csv", None, "extra", "unknown column 'extra'"),
        Problem("records.csv", 3, s.MONTH, "month 13 is not 1–12"),
        Problem("scores", None, None, "not a table of the exchange format"),
    )


def test_frames_get_their_periods_normalised() -> None:
    frames = frames_of(small_rows())
    frames[s.EVALUATIONS] = frames[s.EVALUATIONS].with_columns(
        pl.col(s.PERIOD).str.replace("2026-Q1", "2026q1")
    )
    data = dataset_from_frames(frames, SMALL_PLAN)
    assert "2026-Q1" in column(data[s.EVALUATIONS], s.PERIOD)


# ---- the engine stays framework-free -------------------------------------------------------------


def test_io_imports_without_django() -> None:
    code = "import sys, kaohe.engine.io, kaohe.engine.validate; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
