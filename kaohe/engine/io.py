"""Reading and writing the input exchange format (docs/data-format.md).

The input is a directory of ``<table>.csv`` files or one workbook (.xlsx, .xls) with a sheet per
table, named by the table (``economic``) or its Chinese title (``经济指标统计``). Every cell is read
as text, trimmed, then cast column by column with vectorised polars expressions: a value that does
not fit its column becomes a :class:`~kaohe.engine.errors.Problem` naming file, spreadsheet row and
column, and :func:`read_dataset` raises every parse and semantic problem together in one
:class:`~kaohe.engine.errors.DataError`.

>>> dataset = read_dataset("data/2026", plan)  # doctest: +SKIP
>>> dataset["economic"].columns[:3]  # doctest: +SKIP
['unit_id', 'indicator', 'month']
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import fastexcel
import polars as pl
import xlsxwriter

from kaohe.engine import schema as s
from kaohe.engine.dataset import DataSet, empty_table, table_schema
from kaohe.engine.errors import DataError, Problem
from kaohe.engine.plan import Plan
from kaohe.engine.validate import month_expr, problems_where, run_months, validate

WORKBOOK_SUFFIXES: Final = (".xlsx", ".xlsm", ".xls")
WORKBOOK_NAME: Final = "data.xlsx"
TEMPLATE_NAME: Final = "template.xlsx"
README_SHEET: Final = "说明"
MAX_SHEET_ROWS: Final = 1_048_576
XLSX_OPTIONS: Final = {"strings_to_formulas": False, "strings_to_urls": False}

TRUE_WORDS: Final = ("true", "1", "yes", "y", "是")
FALSE_WORDS: Final = ("false", "0", "no", "n", "否")
TAG_SEPARATORS: Final = r"[，、;；]"  # and ","
KIND_HINTS: Final[Mapping[str, str]] = {
    "str": "text",
    "int": "whole number",
    "float": "number",
    "bool": "true/false, 1/0, yes/no, 是/否",
    "month": "YYYY-MM",
    "date": "YYYY-MM-DD",
    "period": "YYYY, YYYY-Q1…Q4 or YYYY-H1/H2",
    "tags": "tags separated by , or 、",
}

_BOM: Final = b"\xef\xbb\xbf"
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
_NOT_MIDNIGHT: Final = r"[ T]00:00:00(\.0+)?$"  # an Excel date cell read as text
_D: Final = "[0-9]"  # ASCII digits only (\d is Unicode in polars' regex)
_KEY_HASH: Final = "_key_hash"
_PARSED: Final = "_parsed"


# ---- reading -------------------------------------------------------------------------------------


def read_dataset(path: str | Path, plan: Plan) -> DataSet:
    """Parse then validate; raise :class:`DataError` listing every problem at once.

    ``path`` is a directory of ``<table>.csv`` files or one .xlsx/.xls workbook with a sheet per
    table. Warnings (accepted, but worth a look) are kept on the returned :class:`DataSet`.
    """
    frames, sources, problems = parse_tables(path, plan)
    months = run_months(frames)
    semantic, warnings = validate(plan, frames, months, sources)
    problems += semantic
    if problems:
        raise DataError(problems)
    return DataSet(plan.year, months, frames, sources, tuple(warnings))


def parse_tables(
    path: str | Path, plan: Plan
) -> tuple[dict[str, pl.DataFrame], dict[str, str], list[Problem]]:
    """Typed frames, a source label per table, and every parse problem.

    A table that is absent and optional gets an empty frame; a table that cannot be used (absent
    and required, unreadable, or missing a required column) gets none, so the semantic checks
    that depend on it are skipped.
    """
    sheets, sources, problems = _locate(Path(path))
    frames: dict[str, pl.DataFrame] = {}
    for name, table in s.TABLES.items():
        sheet = sheets.get(name)
        if sheet is None:
            if table.required:
                problems.append(
                    Problem(
                        sources[name],
                        None,
                        None,
                        f"the table is missing: {name} ({table.title}) is required",
                    )
                )
            else:
                frames[name] = empty_table(name)
            continue
        frame, found = _parse_sheet(table, sources[name], sheet, plan.year)
        problems += found
        if frame is not None:
            frames[name] = frame
    return frames, sources, problems


def dataset_from_frames(
    frames: Mapping[str, pl.DataFrame],
    plan: Plan,
    sources: Mapping[str, str] | None = None,
) -> DataSet:
    """Already-typed frames (from a database, a generator) → a validated :class:`DataSet`.

    Missing tables become empty; ``_row`` is added when absent (2, 3, …). Columns are cast to the
    table's schema; the checks of parsing that still apply to typed values (required values,
    months 1–12, periods, duplicate keys) run before :func:`validate`. Raises :class:`DataError`.
    """
    labels = {name: f"{name}.csv" for name in s.TABLES} | dict(sources or {})
    problems = [
        Problem(name, None, None, "not a table of the exchange format")
        for name in frames
        if name not in s.TABLES
    ]
    usable: dict[str, pl.DataFrame] = {}
    for name, table in s.TABLES.items():
        given = frames.get(name)
        if given is None:
            usable[name] = empty_table(name)
            continue
        frame, found = _typed_frame(table, labels[name], given, plan.year)
        problems += found
        if frame is not None:
            usable[name] = frame
    months = run_months(usable)
    semantic, warnings = validate(plan, usable, months, labels)
    problems += semantic
    if problems:
        raise DataError(problems)
    return DataSet(plan.year, months, usable, labels, tuple(warnings))


@dataclass(frozen=True, slots=True)
class _Sheet:
    """One table as read: text cells ``c0…`` (trimmed, empty → null) and ``_row``."""

    cells: pl.DataFrame | None  # None: unreadable (the problem is already reported)
    problems: tuple[Problem, ...] = ()


def _table_named(text: str) -> str | None:
    """The table a file stem or sheet name stands for: its name or its Chinese title."""
    key = text.strip()
    for name, table in s.TABLES.items():
        if key.lower() == name or key == table.title:
            return name
    return None


def _locate(path: Path) -> tuple[dict[str, _Sheet], dict[str, str], list[Problem]]:
    """Find and read every table of a directory or workbook; label every table."""
    label = path.name or str(path)
    if path.is_dir():
        sheets: dict[str, _Sheet] = {}
        sources = {name: f"{name}.csv" for name in s.TABLES}
        problems: list[Problem] = []
        for file in sorted(path.iterdir()):
            name = _table_named(file.stem)
            if not file.is_file() or file.suffix.lower() != ".csv" or name is None:
                continue  # not a table: ignored
            if name in sheets:
                problems.append(
                    Problem(file.name, None, None, f"{sources[name]} already holds table {name}")
                )
                continue
            sources[name] = file.name
            sheets[name] = _read_csv(file)
        return sheets, sources, problems
    sources = {name: f"{label}[{name}]" for name in s.TABLES}
    if path.is_file() and path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _read_workbook(path, sources)
    reason = (
        "no such file or directory"
        if not path.exists()
        else "not a directory of CSV files or an .xlsx/.xls workbook"
    )
    return {}, sources, [Problem(label, None, None, reason)]


def _read_workbook(
    path: Path, sources: dict[str, str]
) -> tuple[dict[str, _Sheet], dict[str, str], list[Problem]]:
    problems: list[Problem] = []
    try:
        reader = fastexcel.read_excel(path)
    except (OSError, fastexcel.FastExcelError) as exc:
        reason = f"cannot read the workbook: {_first_line(exc)}"
        return {}, sources, [Problem(path.name, None, None, reason)]
    sheets: dict[str, _Sheet] = {}
    for sheet_name in reader.sheet_names:
        name = _table_named(sheet_name)
        if name is None:
            continue  # not a table: ignored
        label = f"{path.name}[{sheet_name}]"
        if name in sheets:
            problems.append(
                Problem(label, None, None, f"{sources[name]} already holds table {name}")
            )
            continue
        sources[name] = label
        try:
            # No header row: row 1 of the sheet is row 0 of the frame, empty rows included.
            sheet = reader.load_sheet(sheet_name, header_row=None, skip_rows=0, dtypes="string")
            raw: pl.DataFrame = sheet.to_polars()
        except fastexcel.FastExcelError as exc:
            problem = Problem(label, None, None, f"cannot read the sheet: {_first_line(exc)}")
            sheets[name] = _Sheet(None, (problem,))
            continue
        raw = raw.rename({c: f"c{i}" for i, c in enumerate(raw.columns)})
        sheets[name] = _Sheet(_text_cells(raw, first_row=1))
    return sheets, sources, problems


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def _read_csv(path: Path) -> _Sheet:
    """UTF-8 (BOM or not) or GB18030 text; a row with more values than the header is reported."""
    label = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        return _Sheet(None, (Problem(label, None, None, f"cannot read the file: {exc.strerror}"),))
    text = _as_utf8(data)
    if text is None:
        message = (
            "the file is UTF-16 text: save it as CSV UTF-8"
            if data.startswith(_UTF16_BOMS)
            else "the file is neither UTF-8 nor GB18030 text"
        )
        return _Sheet(None, (Problem(label, None, None, message),))
    width = _header_width(text)
    # A first line one field wider than the header makes polars keep one overflow column, where
    # a row with too many values (an unquoted comma, as in 1,234.5) shows instead of being cut.
    padded = b"," * width + b"\n" + text
    try:
        raw = pl.read_csv(
            padded,
            has_header=False,
            infer_schema=False,
            truncate_ragged_lines=True,
            raise_if_empty=False,
        )
    except pl.exceptions.PolarsError as exc:
        reason = f"cannot read the CSV: {_first_line(exc)}"
        return _Sheet(None, (Problem(label, None, None, reason),))
    raw = raw.rename({c: f"c{i}" for i, c in enumerate(raw.columns)})
    cells = _text_cells(raw, first_row=0).slice(1)  # without the padding line
    overflow = f"c{width}"
    if cells[overflow].null_count() == cells.height:
        return _Sheet(cells.drop(overflow))
    problems = problems_where(
        cells,
        label,
        None,
        pl.col(overflow).is_not_null(),
        "the row has more values than the header has columns (is there an unquoted comma, "
        "as in 1,234.5?); the row is not read",
    )
    cells = cells.filter(pl.col(overflow).is_null()).drop(overflow)
    return _Sheet(cells, tuple(problems))


def _as_utf8(data: bytes) -> bytes | None:
    """The bytes as UTF-8 without BOM, decoding GB18030 when they are not UTF-8."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        if data.startswith(_UTF16_BOMS):
            return None
        try:
            return data.decode("gb18030").encode("utf-8")
        except UnicodeDecodeError:
            return None
    return data


