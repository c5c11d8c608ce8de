"""Downloads of the import templates (an empty workbook to fill in)."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from kaohe.collection.services import template_all, template_table
from kaohe.engine import schema as s

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(path: Path, filename: str) -> HttpResponse:
    response = HttpResponse(path.read_bytes(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def template(request: HttpRequest, table: str | None = None) -> HttpResponse:
    """The template of every table, or of one (``/collection/template/economic.xlsx``)."""
    with TemporaryDirectory() as folder:
        if table is None:
            return _xlsx(template_all(Path(folder) / "template.xlsx"), "kaohe-template.xlsx")
        if table not in s.TABLES:
            raise Http404(table)
        path = template_table(table, Path(folder) / f"{table}.xlsx")
        return _xlsx(path, f"{table}.xlsx")
