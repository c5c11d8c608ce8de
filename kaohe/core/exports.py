"""Files people open in a spreadsheet: neutralise formula injection (CWE-1236).

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken for a
formula by Excel and WPS when a CSV file is opened; such text gets a leading apostrophe, which
the spreadsheet shows as plain text. Numbers stay numbers (a negative score is not text). Every
CSV file the web application serves is written through :func:`csv_write` or
:func:`csv_response`; every workbook through XlsxWriter with :data:`XLSX_OPTIONS`
(``strings_to_formulas`` off: text is written as text, never parsed as a formula).

>>> safe_cell("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> safe_cell(-3.5)
-3.5
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any, Final, TextIO

from django.http import HttpResponse

DANGEROUS_FIRST: Final = ("=", "+", "-", "@", "\t", "\r")
XLSX_OPTIONS: Final = {"strings_to_formulas": False, "strings_to_urls": False}


def safe_cell(value: Any) -> Any:
    """``value`` as a spreadsheet shows it as text: dangerous leading characters escaped."""
    if isinstance(value, str) and value.startswith(DANGEROUS_FIRST):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in row]


def csv_write(out: TextIO, header: Sequence[str], rows: Iterable[Iterable[Any]]) -> None:
    """A CSV table whose every text cell is safe to open in a spreadsheet."""
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Iterable[Any]]
) -> HttpResponse:
    """A CSV download (UTF-8 with BOM, as Excel expects) written through :func:`csv_write`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    csv_write(response, header, rows)  # type: ignore[arg-type]  # HttpResponse is file-like
    return response
