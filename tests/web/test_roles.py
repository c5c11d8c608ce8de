"""Roles and their scope beyond allow/deny: which rows each role's lists hold (pages and API),
the role assignments' rules, the management page, and accounts made with the old groups."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from kaohe.accounts.models import Role, RoleAssignment, User
from kaohe.accounts.roles import MANAGE_ROLES, VIEW_PEOPLE
from kaohe.accounts.scope import cadre_codes_for, scope_for, section_codes_for
from kaohe.accounts.services import role_assign
from kaohe.org.models import Assignment, Section, Unit
from kaohe.results.models import CadreMonthly
from tests.web.conftest import YEAR
from tests.web.roles_district import District

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _api(d: District, role: str, path: str, **params: Any) -> Any:
    response = Client().get(
        f"{API}{path}",
        {"year": YEAR, "limit": 1000, **params},
        HTTP_AUTHORIZATION=f"Bearer {d.tokens[role]}",
    )
    assert response.status_code == 200, response.content[:300]
    return response.json()


def _page(d: District, role: str, url: str) -> str:
    client = Client()
    client.force_login(d.users[role])
    response = client.get(url)
    assert response.status_code == 200, url
    return str(response.content.decode())


def _unit_cadres(unit: str) -> set[str]:
    return set(
        Assignment.objects.filter(post__unit__code=unit).values_list("cadre__code", flat=True)
    )


def _section_cadres(section: str) -> set[str]:
    return set(
        Assignment.objects.filter(post__section__code=section).values_list("cadre__code", flat=True)
    )


# --- what each role's lists hold


def test_a_cadre_reads_only_their_own_rows_everywhere(roles_district: District) -> None:
    d = roles_district
    mine = {("cadre", d.own_cadre)}
    for path in ("/periods", "/annual", "/actions", "/training"):
        rows = _api(d, "cadre", path)["items"]
        assert {(r["subject_type"], r["subject_id"]) for r in rows} <= mine, path
    monthly = _api(d, "cadre", "/cadres/scores")["items"]
    assert {r["cadre_id"] for r in monthly} == {d.own_cadre}
    assert monthly[0]["rank"] is not None  # their own rank


def test_a_cadre_sees_the_unit_ranking_but_no_other_persons_score(
    roles_district: District,
) -> None:
    d = roles_district
    ranking = _api(d, "cadre", "/units/rankings")
    units = {u["unit_id"] for c in ranking["categories"] for u in c["units"]}
    assert units == set(Unit.objects.values_list("code", flat=True))  # public in the district
    card = _page(d, "cadre", f"/units/{d.own_unit}/?year={YEAR}")
    others = _unit_cadres(d.own_unit) - {d.own_cadre}
    assert f"/cadres/{d.own_cadre}/" in card
    assert not [c for c in others if f"/cadres/{c}/" in card]
    ranking = _page(d, "cadre", f"/ranking/?year={YEAR}")
    linked = set(re.findall(r'href="/units/([^/"]+)/', ranking))
    assert linked <= {d.own_unit}  # the other units' figures, without links to their cards
    office = set(
        re.findall(r'href="/units/([^/"]+)/', _page(d, "office", f"/ranking/?year={YEAR}"))
    )
    assert len(office) > len(linked)  # the same table, every unit linked for the office
    annual = _page(d, "cadre", f"/annual/?year={YEAR}")
    assert not [c for c in others if f"/cadres/{c}/" in annual]


def test_a_unit_head_reads_their_units_subtree_only(roles_district: District) -> None:
    d = roles_district
    cadres = _unit_cadres(d.own_unit)
    sections = set(Section.objects.filter(unit__code=d.own_unit).values_list("code", flat=True))
    rows = _api(d, "unit_head", "/annual")["items"]
    seen = {(r["subject_type"], r["subject_id"]) for r in rows}
    assert ("team", d.own_unit) in seen
    assert {c for t, c in seen if t == "cadre"} <= cadres
    assert {c for t, c in seen if t == "section"} <= sections
    assert {c for t, c in seen if t in ("unit", "team")} == {d.own_unit}
    monthly = _api(d, "unit_head", "/cadres/scores")["items"]
    assert {r["cadre_id"] for r in monthly} <= cadres
    assert d.other_cadre not in {r["cadre_id"] for r in monthly}
    scored = set(
        CadreMonthly.objects.filter(run=d.run, unit_code=d.own_unit).values_list(
            "cadre_code", flat=True
        )
    )
    card = _page(d, "unit_head", f"/units/{d.own_unit}/?year={YEAR}")
    assert all(f"/cadres/{c}/" in card for c in scored)


def test_a_section_chief_reads_their_section_only(roles_district: District) -> None:
    d = roles_district
    cadres = _section_cadres(d.own_section)
    assert d.own_cadre in cadres
    rows = _api(d, "section_chief", "/annual")["items"]
    seen = {(r["subject_type"], r["subject_id"]) for r in rows}
    assert {c for t, c in seen if t == "cadre"} <= cadres
    assert {c for t, c in seen if t == "section"} <= {d.own_section}
    assert not {c for t, c in seen if t in ("unit", "team")}
    card = _page(d, "section_chief", f"/units/{d.own_unit}/?year={YEAR}")
    outside = _unit_cadres(d.own_unit) - cadres
    assert not [c for c in outside if f"/cadres/{c}/" in card]


def test_district_roles_read_no_persons_detail(roles_district: District) -> None:
    d = roles_district
    for role in ("statistics", "owner", "inspector"):
        user = d.users[role]
        assert not user.has_perm(VIEW_PEOPLE)
        assert cadre_codes_for(user) == frozenset()
    card = _page(d, "inspector", f"/units/{d.own_unit}/?year={YEAR}")
    assert "/cadres/" not in card  # the unit's events and vetoes, not its people


def test_the_scope_functions_answer_for_each_role(roles_district: District) -> None:
    d = roles_district
    assert cadre_codes_for(d.users["office"]) is None
    assert cadre_codes_for(d.users["admin"]) is None
    assert cadre_codes_for(d.users["cadre"]) == frozenset({d.own_cadre})
    assert cadre_codes_for(d.users["section_chief"]) == frozenset(_section_cadres(d.own_section))
    assert cadre_codes_for(d.users["unit_head"]) == frozenset(_unit_cadres(d.own_unit))
    assert section_codes_for(d.users["section_chief"]) == frozenset({d.own_section})
    assert cadre_codes_for(d.users["none"]) == frozenset()
    assert scope_for(d.users["owner"]).departments == {"组织部"}


# --- role assignments


def test_a_role_needs_the_scope_it_names(roles_district: District) -> None:
    user = User.objects.create_user(username="someone", password="x")
    unit = Unit.objects.get(code=roles_district.own_unit)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"role": Role.UNIT_HEAD}, "unit"),
        ({"role": Role.SECTION_CHIEF}, "section"),
        ({"role": Role.INDICATOR_OWNER}, "department"),
        ({"role": Role.OFFICE, "unit": unit}, "unit"),
        ({"role": Role.CADRE}, "role"),  # the user is no cadre
    ]
    for given, field in cases:
        with pytest.raises(ValidationError) as caught:
            role_assign(user=user, **given)
        assert field in caught.value.message_dict, given
    assert not RoleAssignment.objects.filter(user=user).exists()
    role_assign(user=user, role=Role.UNIT_HEAD, unit=unit)
    with pytest.raises(ValidationError):
        role_assign(user=user, role=Role.UNIT_HEAD, unit=unit)  # the same role twice


def test_the_database_refuses_a_scope_that_does_not_fit(roles_district: District) -> None:
    user = User.objects.create_user(username="direct", password="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.UNIT_HEAD)  # no unit
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role="king")


def test_old_group_accounts_keep_working(roles_district: District) -> None:
    """A group named after a role grants it; a unit head by group reaches their post's unit."""
    d = roles_district
    head_cadre = Assignment.objects.filter(post__unit__code=d.own_unit, end__isnull=True).first()
    assert head_cadre is not None
    user = User.objects.create_user(username="old", password="x", cadre=head_cadre.cadre)
    user.groups.set([Group.objects.get_or_create(name=Role.UNIT_HEAD)[0]])
    assert scope_for(user).units == {d.own_unit}
    office = User.objects.create_user(username="oldoffice", password="x")
    office.groups.set([Group.objects.get_or_create(name=Role.OFFICE)[0]])
    assert scope_for(office).full


