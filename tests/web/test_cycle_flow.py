"""A month's way through the cycle: the steps in order, who may take each, the units'
submissions, publication on a finished run, the objection window and lock; the pages and the
publication mark on the dashboard and the unit card."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kaohe.accounts.models import Role, User
from kaohe.accounts.services import role_assign
from kaohe.audit.models import AuditEvent
from kaohe.cycle.deadlines import add_working_days
from kaohe.cycle.models import Objection, Period
from kaohe.cycle.selectors import published_run
from kaohe.cycle.services.objections import objection_answer, objection_file
from kaohe.cycle.services.periods import CycleError, period_advance, period_open, unit_submit
from kaohe.engine import schema as s
from kaohe.org.models import Unit
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_save
from kaohe.results.models import Run
from kaohe.results.services import run_compute
from tests.web.conftest import YEAR
from tests.web.cycle_factories import People, client_for, computed, people, period_at

State = Period.State


@pytest.fixture
def district(plan: Plan, demo_csv: Path, tmp_path: Path) -> tuple[People, Run]:
    run = computed(demo_csv, tmp_path)
    return people(), run


def test_default_deadlines_come_from_the_plan(district: tuple[People, Run]) -> None:
    p, _run = district
    period = period_open(year=YEAR, month=3, user=p.office)
    # procedure: submit_day 5, review_day 10, publish_day 15 of the following month
    assert (period.submit_due, period.review_due, period.publish_due) == (
        dt.date(YEAR, 4, 5),
        dt.date(YEAR, 4, 10),
        dt.date(YEAR, 4, 15),
    )
    december = period_open(year=YEAR, month=12, user=p.office)
    assert december.submit_due == dt.date(YEAR + 1, 1, 5)
    with pytest.raises(PermissionDenied):
        period_open(year=YEAR, month=4, user=p.head)


def test_the_plan_sets_the_objection_window_in_working_days(
    district: tuple[People, Run],
) -> None:
    p, run = district
    plan = Plan.objects.get(year=YEAR)
    plan_save(yaml_text=plan.yaml.replace("publicity_days: 5", "publicity_days: 7"))
    period = period_at(2, State.REVIEWED)
    period_advance(period=period, user=p.office, run=run)
    period.refresh_from_db()
    assert period.objections_until == add_working_days(timezone.localdate(), 7)


def test_a_month_goes_through_every_step_to_lock(district: tuple[People, Run]) -> None:
    p, run = district
    period = period_open(year=YEAR, month=2, user=p.office)
    assert period.state == State.OPEN
    period = period_advance(period=period, user=p.office)
    assert period.state == State.COLLECTING

    unit_submit(period=period, unit=p.unit, user=p.head)
    with pytest.raises(PermissionDenied):
        unit_submit(period=period, unit=p.other_unit, user=p.head)  # not the head's unit
    with pytest.raises(CycleError, match="继续须说明理由"):
        period_advance(period=period, user=p.office)  # five units have not submitted
    period = period_advance(period=period, user=p.office, reason="两个单位书面报送")
    assert period.state == State.SUBMITTED
    with pytest.raises(PermissionDenied):
        period_advance(period=period, user=p.head)
    period = period_advance(period=period, user=p.office)
    assert period.state == State.REVIEWED

    with pytest.raises(CycleError, match="已完成的计算批次"):
        period_advance(period=period, user=p.office)
    period = period_advance(period=period, user=p.office, run=run)
    assert period.state == State.PUBLISHED
    assert published_run(period) == run
    assert period.objections_until == add_working_days(timezone.localdate(), 5)

    objection = objection_file(
        period=period,
        user=p.head,
        subject_type=s.SUBJECT_UNIT,
        subject_code=p.unit.code,
        text="经济指标口径有误",
    )
    with pytest.raises(CycleError, match="异议期"):
        period_advance(period=period, user=p.office)  # the window is open
    Period.objects.filter(pk=period.pk).update(
        objections_until=timezone.localdate() - dt.timedelta(days=1)
    )
    period.refresh_from_db()
    with pytest.raises(CycleError, match="1 条异议未答复"):
        period_advance(period=period, user=p.office)
    objection_answer(
        objection=objection, user=p.office, outcome=Objection.Outcome.REJECTED, answer="口径无误"
    )
    period = period_advance(period=period, user=p.office)
    assert period.state == State.LOCKED
    assert period.locked_at is not None
    with pytest.raises(CycleError):
        period_advance(period=period, user=p.office)

    steps = [(st.from_state, st.to_state) for st in period.steps.all()]
    assert steps == [
        (State.OPEN, State.COLLECTING),
        (State.COLLECTING, State.SUBMITTED),
        (State.SUBMITTED, State.REVIEWED),
        (State.REVIEWED, State.PUBLISHED),
        (State.PUBLISHED, State.LOCKED),
    ]
    assert period.steps.get(to_state=State.SUBMITTED).reason == "两个单位书面报送"
    actions = set(
        AuditEvent.objects.filter(model="cycle.period", object_id=str(period.pk)).values_list(
            "action", flat=True
        )
    )
    assert {AuditEvent.Action.PUBLISH, AuditEvent.Action.LOCK, AuditEvent.Action.CYCLE} <= actions


def test_the_last_unit_to_submit_moves_the_month_on(district: tuple[People, Run]) -> None:
    p, _run = district
    period = period_at(5, State.COLLECTING)
    for unit in Unit.objects.filter(active=True).order_by("code"):
        unit_submit(period=period, unit=unit, user=p.office)
    period.refresh_from_db()
    assert period.state == State.SUBMITTED
    assert period.steps.get().reason == "全部单位已报送"


def test_publication_needs_a_finished_run_that_covers_the_month(
    district: tuple[People, Run],
) -> None:
    p, _run = district
    short = run_compute(year=YEAR, through_month=2)
    period = period_at(6, State.REVIEWED)
    with pytest.raises(CycleError, match=f"#{short.pk}"):
        period_advance(period=period, user=p.office, run=short)


def test_objections_only_from_the_affected_unit_or_cadre_and_only_in_the_window(
    district: tuple[People, Run],
) -> None:
    p, run = district
    period = period_at(7, State.PUBLISHED, run)
    Period.objects.filter(pk=period.pk).update(objections_until=timezone.localdate())
    period.refresh_from_db()
    mine = objection_file(
        period=period,
        user=p.cadre,
        subject_type=s.SUBJECT_CADRE,
        subject_code=p.cadre.cadre.code if p.cadre.cadre else "",
        text="月度等次应为优",
    )
    assert mine.filed_by == p.cadre
    with pytest.raises(PermissionDenied):
        objection_file(
            period=period,
            user=p.head,
            subject_type=s.SUBJECT_UNIT,
            subject_code=p.other_unit.code,
            text="x",
        )
    with pytest.raises(PermissionDenied):  # another cadre's score
        objection_file(
            period=period,
            user=p.head,
            subject_type=s.SUBJECT_CADRE,
            subject_code=p.cadre.cadre.code if p.cadre.cadre else "",
            text="x",
        )
    Period.objects.filter(pk=period.pk).update(
        objections_until=timezone.localdate() - dt.timedelta(days=1)
    )
    period.refresh_from_db()
    with pytest.raises(CycleError, match="不在异议期内"):
        objection_file(
            period=period,
            user=p.head,
            subject_type=s.SUBJECT_UNIT,
            subject_code=p.unit.code,
            text="x",
        )
    with pytest.raises(PermissionDenied):
        objection_answer(objection=mine, user=p.head, outcome="accepted", answer="x")
    objection_answer(objection=mine, user=p.office, outcome="accepted", answer="已更正")
    with pytest.raises(CycleError, match="已答复"):
        objection_answer(objection=mine, user=p.office, outcome="accepted", answer="再次")


def test_the_pages_take_a_month_from_open_to_published(district: tuple[People, Run]) -> None:
    p, run = district
    office, head = client_for(p.office), client_for(p.head)
    months = office.get(f"/cycle/?year={YEAR}").content.decode()
    assert "未开启" in months
    assert office.post(f"/cycle/{YEAR}/8/open/").status_code == 302
    assert head.post(f"/cycle/{YEAR}/9/open/").status_code == 403
    assert office.post(f"/cycle/{YEAR}/8/advance/", {"reason": ""}).status_code == 302
    page = head.get(f"/cycle/{YEAR}/8/").content.decode()
    assert "数据采集中" in page
    assert f'value="{p.unit.code}"' in page  # the head may submit their own unit
    assert f'value="{p.other_unit.code}"' not in page
    assert head.post(f"/cycle/{YEAR}/8/submit/", {"unit": p.unit.code}).status_code == 302
    refused = head.post(f"/cycle/{YEAR}/8/submit/", {"unit": p.other_unit.code})
    assert refused.status_code == 403
    early = office.post(f"/cycle/{YEAR}/8/advance/", {"reason": ""})
    assert early.status_code == 400
    assert "未报送" in early.content.decode()
    for reason in ("书面报送", ""):
        assert office.post(f"/cycle/{YEAR}/8/advance/", {"reason": reason}).status_code == 302
    assert Period.objects.get(year=YEAR, month=8).state == State.REVIEWED
    published = office.post(f"/cycle/{YEAR}/8/advance/", {"reason": "", "run": run.pk})
    assert published.status_code == 302
    page = head.get(f"/cycle/{YEAR}/8/").content.decode()
    assert "公示中" in page
    assert "提交异议" in page
    assert "收到通知后 30 日内申请复核" in page  # the plan's procedure.review_days
    assert "15 日内申诉" in page
    filed = head.post(
        f"/cycle/{YEAR}/8/objections/",
        {"subject": f"unit:{p.unit.code}", "text": "经济数据口径待核对"},
    )
    assert filed.status_code == 302
    objection = Objection.objects.get()
    answered = office.post(
        f"/cycle/objections/{objection.pk}/answer/", {"outcome": "rejected", "answer": "经复核无误"}
    )
    assert answered.status_code == 302
    page = head.get(f"/cycle/{YEAR}/8/").content.decode()
    assert "经济数据口径待核对" in page
    assert "经复核无误" in page
    other = client_for(p.other_head).get(f"/cycle/{YEAR}/8/").content.decode()
    assert "经济数据口径待核对" not in other  # another unit's objection is not shown


def test_the_dashboard_and_the_unit_card_say_whether_the_run_is_published(
    district: tuple[People, Run],
) -> None:
    p, run = district
    office = client_for(p.office)
    url = f"/?year={YEAR}&month=12"
    assert "尚未公示" in office.get(url).content.decode()
    period_at(12, State.PUBLISHED, run)
    page = office.get(url).content.decode()
    assert "已公示" in page
    assert f"公示的计算批次 #{run.pk}" in page
    newer = run_compute(year=YEAR)
    card = office.get(f"/units/{p.unit.code}/?year={YEAR}&month=12").content.decode()
    assert "非公示批次" in card
    assert f"本月公示的是计算批次 #{run.pk}" in card
    assert newer.pk != run.pk


def test_the_steps_refuse_with_403_before_reading_the_form(district: tuple[People, Run]) -> None:
    """Who may not take a step is refused (403) before the form is read: a filled form and an
    empty one get the same answer; who may gets past the gate (an empty form: 400)."""
    p, run = district
    period_at(3, State.COLLECTING)
    period_at(4, State.PUBLISHED, run)
    Period.objects.filter(year=YEAR, month=4).update(objections_until=timezone.localdate())
    office, head, stats = client_for(p.office), client_for(p.head), client_for(p.stats)
    cadre = client_for(p.cadre)
    for path in ("advance", "deadlines"):
        for client in (head, stats, cadre):
            assert client.post(f"/cycle/{YEAR}/3/{path}/").status_code == 403
        assert office.post(f"/cycle/{YEAR}/3/{path}/", {"submit_due": "x"}).status_code == 400
    # submitting: the statistics bureau heads no unit; a head only their own unit
    assert stats.post(f"/cycle/{YEAR}/3/submit/").status_code == 403
    assert stats.post(f"/cycle/{YEAR}/3/submit/", {"unit": p.unit.code}).status_code == 403
    assert cadre.post(f"/cycle/{YEAR}/3/submit/", {"unit": p.unit.code}).status_code == 403
    assert head.post(f"/cycle/{YEAR}/3/submit/", {"unit": p.other_unit.code}).status_code == 403
    assert head.post(f"/cycle/{YEAR}/3/submit/").status_code == 400  # no unit posted
    assert not Period.objects.get(year=YEAR, month=3).submissions.exists()
    # objecting: only who is affected by something; the office answers, it does not object
    subject = {"subject": f"unit:{p.unit.code}", "text": "x"}
    assert office.post(f"/cycle/{YEAR}/4/objections/", subject).status_code == 403
    assert stats.post(f"/cycle/{YEAR}/4/objections/", subject).status_code == 403
    assert cadre.post(f"/cycle/{YEAR}/4/objections/").status_code == 400
    assert not Objection.objects.exists()
    filed = cadre.post(f"/cycle/{YEAR}/4/objections/", subject)
    assert filed.status_code == 302
    objection = Objection.objects.get()
    answer = {"outcome": "rejected", "answer": "无误"}
    for client in (head, stats, cadre):
        assert client.post(f"/cycle/objections/{objection.pk}/answer/", answer).status_code == 403
    assert office.post(f"/cycle/objections/{objection.pk}/answer/").status_code == 400
    objection.refresh_from_db()
    assert not objection.answered


def test_a_unit_head_without_a_cadre_objects_for_the_unit_headed(
    district: tuple[People, Run],
) -> None:
    p, run = district
    period_at(5, State.PUBLISHED, run)
    Period.objects.filter(year=YEAR, month=5).update(objections_until=timezone.localdate())
    assigned = User.objects.create_user(username="assigned_head", password="x")
    role_assign(user=assigned, role=Role.UNIT_HEAD, unit=p.unit)  # a head who is no cadre
    head = client_for(assigned)
    page = head.get(f"/cycle/{YEAR}/5/").content.decode()
    assert f'value="unit:{p.unit.code}"' in page
    assert f'value="unit:{p.other_unit.code}"' not in page
    other = {"subject": f"unit:{p.other_unit.code}", "text": "x"}
    assert head.post(f"/cycle/{YEAR}/5/objections/", other).status_code == 400  # not offered
    mine = {"subject": f"unit:{p.unit.code}", "text": "口径待核对"}
    assert head.post(f"/cycle/{YEAR}/5/objections/", mine).status_code == 302
    assert Objection.objects.get().subject_code == p.unit.code
