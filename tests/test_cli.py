"""The ``kaohe`` command, end to end on files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kaohe.cli import main
from kaohe.engine.io import write_tables
from kaohe.engine.plan import dump_plan
from kaohe.engine.schema import TABLES
from tests.engine.worked_example import worked_data, worked_plan

EXAMPLE = Path(__file__).parents[1] / "examples" / "plan-2026.yaml"


@pytest.fixture
def worked(tmp_path: Path) -> tuple[Path, Path]:
    """The worked example of docs/rules.md §3 as a plan file and a folder of CSV files."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(dump_plan(worked_plan()), encoding="utf-8")
    data = tmp_path / "data"
    dataset = worked_data(months=1)
    write_tables({name: dataset[name] for name in TABLES}, data, 2026)
    return plan, data


def test_plan_check_accepts_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "check", str(EXAMPLE)]) == 0
    assert "valid plan for 2026 — 4 categories" in capsys.readouterr().out


def test_plan_check_names_the_path_of_a_bad_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("k_penalty: 6", "k_penalty: 11")
    bad.write_text(text, encoding="utf-8")
    assert main(["plan", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "categories.经济发展类.groups[1].indicators[4].k_penalty: 11 is outside 3–10" in err


def test_plan_diff_lists_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = tmp_path / "new.yaml"
    new.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("year: 2026", "year: 2027"), encoding="utf-8"
    )
    assert main(["plan", "diff", str(EXAMPLE), str(new)]) == 0
    assert capsys.readouterr().out == "~ year: 2026 → 2027\n"


def test_score_writes_the_worked_example(worked: tuple[Path, Path], tmp_path: Path) -> None:
    plan, data = worked
    out = tmp_path / "out"
    assert main(["score", "--plan", str(plan), "--data", str(data), "--out", str(out)]) == 0
    lines = (out / "unit_monthly.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "unit_id,month,category,tier,groups,events,raw,coefficient,score,rank,rank_n"
    # G 88.02, E 0.50, raw 88.52, C 1.1125, S 88.52 × 1.1125 = 98.4785 → 98.48 (rules.md §3)
    assert lines[1] == "U1,2026-01,经济发展类,4,88.02,0.50,88.52,1.1125,98.48,1,1"
    assert (out / "manifest.json").exists()


def test_same_input_gives_byte_identical_output(worked: tuple[Path, Path], tmp_path: Path) -> None:
    plan, data = worked
    for name in ("a", "b"):
        args = ["score", "--plan", str(plan), "--data", str(data), "--out", str(tmp_path / name)]
        assert main([*args, "--xlsx"]) == 0
    first = sorted((tmp_path / "a").iterdir())
    assert [p.name for p in first] == sorted(p.name for p in (tmp_path / "b").iterdir())
    for path in first:
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_bad_data_lists_every_problem_and_writes_nothing(
    worked: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan, data = worked
    economic = data / "economic.csv"
    text = economic.read_text(encoding="utf-8")
    economic.write_text(text.replace(",100.0,105.0,", ",abc,105.0,", 1), encoding="utf-8")
    units = data / "units.csv"
    units.write_text(units.read_text(encoding="utf-8").replace("经济发展类", "无此类别"), "utf-8")
    out = tmp_path / "out"
    assert main(["score", "--plan", str(plan), "--data", str(data), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "economic.csv, row 2, column target_volume: 'abc' is not a number" in err
    assert "units.csv, row 2, column category:" in err
    assert not out.exists()


def test_year_must_match_the_plan(worked: tuple[Path, Path], tmp_path: Path) -> None:
    plan, data = worked
    args = ["score", "--plan", str(plan), "--data", str(data), "--out", str(tmp_path / "o")]
    assert main([*args, "--year", "2025"]) == 1
    assert not (tmp_path / "o").exists()


def test_explain_prints_how_the_score_was_made(
    worked: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    plan, data = worked
    args = ["explain", "--plan", str(plan), "--data", str(data), "--subject", "U1"]
    assert main([*args, "--month", "2026-01"]) == 0
    out = capsys.readouterr().out
    assert "rv = 1.0500, rg = 1.2000" in out
    assert "drags the district: penalty 19.50" in out
    assert "= 30.00 × (base 96.10 + bonus 4.80 − penalty 19.50) / weights 100.00 = 24.42" in out
    assert "→ 1.1125" in out
    assert out.rstrip().endswith("Rank 1 of 1 in 经济发展类 this month.")
    assert "raw G + E = 88.52 → 98.48" in out


def test_explain_rejects_an_unknown_subject(
    worked: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    plan, data = worked
    args = ["explain", "--plan", str(plan), "--data", str(data), "--subject", "X9"]
    assert main([*args, "--month", "2026-01"]) == 1
    assert "no unit, section or cadre has the id 'X9'" in capsys.readouterr().err


def test_demo_data_scores_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demo, out = tmp_path / "demo", tmp_path / "out"
    args = ["demo-data", "--units", "8", "--cadres", "120", "--seed", "3", "--out", str(demo)]
    assert main(args) == 0
    assert (demo / "plan.yaml").exists()
    plan = str(demo / "plan.yaml")
    assert main(["score", "--plan", plan, "--data", str(demo), "--out", str(out)]) == 0
    assert "scored 2026 months 1–12: 96 unit-months" in capsys.readouterr().out
    assert (out / "annual.csv").read_text(encoding="utf-8").count("\n") > 100


def test_template_workbook(tmp_path: Path) -> None:
    assert main(["template", str(tmp_path / "t.xlsx")]) == 0
    assert (tmp_path / "t.xlsx").stat().st_size > 1000


def test_csv_files_written_as_tables_finish_equal_the_held_results(tmp_path: Path) -> None:
    """Without ``--xlsx`` each CSV is written as soon as its table is finished (the tables are
    never all in memory); the files are byte for byte those of a run that holds every table
    for the workbook, manifest included."""
    demo = tmp_path / "demo"
    args = ["demo-data", "--units", "8", "--cadres", "120", "--seed", "3", "--out", str(demo)]
    assert main(args) == 0
    score_args = ["score", "--plan", str(demo / "plan.yaml"), "--data", str(demo)]
    assert main([*score_args, "--out", str(tmp_path / "held"), "--xlsx"]) == 0
    assert main([*score_args, "--out", str(tmp_path / "streamed")]) == 0
    streamed = sorted(p.name for p in (tmp_path / "streamed").iterdir())
    held = sorted(p.name for p in (tmp_path / "held").iterdir())
    assert streamed == [name for name in held if name != "results.xlsx"]
    assert "cadre_monthly.csv" in streamed
    assert "manifest.json" in streamed
    for name in streamed:
        streamed_bytes = (tmp_path / "streamed" / name).read_bytes()
        assert streamed_bytes == (tmp_path / "held" / name).read_bytes(), name


def test_explain_into_a_pipe_whose_reader_left_ends_quietly(
    worked: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``kaohe explain … | head -1``: the reader leaving is not an error of the command."""
    plan, data = worked
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line is written
    with open(write, "w", encoding="utf-8", buffering=1) as pipe:  # a line at a time
        monkeypatch.setattr(sys, "stdout", pipe)
        args = ["--plan", str(plan), "--data", str(data), "--subject", "U1", "--month", "2026-01"]
        assert main(["explain", *args]) == 0


def test_scoring_the_demo_district_prints_no_warning(tmp_path: Path) -> None:
    """polars warns of some deprecations from inside a query, where an error cannot propagate:
    under ``filterwarnings = error`` it is printed and swallowed, so the tests never fail on it.
    A whole run in a child process with every warning shown must leave stderr empty. Twenty
    units of five cadres have small leader groups, so peer groups fall back to the category
    (the path that once warned: ``is_in`` with a column of the same type)."""
    demo = tmp_path / "demo"
    args = ["demo-data", "--units", "20", "--cadres", "100", "--seed", "1", "--out", str(demo)]
    assert main(args) == 0
    score = ["score", "--plan", str(demo / "plan.yaml"), "--data", str(demo)]
    done = subprocess.run(
        [
            sys.executable,
            "-W",
            "default",
            "-m",
            "kaohe.cli",
            *score,
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert (tmp_path / "out" / "cadre_monthly.csv").exists()