# --- the management page


def test_the_office_grants_and_revokes_roles_on_the_page(roles_district: District) -> None:
    d = roles_district
    client = Client()
    client.force_login(d.users["office"])
    target = User.objects.create_user(username="newhead", password="x")
    unit = Unit.objects.get(code=d.other_unit)
    page = client.get("/accounts/roles/").content.decode()
    assert "unit_head" in page
    response = client.post(
        "/accounts/roles/", {"user": target.pk, "role": Role.UNIT_HEAD, "unit": unit.pk}
    )
    assert response.status_code == 302
    made = RoleAssignment.objects.get(user=target)
    assert (made.unit, made.granted_by) == (unit, d.users["office"])
    assert target.has_perm("org.view_unit_card", d.other_unit)  # type: ignore[arg-type]
    bad = client.post("/accounts/roles/", {"user": target.pk, "role": Role.SECTION_CHIEF})
    assert bad.status_code == 400
    assert "科室负责人须指定科室" in bad.content.decode()
    assert client.post(f"/accounts/roles/{made.pk}/delete/").status_code == 302
    assert not RoleAssignment.objects.filter(user=target).exists()
    assert client.get(f"/accounts/roles/{made.pk}/delete/").status_code == 405


def test_only_the_office_and_administrators_manage_roles(roles_district: District) -> None:
    d = roles_district
    allowed = {r for r, u in d.users.items() if u.has_perm(MANAGE_ROLES)}
    assert allowed == {"admin", "office"}
    assert "/accounts/roles/" in _page(d, "office", "/")
    assert "/accounts/roles/" not in _page(d, "unit_head", "/")
    client = Client()
    client.force_login(d.users["office"])
    assert client.get("/admin/accounts/roleassignment/").status_code == 200


