"""The attendance machine's CSV file (docs/diary.md "Attendance import"): validated as a whole
first, every problem named by file, row and column; then written in one transaction, or not at
all. Importing the same file again changes nothing.

Columns (a header row; English or Chinese names):

==============  ==========  ===========================================================
column          中文         meaning
==============  ==========  ===========================================================
cadre_id        工号         required: the cadre's code (干部编号)
date            日期         required: ``2026-03-02`` (or ``2026/3/2``), a working day
check_in        签到时间     ``08:52`` or ``08:52:10``; present, or late after the start time
status          状态         optional: 出勤/迟到/旷工/请假 (or present/late/absent/leave);
                            empty: from check_in, and absent without one
leave_type      假别         required for leave: 事假, 病假, … (docs/diary.md)
==============  ==========  ===========================================================
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Final

from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.cycle.guard import locked_months
from kaohe.diary.calendar import working_days
from kaohe.diary.models import Attendance
from kaohe.diary.services import month_resum, status_of
from kaohe.org.models import Cadre

COLUMNS: Final = {
    "cadre_id": ("cadre_id", "工号", "干部编号"),
    "date": ("date", "日期"),
    "check_in": ("check_in", "签到时间"),
    "status": ("status", "状态"),
    "leave_type": ("leave_type", "假别"),
}
REQUIRED: Final = ("cadre_id", "date")
MAX_ROWS: Final = 200_000
MAX_BYTES: Final = 10 * 1024 * 1024  # a file larger than this is refused before it is read


@dataclass(frozen=True, slots=True)
class ImportProblem:
    file: str
    row: int | None  # the file's line number (the header is line 1)
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += _("，第 %(row)d 行") % {"row": self.row}
        if self.column:
            where += f"，{self.column}"
        return f"{where}：{self.message}"


@dataclass
class ImportResult:
    problems: list[ImportProblem] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    kept: int = 0  # days a chief recorded: the chief's entry stands

    @property
    def ok(self) -> bool:
        return not self.problems


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("gbk", data, 0, 1, "neither UTF-8 nor GBK")


def _status_value(text: str) -> str | None:
    for value, label in Attendance.Status.choices:
        if text in (value, str(label)):
            return value
    return None


def _leave_value(text: str) -> str | None:
    for value, label in Attendance.LeaveType.choices:
        if text in (value, str(label)):
            return value
    return None


_DATE_RE: Final = re.compile(r"(\d{4})[-/.]?(\d{1,2})[-/.]?(\d{1,2})")
_TIME_RE: Final = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def _date(text: str) -> dt.date | None:
    """``2026-03-02``, ``2026/3/2``, ``2026.3.2`` or ``20260302``."""
    found = _DATE_RE.fullmatch(text)
    if found is None:
        return None
    try:
        return dt.date(*(int(g) for g in found.groups()))
    except ValueError:
        return None


def _time(text: str) -> dt.time | None:
    """``08:52`` or ``08:52:10``."""
    found = _TIME_RE.fullmatch(text)
    if found is None:
        return None
    try:
        return dt.time(int(found[1]), int(found[2]), int(found[3] or 0))
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    cadre: int
    date: dt.date
    status: str
    leave_type: str
    check_in: dt.time | None


def attendance_import(
    *, name: str, data: bytes, cadre_codes: frozenset[str] | None = None
) -> ImportResult:
    """Validate and import an attendance file. ``cadre_codes``: the cadres the importing user
    may record (None: every cadre); any other code is an unknown cadre."""
    result = ImportResult()

    def problem(line: int | None, column: str | None, message: str) -> None:
        result.problems.append(ImportProblem(name, line, column, message))

    try:
        text = _decode(data)
    except UnicodeDecodeError:
        problem(None, None, _("文件编码无法识别：请保存为 UTF-8 或 GBK 编码的 CSV。"))
        return result
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    where: dict[str, int] = {}
    for key, names in COLUMNS.items():
        for i, h in enumerate(header):
            if h in names:
                where[key] = i
    for key in REQUIRED:
        if key not in where:
            problem(
                1, COLUMNS[key][1], _("缺少必填列（%(names)s）") % {"names": "/".join(COLUMNS[key])}
            )
    if result.problems:
        return result
    raw = list(reader)
    if len(raw) > MAX_ROWS:
        problem(None, None, _("行数超过 %(n)d 行。") % {"n": MAX_ROWS})
        return result
    codes = {
        (cells[where["cadre_id"]].strip() if where["cadre_id"] < len(cells) else "")
        for cells in raw
    }
    known = dict(Cadre.objects.filter(code__in=codes).values_list("code", "pk"))
    dates: list[dt.date] = []
    parsed: list[_Row] = []
    seen: dict[tuple[int, dt.date], int] = {}

    def cell(cells: list[str], key: str) -> str:
        i = where.get(key)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    for line, cells in enumerate(raw, start=2):
        if not any(c.strip() for c in cells):
            continue
        code, day_text = cell(cells, "cadre_id"), cell(cells, "date")
        time_text, status_text = cell(cells, "check_in"), cell(cells, "status")
        leave_text = cell(cells, "leave_type")
        col = {k: header[i] for k, i in where.items()}
        bad = False
        pk = known.get(code)
        if not code:
            problem(line, col["cadre_id"], _("必填"))
            bad = True
        elif pk is None or (cadre_codes is not None and code not in cadre_codes):
            problem(line, col["cadre_id"], _("未知的干部编号 %(code)s") % {"code": code})
            bad = True
        day = _date(day_text)
        if day is None:
            problem(line, col["date"], _("日期格式不对：%(value)s") % {"value": day_text})
            bad = True
        check_in = _time(time_text) if time_text else None
        if time_text and check_in is None:
            problem(line, col["check_in"], _("时间格式不对：%(value)s") % {"value": time_text})
            bad = True
        status = _status_value(status_text) if status_text else None
        if status_text and status is None:
            problem(line, col["status"], _("未知的状态：%(value)s") % {"value": status_text})
            bad = True
        if status is None and not status_text:
            status = status_of(check_in) if check_in else Attendance.Status.ABSENT
        leave = _leave_value(leave_text) if leave_text else ""
        if leave is None:
            problem(line, col["leave_type"], _("未知的假别：%(value)s") % {"value": leave_text})
            bad = True
        elif status == Attendance.Status.LEAVE and not leave:
            problem(line, col.get("leave_type", "leave_type"), _("请假须填写假别"))
            bad = True
        elif leave and status != Attendance.Status.LEAVE:
            problem(line, col["leave_type"], _("只有请假才填写假别"))
            bad = True
        if bad or pk is None or day is None or status is None or leave is None:
            continue
        slot = (pk, day)
        if slot in seen:
            problem(
                line,
                col["date"],
                _("与第 %(row)d 行重复（同一干部同一天）") % {"row": seen[slot]},
            )
            continue
        seen[slot] = line
        dates.append(day)
        parsed.append(_Row(line, pk, day, status, leave, check_in))
    if dates:
        workdays = set(working_days(min(dates), max(dates)))
        locked = {y: locked_months(y) for y in {d.year for d in dates}}
        for row in parsed:
            if row.date not in workdays:
                problem(
                    row.line, header[where["date"]], _("%(date)s 不是工作日") % {"date": row.date}
                )
            elif row.date.month in locked[row.date.year]:
                problem(
                    row.line,
                    header[where["date"]],
                    _("%(year)d年%(month)d月已锁定，未导入任何数据")
                    % {"year": row.date.year, "month": row.date.month},
                )
    if result.problems:
        result.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        return result
    _write(parsed, result)
    return result


def _write(rows: list[_Row], result: ImportResult) -> None:
    with transaction.atomic():
        existing = {
            (a.cadre_id, a.date): a
            for a in Attendance.objects.select_for_update().filter(
                cadre_id__in={r.cadre for r in rows}, date__in={r.date for r in rows}
            )
        }
        touched: set[tuple[int, int, int]] = set()
        for r in rows:
            row = existing.get((r.cadre, r.date))
            if row is not None and row.source == Attendance.Source.CHIEF:
                result.kept += 1
                continue
            values = {
                "status": r.status,
                "leave_type": r.leave_type,
                "check_in": r.check_in,
                "source": Attendance.Source.IMPORT,
            }
            if row is None:
                row = Attendance(cadre_id=r.cadre, date=r.date, **values)
                result.created += 1
            elif all(getattr(row, k) == v for k, v in values.items()):
                result.unchanged += 1
                continue
            else:
                for k, v in values.items():
                    setattr(row, k, v)
                result.changed += 1
            row.full_clean()
            row.save()
            touched.add((r.cadre, r.date.year, r.date.month))
        cadres = {c.pk: c for c in Cadre.objects.filter(pk__in={t[0] for t in touched})}
        for cadre_id, year, month in sorted(touched):
            month_resum(cadre=cadres[cadre_id], year=year, month=month)
