"""Writing result tables: published numbers as text (CSV) or numbers (xlsx), byte-stable."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import polars as pl
import xlsxwriter

from kaohe import __version__
from kaohe.engine import schema as s
from kaohe.engine.common import RATIO_DIGITS
from kaohe.engine.dataset import DataSet, Results
from kaohe.engine.errors import EngineError
from kaohe.engine.numbers import round_half_up_expr
from kaohe.engine.plan import Plan
from kaohe.engine.score import score_into

DIGITS = {"score": 2, "ratio": RATIO_DIGITS}
MAX_SHEET_ROWS = 1_048_576  # Excel's limit, header included


def fixed(expr: pl.Expr, decimals: int) -> pl.Expr:
    """Text of a number rounded half up with exactly ``decimals`` decimals; empty when null.

    >>> pl.select(fixed(pl.lit(98.5), 2)).item()
    '98.50'
    """
    scale = 10**decimals
    v = round_half_up_expr(expr, decimals)
    units = (v.abs() * scale).round(0).cast(pl.Int64)
    text = (
        (units // scale).cast(pl.String) + "." + (units % scale).cast(pl.String).str.zfill(decimals)
    )
    signed = pl.when((v < 0) & (units > 0)).then(pl.lit("-") + text).otherwise(text)
    return signed.fill_null("")


def publish(name: str, frame: pl.DataFrame, year: int) -> pl.DataFrame:
    """Every column of result table ``name`` as published text."""
    exprs: list[pl.Expr] = []
    for column, fmt in s.OUTPUTS[name]:
        col = pl.col(column)
        if fmt in DIGITS:
            e = fixed(col, DIGITS[fmt])
        elif fmt == "month":
            e = pl.lit(f"{year}-") + col.cast(pl.String).str.zfill(2)
        elif fmt == "bool":
            e = pl.when(col).then(pl.lit("true")).when(col.not_()).then(pl.lit("false"))
        else:
            e = col.cast(pl.String)
        exprs.append(e.alias(column))
    # empty text and missing values both publish as an empty, unquoted field
    return frame.select(exprs).with_columns(pl.all().replace("", None))


def numbers_for_sheet(name: str, frame: pl.DataFrame, year: int) -> pl.DataFrame:
    """Published numbers stay numbers in a workbook (rounded), months become text."""
    exprs: list[pl.Expr] = []
    for column, fmt in s.OUTPUTS[name]:
        col = pl.col(column)
        if fmt in DIGITS:
            exprs.append(round_half_up_expr(col, DIGITS[fmt]).alias(column))
        elif fmt == "month":
            exprs.append((pl.lit(f"{year}-") + col.cast(pl.String).str.zfill(2)).alias(column))
        else:
            exprs.append(col)
    return frame.select(exprs)


def write_results(results: Results, out: str | Path, *, xlsx: bool = False) -> list[Path]:
    """Write every result table as ``<name>.csv`` (and ``results.xlsx``); return the paths."""
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in s.OUTPUTS:
        path = out_dir / f"{name}.csv"
        publish(name, results[name], results.plan_year).write_csv(path)
        written.append(path)
    if xlsx:
        written.append(write_workbook(results, out_dir / "results.xlsx"))
    return written


def score_to_csv(plan: Plan, data: DataSet, out: str | Path) -> tuple[list[Path], dict[str, int]]:
    """Score ``data`` and write each table's ``<name>.csv`` as soon as the engine has finished
    it (:func:`~kaohe.engine.score.score_into`): the published tables are never all in memory,
    which at province scale is more than the input takes. The files are those
    :func:`write_results` writes, byte for byte. Returns the paths and each table's row count.
    A problem with the data (:class:`~kaohe.engine.errors.DataError`) is found before the first
    table is finished: then nothing is written.
    """
    out_dir = Path(out)
    rows: dict[str, int] = {}

    def write(name: str, frame: pl.DataFrame) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)  # not before: a DataError writes nothing
        publish(name, frame, plan.year).write_csv(out_dir / f"{name}.csv")
        rows[name] = frame.height

    score_into(plan, data, write)
    return [out_dir / f"{name}.csv" for name in s.OUTPUTS], {n: rows[n] for n in s.OUTPUTS}


def write_workbook(results: Results, path: Path) -> Path:
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with xlsxwriter.Workbook(str(path), options) as book:
        # a fixed creation time keeps the same results byte-identical
        book.set_properties({"created": dt.datetime(2000, 1, 1, tzinfo=dt.UTC)})
        header = book.add_format({"bold": True, "bg_color": "#DDE5F0", "border": 1})
        for name in s.OUTPUTS:
            frame = numbers_for_sheet(name, results[name], results.plan_year)
            if frame.height >= MAX_SHEET_ROWS:
                raise EngineError(
                    f"{name} has {frame.height} rows, more than a worksheet holds; "
                    "use the CSV files"
                )
            sheet = book.add_worksheet(name)
            for c, column in enumerate(frame.columns):
                sheet.write_string(0, c, column, header)
                sheet.set_column(c, c, max(10, len(column) + 2))
            for r, row in enumerate(frame.iter_rows(), start=1):
                for c, value in enumerate(row):
                    if value is None:
                        continue
                    if isinstance(value, bool):
                        sheet.write_boolean(r, c, value)
                    elif isinstance(value, int | float):
                        sheet.write_number(r, c, value)
                    else:
                        sheet.write_string(r, c, str(value))
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(frame.height, 1), max(len(frame.columns) - 1, 0))
    return path


def checksum(paths: Iterable[Path]) -> str:
    """SHA-256 over the names and contents of ``paths`` in sorted order."""
    digest = hashlib.sha256()
    for p in sorted(paths):
        digest.update(p.name.encode())
        digest.update(p.read_bytes())
    return digest.hexdigest()


def write_manifest(
    out: Path,
    *,
    plan_path: Path,
    data_paths: Iterable[Path],
    plan_year: int,
    months: Iterable[int],
    rows: Mapping[str, int],
) -> Path:
    """``manifest.json``: engine version, plan and input checksums, months and each table's
    rows — no timestamps."""
    manifest = {
        "engine": __version__,
        "plan_year": plan_year,
        "months": list(months),
        "plan_sha256": checksum([plan_path]),
        "data_sha256": checksum(data_paths),
        "rows": {name: rows[name] for name in s.OUTPUTS},
    }
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return path
