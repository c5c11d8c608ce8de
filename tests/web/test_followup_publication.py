"""The year's publication (公示): the window of the plan's publicity days, objections of the
affected within it, the office's answers, and the final year that refuses overrides."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.accounts.roles import CADRE, OFFICE, roles_ensure
from kaohe.cycle.deadlines import add_working_days
from kaohe.cycle.models import Notification
from kaohe.engine import schema as s
from kaohe.followup.models import AnnualClose, AnnualObjection, AnnualPublication, GradeOverride
from kaohe.followup.services import FollowupError
from kaohe.followup.services.close import (
    annual_close,
    grade_override_set,
    grade_override_withdraw,
)
from kaohe.followup.services.publication import (
    annual_finalise,
    annual_objection_answer,
    annual_objection_file,
    annual_publish,
)
from kaohe.org.models import Cadre
from kaohe.plans.models import Plan
from kaohe.results.models import AnnualResult, QuotaGroup, Run
from tests.web.conftest import YEAR

GROUP = "staff|unit:U1|公务员"
EXCELLENT, COMPETENT = s.CADRE_GRADES[0], s.CADRE_GRADES[1]
MONDAY = dt.date(YEAR + 1, 1, 12)


def _close(plan: Plan) -> AnnualClose:
    # two staff, quota ⌊0.5 × 2⌋ = 1 (C00 holds it)
    run = Run.objects.create(
        year=YEAR, plan=plan, plan_snapshot=plan.yaml, state=Run.State.DONE, months=12
    )
    for code, score, grade in (("C00", 95.0, EXCELLENT), ("C01", 80.0, COMPETENT)):
        AnnualResult.objects.create(
            run=run,
            subject_type=s.SUBJECT_CADRE,
            subject_code=code,
            role=s.ROLE_STAFF,
            score=score,
            grade=grade,
            quota_group=GROUP,
        )
    QuotaGroup.objects.create(
        run=run, quota_group=GROUP, subject_type=s.SUBJECT_CADRE, n=2, quota=1, granted=1
    )
    return annual_close(year=YEAR, run=run, notified_on=MONDAY, user=None)


def _file(published: AnnualPublication, on: dt.date, code: str = "C01") -> AnnualObjection:
    return annual_objection_file(
        publication=published,
        subject_type=s.SUBJECT_CADRE,
        subject_code=code,
        text="我的等次应为优秀",
        filed_on=on,
        user=None,
    )


@pytest.mark.django_db
def test_the_window_is_the_plans_publicity_days_and_the_year_becomes_final(plan: Plan) -> None:
    close = _close(plan)
    days = plan.parsed().procedure.publicity_days
    published = annual_publish(close=close, published_on=MONDAY, user=None)
    # the demo plan's 5 working days from Monday 12 January: 13–16 January and Monday 19th
    assert days == 5
    assert published.objections_until == add_working_days(MONDAY, days) == dt.date(YEAR + 1, 1, 19)
    with pytest.raises(FollowupError, match="已经公示"):
        annual_publish(close=close, published_on=MONDAY, user=None)

    objection = _file(published, published.objections_until)  # the last day is in
    with pytest.raises(FollowupError, match="不在异议期内"):
        _file(published, published.objections_until + dt.timedelta(days=1))
    with pytest.raises(FollowupError, match="不在异议期内"):
        _file(published, MONDAY - dt.timedelta(days=1))
    with pytest.raises(FollowupError, match="没有 C99 的年度结果"):
        _file(published, MONDAY, code="C99")
    assert AnnualObjection.objects.count() == 1

    after = published.objections_until + dt.timedelta(days=1)
    with pytest.raises(FollowupError, match="期满后才能终定"):
        annual_finalise(publication=published, today=published.objections_until, user=None)
    with pytest.raises(FollowupError, match="1 条异议未答复"):
        annual_finalise(publication=published, today=after, user=None)

    # while published (not final) an accepted objection can still become an override
    annual_objection_answer(
        objection=objection,
        outcome=AnnualObjection.Outcome.REJECTED,
        answer="名额已满，维持",
        answered_on=after,
        user=None,
    )
    with pytest.raises(FollowupError, match="已经答复"):
        annual_objection_answer(
            objection=objection, outcome="accepted", answer="x", answered_on=after, user=None
        )
    grade_override_set(
        close=close,
        subject_type=s.SUBJECT_CADRE,
        subject_code="C00",
        grade=COMPETENT,
        reason="公示期间复核",
        user=None,
    )
    final = annual_finalise(publication=published, today=after, user=None)
    assert final.final_on == after

    # final: no override, withdrawal, new close or objection any more
    with pytest.raises(FollowupError, match=r"已于 .* 终定"):
        grade_override_set(
            close=close,
            subject_type=s.SUBJECT_CADRE,
            subject_code="C01",
            grade=EXCELLENT,
            reason="x",
            user=None,
        )
    with pytest.raises(FollowupError, match="终定"):
        grade_override_withdraw(override=GradeOverride.objects.get(), user=None)
    with pytest.raises(FollowupError, match="终定"):
        annual_close(year=YEAR, run=close.run, notified_on=MONDAY, user=None)
    with pytest.raises(FollowupError, match="已终定"):
        _file(published, after)
    assert GradeOverride.objects.get().grade == COMPETENT


def _login(username: str, role: str, cadre: Cadre | None = None) -> Client:
    user = User.objects.create_user(username=username, password="x", cadre=cadre)
    user.groups.set([roles_ensure()[role]])
    client = Client()
    client.force_login(user)
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_the_page_publishes_takes_objections_answers_and_finalises(plan: Plan) -> None:
    close = _close(plan)
    office = _login("office-pub", OFFICE)
    url = f"/followup/publication/?year={YEAR}"
    assert "尚未公示" in _page(office, url)
    today = timezone.localdate()
    response = office.post(
        f"/followup/publication/{YEAR}/publish/", {"published_on": today.isoformat()}
    )
    assert response.status_code == 302
    published = AnnualPublication.objects.get(close=close)
    assert published.published_on == today
    page = _page(office, url)
    assert 'data-state="published"' in page
    # the office registers an objection for C01 (within the window: today)
    response = office.post(url, {"subject_type": "cadre", "subject_code": "C01", "text": "有误"})
    assert response.status_code == 302
    objection = AnnualObjection.objects.get()
    assert (objection.subject_code, objection.filed_on) == ("C01", today)
    assert 'data-open="1"' in _page(office, url)
    # finalising inside the window is refused and says why; nothing changes
    office.post(f"/followup/publication/{YEAR}/finalise/")
    assert AnnualPublication.objects.get().final_on is None
    assert "期满后才能终定" in _page(office, url)
    response = office.post(
        f"/followup/objections/{objection.pk}/answer/",
        {"outcome": "rejected", "answered_on": today.isoformat(), "answer": "维持"},
    )
    assert response.status_code == 302
    assert AnnualObjection.objects.get().outcome == "rejected"
    assert "不予采纳" in _page(office, url)


@pytest.mark.django_db
def test_only_the_office_publishes_and_answers(plan: Plan) -> None:
    close = _close(plan)
    annual_publish(close=close, published_on=timezone.localdate(), user=None)
    someone = _login("cadre-pub", CADRE)  # a cadre's role, not C00
    assert someone.post(f"/followup/publication/{YEAR}/finalise/").status_code == 403
    assert (
        someone.post(
            f"/followup/publication/{YEAR}/publish/", {"published_on": "2027-01-01"}
        ).status_code
        == 403
    )
    # a cadre files only for themself: another's objection is refused
    response = someone.post(
        f"/followup/publication/?year={YEAR}",
        {"subject_type": "cadre", "subject_code": "C00", "text": "有误"},
    )
    assert response.status_code == 403
    assert not AnnualObjection.objects.exists()


@pytest.mark.django_db
def test_the_graded_are_told_of_the_publication_and_the_filer_of_the_answer(
    plan: Plan, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    close = _close(plan)
    graded = Cadre.objects.create(code="C01", name="乙", personnel_type="公务员")
    ungraded = Cadre.objects.create(code="C77", name="丙", personnel_type="公务员")
    mine = User.objects.create_user(username="c01-pub", password="x", cadre=graded)
    other = User.objects.create_user(username="c77-pub", password="x", cadre=ungraded)
    with django_capture_on_commit_callbacks(execute=True):
        published = annual_publish(close=close, published_on=MONDAY, user=None)
    told = Notification.objects.get(user=mine)
    # the window of the demo plan's 5 working days from Monday 12 January ends on the 19th
    assert f"{YEAR} 年度考核结果已公示" in told.text
    assert f"{YEAR + 1}-01-19" in told.text
    assert told.url == f"/followup/publication/?year={YEAR}"
    assert not Notification.objects.filter(user=other).exists()  # no result, no notice

    objection = annual_objection_file(
        publication=published,
        subject_type=s.SUBJECT_CADRE,
        subject_code="C01",
        text="我的等次应为优秀",
        filed_on=MONDAY,
        user=mine,
    )
    with django_capture_on_commit_callbacks(execute=True):
        annual_objection_answer(
            objection=objection, outcome="rejected", answer="维持", answered_on=MONDAY, user=None
        )
    assert Notification.objects.filter(user=mine).count() == 2
    assert Notification.objects.filter(
        user=mine, text__contains="C01 年度等次提出的异议已答复"
    ).exists()