def _header_width(text: bytes) -> int:
    """Number of fields of the first non-blank line (the header)."""
    for line in text.split(b"\n", 64)[:64]:
        if line.strip(b" \t\r,"):
            return max(1, len(next(csv.reader([line.decode("utf-8").rstrip("\r")]))))
    return 1


def _text_cells(raw: pl.DataFrame, first_row: int) -> pl.DataFrame:
    """Trim every cell, empty → null, and number the rows like a spreadsheet."""
    trimmed = [pl.col(c).cast(pl.String).str.strip_chars() for c in raw.columns]
    return raw.select(
        *(pl.when(t != "").then(t).alias(c) for t, c in zip(trimmed, raw.columns, strict=True)),
        pl.int_range(first_row, first_row + pl.len(), dtype=pl.Int64).alias(s.ROW),
    )


def _parse_sheet(
    table: s.Table, label: str, sheet: _Sheet, year: int
) -> tuple[pl.DataFrame | None, list[Problem]]:
    """Header, then every column cast to its kind, then duplicate keys."""
    problems = list(sheet.problems)
    cells = sheet.cells
    if cells is None:
        return None, problems
    text_columns = [c for c in cells.columns if c != s.ROW]
    filled = cells.select(pl.any_horizontal(pl.col(text_columns).is_not_null()))[:, 0]
    first = filled.arg_true()
    if first.is_empty():
        problems.append(Problem(label, None, None, "the table is empty: no header row"))
        return None, problems
    header = cells.row(first[0], named=True)
    # The data rows follow the header; wholly empty rows (",,,," in CSV) are dropped.
    data = cells.slice(first[0] + 1)
    if not filled.slice(first[0] + 1).all():
        data = data.filter(filled.slice(first[0] + 1))
    where, found = _match_header(table, label, header, data)
    problems += found
    missing = [c.name for c in table.columns if c.required and c.name not in where]
    problems += [Problem(label, None, c, "the required column is missing") for c in missing]
    frame, found = _cast_columns(table, label, data, where, year)
    problems += found
    return (None if missing else frame), problems


