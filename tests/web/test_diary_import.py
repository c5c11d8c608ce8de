"""The attendance machine's CSV (docs/diary.md): good files in UTF-8 and GBK, bad rows named by
file, row and column with nothing written, a re-import that changes nothing, a chief's entry
that stands, a locked month."""

from __future__ import annotations

import datetime as dt

import pytest

from kaohe.collection.models import MonthlyRecord
from kaohe.cycle.models import Period
from kaohe.diary.importer import attendance_import
from kaohe.diary.models import Attendance
from kaohe.diary.services import attendance_record
from kaohe.plans.models import Plan
from tests.web.conftest import YEAR
from tests.web.cycle_factories import period_at
from tests.web.diary_kit import MARCH, Team, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def t(plan: Plan) -> Team:
    return team(plan)


def _good(t: Team) -> str:
    a, b = t.cadre.code, t.colleague.code
    return (
        "工号,日期,签到时间\n"
        f"{a},2026-03-02,08:55\n"
        f"{a},2026-03-03,09:20\n"  # late (after 09:00)
        f"{a},2026/3/4,\n"  # no check-in: absent
        f"{b},2026-03-02,08:30:15\n"
    )


def _record(t: Team) -> MonthlyRecord:
    return MonthlyRecord.objects.get(cadre=t.cadre, year=YEAR, month=MARCH)


def test_a_good_file_imports_every_day_and_sums_the_month(t: Team) -> None:
    result = attendance_import(name="考勤.csv", data=_good(t).encode())
    assert result.ok, result.problems
    assert (result.created, result.changed, result.unchanged) == (4, 0, 0)
    days = dict(Attendance.objects.filter(cadre=t.cadre).values_list("date", "status"))
    assert days == {
        dt.date(YEAR, 3, 2): "present",
        dt.date(YEAR, 3, 3): "late",
        dt.date(YEAR, 3, 4): "absent",
    }
    assert (_record(t).lates, _record(t).absences) == (1, 1.0)


def test_a_gbk_file_with_chinese_statuses_imports(t: Team) -> None:
    text = (
        "工号,日期,签到时间,状态,假别\n"
        f"{t.cadre.code},2026-03-02,,请假,病假\n"
        f"{t.cadre.code},2026-03-03,09:30,出勤,\n"  # an explicit status wins over the time
    )
    result = attendance_import(name="gbk.csv", data=text.encode("gbk"))
    assert result.ok, result.problems
    row = Attendance.objects.get(cadre=t.cadre, date=dt.date(YEAR, 3, 2))
    assert (row.status, row.leave_type) == ("leave", "sick")
    assert Attendance.objects.get(cadre=t.cadre, date=dt.date(YEAR, 3, 3)).status == "present"


def test_a_re_import_changes_nothing(t: Team) -> None:
    attendance_import(name="a.csv", data=_good(t).encode())
    stamps = list(Attendance.objects.order_by("pk").values_list("pk", "updated"))
    record_stamp = _record(t).updated
    again = attendance_import(name="a.csv", data=_good(t).encode())
    assert again.ok
    assert (again.created, again.changed, again.unchanged) == (0, 0, 4)
    assert list(Attendance.objects.order_by("pk").values_list("pk", "updated")) == stamps
    assert _record(t).updated == record_stamp


def test_bad_rows_are_named_by_file_row_and_column_and_nothing_is_written(t: Team) -> None:
    before = MonthlyRecord.objects.filter(cadre=t.cadre, year=YEAR, month=MARCH).values().get()
    a = t.cadre.code
    text = (
        "cadre_id,date,check_in,status\n"
        f"{a},2026-03-02,08:55,\n"  # good, but not written: the file has problems
        "NOBODY,2026-03-03,08:55,\n"  # row 3: unknown cadre
        f"{a},2026-13-40,08:55,\n"  # row 4: bad date
        f"{a},2026-03-02,08:40,\n"  # row 5: duplicate of row 2
        f"{a},2026-03-07,08:40,\n"  # row 6: a Saturday
        f"{a},2026-03-09,8点,\n"  # row 7: bad time
        f"{a},2026-03-10,,休息\n"  # row 8: unknown status
    )
    result = attendance_import(name="bad.csv", data=text.encode())
    assert not result.ok
    where = [(p.file, p.row, p.column) for p in result.problems]
    assert where == [
        ("bad.csv", 3, "cadre_id"),
        ("bad.csv", 4, "date"),
        ("bad.csv", 5, "date"),
        ("bad.csv", 6, "date"),
        ("bad.csv", 7, "check_in"),
        ("bad.csv", 8, "status"),
    ]
    assert "NOBODY" in str(result.problems[0])
    assert "第 2 行" in str(result.problems[2])  # the duplicate names the first row
    assert not Attendance.objects.exists()
    assert (
        MonthlyRecord.objects.filter(cadre=t.cadre, year=YEAR, month=MARCH).values().get() == before
    )


def test_a_missing_column_and_an_unreadable_file_are_refused(t: Team) -> None:
    missing = attendance_import(
        name="m.csv", data=f"工号,签到时间\n{t.cadre.code},08:00\n".encode()
    )
    assert [(p.row, p.column) for p in missing.problems] == [(1, "日期")]
    garbage = attendance_import(name="g.csv", data=b"\xff\xfe\x00\x81\x00\xff")
    assert not garbage.ok
    assert not Attendance.objects.exists()


def test_a_cadre_outside_the_importers_scope_is_unknown(t: Team) -> None:
    result = attendance_import(
        name="s.csv", data=_good(t).encode(), cadre_codes=frozenset({t.cadre.code})
    )
    assert [(p.row, p.column) for p in result.problems] == [(5, "工号")]
    assert not Attendance.objects.exists()


def test_a_chiefs_entry_stands_against_the_machine(t: Team) -> None:
    attendance_record(cadre=t.cadre, date=dt.date(YEAR, 3, 3), status="present")
    result = attendance_import(name="a.csv", data=_good(t).encode())
    assert result.ok
    assert result.kept == 1
    assert Attendance.objects.get(cadre=t.cadre, date=dt.date(YEAR, 3, 3)).status == "present"


def test_a_locked_month_refuses_the_whole_file(t: Team) -> None:
    period_at(MARCH, Period.State.LOCKED)
    result = attendance_import(name="a.csv", data=_good(t).encode())
    assert not result.ok
    assert {p.row for p in result.problems} == {2, 3, 4, 5}
    assert "已锁定" in str(result.problems[0])
    assert not Attendance.objects.exists()
