"""Imports: all or nothing, problems by sheet/row/column, idempotent, limits, type by content."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from django.test import Client
from pytest_django import Settings as SettingsWrapper

from kaohe.collection.models import EconomicStat, ImportBatch
from kaohe.collection.selectors import table_counts
from kaohe.collection.services import import_file
from kaohe.engine import schema as s
from kaohe.plans.models import Plan
from tests.web.conftest import YEAR, csv_to_workbook, upload

DONE = ImportBatch.State.DONE
REFUSED = ImportBatch.State.REFUSED


def _all_tables(folder: Path, out: Path) -> Path:
    return csv_to_workbook({name: folder / f"{name}.csv" for name in s.TABLES}, out)


def _edit_csv(path: Path, row: int, column: str, value: str, out: Path) -> Path:
    """A copy of a CSV file with one cell changed (``row`` as a spreadsheet numbers it)."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    rows[row - 1][rows[0].index(column)] = value
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return out


def _history_rows() -> int:
    return EconomicStat.history.count()  # type: ignore[no-any-return]


def _imported(tmp_path: Path, demo_csv: Path) -> ImportBatch:
    batch = import_file(upload=upload(_all_tables(demo_csv, tmp_path / "all.xlsx")), year=YEAR)
    assert batch.state == DONE, batch.problems
    return batch


def test_a_workbook_of_every_table_is_imported_and_reimporting_changes_nothing(
    plan: Plan, demo_csv: Path, tmp_path: Path
) -> None:
    first = _imported(tmp_path, demo_csv)
    rows = sum(table_counts(year=YEAR).values())
    assert (first.created_count, first.updated_count, first.unchanged_count) == (rows, 0, 0)
    history = _history_rows()
    again = import_file(upload=upload(tmp_path / "all.xlsx"), year=YEAR)
    assert again.state == DONE
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, rows)
    assert _history_rows() == history
    assert again.sha256 == first.sha256


def test_a_bad_row_is_reported_by_sheet_row_and_column_and_nothing_is_written(
    plan: Plan, demo_csv: Path, tmp_path: Path
) -> None:
    _imported(tmp_path, demo_csv)
    before = table_counts(year=YEAR)
    history = _history_rows()
    bad = _edit_csv(demo_csv / "economic.csv", 5, "target_volume", "abc", tmp_path / "b/e.csv")
    book = csv_to_workbook(
        {"经济指标统计": bad, "district": demo_csv / "district.csv"}, tmp_path / "stats.xlsx"
    )
    batch = import_file(upload=upload(book), year=YEAR)
    assert batch.state == REFUSED
    assert batch.problems == [
        {
            "file": "stats.xlsx[经济指标统计]",
            "row": 5,
            "column": "target_volume",
            "message": "'abc' is not a number",
        }
    ]
    assert table_counts(year=YEAR) == before
    assert _history_rows() == history

    fixed = _edit_csv(demo_csv / "economic.csv", 5, "target_volume", "1234.5", tmp_path / "f/e.csv")
    book = csv_to_workbook({"经济指标统计": fixed}, tmp_path / "stats-fixed.xlsx")
    batch = import_file(upload=upload(book), year=YEAR)
    assert batch.state == DONE, batch.problems
    assert (batch.created_count, batch.updated_count) == (0, 1)
    assert batch.unchanged_count == before[s.ECONOMIC] - 1
    assert EconomicStat.objects.filter(year=YEAR, target_volume=1234.5).count() == 1
    assert _history_rows() == history + 1


def test_a_reference_to_a_missing_unit_is_a_problem_of_the_row(
    plan: Plan, demo_csv: Path, tmp_path: Path
) -> None:
    _imported(tmp_path, demo_csv)
    bad = _edit_csv(demo_csv / "economic.csv", 3, "unit_id", "U999", tmp_path / "economic.csv")
    batch = import_file(upload=upload(bad), year=YEAR)
    assert batch.state == REFUSED
    places = {(p["file"], p["row"], p["column"]) for p in batch.problems}
    assert ("economic.csv", 3, "unit_id") in places