def _match_header(
    table: s.Table, label: str, header: Mapping[str, Any], data: pl.DataFrame
) -> tuple[dict[str, str], list[Problem]]:
    """Which cell column holds each column of the table; problems of the header row."""
    row = int(header[s.ROW])
    where: dict[str, str] = {}
    problems: list[Problem] = []
    for cell, name in header.items():
        if cell == s.ROW:
            continue
        if name is None:
            if data[cell].is_not_null().any():
                message = "a column without a name in the header holds values"
                problems.append(Problem(label, row, None, message))
        elif name not in table.column_names:
            known = ", ".join(table.column_names)
            message = f"unknown column '{name}' (the columns are: {known})"
            problems.append(Problem(label, row, name, message))
        elif name in where:
            problems.append(Problem(label, row, name, "the column appears twice"))
        else:
            where[name] = cell
    return where, problems


def _cast_columns(
    table: s.Table, label: str, data: pl.DataFrame, where: Mapping[str, str], year: int
) -> tuple[pl.DataFrame, list[Problem]]:
    """Cast every column at once; work out messages only for the (few) rows that fail."""
    schema = table_schema(table.name)
    values: list[pl.Expr] = []
    failed: dict[str, pl.Expr] = {}
    messages: dict[str, pl.Expr] = {}
    for column in table.columns:
        if column.name not in where:
            values.append(pl.lit(None, schema[column.name]).alias(column.name))
            continue
        text = pl.col(where[column.name])
        value, message = _cast(column, text, year)
        values.append(value.alias(column.name))
        if message is not None:
            failed[column.name] = text.is_not_null() & pl.col(column.name).is_null()
            messages[column.name] = message
        if column.required:
            failed[column.name] = failed.get(column.name, pl.lit(False)) | text.is_null()
            messages[column.name] = (
                pl.when(text.is_null())
                .then(pl.lit("a value is required"))
                .otherwise(messages.get(column.name, pl.lit(None, pl.String)))
            )
    out = data.lazy().with_columns(values).collect()
    bad = out.filter(pl.any_horizontal(failed.values())) if failed else out.clear()
    problems: list[Problem] = []
    for name, fails in failed.items():
        problems += problems_where(bad, label, name, fails, messages[name])
    frame = out.select(*table.column_names, s.ROW)
    if any(table.column(k).required and k not in where for k in table.key):
        return frame, problems  # without its key column no row can be told apart
    # A key that did not parse (now null) cannot repeat another row's key.
    key_failed = [failed[k] for k in table.key if k in failed]
    keyed = out.filter(~pl.any_horizontal(key_failed)) if bad.height and key_failed else frame
    problems += _duplicate_keys(table, label, keyed)
    return frame, problems