# --- imports by role


def _import(d: District, role: str, table: str) -> Any:
    path = d.files[table]
    with path.open("rb") as f:
        return Client().post(
            f"{API}/imports",
            {"file": f, "year": YEAR},
            HTTP_AUTHORIZATION=f"Bearer {d.tokens[role]}",
        )


def test_the_economic_bureau_imports_economic_statistics_only(roles_district: District) -> None:
    d = roles_district
    refused = _import(d, "statistics", "units")
    assert refused.status_code == 422
    (problem,) = refused.json()["problems"]
    assert problem["file"] == "units.csv"
    assert "may not import the units table" in problem["message"]
    accepted = _import(d, "statistics", "economic")
    assert accepted.status_code == 201, accepted.content[:300]
    assert accepted.json()["counts"]["economic"]["unchanged"] > 0
    assert _import(d, "office", "units").status_code == 201


def test_an_indicator_owner_imports_results_of_its_own_indicators_only(
    roles_district: District,
) -> None:
    d = roles_district
    refused = _import(d, "owner", "results")
    assert refused.status_code == 422
    problems = refused.json()["problems"]
    assert problems
    assert {p["column"] for p in problems} == {"indicator"}
    assert all("is not your department's" in p["message"] for p in problems)
    assert all(p["row"] and p["row"] >= 2 for p in problems)
    accepted = _import(d, "owner", "results_owned")
    assert accepted.status_code == 201, accepted.content[:300]
    assert _import(d, "owner", "economic").status_code == 422  # not its table


def test_the_admin_grants_a_role_on_the_users_page(admin_client: Client) -> None:
    target = User.objects.create_user(username="viaadmin", password="x")
    unit = Unit.objects.create(code="UX", name="X", category="c")
    data = {
        "username": "viaadmin",
        "password": target.password,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "role_assignments-TOTAL_FORMS": "1",
        "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-0-role": Role.UNIT_HEAD,
        "role_assignments-0-unit": unit.pk,
        "role_assignments-0-department": "",
    }
    response = admin_client.post(f"/admin/accounts/user/{target.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    made = RoleAssignment.objects.get(user=target)
    assert made.unit == unit
    assert made.granted_by is not None
    assert made.granted_by.username == "admin"
