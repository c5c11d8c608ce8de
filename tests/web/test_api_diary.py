"""The diary's attendance through the API (docs/api.md, docs/diary.md): the machine's file posted
by another system — imported, the same file again changing nothing, a bad file 422 by file, row
and column with nothing written, a unit head limited to their unit — and the days read back
within each reader's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kaohe.accounts.models import Role, User
from kaohe.accounts.services import role_assign
from kaohe.api.services import api_token_create
from kaohe.audit.models import AuditEvent
from kaohe.diary.models import Attendance
from kaohe.org.models import Assignment, Cadre
from kaohe.plans.models import Plan
from tests.web.conftest import YEAR
from tests.web.diary_kit import Team, team

API = "/api/v1"
pytestmark = pytest.mark.django_db


class Tokens:
    def __init__(self, t: Team) -> None:
        office = User.objects.create_user("office-api", password="x")
        role_assign(user=office, role=Role.OFFICE)
        head = User.objects.create_user("head-api", password="x")
        role_assign(user=head, role=Role.UNIT_HEAD, unit=t.section.unit)
        self.office = api_token_create(user=office, name="attendance machine").secret
        self.head = api_token_create(user=head, name="unit OA").secret
        self.chief = api_token_create(user=t.chief_user, name="chief").secret
        self.cadre = api_token_create(user=t.cadre_user, name="me").secret


@pytest.fixture
def t(plan: Plan) -> Team:
    return team(plan)


@pytest.fixture
def tokens(t: Team) -> Tokens:
    return Tokens(t)


def _outsider(t: Team) -> Cadre:
    """A cadre who never held a post in the team's unit."""
    inside = Assignment.objects.filter(post__unit=t.section.unit).values("cadre")
    outsider = Cadre.objects.exclude(pk__in=inside).order_by("code").first()
    assert outsider is not None
    return outsider


def _post(token: str, text: str, name: str = "考勤.csv", encoding: str = "utf-8") -> Any:
    upload = SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")
    return Client().post(
        f"{API}/attendance", {"file": upload}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def _get(token: str, **params: Any) -> Any:
    return Client().get(f"{API}/attendance", params, HTTP_AUTHORIZATION=f"Bearer {token}")


def _file(t: Team) -> str:
    a, b = t.cadre.code, t.colleague.code
    return (
        "工号,日期,签到时间,状态,假别\n"
        f"{a},2026-03-02,08:55,,\n"  # present
        f"{a},2026-03-03,09:20,,\n"  # late: after 09:00
        f"{a},2026-03-04,,请假,病假\n"
        f"{b},2026-03-02,,,\n"  # no check-in and no status: absent
    )


def test_the_machines_file_is_imported_and_the_same_file_again_changes_nothing(
    t: Team, tokens: Tokens
) -> None:
    first = _post(tokens.office, _file(t))
    assert first.status_code == 201, first.content
    assert first.json() == {
        "file_name": "考勤.csv",
        "created": 4,
        "changed": 0,
        "unchanged": 0,
        "kept": 0,
    }
    days = dict(Attendance.objects.filter(cadre=t.cadre).values_list("date", "status"))
    assert days == {
        dt.date(YEAR, 3, 2): "present",
        dt.date(YEAR, 3, 3): "late",
        dt.date(YEAR, 3, 4): "leave",
    }
    # each day is audited as the token's user, from the API's path
    events = AuditEvent.objects.filter(model="diary.attendance", action="create")
    assert events.count() == 4
    assert set(events.values_list("actor_name", "path")) == {("office-api", f"{API}/attendance")}
    again = _post(tokens.office, _file(t))
    assert again.status_code == 201
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 4)


def test_a_gbk_file_imports(t: Team, tokens: Tokens) -> None:
    response = _post(tokens.office, _file(t), encoding="gbk")
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 4


def test_a_bad_file_is_422_by_file_row_and_column_and_writes_nothing(
    t: Team, tokens: Tokens
) -> None:
    text = (
        "工号,日期,签到时间\n"
        f"{t.cadre.code},2026-03-02,08:55\n"
        "NOBODY,2026-03-03,08:55\n"
        f"{t.cadre.code},2026-13-40,08:55\n"
        f"{t.cadre.code},2026-03-05,9点\n"
    )
    response = _post(tokens.office, text, name="machine.csv")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "not imported: 3 problems; nothing was changed"
    assert [(p["file"], p["row"], p["column"]) for p in body["problems"]] == [
        ("machine.csv", 3, "工号"),
        ("machine.csv", 4, "日期"),
        ("machine.csv", 5, "签到时间"),
    ]
    assert "NOBODY" in body["problems"][0]["message"]
    assert not Attendance.objects.exists()


