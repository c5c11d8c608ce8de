"""The follow-up tests' district: the small demo (6 units, 60 cadres) computed once per module,
with an office account, the head of U001 (its principal) and a staff cadre of U001 with a bottom
rank."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from pytest_django import DjangoDbBlocker

from kaohe.accounts.models import User
from kaohe.accounts.roles import CADRE, OFFICE, UNIT_HEAD, roles_ensure
from kaohe.collection.services import data_load, data_reset
from kaohe.core.demo import demo_plan_text
from kaohe.engine import schema as s
from kaohe.followup.models import AnnualClose, FollowUpAction, TrainingCourse
from kaohe.org.models import Assignment, Cadre
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_save
from kaohe.results.models import BottomAction, Run
from kaohe.results.services import run_create, run_execute
from tests.web.conftest import YEAR, demo_frames

PASSWORD = "followup-Passw0rd-not-secret"


@dataclass(frozen=True)
class District:
    run: Run
    head_unit: str  # the unit head's unit
    cadre: str  # a staff cadre of that unit with bottom-rank actions (the "cadre" account)


def district_setup() -> District:
    plan = plan_save(yaml_text=demo_plan_text(YEAR))
    data_load(frames=demo_frames(plan), year=YEAR, reason="test")
    run = run_execute(run_id=run_create(year=YEAR).pk)
    assert run.state == Run.State.DONE, run.error
    principal = Assignment.objects.filter(
        post__role="principal", end__isnull=True, post__unit__code="U001"
    ).get()
    bottom = (
        BottomAction.objects.filter(run=run, subject_type=s.SUBJECT_CADRE, owner="U001")
        .exclude(subject_code=principal.cadre.code)
        .order_by("subject_code")
        .values_list("subject_code", flat=True)
        .first()
    )
    assert bottom is not None
    groups = roles_ensure()
    for name, group, cadre in (
        ("office", OFFICE, None),
        ("head", UNIT_HEAD, principal.cadre),
        ("cadre", CADRE, Cadre.objects.get(code=bottom)),
    ):
        user = User.objects.create_user(username=name, password=PASSWORD, cadre=cadre)
        user.groups.set([groups[group]])
    return District(run=run, head_unit="U001", cadre=bottom)


def district_teardown() -> None:
    AnnualClose.objects.all().delete()
    FollowUpAction.objects.all().delete()
    TrainingCourse.objects.all().delete()
    Run.objects.all().delete()
    data_reset()
    Plan.objects.all().delete()
    Plan.history.all().delete()
    User.objects.all().delete()
    Group.objects.all().delete()


@pytest.fixture(scope="module")
def district(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[District]:
    with django_db_blocker.unblock():
        made = district_setup()
        try:
            yield made
        finally:
            district_teardown()


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client
