"""The permission matrix (tests/web/permission_matrix.py) against the real pages and API, on one
computed district with one account per role: every cell allowed where the matrix allows it
(with the row's status) and denied everywhere else (403; 401 or the login page when not logged
in); and every URL of config/urls.py, every API operation, has a row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from kaohe.accounts.models import Role, RoleAssignment, User
from kaohe.accounts.services import role_assign
from kaohe.api.main import api
from kaohe.diary.models import Goal, Week
from kaohe.evaluations.services import GroupRaters, round_create
from kaohe.followup.models import AnnualClose, AnnualObjection, AnnualPublication, GradeOverride
from kaohe.org.models import Cadre, Unit
from tests.web.conftest import YEAR
from tests.web.permission_matrix import (
    COVERED_ELSEWHERE,
    MATRIX,
    OWN_OTHER,
    ROLES,
    Row,
    cells,
)
from tests.web.roles_district import CYCLE_MONTH, District, cycle_objects

# --- one request per cell

_KWARG = {
    "web:unit": "code",
    "web:cadre": "code",
    "api:unit_card_get": "unit_id",
    "api:cadre_year": "cadre_id",
    "web:import_batch": "batch_id",
    "api:imports_get": "import_id",
    "reports:unit_scores_xlsx": "code",
    "reports:unit_pdf": "code",
    "reports:cadre_pdf": "code",
    "followup:action": "action_id",
    "followup:attachment": "record_id",
    "followup:complete": "enrolment_id",
    "followup:course": "course_id",
    "followup:request_answer": "request_id",
    "reports:job": "job_id",
    "reports:job_file": "job_id",
    "analytics:whatif_result": "job_id",
    "cycle:answer": "objection_id",
    "cycle:adjustment": "adjustment_id",
    "cycle:decide": "adjustment_id",
    "tasks:unit": "code",
    "tasks:task_save": "code",
    "tasks:task_delete": "code",
    "tasks:milestone_save": "code",
    "tasks:post_task_save": "code",
    "tasks:post_tasks_copy": "code",
    "tasks:results": "code",
    "tasks:report_file": "file_id",
    "tasks:rate": "report_id",
    "diary:day_set": "code",
    "diary:week_review": "code",
    "diary:goal_check": "goal_id",
    "political:cadre": "code",
    "political:cadre_csv": "code",
    "political:cadre_record": "code",
    "political:team": "code",
    "political:team_csv": "code",
    "political:team_record": "code",
    "political:review": "code",
    "political:review_record": "code",
    "political:attachment": "evidence_id",
}
_OBJECT = {  # target → the key of District.objects
    "action": "action",
    "record": "record",
    "enrolment": "enrolment",
    "course": "course",
    "request": "request",
    "job": "job",
    "whatif": "whatif",
    "objection": "objection",
    "adjustment": "adjustment",
    "reconciliation": "reconciliation",
    "reconfile": "reconfile",
    "ledger-file": "ledger-file",
}


def _target_kwargs(d: District, row: Row, own: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """(URL kwargs, query parameters — a POST's body) of the row's target."""
    month = {"year": YEAR, "month": CYCLE_MONTH}
    if row.name == "cycle:submit":  # the unit submitted is posted
        return month, {"unit": d.own_unit if own else d.other_unit}
    if row.target == "month":
        return month, {}
    if row.name.startswith("ratings:") and row.target in ("unit", "cadre"):
        unit = d.own_unit if own else d.other_unit
        if row.name == "ratings:sheet":
            return {"period": f"{YEAR}-Q1", "code": unit}, {}
        if row.name == "ratings:political_unit":
            return {"year": YEAR, "code": unit}, {}
        subject = d.own_cadre if own else d.other_cadre
        return {"year": YEAR, "code": unit, "subject": subject}, {}
    if row.target == "evidence":
        adjustment, _ = d.objects["adjustment"]
        evidence, _ = d.objects["evidence"]
        return {"adjustment_id": adjustment, "evidence_id": evidence}, {}
    if row.target == "unit":
        return {_KWARG[row.name]: d.own_unit if own else d.other_unit}, {"year": YEAR}
    if row.target == "cadre":
        code = d.own_cadre if own else d.other_cadre
        if row.name == "api:cadre_monthly":
            return {}, {"cadre": code, "year": YEAR}
        return {_KWARG[row.name]: code}, {"year": YEAR}
    if row.target == "run":
        return {"run_id": d.run.pk}, {}
    if row.target == "batch":
        return {_KWARG[row.name]: d.batch.pk}, {}
    if row.target == "table":
        return {"table": "units"}, {}
    if row.target == "history":  # a record's audit history: the own unit's
        return {"model": "org.unit", "object_id": str(_unit_pk(d.own_unit))}, {}
    if row.target in _OBJECT:
        own_pk, other_pk = d.objects[_OBJECT[row.target]]
        return {_KWARG[row.name]: own_pk if own else other_pk}, {}
    if row.target == "year":
        return {"year": YEAR}, {}
    if row.target == "override":  # a fresh override: the office's request withdraws it
        close = AnnualClose.objects.get(year=YEAR)
        made_override, _ = GradeOverride.objects.get_or_create(
            close=close,
            subject_type="cadre",
            subject_code=d.own_cadre,
            defaults={"grade": "优秀", "reason": "x"},
        )
        return {"override_id": made_override.pk}, {}
    if row.target in ("publication", "annual-objection"):  # a fresh publication (and objection)
        published, _ = AnnualPublication.objects.get_or_create(
            close=AnnualClose.objects.get(year=YEAR),
            defaults={
                "published_on": timezone.localdate(),
                "objections_until": timezone.localdate() + dt.timedelta(days=30),
            },
        )
        if row.target == "publication":
            return {"year": YEAR}, {}
        objection = AnnualObjection.objects.create(
            publication=published,
            subject_type="cadre",
            subject_code=d.own_cadre,
            text="x",
            filed_on=timezone.localdate(),
        )
        return {"objection_id": objection.pk}, {}
    if row.target == "round":  # a fresh draft round: opening or closing changes it
        made_round = round_create(
            year=YEAR,
            name="测评",
            kind="team",
            subject_codes=(d.own_unit,),
            raters={"subordinates": GroupRaters((), 2)},
        )
        return {"round_id": made_round.pk}, {}
    if row.target == "goal":  # a fresh goal of the own cadre and of the other (March: open)
        own_goal, other_goal = (_goal(code) for code in (d.own_cadre, d.other_cadre))
        return {"goal_id": own_goal if own else other_goal}, {}
    if row.target == "survey":
        assert d.survey is not None
        return {"survey_id": d.survey.pk}, {}
    if row.target == "code":
        assert d.survey is not None
        return {"code": d.survey.code}, {}
    if row.target == "assignment":
        someone = User.objects.create_user(username=f"temp{User.objects.count()}", password="x")
        made = role_assign(user=someone, role=Role.INSPECTOR)
        return {"assignment_id": made.pk}, {}
    return {}, {}


def _goal(code: str) -> int:
    week, _ = Week.objects.get_or_create(
        cadre=Cadre.objects.get(code=code), monday=dt.date(YEAR, 3, 2)
    )
    return Goal.objects.create(week=week, text="目标").pk


def _unit_pk(code: str) -> int:
    return int(Unit.objects.values_list("pk", flat=True).get(code=code))


def _request(d: District, row: Row, role: str, own: bool) -> Any:
    kwargs, params = _target_kwargs(d, row, own)
    path = "/admin/" if row.name == "admin:*" else reverse(row.name, kwargs=kwargs)
    client = Client()
    headers: dict[str, str] = {}
    is_api = row.name.startswith("api:")
    if role != "anonymous":
        if is_api:
            headers["Authorization"] = f"Bearer {d.tokens[role]}"
        else:
            client.force_login(d.users[role])
    if row.method == "GET":
        return client.get(path, params, headers=headers)
    if row.name == "api:runs_create":
        body = {"year": YEAR + 50}  # no plan for that year: 422 once allowed
        return client.post(path, body, content_type="application/json", headers=headers)
    if row.name == "api:imports_create":
        bad = SimpleUploadedFile("units.csv", b"unit_id,name\nU1,\n", content_type="text/csv")
        return client.post(path, {"file": bad, "year": YEAR}, headers=headers)
    if row.name == "api:attendance_create":
        bad = SimpleUploadedFile("a.csv", b"cadre_id,date\nNOBODY,2026-03-02\n")
        return client.post(path, {"file": bad}, headers=headers)
    if row.name == "set_language":
        return client.post(path, {"language": "en", "next": "/"}, headers=headers)
    if row.name.startswith("cycle:"):
        return client.post(path, params, headers=headers)
    return client.post(path, headers=headers)


def _to_login(response: Any) -> bool:
    return response.status_code == 302 and "login/" in response["Location"]


def _cell_id(cell: tuple[Row, str, bool]) -> str:
    row, role, own = cell
    suffix = ("-own" if own else "-other") if row.target in OWN_OTHER else ""
    return f"{row.method} {row.name} {role}{suffix}"


@pytest.fixture(scope="module")
def district(roles_district: District, django_db_blocker: DjangoDbBlocker) -> District:
    with django_db_blocker.unblock():
        cycle_objects(roles_district)
    return roles_district


@pytest.mark.django_db
@pytest.mark.parametrize("cell", cells(), ids=_cell_id)
def test_the_matrix_cell_holds(district: District, cell: tuple[Row, str, bool]) -> None:
    row, role, own = cell
    response = _request(district, row, role, own)
    status = response.status_code
    where = f"{row.method} {row.name} as {role} ({'own' if own else 'other'}): {status}"
    if row.allowed(role, own):
        assert status in row.ok, where
        assert row.name == "logout" or not _to_login(response), where
    elif role == "anonymous":
        assert status == 401 or _to_login(response), where
    else:
        assert status == 403 or (row.name == "admin:*" and _to_login(response)), where


def test_the_matrix_covers_this_many_cells() -> None:
    """Reported in docs/security.md: keep the figure there true."""
    assert len(cells()) == 1810  # 144 rows × 10 roles + 37 own/other rows × 10


# --- every URL and every API operation has a row


def _url_names(patterns: list[URLResolver | URLPattern], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = namespace + (f"{p.namespace}:" if p.namespace else "")
            if p.namespace in COVERED_ELSEWHERE:
                names.add(f"{p.namespace}:*")
                continue
            names |= _url_names(p.url_patterns, inner)
        else:
            assert p.name, f"URL {p.pattern} has no name: name it and add a matrix row"
            names.add(namespace + p.name)
    return names


def test_every_url_of_the_site_has_a_row() -> None:
    names = _url_names(get_resolver().url_patterns) - set(COVERED_ELSEWHERE)
    rows = {row.name for row in MATRIX}
    assert sorted(names - rows) == [], "add a row to tests/web/permission_matrix.py"
    assert sorted(rows - names) == [], "a row names a URL that does not exist"


def test_every_api_operation_has_a_row_with_its_method() -> None:
    """Each operation of the OpenAPI schema (path and method) → its URL name → a row with that
    method: a POST added later to a path that has a GET row is caught too."""
    names = {row.name.removeprefix("api:") for row in MATRIX if row.name.startswith("api:")}
    rows = {(row.name, row.method) for row in MATRIX}
    missing = []
    for path, operations in api.get_openapi_schema(path_params={})["paths"].items():
        for method, spec in operations.items():
            ids = [n for n in names if str(spec["operationId"]).endswith(f"_{n}")]
            name = f"api:{max(ids, key=len)}" if ids else "?"
            if (name, method.upper()) not in rows:
                missing.append(f"{method.upper()} {path} ({spec['operationId']})")
    assert missing == [], "add a row to tests/web/permission_matrix.py"


def test_every_role_has_a_column() -> None:
    column = {"indicator_owner": "owner"}
    assert {column.get(r.value, r.value) for r in Role} <= set(ROLES)


def test_a_revoked_role_stops_at_once(district: District) -> None:
    head = district.users["unit_head"]
    client = Client()
    client.force_login(head)
    url = reverse("web:unit", kwargs={"code": district.own_unit})
    assert client.get(url).status_code == 200
    assignment = RoleAssignment.objects.get(user=head)
    RoleAssignment.objects.filter(pk=assignment.pk).delete()
    try:
        assert client.get(url).status_code == 403
    finally:
        role_assign(user=head, role=Role.UNIT_HEAD, unit=assignment.unit)