def _duplicate_keys(table: s.Table, label: str, frame: pl.DataFrame) -> list[Problem]:
    """One problem per row repeating an earlier row's natural key (nulls are equal values)."""
    repeated = _rows_with_repeated_keys(frame, table.key)  # usually empty: cheap to work on
    first = "_first"
    return problems_where(
        repeated.select(s.ROW, pl.col(s.ROW).min().over(table.key).alias(first)),
        label,
        None,
        pl.col(s.ROW) != pl.col(first),
        pl.format(f"duplicates row {{}} ({', '.join(table.key)})", pl.col(first)),
    )


def _rows_with_repeated_keys(frame: pl.DataFrame, key: Sequence[str]) -> pl.DataFrame:
    """The rows of ``frame`` whose ``key`` columns equal another row's.

    ``is_duplicated`` on millions of keys builds a hash table of them, which is slow; sorting one
    64-bit hash per row is several times faster. Equal keys have equal hashes, so only rows whose
    hash repeats can repeat a key; the exact comparison runs on those (normally none).
    """
    hashes = frame.select(pl.struct(key).hash().alias(_KEY_HASH)).to_series()
    ordered = hashes.sort()
    repeated = ordered.filter(ordered == ordered.shift(1))
    if repeated.is_empty():
        return frame.clear()
    candidates = frame.filter(hashes.is_in(repeated.implode()))
    return candidates.filter(pl.struct(key).is_duplicated())


