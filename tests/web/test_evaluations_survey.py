"""The public satisfaction survey: no login, one-time nonces, per-address daily limit, device
cookie, and its row in the year's democratic evaluation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper

from kaohe.collection.models import Evaluation
from kaohe.evaluations.models import Survey, SurveyAnswer, SurveyNonce
from kaohe.evaluations.surveys import (
    SurveyRefusedError,
    survey_answer,
    survey_create,
    survey_feed,
    survey_nonce_issue,
)
from kaohe.evaluations.tokens import token_digest
from kaohe.org.models import Unit
from kaohe.plans.models import Plan
from tests.web.conftest import YEAR
from tests.web.evaluations_kit import org

NONCE = re.compile(r'name="nonce" value="([^"]+)"')


@pytest.fixture
def survey(plan: Plan, settings: SettingsWrapper) -> Survey:
    cache.clear()
    settings.KAOHE_SURVEY_DEVICE_COOKIE = False
    settings.KAOHE_SURVEY_DAILY_LIMIT = 3
    org()
    return survey_create(unit=Unit.objects.get(code="U1"), year=YEAR)


def _nonce(client: Client, survey: Survey) -> str:
    page = client.get(reverse("survey", args=[survey.code]))
    assert page.status_code == 200
    found = NONCE.search(page.content.decode())
    assert found is not None
    return found.group(1)


def _answer(client: Client, survey: Survey, nonce: str, level: str = "良") -> int:
    response = client.post(reverse("survey", args=[survey.code]), {"nonce": nonce, "level": level})
    return response.status_code


@pytest.mark.django_db
def test_a_citizen_answers_without_login_and_a_nonce_serves_once(survey: Survey) -> None:
    client = Client()
    nonce = _nonce(client, survey)
    assert _answer(client, survey, nonce, "优") == 200
    assert list(SurveyAnswer.objects.values_list("score", flat=True)) == [100.0]
    assert _answer(client, survey, nonce, "差") == 400  # the same page posted again
    assert _answer(Client(), survey, nonce, "差") == 400  # or by another browser
    assert _answer(client, survey, "made-up", "差") == 400
    assert SurveyAnswer.objects.count() == 1
    assert not SurveyNonce.objects.filter(digest=token_digest(nonce)).exists()  # used: deleted
    assert SurveyNonce.objects.count() == 3  # each refused page came with a fresh nonce


@pytest.mark.django_db
def test_an_expired_or_foreign_nonce_is_refused(survey: Survey) -> None:
    other = survey_create(unit=Unit.objects.get(code="U2"), year=YEAR)
    foreign = survey_nonce_issue(survey=other)
    with pytest.raises(SurveyRefusedError):
        survey_answer(survey=survey, nonce=foreign, level="优", client="10.0.0.1")
    old = survey_nonce_issue(survey=survey)
    SurveyNonce.objects.update(expires=timezone.now() - timedelta(seconds=1))
    with pytest.raises(SurveyRefusedError):
        survey_answer(survey=survey, nonce=old, level="优", client="10.0.0.1")
    with pytest.raises(SurveyRefusedError):
        survey_answer(
            survey=survey, nonce=survey_nonce_issue(survey=survey), level="满分", client="x"
        )
    assert not SurveyAnswer.objects.exists()


@pytest.mark.django_db
def test_an_address_answers_at_most_the_daily_limit(survey: Survey) -> None:
    client = Client(REMOTE_ADDR="192.0.2.7")
    for _ in range(3):
        assert _answer(client, survey, _nonce(client, survey)) == 200
    refused = client.post(
        reverse("survey", args=[survey.code]), {"nonce": _nonce(client, survey), "level": "良"}
    )
    assert refused.status_code == 400
    assert "上限" in refused.content.decode()
    assert SurveyAnswer.objects.count() == 3
    neighbour = Client(REMOTE_ADDR="192.0.2.8")
    assert _answer(neighbour, survey, _nonce(neighbour, survey)) == 200
    assert SurveyAnswer.objects.count() == 4
    # the limit is per survey: the same address may answer another unit's survey
    other = survey_create(unit=Unit.objects.get(code="U2"), year=YEAR)
    assert _answer(client, other, _nonce(client, other)) == 200


@pytest.mark.django_db
def test_a_browser_that_answered_today_sees_no_form(
    survey: Survey, settings: SettingsWrapper
) -> None:
    settings.KAOHE_SURVEY_DEVICE_COOKIE = True
    client = Client()
    assert _answer(client, survey, _nonce(client, survey)) == 200
    page = client.get(reverse("survey", args=[survey.code])).content.decode()
    assert 'id="survey-done"' in page
    assert 'name="nonce"' not in page


@pytest.mark.django_db
def test_a_closed_survey_takes_no_answer(survey: Survey) -> None:
    nonce = survey_nonce_issue(survey=survey)
    survey.active = False
    survey.save()
    with pytest.raises(SurveyRefusedError):
        survey_answer(survey=survey, nonce=nonce, level="优", client="10.0.0.1")
    page = Client().get(reverse("survey", args=[survey.code])).content.decode()
    assert 'id="survey-closed"' in page


@pytest.mark.django_db
def test_five_answers_feed_the_units_team_in_the_subordinates_group(survey: Survey) -> None:
    for i, level in enumerate(["优", "优", "良", "中", "差"][:4]):
        survey_answer(
            survey=survey, nonce=survey_nonce_issue(survey=survey), level=level, client=f"a{i}"
        )
    assert survey_feed(survey=survey) == 0  # 4 answers: below the minimum of 5
    assert not Evaluation.objects.exists()
    survey_answer(survey=survey, nonce=survey_nonce_issue(survey=survey), level="差", client="a4")
    assert survey_feed(survey=survey) == 1
    row = Evaluation.objects.get()
    # (100 + 100 + 85 + 70 + 50) / 5 = 405 / 5 = 81
    assert row.score == pytest.approx(81.0)
    assert (row.subject_code, row.kind, row.period, row.rater_group, row.item) == (
        "U1",
        "democratic",
        "2026",
        "subordinates",
        "",
    )
    assert row.ballots == 5
    survey.refresh_from_db()
    assert survey.fed is not None


@pytest.mark.django_db
def test_the_office_page_shows_the_link_and_qr_code(survey: Survey, admin_client: Client) -> None:
    page = admin_client.get(reverse("evaluations:survey", args=[survey.pk])).content.decode()
    assert f"/s/{survey.code}/" in page
    assert "<svg" in page
    assert "不足 5 份" in page