def test_a_change_that_breaks_stored_rows_names_them(
    plan: Plan, demo_csv: Path, tmp_path: Path
) -> None:
    _imported(tmp_path, demo_csv)
    units = (demo_csv / "units.csv").read_text(encoding="utf-8-sig").splitlines()
    header, first = units[0].split(","), units[1].split(",")
    first[header.index("category")] = "社会事业类" if "经济" in units[1] else "经济发展类"
    path = tmp_path / "单位.csv"
    path.write_text(units[0] + "\n" + ",".join(first) + "\n", encoding="utf-8")
    batch = import_file(upload=upload(path), year=YEAR)
    assert batch.state == REFUSED
    assert any(p["file"].startswith("stored[") and p["row"] is None for p in batch.problems)
    assert any("(stored row " in p["message"] for p in batch.problems)


def test_tables_can_arrive_one_file_at_a_time(plan: Plan, demo_csv: Path) -> None:
    # a table comes after the tables it refers to: section tasks before their results
    order = [n for n in s.TABLES if n not in (s.RESULTS, s.INPUTS)] + [s.INPUTS, s.RESULTS]
    for name in order:
        batch = import_file(upload=upload(demo_csv / f"{name}.csv"), year=YEAR)
        assert batch.state == DONE, (name, batch.problems)
    assert sum(table_counts(year=YEAR).values()) > 0


def test_the_size_limit(plan: Plan, demo_csv: Path, settings: SettingsWrapper) -> None:
    settings.KAOHE_IMPORT_MAX_BYTES = 100
    batch = import_file(upload=upload(demo_csv / "units.csv"), year=YEAR)
    assert batch.state == REFUSED
    assert "more than the 0.0 MB allowed" in batch.problems[0]["message"]


def test_the_unpacked_size_limit(
    plan: Plan, demo_csv: Path, tmp_path: Path, settings: SettingsWrapper
) -> None:
    book = _all_tables(demo_csv, tmp_path / "all.xlsx")
    with zipfile.ZipFile(book) as z:
        unpacked = sum(i.file_size for i in z.infolist())
    settings.KAOHE_IMPORT_MAX_UNPACKED_BYTES = unpacked - 1
    batch = import_file(upload=upload(book), year=YEAR)
    assert batch.state == REFUSED
    assert "unpacks to" in batch.problems[0]["message"]
    assert sum(table_counts(year=YEAR).values()) == 0


def test_the_type_comes_from_the_content_not_the_name(
    plan: Plan, demo_csv: Path, tmp_path: Path
) -> None:
    # a workbook named .csv is read as the workbook it is
    book = _all_tables(demo_csv, tmp_path / "all.xlsx")
    assert import_file(upload=upload(book, name="economic.csv"), year=YEAR).state == DONE
    # text named .xlsx is not a workbook
    text = import_file(upload=upload(demo_csv / "units.csv", name="units.xlsx"), year=YEAR)
    assert text.state == REFUSED
    assert "named after it" in text.problems[0]["message"]
    # binary that is neither
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x00\x01binary\x00" * 100)
    assert (
        "not an Excel workbook"
        in import_file(upload=upload(junk), year=YEAR).problems[0]["message"]
    )
    # a zip that is no workbook
    archive = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "hello")
    refused = import_file(upload=upload(archive), year=YEAR)
    assert "not an Excel workbook" in refused.problems[0]["message"]


def test_a_csv_named_by_its_chinese_title(plan: Plan, demo_csv: Path, tmp_path: Path) -> None:
    path = tmp_path / "单位.csv"
    path.write_bytes((demo_csv / "units.csv").read_bytes())
    batch = import_file(upload=upload(path), year=YEAR)
    assert batch.state == DONE
    assert batch.counts == {"units": {"created": 6, "updated": 0, "unchanged": 0}}


def test_an_import_needs_the_years_plan(db: None, demo_csv: Path) -> None:
    Plan.objects.all().delete()
    batch = import_file(upload=upload(demo_csv / "units.csv"), year=YEAR)
    assert batch.state == REFUSED
    assert batch.problems[0]["message"] == "there is no plan for 2026 yet"


def test_templates_download(admin_client: Client) -> None:
    whole = admin_client.get("/collection/template.xlsx")
    assert whole.status_code == 200
    with zipfile.ZipFile(io.BytesIO(whole.content)) as z:
        assert "xl/workbook.xml" in z.namelist()
    one = admin_client.get("/collection/template/economic.xlsx")
    assert one.status_code == 200
    assert admin_client.get("/collection/template/nothing.xlsx").status_code == 404