# ---- casting text to a column's kind -------------------------------------------------------------


def _cast(column: s.Column, text: pl.Expr, year: int) -> tuple[pl.Expr, pl.Expr | None]:
    """(typed value, message) for a trimmed text column; the value is null when the text is.

    The message explains a failure: it is meant for the rows where the text is not null and the
    value is, and is only computed for those. ``None``: the kind never fails (text, tags).
    """
    if column.name == s.TAGS:
        return _tags(text), None
    match column.kind:
        case "int":
            return _int(text)
        case "float":
            return _float(text)
        case "bool":
            return _bool(text)
        case "month":
            return _month(text, year)
        case "date":
            return _date(text)
        case "period":
            return _period(text, year)
        case _:
            return text, None


def _quoted(text: pl.Expr, rest: str) -> pl.Expr:
    return pl.format(f"'{{}}' {rest}", text)


def _not_a_number(text: pl.Expr) -> pl.Expr:
    """Explain the two usual spreadsheet habits: thousands separators and a % sign."""
    thousands = text.str.contains(rf"^[+-]?{_D}{{1,3}}(,{_D}{{3}})+(\.{_D}*)?$")
    percent = text.str.contains(rf"^[+-]?({_D}+\.?{_D}*|\.{_D}+)\s*%$")
    return (
        pl.when(thousands)
        .then(
            pl.format(
                "'{}' is not a number: write it without thousands separators, as {}",
                text,
                text.str.replace_all(",", "", literal=True),
            )
        )
        .when(percent)
        .then(
            pl.format(
                "'{}' is not a number: write it without the % sign, as {}",
                text,
                text.str.replace("%", "", literal=True).str.strip_chars(),
            )
        )
        .otherwise(_quoted(text, "is not a number"))
    )


def _number(text: pl.Expr) -> pl.Expr:
    number = text.cast(pl.Float64, strict=False)
    return pl.when(number.is_finite()).then(number)


