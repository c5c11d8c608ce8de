"""A small kit for printable workbooks (XlsxWriter): a title, merged headers, widths, frozen
panes and print setup, the same on every export.

A sheet is a title row, a subtitle row, one or two header rows (a column with a ``group`` sits
under a merged group header; a column without one spans both header rows) and the data rows.
Panes are frozen below the headers and right of the ``key`` columns; printing is A4 landscape,
fitted to one page wide, with the header rows repeated on every page and "page n / N" in the
footer. Text is never read as a formula (``strings_to_formulas`` off) and big sheets are written
row by row (``constant_memory``): callers give rows in order.

>>> with workbook_open(path, big=True) as book:                      # doctest: +SKIP
...     sheet_write(book, Sheet(name="干部", title="…", columns=cols, rows=rows))
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from kaohe.engine.numbers import round_half_up

Kind = Literal["text", "int", "score", "ratio"]
FONT: Final = "Noto Sans CJK SC"
PAPER_A4: Final = 9
TITLE_ROW: Final = 0
SUBTITLE_ROW: Final = 1
HEADER_ROW: Final = 2
MAX_SHEET_NAME: Final = 31
_FORBIDDEN: Final = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
DECIMALS: Final[dict[str, int]] = {"score": 2, "ratio": 4}


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header, width (characters), kind of value and optional merged group."""

    title: str
    width: float = 12
    kind: Kind = "text"
    group: str = ""


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    subtitle: str = ""
    key_columns: int = 1  # columns kept visible when scrolling right
    notes: Sequence[str] = field(default_factory=tuple)  # lines below the table


def header_rows(columns: Sequence[Column]) -> int:
    """1, or 2 when any column sits under a group header."""
    return 2 if any(c.group for c in columns) else 1


def first_data_row(columns: Sequence[Column]) -> int:
    return HEADER_ROW + header_rows(columns)


def sheet_name(text: str) -> str:
    """A valid, unique-enough sheet name: no []:*?/\\, at most 31 characters."""
    return text.translate(_FORBIDDEN)[:MAX_SHEET_NAME] or "Sheet"


class _Formats:
    def __init__(self, book: Workbook) -> None:
        base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
        cell = base | {"border": 1}
        self.title = book.add_format(base | {"bold": True, "font_size": 16, "align": "center"})
        self.subtitle = book.add_format(base | {"align": "center", "font_color": "#555555"})
        self.header = book.add_format(
            cell | {"bold": True, "align": "center", "text_wrap": True, "bg_color": "#DCE6F1"}
        )
        self.text = book.add_format(cell)
        self.int = book.add_format(cell | {"num_format": "0", "align": "right"})
        self.score = book.add_format(cell | {"num_format": "0.00"})
        self.ratio = book.add_format(cell | {"num_format": "0.0000"})
        self.note = book.add_format(base | {"font_color": "#555555"})

    def of(self, kind: Kind) -> Any:
        return getattr(self, kind)


@contextmanager
def workbook_open(target: Path | io.BytesIO, *, big: bool = False) -> Iterator[Workbook]:
    """A workbook writing to ``target``; ``big``: row by row with little memory (a file path
    only: XlsxWriter's constant-memory mode spools rows to temporary files)."""
    options: dict[str, Any] = {"strings_to_formulas": False, "strings_to_numbers": False}
    if big and isinstance(target, Path):
        options["constant_memory"] = True
    elif isinstance(target, io.BytesIO):
        options["in_memory"] = True
    book = xlsxwriter.Workbook(target, options)
    book.formats_cache = _Formats(book)  # one set per workbook
    try:
        yield book
    finally:
        book.close()


def _value(column: Column, value: Any) -> Any:
    if value is None or value == "":
        return None
    if column.kind in DECIMALS and isinstance(value, float | int):
        return round_half_up(float(value), DECIMALS[column.kind])
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)  # text, and lazily translated labels


def sheet_write(book: Workbook, sheet: Sheet) -> int:
    """Add ``sheet`` to ``book``; the number of data rows written."""
    formats: _Formats = book.formats_cache
    ws: Worksheet = book.add_worksheet(sheet_name(sheet.name))
    columns = sheet.columns
    last = len(columns) - 1
    for index, column in enumerate(columns):
        ws.set_column(index, index, column.width)
    ws.set_row(TITLE_ROW, 28)
    if last > 0:
        ws.merge_range(TITLE_ROW, 0, TITLE_ROW, last, sheet.title, formats.title)
        ws.merge_range(SUBTITLE_ROW, 0, SUBTITLE_ROW, last, sheet.subtitle, formats.subtitle)
    else:
        ws.write_string(TITLE_ROW, 0, sheet.title, formats.title)
        ws.write_string(SUBTITLE_ROW, 0, sheet.subtitle, formats.subtitle)
    _headers(ws, columns, formats)
    start = first_data_row(columns)
    row = start
    for values in sheet.rows:
        for index, column in enumerate(columns):
            value = _value(column, values[index])
            if value is None:
                ws.write_blank(row, index, None, formats.of(column.kind))
            elif isinstance(value, str):
                ws.write_string(row, index, value, formats.of(column.kind))
            else:
                ws.write_number(row, index, value, formats.of(column.kind))
        row += 1
    for offset, line in enumerate(sheet.notes, start=1):
        ws.write_string(row + offset, 0, line, formats.note)
    ws.freeze_panes(start, sheet.key_columns)
    ws.repeat_rows(HEADER_ROW, start - 1)
    ws.set_landscape()
    ws.set_paper(PAPER_A4)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C&P / &N")
    ws.hide_gridlines(0)
    return row - start


def _headers(ws: Worksheet, columns: Sequence[Column], formats: _Formats) -> None:
    """One header row, or two: a group's header merged over its columns, a column without a
    group merged over both rows. Cells are written row by row (constant-memory mode flushes a
    row once a later one is written), so the merged areas are recorded directly."""
    if header_rows(columns) == 1:
        for index, column in enumerate(columns):
            ws.write_string(HEADER_ROW, index, column.title, formats.header)
        return
    spans: list[tuple[int, int, str, bool]] = []  # first, last column, text, spans both rows
    index = 0
    while index < len(columns):
        column = columns[index]
        end = index
        while column.group and end + 1 < len(columns) and columns[end + 1].group == column.group:
            end += 1
        spans.append((index, end, column.group or column.title, not column.group))
        index = end + 1
    for first, last, text, _both in spans:
        ws.write_string(HEADER_ROW, first, text, formats.header)
        for other in range(first + 1, last + 1):
            ws.write_blank(HEADER_ROW, other, None, formats.header)
    for index, column in enumerate(columns):
        if column.group:
            ws.write_string(HEADER_ROW + 1, index, column.title, formats.header)
        else:
            ws.write_blank(HEADER_ROW + 1, index, None, formats.header)
    for first, last, _text, both in spans:
        if both or last > first:
            ws.merge.append([HEADER_ROW, first, HEADER_ROW + int(both), last])
