"""Imports (a workbook or CSV through kaohe.collection's import service) and the templates."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Query, Router, Status, UploadedFile
from pydantic import Field

from kaohe.accounts.models import User
from kaohe.accounts.scope import importable_tables, owners_for
from kaohe.api.errors import ApiError, require
from kaohe.api.permissions import may_import
from kaohe.api.routers.common import ERRORS, PageQuery, user_of
from kaohe.api.schemas import ImportOut, ImportPage, TemplateOut
from kaohe.collection.importers import Upload
from kaohe.collection.models import ImportBatch
from kaohe.collection.services import import_file, template_all, template_table
from kaohe.core.models import MAX_YEAR, MIN_YEAR
from kaohe.engine import schema as s

router = Router(tags=["imports 导入"])

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL = "all"


class ImportListQuery(PageQuery):
    year: int | None = Field(None, ge=2000, le=2100)


@router.get("/imports", response={200: ImportPage, **ERRORS}, summary="Imports, newest first")
def imports_list(request: HttpRequest, filters: Query[ImportListQuery]) -> dict[str, Any]:
    require(may_import(user_of(request)))
    query = ImportBatch.objects.order_by("-created", "-id")
    if filters.year is not None:
        query = query.filter(year=filters.year)
    items = list(query[filters.offset : filters.offset + filters.limit])
    return {"count": query.count(), "items": items}


@router.get("/imports/{import_id}", response={200: ImportOut, **ERRORS}, summary="An import")
def imports_get(request: HttpRequest, import_id: int) -> ImportBatch:
    require(may_import(user_of(request)))
    return ImportBatch.objects.get(pk=import_id)


@router.post(
    "/imports",
    response={201: ImportOut, **ERRORS},
    summary="Import a workbook or CSV file into a plan year",
    description=(
        "All or nothing: a file with any problem changes nothing and is answered 422 with every "
        "problem by file (sheet), row and column. Importing the same file again changes nothing "
        "(every row counted unchanged)."
    ),
)
def imports_create(
    request: HttpRequest,
    file: File[UploadedFile],
    year: Form[int],
) -> Status[ImportBatch]:
    user = user_of(request)
    require(may_import(user), "importing needs the office's or the statistics role")
    if not MIN_YEAR <= year <= MAX_YEAR:
        detail = f"year must be from {MIN_YEAR} to {MAX_YEAR}"
        raise ApiError(
            422, detail, [{"file": "request", "row": None, "column": "year", "message": detail}]
        )
    upload = cast(Upload, file)  # an uploaded file always has its size
    batch = import_file(
        upload=upload,
        year=year,
        user=user if isinstance(user, User) else None,
        tables=importable_tables(user),
        owners=owners_for(user),
    )
    if batch.state != ImportBatch.State.DONE:
        detail = (
            f"not imported (import {batch.pk}): {batch.problem_count} problem"
            f"{'' if batch.problem_count == 1 else 's'}; nothing was changed"
        )
        raise ApiError(422, detail, batch.problems)
    return Status(201, batch)


@router.get("/templates", response={200: list[TemplateOut], **ERRORS}, summary="Templates")
def templates(request: HttpRequest) -> list[dict[str, str]]:
    out = [{"table": ALL, "title": "全部数据表", "url": _template_url(ALL)}]
    out += [
        {"table": name, "title": table.title, "url": _template_url(name)}
        for name, table in s.TABLES.items()
    ]
    return out


@router.get(
    "/templates/{table}",
    response={200: None, **ERRORS},
    summary="An import template (.xlsx): every table (all), or one",
    url_name="template_download",
    openapi_extra={"responses": {200: {"content": {XLSX_TYPE: {}}, "description": "xlsx"}}},
)
def template_download(request: HttpRequest, table: str) -> HttpResponse:
    if table != ALL and table not in s.TABLES:
        raise ApiError(404, f"there is no table {table!r}")
    with TemporaryDirectory() as folder:
        if table == ALL:
            path = template_all(Path(folder) / "template.xlsx")
            filename = "kaohe-template.xlsx"
        else:
            path = template_table(table, Path(folder) / f"{table}.xlsx")
            filename = f"{table}.xlsx"
        response = HttpResponse(path.read_bytes(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _template_url(table: str) -> str:
    return reverse("api:template_download", kwargs={"table": table})