def test_problems_speak_the_clients_language(t: Team, tokens: Tokens) -> None:
    text = f"工号,日期,签到时间\n{t.cadre.code},2026-03-01,08:55\n"  # a Sunday
    response = Client().post(
        f"{API}/attendance",
        {"file": SimpleUploadedFile("a.csv", text.encode())},
        HTTP_AUTHORIZATION=f"Bearer {tokens.office}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    [problem] = response.json()["problems"]
    assert (problem["row"], problem["column"]) == (2, "日期")
    assert "not a working day" in problem["message"]


def test_a_unit_head_imports_their_units_cadres_only(t: Team, tokens: Tokens) -> None:
    ours = _post(tokens.head, _file(t))
    assert ours.status_code == 201, ours.content
    other = _outsider(t)
    text = f"工号,日期,签到时间\n{other.code},2026-03-02,08:55\n"
    theirs = _post(tokens.head, text)
    assert theirs.status_code == 422
    assert [(p["row"], p["column"]) for p in theirs.json()["problems"]] == [(2, "工号")]
    assert not Attendance.objects.filter(cadre=other).exists()


def test_importing_needs_the_office_or_a_unit_head(t: Team, tokens: Tokens) -> None:
    for token in (tokens.chief, tokens.cadre):
        response = _post(token, _file(t))
        assert response.status_code == 403
        assert "unit head" in response.json()["detail"]
    assert not Attendance.objects.exists()
    assert Client().post(f"{API}/attendance").status_code == 401


def test_the_days_are_read_back_within_the_readers_scope(t: Team, tokens: Tokens) -> None:
    assert _post(tokens.office, _file(t)).status_code == 201
    other = _outsider(t)
    _post(tokens.office, f"工号,日期,签到时间\n{other.code},2026-03-02,08:55\n")

    every = _get(tokens.office, year=YEAR, month=3).json()
    assert every["count"] == 5
    first = every["items"][0]
    assert set(first) == {
        "cadre_id",
        "name",
        "date",
        "status",
        "leave_type",
        "check_in",
        "source",
    }
    mine = _get(tokens.cadre, year=YEAR).json()
    assert [(d["date"], d["status"], d["leave_type"]) for d in mine["items"]] == [
        ("2026-03-02", "present", ""),
        ("2026-03-03", "late", ""),
        ("2026-03-04", "leave", "sick"),
    ]
    assert mine["items"][0]["check_in"] == "08:55:00"
    assert mine["items"][0]["source"] == "import"
    section = _get(tokens.chief, year=YEAR, month=3).json()
    assert {d["cadre_id"] for d in section["items"]} == {t.cadre.code, t.colleague.code}
    late = _get(tokens.office, year=YEAR, status="late").json()
    assert [(d["cadre_id"], d["date"]) for d in late["items"]] == [(t.cadre.code, "2026-03-03")]
    assert _get(tokens.office, year=YEAR, month=4).json()["count"] == 0
    assert _get(tokens.cadre, year=YEAR, cadre=other.code).status_code == 403
    assert _get(tokens.cadre, year=YEAR, cadre=t.colleague.code).status_code == 403
    page = _get(tokens.office, year=YEAR, limit=2, offset=2).json()
    assert (page["count"], len(page["items"])) == (5, 2)
    assert _get(tokens.office, year=YEAR, month=13).status_code == 422


def test_a_file_over_the_size_limit_is_refused_unread(
    t: Team, tokens: Tokens, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kaohe.diary.api.MAX_BYTES", 64)
    response = _post(tokens.office, _file(t), name="big.csv")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("the file is larger than")
    assert body["detail"].endswith("; nothing was changed")
    assert [(p["file"], p["row"], p["column"]) for p in body["problems"]] == [
        ("big.csv", None, None)
    ]
    assert not Attendance.objects.exists()
