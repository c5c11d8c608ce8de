"""What the follow-up and reports lists hold per role (the permission matrix proves allow/deny;
this proves the rows): a cadre their own, a unit head their unit's, a section chief their
section's, the office everything; district roles none of these pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kaohe.engine import schema as s
from kaohe.followup.models import AnnualClose, ReviewRequest
from kaohe.results.models import PayShare
from tests.web.conftest import YEAR
from tests.web.roles_district import District

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def district(roles_district: District) -> District:
    return roles_district


def _page(d: District, role: str, url: str) -> str:
    client = Client()
    client.force_login(d.users[role])
    response = client.get(url)
    assert response.status_code == 200, (role, url, response.status_code)
    return str(response.content.decode())


def _actions(d: District, role: str) -> set[int]:
    page = _page(d, role, f"/followup/actions/?year={YEAR}")
    return {int(pk) for pk in re.findall(r'href="/followup/actions/(\d+)/"', page)}


def test_the_actions_list_holds_the_scope(district: District) -> None:
    own, other = district.objects["action"]
    assert _actions(district, "office") >= {own, other}
    assert _actions(district, "admin") >= {own, other}
    for role in ("unit_head", "section_chief", "cadre"):
        seen = _actions(district, role)
        assert own in seen, role
        assert other not in seen, role


def _people(d: District, role: str) -> set[int]:
    course = d.objects["course"][0]
    page = _page(d, role, f"/followup/training/{course}/")
    return {int(pk) for pk in re.findall(r'id="person-(\d+)"', page)}


def test_a_course_shows_the_people_of_the_scope(district: District) -> None:
    own, other = district.objects["enrolment"]
    assert _people(district, "office") == {own, other}
    for role in ("unit_head", "section_chief", "cadre"):
        assert _people(district, role) == {own}, role


def test_the_training_list_counts_the_people_of_the_scope(district: District) -> None:
    def counted(role: str) -> list[str]:
        page = _page(district, role, f"/followup/training/?year={YEAR}")
        return re.findall(r'aria-valuemax="(\d+)"', page)

    assert counted("office") == ["2"]
    assert counted("cadre") == ["1"]
    assert counted("unit_head") == ["1"]


def test_the_reviews_list_holds_the_scope(district: District) -> None:
    close = AnnualClose.objects.get(year=YEAR)
    other = ReviewRequest.objects.create(
        close=close,
        kind=ReviewRequest.Kind.REVIEW,
        subject_type=s.SUBJECT_CADRE,
        subject_code=district.other_cadre,
        filed_on=close.notified_on,
        grounds="复核",
        due_on=close.notified_on,
    )
    own = district.objects["request"][0]
    try:
        office = _page(district, "office", f"/followup/reviews/?year={YEAR}")
        assert f'id="request-{own}"' in office
        assert f'id="request-{other.pk}"' in office
        for role in ("unit_head", "section_chief", "cadre"):
            page = _page(district, role, f"/followup/reviews/?year={YEAR}")
            assert f'id="request-{own}"' in page, role
            assert f'id="request-{other.pk}"' not in page, role
    finally:
        other.delete()


def test_pay_shows_a_unit_head_their_unit_and_a_cadre_their_own_share(
    district: District,
) -> None:
    share = PayShare.objects.filter(
        run=district.run, unit_code=district.own_unit, cadre_code=district.own_cadre
    ).first()
    assert share is not None, "the district allocates pay"
    url = f"/followup/pay/?year={YEAR}&month={share.month}&unit={district.own_unit}"
    office = _page(district, "office", f"/followup/pay/?year={YEAR}")
    assert f'data-unit="{district.other_unit}"' in office
    head = _page(district, "unit_head", f"/followup/pay/?year={YEAR}")
    assert f'data-unit="{district.own_unit}"' in head
    assert f'data-unit="{district.other_unit}"' not in head
    colleagues = set(
        PayShare.objects.filter(run=district.run, unit_code=district.own_unit, month=share.month)
        .exclude(cadre_code=district.own_cadre)
        .values_list("cadre_code", flat=True)
    )
    assert colleagues
    shares = set(re.findall(r'<a href="/cadres/([^/]+)/', _page(district, "cadre", url)))
    assert shares == {district.own_cadre}
    assert set(re.findall(r'<a href="/cadres/([^/]+)/', _page(district, "unit_head", url))) >= (
        colleagues | {district.own_cadre}
    )
    cadre = _page(district, "cadre", f"/followup/pay/?year={YEAR}")
    assert "data-unit=" not in cadre  # no unit's pool check for a cadre


def test_a_cadre_downloads_their_own_card_only(district: District) -> None:
    client = Client()
    client.force_login(district.users["cadre"])
    own = client.get(f"/reports/cadres/{district.own_cadre}/card.pdf?year={YEAR}")
    assert own.status_code == 200
    assert b"".join(own.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    for url in (
        f"/reports/cadres/{district.other_cadre}/card.pdf?year={YEAR}",
        f"/reports/units/{district.other_unit}/card.pdf?year={YEAR}",
        f"/reports/units/{district.own_unit}/scores.xlsx?year={YEAR}",  # colleagues' scores
        f"/reports/annual.xlsx?year={YEAR}",
    ):
        assert client.get(url).status_code == 403, url
