"""The diary's operations of the JSON API (docs/api.md, docs/diary.md): the attendance machine's
file imported by another system, and the recorded days read back. The same service, permission
and scope as the page ``/diary/import/`` and the month grids.

The diary sits above the API (nothing below it reads the diary), so the router is added to the
API by the diary app when it is ready (kaohe/diary/apps.py), not by kaohe/api/main.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Query, Router, Status, UploadedFile
from pydantic import Field

from kaohe.accounts.scope import cadre_codes_for
from kaohe.api.errors import ApiError, forbidden, require
from kaohe.api.permissions import cadre_scope, reads_cadre, reads_people
from kaohe.api.routers.common import ERRORS, PageQuery, user_of
from kaohe.api.schemas import AttendanceImportOut, AttendancePage
from kaohe.diary.importer import MAX_BYTES, attendance_import
from kaohe.diary.models import Attendance
from kaohe.diary.predicates import IMPORT_ATTENDANCE

router = Router(tags=["diary 日考勤"])


@router.post(
    "/attendance",
    response={201: AttendanceImportOut, **ERRORS},
    summary="Import the attendance machine's CSV file",
    description=(
        "The file of docs/diary.md (UTF-8 or GBK; cadre_id/工号, date/日期, check_in/签到时间, "
        "status/状态, leave_type/假别). All or nothing: a file with any problem changes nothing "
        "and is answered 422 with every problem by file, row and column. A day a chief recorded "
        "keeps the chief's entry (counted as kept); importing the same file again changes "
        "nothing. The office imports any cadre's days, a unit head their unit's."
    ),
)
def attendance_create(request: HttpRequest, file: File[UploadedFile]) -> Status[dict[str, Any]]:
    user = user_of(request)
    require(
        user.is_authenticated and user.has_perm(IMPORT_ATTENDANCE),
        "importing attendance needs the office's or a unit head's role",
    )
    name = file.name or "attendance.csv"
    if file.size is not None and file.size > MAX_BYTES:
        detail = f"the file is larger than {MAX_BYTES // 2**20} MB; nothing was changed"
        raise ApiError(
            422, detail, [{"file": name, "row": None, "column": None, "message": detail}]
        )
    result = attendance_import(name=name, data=file.read(), cadre_codes=cadre_codes_for(user))
    if not result.ok:
        count = len(result.problems)
        raise ApiError(
            422,
            f"not imported: {count} problem{'' if count == 1 else 's'}; nothing was changed",
            [
                {"file": p.file, "row": p.row, "column": p.column, "message": str(p.message)}
                for p in result.problems
            ],
        )
    return Status(
        201,
        {
            "file_name": name,
            "created": result.created,
            "changed": result.changed,
            "unchanged": result.unchanged,
            "kept": result.kept,
        },
    )


class AttendanceQuery(PageQuery):
    year: int | None = Field(
        None, ge=2000, le=2100, description="the calendar year (default: this one)"
    )
    month: int | None = Field(None, ge=1, le=12)
    cadre: str | None = Field(None, description="a cadre's id")
    status: Attendance.Status | None = Field(None, description="present, late, absent or leave")


@router.get(
    "/attendance",
    response={200: AttendancePage, **ERRORS},
    summary="Recorded days, by cadre and date",
)
def attendance_list(request: HttpRequest, filters: Query[AttendanceQuery]) -> dict[str, Any]:
    user = user_of(request)
    if not reads_people(user):
        raise forbidden("your role reads no person's records")
    if filters.cadre is not None and not reads_cadre(user, filters.cadre):
        raise forbidden("you may not read this cadre's records")
    year = filters.year if filters.year is not None else timezone.localdate().year
    query = Attendance.objects.filter(date__year=year)
    if filters.month is not None:
        query = query.filter(date__month=filters.month)
    if filters.cadre is not None:
        query = query.filter(cadre__code=filters.cadre)
    if filters.status is not None:
        query = query.filter(status=filters.status)
    query = cadre_scope(query, user, field="cadre__code").order_by("cadre__code", "date")
    days = query.select_related("cadre")[filters.offset : filters.offset + filters.limit]
    items = [
        {
            "cadre_id": day.cadre.code,
            "name": day.cadre.name,
            "date": day.date,
            "status": day.status,
            "leave_type": day.leave_type,
            "check_in": day.check_in,
            "source": day.source,
        }
        for day in days
    ]
    return {"count": query.count(), "items": items}
