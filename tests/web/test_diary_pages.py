"""The diary's pages: the cadre's 我的记录, the chief's team view (month grid per cell with htmx,
weeks confirmed or sent back), the import page and the calendar; a locked month's refusal shown
as a message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kaohe.accounts.models import Role
from kaohe.accounts.services import role_assign
from kaohe.collection.models import MonthlyRecord
from kaohe.cycle.models import Period
from kaohe.diary.models import Attendance, CalendarDay, Goal, Week
from kaohe.diary.services import this_monday
from kaohe.plans.models import Plan
from tests.web.conftest import YEAR
from tests.web.cycle_factories import period_at
from tests.web.diary_kit import MARCH, MONDAYS, Team, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def t(plan: Plan) -> Team:
    return team(plan)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_cadre_adds_goals_checks_one_and_reads_the_summary(t: Team) -> None:
    client = _client(t.cadre_user)
    page = client.get(reverse("diary:today"))
    assert page.status_code == 200
    assert "签到" in page.content.decode() or "今天不是工作日" in page.content.decode()
    monday = this_monday()
    response = client.post(
        reverse("diary:goals_add"), {"monday": monday.isoformat(), "lines": "走访企业\n\n写报告"}
    )
    assert response.status_code == 302
    goals = list(Goal.objects.filter(week__cadre=t.cadre).order_by("position"))
    assert [g.text for g in goals] == ["走访企业", "写报告"]
    client.post(reverse("diary:goal_check", args=[goals[0].pk]), {"done": "on", "note": "3家"})
    body = client.get(reverse("diary:today")).content.decode()
    assert 'class="goal done"' in body
    assert "3家" in body
    assert 'id="sum-goals">0 / 2<' in body  # not confirmed yet


def test_a_cadre_cannot_check_anothers_goal(t: Team) -> None:
    week = Week.objects.create(cadre=t.colleague, monday=MONDAYS[0])
    goal = Goal.objects.create(week=week, text="别人的")
    response = _client(t.cadre_user).post(
        reverse("diary:goal_check", args=[goal.pk]), {"done": "on"}
    )
    assert response.status_code == 403
    assert not Goal.objects.get(pk=goal.pk).done


def test_the_chief_sets_a_day_with_htmx_and_the_month_is_summed(t: Team) -> None:
    client = _client(t.chief_user)
    page = client.get(reverse("diary:team"), {"year": YEAR, "month": MARCH})
    assert page.status_code == 200
    body = page.content.decode()
    assert t.cadre.name in body
    assert t.colleague.name in body
    response = client.post(
        reverse("diary:day_set", args=[t.cadre.code]),
        {"date": "2026-03-02", "status": "leave:sick"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    cell = response.content.decode()
    assert cell.startswith('<td class="day st-leave">')
    assert 'value="leave:sick" selected' in cell
    row = Attendance.objects.get(cadre=t.cadre, date=dt.date(YEAR, 3, 2))
    assert (row.status, row.leave_type, row.source) == ("leave", "sick", "chief")
    client.post(
        reverse("diary:day_set", args=[t.cadre.code]),
        {"date": "2026-03-03", "status": "absent"},
        headers={"HX-Request": "true"},
    )
    assert MonthlyRecord.objects.get(cadre=t.cadre, year=YEAR, month=MARCH).absences == 1.0


def test_the_chief_cannot_record_their_own_day_or_a_weekend(t: Team) -> None:
    t.chief_user.cadre = t.colleague
    t.chief_user.save()
    client = _client(t.chief_user)
    own = client.post(
        reverse("diary:day_set", args=[t.colleague.code]),
        {"date": "2026-03-02", "status": "present"},
    )
    assert own.status_code == 403
    weekend = client.post(
        reverse("diary:day_set", args=[t.cadre.code]),
        {"date": "2026-03-07", "status": "present"},
        headers={"HX-Request": "true"},
    )
    assert weekend.status_code == 409
    assert "不是工作日" in weekend.content.decode()
    assert not Attendance.objects.exists()


def test_the_chief_confirms_and_sends_back_weeks(t: Team) -> None:
    week = Week.objects.create(cadre=t.cadre, monday=MONDAYS[0])
    Goal.objects.create(week=week, text="一", done=True)
    client = _client(t.chief_user)
    page = client.get(reverse("diary:team"), {"year": YEAR, "month": MARCH}).content.decode()
    assert f'id="week-{t.cadre.code}-20260302"' in page
    assert f'id="no-goals-{t.cadre.code}"' in page  # the weeks of the 9th, 16th and 23rd
    url = reverse("diary:week_review", args=[t.cadre.code])
    back = client.post(url, {"monday": "2026-03-02", "action": "return", "comment": "请补充"})
    assert back.status_code == 302
    assert Week.objects.get(pk=week.pk).state == Week.State.RETURNED
    client.post(url, {"monday": "2026-03-02", "action": "confirm"})
    assert Week.objects.get(pk=week.pk).state == Week.State.CONFIRMED
    record = MonthlyRecord.objects.get(cadre=t.cadre, year=YEAR, month=MARCH)
    assert (record.goals_set, record.goals_met) == (1, 1)


def test_a_locked_month_is_refused_with_a_message_and_nothing_changes(t: Team) -> None:
    period_at(MARCH, Period.State.LOCKED)
    client = _client(t.chief_user)
    response = client.post(
        reverse("diary:day_set", args=[t.cadre.code]),
        {"date": "2026-03-02", "status": "late", "section": t.section.code},
        follow=True,
    )
    assert "已锁定" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_import_page_shows_problems_and_imports_a_good_file(t: Team) -> None:
    office = t.chief_user
    role_assign(user=office, role=Role.OFFICE)
    client = _client(office)
    page = client.get(reverse("diary:import"))
    assert page.status_code == 200
    # the page tells the office where the attendance system can send the file by itself
    assert "<code>/api/v1/attendance</code>" in page.content.decode()
    assert f'href="{reverse("api:openapi-view")}"' in page.content.decode()
    bad = SimpleUploadedFile("machine.csv", "工号,日期\nX9,2026-03-02\n".encode("gbk"))
    response = client.post(reverse("diary:import"), {"file": bad})
    assert response.status_code == 400
    assert "machine.csv，第 2 行，工号" in response.content.decode()
    good = SimpleUploadedFile(
        "machine.csv", f"工号,日期,签到时间\n{t.cadre.code},2026-03-02,09:10\n".encode()
    )
    response = client.post(reverse("diary:import"), {"file": good})
    assert response.status_code == 200
    assert "导入完成" in response.content.decode()
    assert Attendance.objects.get(cadre=t.cadre).status == "late"


def test_the_office_keeps_the_calendar(t: Team) -> None:
    role_assign(user=t.chief_user, role=Role.OFFICE)
    client = _client(t.chief_user)
    response = client.post(
        reverse("diary:calendar"), {"date": "2026-10-01", "kind": "holiday", "name": "国庆节"}
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节"
    shown = client.get(response["Location"]).content.decode()
    assert "已保存；重新汇总了 0 个干部的当月考勤。" in shown  # nobody recorded in October
    assert "国庆节" in client.get(reverse("diary:calendar"), {"year": 2026}).content.decode()
    client.post(reverse("diary:calendar"), {"delete": "2026-10-01"})
    assert not CalendarDay.objects.exists()
    # the whole National Day holiday in one entry; an end before the start is refused
    week = {"date": "2026-10-01", "last": "2026-10-07", "kind": "holiday", "name": "国庆节"}
    assert client.post(reverse("diary:calendar"), week).status_code == 302
    assert CalendarDay.objects.filter(name="国庆节").count() == 7
    backwards = {**week, "date": "2026-10-08", "name": "错"}
    assert client.post(reverse("diary:calendar"), backwards).status_code == 400
    assert not CalendarDay.objects.filter(name="错").exists()