def _float(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    value = _number(text)
    return value, _not_a_number(text)


def _int(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``12`` and ``12.0`` (how Excel stores whole numbers) are 12; ``12.5`` is refused."""
    number = _number(text)
    whole = pl.when((number == number.floor()) & (number.abs() < 2**53)).then(number)
    value = pl.coalesce(text.cast(pl.Int64, strict=False), whole.cast(pl.Int64))
    message = (
        pl.when(number.is_not_null())
        .then(_quoted(text, "is not a whole number"))
        .otherwise(_not_a_number(text))
    )
    return value, message


def _bool(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    words = dict.fromkeys(TRUE_WORDS, True) | dict.fromkeys(FALSE_WORDS, False)
    value = text.str.to_lowercase().replace_strict(words, default=None, return_dtype=pl.Boolean)
    message = _quoted(text, "is not true or false (write true/false, 1/0, yes/no or 是/否)")
    return value, message


def _in_year(text: pl.Expr, valid: pl.Expr, what: str, year: int) -> pl.Expr:
    return (
        pl.when(valid.fill_null(False))
        .then(_quoted(text, f"is not in the plan year {year}"))
        .otherwise(_quoted(text, what))
    )


def _month(text: pl.Expr, year: int) -> tuple[pl.Expr, pl.Expr]:
    """``2026-03``, ``2026-3``, ``2026/03``, ``202603`` or a date (an Excel date cell) → 3."""
    norm = text.str.replace_all("/", "-", literal=True).str.replace(_NOT_MIDNIGHT, "")
    norm = (
        pl.when(norm.str.contains(rf"^{_D}{{6}}$"))
        .then(pl.concat_str(norm.str.slice(0, 4), pl.lit("-"), norm.str.slice(4, 2)))
        .otherwise(norm)
    )
    parts = norm.str.extract_groups(rf"^(?<y>{_D}{{4}})-(?<m>{_D}{{1,2}})(?:-(?<d>{_D}{{1,2}}))?$")
    month = parts.struct.field("m").cast(pl.Int64)
    day = parts.struct.field("d")
    valid = month.is_between(1, 12) & (
        day.is_null() | norm.str.to_date("%Y-%m-%d", strict=False).is_not_null()
    )
    year_text = parts.struct.field("y")
    value = pl.when(valid & (year_text == str(year))).then(month)
    what = "is not a month (write YYYY-MM, as 2026-03)"
    return value, _in_year(text, valid, what, year)


def _date(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``2026-03-31``, ``2026/3/31`` or an Excel date cell."""
    norm = text.str.replace_all("/", "-", literal=True).str.replace(_NOT_MIDNIGHT, "")
    value = (
        pl.when(norm.str.contains(rf"^{_D}{{4}}-{_D}{{1,2}}-{_D}{{1,2}}$"))
        .then(norm)
        .str.to_date("%Y-%m-%d", strict=False)
    )
    return value, _quoted(text, "is not a date (write YYYY-MM-DD)")


def _period(text: pl.Expr, year: int) -> tuple[pl.Expr, pl.Expr]:
    """``2026``, ``2026-Q1`` or ``2026Q1``, ``2026-H1`` or ``2026H1`` → ``2026-Q1``, ``2026-H1``."""
    parts = text.str.to_uppercase().str.extract_groups(
        rf"^(?<y>{_D}{{4}})(?:-?(?<k>[QH])(?<n>{_D}))?$"
    )
    y, k, n = (parts.struct.field(f) for f in ("y", "k", "n"))
    number = n.cast(pl.Int64)
    valid = y.is_not_null() & (
        k.is_null()
        | ((k == "Q") & number.is_between(1, 4))
        | ((k == "H") & number.is_between(1, 2))
    )
    norm = pl.when(k.is_null()).then(y).otherwise(pl.concat_str(y, pl.lit("-"), k, n))
    value = pl.when(valid & (y == str(year))).then(norm)
    what = "is not a period (write 2026, 2026-Q1…Q4 or 2026-H1/H2)"
    return value, _in_year(text, valid, what, year)


def _tags(text: pl.Expr) -> pl.Expr:
    """``a，b、c`` → ["a", "b", "c"]; blanks dropped; no tag at all → null."""
    tag = pl.element().str.strip_chars()
    tags = text.str.replace_all(TAG_SEPARATORS, ",").str.split(",").list.eval(tag.filter(tag != ""))
    return pl.when(tags.list.len() > 0).then(tags)


# ---- typed frames (dataset_from_frames) ----------------------------------------------------------


def _typed_frame(
    table: s.Table, label: str, given: pl.DataFrame, year: int
) -> tuple[pl.DataFrame | None, list[Problem]]:
    """Conform an already-typed frame to the table schema and run the value checks."""
    problems = [
        Problem(label, None, c, f"unknown column '{c}'")
        for c in given.columns
        if c not in table.column_names and c != s.ROW
    ]
    schema = table_schema(table.name)
    missing = [c.name for c in table.columns if c.required and c.name not in given.columns]
    problems += [Problem(label, None, c, "the required column is missing") for c in missing]
    if s.ROW not in given.columns:
        given = given.with_row_index(s.ROW, offset=2)
    columns: list[pl.Series] = []
    for name, dtype in schema.items():
        if name not in given.columns:
            columns.append(pl.repeat(None, given.height, dtype=dtype, eager=True).alias(name))
            continue
        try:
            columns.append(given[name].cast(dtype))
        except pl.exceptions.PolarsError:
            problems.append(
                Problem(label, None, name, f"the column is {given[name].dtype}, not {dtype}")
            )
            missing.append(name)
    if missing:
        return None, problems
    frame = pl.DataFrame(columns)
    for c in table.columns:
        if c.required:
            problems += problems_where(
                frame, label, c.name, pl.col(c.name).is_null(), "a value is required"
            )
    normalised: list[pl.Expr] = []
    for c in table.columns:
        if c.kind == "month":
            bad = ~pl.col(c.name).is_between(1, 12)
            message = pl.format("month {} is not 1–12", pl.col(c.name))
            problems += problems_where(frame, label, c.name, bad, message)
            normalised.append(pl.when(~bad).then(pl.col(c.name)).alias(c.name))
        elif c.kind == "period":
            value, message = _period(pl.col(c.name), year)
            parsed = _parse_distinct(frame, c.name, value)
            wrong = parsed.filter(pl.col(_PARSED).is_null())[c.name]
            if not wrong.is_empty():
                bad = pl.col(c.name).is_in(wrong.implode())
                problems += problems_where(frame, label, c.name, bad, message)
            normalised.append(
                pl.col(c.name).replace_strict(parsed[c.name], parsed[_PARSED], default=None)
            )
    frame = frame.with_columns(normalised)
    problems += _duplicate_keys(table, label, frame)
    return frame, problems


def _parse_distinct(frame: pl.DataFrame, column: str, value: pl.Expr) -> pl.DataFrame:
    """``value`` (an expression of ``column``) for each distinct non-null text of ``column``.

    Periods repeat a handful of texts over millions of evaluation rows: parsing each distinct
    text once and mapping the rows is much cheaper than running the regular expressions per row.
    """
    texts = frame.select(pl.col(column).unique().drop_nulls())
    return texts.with_columns(value.alias(_PARSED))


# ---- writing -------------------------------------------------------------------------------------


def _text_expr(column: s.Column, year: int) -> pl.Expr:
    """The inverse of :func:`_cast`: a typed column as the text a file holds."""
    c = pl.col(column.name)
    if column.name == s.TAGS:
        return c.list.join(",")
    match column.kind:
        case "month":
            return month_expr(year, column.name)
        case "date":
            return c.dt.to_string("%Y-%m-%d")
        case "bool":
            return pl.when(c).then(pl.lit("true")).when(~c).then(pl.lit("false"))
        case _:
            return c.cast(pl.String)  # floats print their shortest exact repr (0.1, 1e-7)


def _as_text(name: str, frame: pl.DataFrame, year: int) -> pl.DataFrame:
    table = s.TABLES[name]
    schema = table_schema(name)
    typed = frame.select(
        pl.col(c).cast(schema[c]) if c in frame.columns else pl.lit(None, schema[c]).alias(c)
        for c in table.column_names
    )
    return typed.select(_text_expr(c, year).alias(c.name) for c in table.columns)


def write_tables(
    tables: Mapping[str, pl.DataFrame], out: str | Path, year: int, *, xlsx: bool = False
) -> list[Path]:
    """Typed frames → ``<table>.csv`` files in ``out`` (or one workbook ``out/data.xlsx``).

    The inverse of parsing: months as ``YYYY-MM`` of ``year``, dates ISO, flags true/false, tags
    joined by ``,``, floats in their shortest exact text, nulls empty, columns in schema order
    without ``_row``. Every cell of a workbook is a text cell, so nothing is lost or reformatted.
    """
    unknown = sorted(set(tables) - set(s.TABLES))
    if unknown:
        raise ValueError(f"not tables of the exchange format: {', '.join(unknown)}")
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    texts = {name: _as_text(name, tables[name], year) for name in s.TABLES if name in tables}
    if not xlsx:
        paths = []
        for name, text in texts.items():
            path = root / f"{name}.csv"
            text.write_csv(path, include_bom=True, null_value="")
            paths.append(path)
        return paths
    for name, text in texts.items():
        if text.height >= MAX_SHEET_ROWS:
            raise ValueError(f"{name} has {text.height} rows, more than a worksheet holds")
    path = root / WORKBOOK_NAME
    with xlsxwriter.Workbook(path, XLSX_OPTIONS) as book:
        bold = book.add_format({"bold": True})
        for name, text in texts.items():
            sheet = _header_sheet(book, name, bold)
            for r, row in enumerate(text.iter_rows(), start=1):
                for col, value in enumerate(row):
                    if value is not None:
                        sheet.write_string(r, col, value)
    return [path]


def _header_sheet(book: Any, name: str, bold: Any) -> Any:
    """A sheet named after the table with its bold, frozen header row."""
    sheet = book.add_worksheet(name)
    for col, column in enumerate(s.TABLES[name].columns):
        sheet.write_string(0, col, column.name, bold)
        sheet.set_column(col, col, max(12, len(column.name) + 4))
    sheet.freeze_panes(1, 0)
    return sheet


def template_workbook(out: str | Path) -> Path:
    """An empty import template: the README sheet 说明, then one sheet per table.

    ``out`` is the workbook's path, or a directory to hold ``template.xlsx``. Each table sheet has
    the header row only (bold, frozen, with column widths); text columns are formatted as text, so
    Excel keeps ids such as 0012 and months such as 2026-03 as typed.
    """
    path = Path(out)
    if path.is_dir() or not path.suffix:
        path = path / TEMPLATE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    with xlsxwriter.Workbook(path, XLSX_OPTIONS) as book:
        bold = book.add_format({"bold": True})
        as_text = book.add_format({"num_format": "@"})
        readme = book.add_worksheet(README_SHEET)
        head = ("table", "中文名", "table required", "column", "kind", "format", "column required")
        for col, title in enumerate(head):
            readme.write_string(0, col, title, bold)
        for col, width in enumerate((14, 16, 14, 24, 10, 34, 16)):
            readme.set_column(col, col, width)
        readme.freeze_panes(1, 0)
        r = 1
        for name, table in s.TABLES.items():
            sheet = _header_sheet(book, name, bold)
            for col, column in enumerate(table.columns):
                kind = "tags" if column.name == s.TAGS else column.kind
                if kind in ("str", "month", "period", "tags"):
                    sheet.set_column(col, col, max(12, len(column.name) + 4), as_text)
                cells = (
                    name,
                    table.title,
                    "yes" if table.required else "no",
                    column.name,
                    kind,
                    KIND_HINTS[kind],
                    "yes" if column.required else "no",
                )
                for c, value in enumerate(cells):
                    readme.write_string(r, c, value)
                r += 1
    return path
