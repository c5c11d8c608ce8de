"""Leaders' ratings and political ratings (kaohe/ratings, docs/ratings.md): the window in working
days, recusal, the rater's scope, draft and submit (upsert of the engine's rows), the month lock,
the pages' gates, "我的评价", completion and reminders, and golden numbers through the engine."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pydantic import ValidationError

from kaohe.accounts.models import Role, User
from kaohe.accounts.services import role_assign
from kaohe.collection.models import Evaluation
from kaohe.collection.services import data_load
from kaohe.cycle.guard import MonthLockedError
from kaohe.cycle.models import Notification, Period
from kaohe.engine.plan import AnchorLevel, Political, Procedure
from kaohe.org.models import Assignment, Cadre, Unit
from kaohe.plans.models import Plan
from kaohe.ratings.models import Rating
from kaohe.ratings.periods import period_parse, rating_window
from kaohe.ratings.selectors import sheet_ratees
from kaohe.ratings.services import Entry, RatingError, ratings_save, reminders_send
from kaohe.results.models import CadreMonthly, PeriodScore, PoliticalScore, Run
from kaohe.results.services import run_compute
from tests.web.conftest import YEAR, demo_frames
from tests.web.cycle_factories import period_at

Q1 = period_parse(f"{YEAR}-Q1")
IN_Q1_WINDOW = dt.date(YEAR, 4, 2)
IN_YEAR_WINDOW = dt.date(YEAR + 1, 1, 5)


@dataclass
class Org:
    unit: Unit
    other: Unit
    principal: str
    head_cadre: str  # a leader of ``unit``, the head account's cadre
    staff: list[str]  # staff of ``unit``
    office: User
    head: User
    cadre: User  # the first staff member's account
    other_head: User  # the unit head of ``other``


def _current(unit: Unit, role: str) -> list[str]:
    return list(
        Assignment.objects.filter(post__unit=unit, post__role=role, end__isnull=True)
        .order_by("cadre__code")
        .values_list("cadre__code", flat=True)
    )


@pytest.fixture
def org(plan: Plan) -> Org:
    """The small demo district; the head of the first unit with a leader is that leader."""
    data_load(frames=demo_frames(plan), year=YEAR, reason="test")
    units = [
        u for u in Unit.objects.order_by("code") if _current(u, "leader") and _current(u, "staff")
    ]
    unit, other = units[0], units[1]
    principal = _current(unit, "principal")[0]
    head_cadre = _current(unit, "leader")[0]
    staff = _current(unit, "staff")
    office = User.objects.create_user(username="office", password="x")
    role_assign(user=office, role=Role.OFFICE)
    head = User.objects.create_user(username="head", password="x", cadre_id=_pk(head_cadre))
    role_assign(user=head, role=Role.UNIT_HEAD, unit=unit)
    cadre = User.objects.create_user(username="cadre", password="x", cadre_id=_pk(staff[0]))
    role_assign(user=cadre, role=Role.CADRE)
    other_head = User.objects.create_user(username="other_head", password="x")
    role_assign(user=other_head, role=Role.UNIT_HEAD, unit=other)
    return Org(unit, other, principal, head_cadre, staff, office, head, cadre, other_head)


def _pk(code: str) -> int:
    return int(Cadre.objects.get(code=code).pk)


def _save(org: Org, entries: list[Entry], *, submit: bool, today: dt.date) -> int:
    """The head's quarterly sheet of Q1."""
    return ratings_save(
        user=org.head,
        unit=org.unit,
        period=Q1,
        kind="quarterly",
        entries=entries,
        submit=submit,
        today=today,
    )


def _rows(code: str, period: str, kind: str, rater: str) -> list[Evaluation]:
    return list(
        Evaluation.objects.filter(subject_code=code, period=period, kind=kind, rater_code=rater)
    )


# --- the window in working days


def test_the_window_opens_after_the_period_and_closes_after_n_working_days() -> None:
    # Q1 ends Tuesday 31 March; 10 working days: 1–3 April (3), 6–10 (8), 13–14 (10)
    window = rating_window(Q1, 10)
    assert (window.opens, window.closes) == (dt.date(YEAR, 4, 1), dt.date(YEAR, 4, 14))
    assert window.state(dt.date(YEAR, 3, 31)) == "before"
    assert window.state(dt.date(YEAR, 4, 14)) == "open"
    assert window.state(dt.date(YEAR, 4, 15)) == "closed"
    # the year (and H2) end on Thursday 31 December: 1 Jan (1), 4–8 (6), 11–14 (10)
    year = rating_window(period_parse(str(YEAR)), 10)
    assert year.closes == dt.date(YEAR + 1, 1, 14)
    # 5 working days after Tuesday 31 March: 1, 2, 3, 6, 7 April
    assert rating_window(Q1, 5).closes == dt.date(YEAR, 4, 7)


def test_periods_name_their_kind_and_months() -> None:
    assert (Q1.kind, Q1.first_month, Q1.last_month) == ("quarterly", 1, 3)
    h2 = period_parse(f"{YEAR}-H2")
    assert (h2.kind, h2.first_month, h2.last_month) == ("half_year", 7, 12)
    assert period_parse(str(YEAR)).kind == "review"
    for bad in ("2026-Q5", "2026-H3", "2026-07", "x"):
        with pytest.raises(ValueError, match="is not a period"):
            period_parse(bad)


# --- plan settings


def test_the_plan_validates_the_rating_window_and_the_anchors() -> None:
    with pytest.raises(ValidationError, match="rating_days"):
        Procedure(rating_days=0)
    two = (AnchorLevel(name="好", score=90, text="a"), AnchorLevel(name="差", score=50, text="b"))
    with pytest.raises(ValidationError, match="not a political item"):
        Political(anchors={"政治定力": two})
    with pytest.raises(ValidationError, match="highest score down"):
        Political(anchors={"政治判断力": tuple(reversed(two))})
    with pytest.raises(ValidationError, match="repeat a level name"):
        Political(anchors={"政治判断力": (two[0], two[0].model_copy(update={"score": 10}))})
    assert Procedure().rating_days == 10
    levels = Political().anchors_of("政治判断力")
    assert [a.score for a in levels] == [95, 85, 75, 65, 50]
    assert all(a.text for a in levels)


# --- the service


@pytest.mark.django_db
def test_a_draft_is_the_raters_alone_and_submitting_writes_the_engines_row(org: Org) -> None:
    x = org.staff[0]
    entry = Entry(subject_code=x, score=82.5, comment="  实绩突出  ")
    assert _save(org, [entry], submit=False, today=IN_Q1_WINDOW) == 1
    rating = Rating.objects.get(subject_code=x, rater=org.head)
    assert (rating.state, rating.score, rating.comment) == ("draft", 82.5, "实绩突出")
    assert _rows(x, Q1.code, "quarterly", org.head_cadre) == []  # a draft feeds nothing
    _save(org, [], submit=True, today=IN_Q1_WINDOW)  # submits the draft
    (row,) = _rows(x, Q1.code, "quarterly", org.head_cadre)  # rater_code: the head's cadre
    assert (row.score, row.year, row.item, row.rater_group) == (82.5, YEAR, "", "")
    # saving again within the window updates the same row (upsert), still submitted
    _save(org, [Entry(subject_code=x, level="良")], submit=False, today=IN_Q1_WINDOW)
    (row,) = _rows(x, Q1.code, "quarterly", org.head_cadre)
    assert row.score == pytest.approx(85.0)  # 良 = 0.85 × 100
    assert Rating.objects.get(subject_code=x, rater=org.head).state == "submitted"
    # clearing a submitted rating removes the rater's own row only
    other_source = Evaluation.objects.create(
        year=YEAR, subject_code=x, period=Q1.code, kind="quarterly", score=70, rater_code="ZZZ"
    )
    _save(org, [Entry(subject_code=x)], submit=True, today=IN_Q1_WINDOW)
    assert _rows(x, Q1.code, "quarterly", org.head_cadre) == []
    assert not Rating.objects.filter(subject_code=x, rater=org.head).exists()
    assert Evaluation.objects.filter(pk=other_source.pk).exists()


@pytest.mark.django_db
def test_a_rater_never_rates_themself_nor_outside_their_rows(org: Org) -> None:
    rows = {r.code for r in sheet_ratees(org.head, org.unit, Q1, "quarterly")}
    assert org.head_cadre not in rows  # 回避
    assert org.principal not in rows  # principals: the office's
    assert set(org.staff) <= rows
    refused = [
        (org.head_cadre, "回避"),
        (org.principal, org.principal),
        (_current(org.other, "staff")[0], "不能评价"),
    ]
    for code, reason in refused:
        with pytest.raises(RatingError, match=reason):
            _save(org, [Entry(subject_code=code, score=90)], submit=True, today=IN_Q1_WINDOW)
    # the office rates the principal (and, in the year's review, the team), not the staff
    office_rows = {r.code for r in sheet_ratees(org.office, org.unit, Q1, "quarterly")}
    assert office_rows == {org.principal}
    review = {r.code for r in sheet_ratees(org.office, org.unit, period_parse(str(YEAR)), "review")}
    assert review == {org.principal, org.unit.code}
    assert Rating.objects.count() == 0


@pytest.mark.django_db
def test_scores_and_levels_are_checked(org: Org) -> None:
    x = org.staff[0]
    for entry, reason in (
        (Entry(subject_code=x, score=100.5), "0 到 100"),
        (Entry(subject_code=x, score=-1), "0 到 100"),
        (Entry(subject_code=x, level="极好"), "极好"),
    ):
        with pytest.raises(RatingError, match=reason):
            _save(org, [entry], submit=True, today=IN_Q1_WINDOW)
    assert Rating.objects.count() == 0


@pytest.mark.django_db
def test_outside_the_window_nothing_is_saved(org: Org) -> None:
    entry = Entry(subject_code=org.staff[0], score=90)
    # the window is 1–14 April (10 working days after 31 March)
    with pytest.raises(RatingError, match="开始"):
        _save(org, [entry], submit=True, today=dt.date(YEAR, 3, 31))
    with pytest.raises(RatingError, match="截止"):
        _save(org, [entry], submit=True, today=dt.date(YEAR, 4, 15))
    assert _save(org, [entry], submit=True, today=dt.date(YEAR, 4, 14)) == 1


@pytest.mark.django_db
def test_a_locked_month_refuses_the_periods_ratings(org: Org) -> None:
    period_at(3, Period.State.LOCKED)
    with pytest.raises(MonthLockedError):
        _save(org, [Entry(subject_code=org.staff[0], score=90)], submit=True, today=IN_Q1_WINDOW)
    assert Rating.objects.count() == 0


# --- the pages


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _today(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *_a, **_k: day)


@pytest.mark.django_db
def test_a_unit_head_submits_the_sheet_on_the_page(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    _today(monkeypatch, IN_Q1_WINDOW)
    url = reverse("ratings:sheet", kwargs={"period": Q1.code, "code": org.unit.code})
    client = _client(org.head)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert f'name="score-{org.staff[0]}"' in body
    assert f'name="score-{org.head_cadre}"' not in body  # 回避: not on their own sheet
    x, y = org.staff[0], org.staff[1]
    form = {f"score-{x}": "88", f"comment-{x}": "好", f"level-{y}": "中", "action": "submit"}
    response = client.post(url, form)
    assert response.status_code == 302
    assert _rows(x, Q1.code, "quarterly", org.head_cadre)[0].score == 88
    assert _rows(y, Q1.code, "quarterly", org.head_cadre)[0].score == pytest.approx(70)
    assert "已提交" in client.get(url).content.decode()


@pytest.mark.django_db
def test_outside_the_window_the_sheet_is_read_only_and_a_post_is_refused(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    _today(monkeypatch, dt.date(YEAR, 4, 15))
    url = reverse("ratings:sheet", kwargs={"period": Q1.code, "code": org.unit.code})
    client = _client(org.head)
    page = client.get(url).content.decode()
    assert "已于 2026-04-14 截止" in page
    assert 'value="submit"' not in page
    assert "disabled" in page
    response = client.post(url, {f"score-{org.staff[0]}": "88", "action": "submit"})
    assert response.status_code == 400
    assert "已于 2026-04-14 截止，不能再修改" in response.content.decode()
    assert Rating.objects.count() == 0


@pytest.mark.django_db
def test_a_locked_month_refuses_the_post_with_a_message(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    _today(monkeypatch, IN_Q1_WINDOW)
    period_at(3, Period.State.LOCKED)
    url = reverse("ratings:sheet", kwargs={"period": Q1.code, "code": org.unit.code})
    response = _client(org.head).post(url, {f"score-{org.staff[0]}": "88", "action": "submit"})
    assert response.status_code == 400
    assert "已锁定" in response.content.decode()
    assert Rating.objects.count() == 0


@pytest.mark.django_db
def test_forbidden_posts_answer_403_before_reading_the_form(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    _today(monkeypatch, IN_Q1_WINDOW)
    url = reverse("ratings:sheet", kwargs={"period": Q1.code, "code": org.unit.code})
    form = {f"score-{org.staff[0]}": "88", "action": "submit"}
    for user in (org.cadre, org.other_head):
        assert _client(user).post(url, form).status_code == 403
    political = reverse(
        "ratings:political", kwargs={"year": YEAR, "code": org.unit.code, "subject": org.staff[0]}
    )
    assert _client(org.head).post(political, {"level-0": "好"}).status_code == 403
    assert (
        _client(org.cadre).post(reverse("ratings:remind"), {"period": Q1.code}).status_code == 403
    )
    assert Rating.objects.count() == 0


@pytest.mark.django_db
def test_the_office_rates_political_quality_on_anchored_levels(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    _today(monkeypatch, IN_YEAR_WINDOW)
    x, nxt = org.staff[0], org.staff[1]
    listing = reverse("ratings:political_unit", kwargs={"year": YEAR, "code": org.unit.code})
    client = _client(org.office)
    assert client.get(listing).status_code == 200
    url = reverse("ratings:political", kwargs={"year": YEAR, "code": org.unit.code, "subject": x})
    page = client.get(url).content.decode()
    assert 'type="radio" name="level-0" value="较好"' in page
    assert "政治立场坚定，遇到复杂情况能从政治上分析判断" in page  # the anchor's behaviour
    form = {
        "level-0": "较好",
        "level-1": "一般",
        "level-2": "好",
        "comment": "表现突出",
        "action": "submit",
    }
    response = client.post(url, form)
    # submitted: on to the next person of the unit
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{nxt}/")
    rows = {e.item: e.score for e in _rows(x, str(YEAR), "political", "user:office")}
    assert rows == {"政治判断力": 85.0, "政治领悟力": 75.0, "政治执行力": 95.0}
    stored = Rating.objects.get(subject_code=x, item="政治判断力")
    assert stored.level == "较好"
    assert stored.level_text.startswith("政治立场坚定")
    with pytest.raises(RatingError, match="不是方案规定的等次"):
        ratings_save(
            user=org.office,
            unit=org.unit,
            period=period_parse(str(YEAR)),
            kind="political",
            entries=[Entry(subject_code=x, item="政治判断力", level="95")],
            submit=True,
            today=IN_YEAR_WINDOW,
        )


@pytest.mark.django_db
def test_my_ratings_show_the_submitted_ones_with_the_raters_role_not_name(org: Org) -> None:
    x = org.staff[0]
    ratings_save(
        user=org.head,
        unit=org.unit,
        period=Q1,
        kind="quarterly",
        entries=[Entry(subject_code=x, level="优", comment="踏实肯干")],
        submit=True,
        today=IN_Q1_WINDOW,
    )
    ratings_save(
        user=org.head,
        unit=org.unit,
        period=period_parse(f"{YEAR}-Q2"),
        kind="quarterly",
        entries=[Entry(subject_code=x, score=61, comment="草稿评语")],
        submit=False,
        today=dt.date(YEAR, 7, 2),
    )
    ratings_save(
        user=org.office,
        unit=org.unit,
        period=period_parse(str(YEAR)),
        kind="political",
        entries=[Entry(subject_code=x, item="政治执行力", level="较差")],
        submit=True,
        today=IN_YEAR_WINDOW,
    )
    page = _client(org.cadre).get(reverse("ratings:mine")).content.decode()
    assert "踏实肯干" in page
    assert "100.00" in page
    assert "单位负责人" in page
    assert "执行上级决策部署不够及时有力" in page  # the chosen level's description
    assert "草稿评语" not in page  # drafts are the rater's alone
    head_name = org.head.cadre.name if org.head.cadre else "head"
    assert head_name not in page
    # a colleague sees none of it
    colleague = User.objects.create_user(username="c2", password="x", cadre_id=_pk(org.staff[1]))
    role_assign(user=colleague, role=Role.CADRE)
    assert "踏实肯干" not in _client(colleague).get(reverse("ratings:mine")).content.decode()


@pytest.mark.django_db
def test_the_office_sees_who_has_not_rated_and_reminds_them(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    _today(monkeypatch, IN_Q1_WINDOW)
    head_name = org.head.cadre.name if org.head.cadre else ""
    client = _client(org.office)
    page = client.get(reverse("ratings:completion"), {"period": Q1.code}).content.decode()
    expected = len(sheet_ratees(org.head, org.unit, Q1, "quarterly"))
    assert f"{head_name} 0/{expected}" in page
    response = client.post(reverse("ratings:remind"), {"period": Q1.code})
    assert response.status_code == 302
    note = Notification.objects.get(user=org.head)
    assert "2026-04-14" in note.text
    assert note.url.endswith(f"/ratings/{Q1.code}/{org.unit.code}/")
    assert not Notification.objects.filter(user=org.cadre).exists()
    # once a day: reminding again today makes nothing new
    assert reminders_send(period=Q1, today=IN_Q1_WINDOW) == 0


@pytest.mark.django_db
def test_the_daily_reminders_remind_heads_while_a_window_is_open(org: Org) -> None:
    out = io.StringIO()
    # 2 April: the first quarter's window (1–14 April) is open, no other is; the head has rated
    # nobody yet
    call_command("kaohe_remind", "--date", IN_Q1_WINDOW.isoformat(), stdout=out)
    note = Notification.objects.get(user=org.head)
    assert Q1.code in note.text
    sent = Notification.objects.filter(key__startswith=f"ratings:{Q1.code}:").count()
    assert sent >= 1
    assert f"{sent} reminder(s) sent" in out.getvalue()
    # after the window: nothing more for the quarter
    call_command("kaohe_remind", "--date", f"{YEAR}-05-06", stdout=io.StringIO())
    assert Notification.objects.filter(user=org.head).count() == 1


# --- golden numbers through the engine


@pytest.mark.django_db
def test_the_quarterly_score_takes_the_leaders_mean_rating_at_thirty_percent(org: Org) -> None:
    x = org.staff[0]
    Evaluation.objects.filter(subject_code=x, period=Q1.code, kind="quarterly").delete()
    second = User.objects.create_user(username="head2", password="x")
    role_assign(user=second, role=Role.UNIT_HEAD, unit=org.unit)
    for user, score in ((org.head, 80.0), (second, 90.0)):
        ratings_save(
            user=user,
            unit=org.unit,
            period=Q1,
            kind="quarterly",
            entries=[Entry(subject_code=x, score=score)],
            submit=True,
            today=IN_Q1_WINDOW,
        )
    run = run_compute(year=YEAR)
    assert run.state == Run.State.DONE, run.error
    finals = list(
        CadreMonthly.objects.filter(run=run, cadre_code=x, month__in=(1, 2, 3)).values_list(
            "final", flat=True
        )
    )
    assert len(finals) == 3
    mean = sum(f for f in finals if f is not None) / 3
    row = PeriodScore.objects.get(run=run, subject_code=x, period=Q1.code)
    # rating = mean of the two leaders' rows = (80 + 90) / 2 = 85
    # quarterly = 0.7 × mean(finals of Jan–Mar) + 0.3 × 85 = 0.7 × mean + 25.5
    assert row.rating == pytest.approx(85.0)
    assert row.mean_monthly == pytest.approx(mean)
    assert row.score == pytest.approx(0.7 * mean + 25.5)


@pytest.mark.django_db
def test_political_levels_85_75_95_give_a_rating_of_85(org: Org) -> None:
    x = org.staff[0]
    Evaluation.objects.filter(subject_code=x, kind="political").delete()
    ratings_save(
        user=org.office,
        unit=org.unit,
        period=period_parse(str(YEAR)),
        kind="political",
        entries=[
            Entry(subject_code=x, item="政治判断力", level="较好"),  # 85
            Entry(subject_code=x, item="政治领悟力", level="一般"),  # 75
            Entry(subject_code=x, item="政治执行力", level="好"),  # 95
        ],
        submit=True,
        today=IN_YEAR_WINDOW,
    )
    run = run_compute(year=YEAR)
    assert run.state == Run.State.DONE, run.error
    row = PoliticalScore.objects.get(run=run, subject_code=x)
    # three items of weight 1: (1 × 85 + 1 × 75 + 1 × 95) / 3 = 255 / 3 = 85
    assert row.rating == pytest.approx(85.0)
    # evidence then moves it by the adjustment, clamped to 0–100 (rules.md §7)
    assert row.adjustment is not None
    assert row.score == pytest.approx(min(100.0, max(0.0, 85.0 + row.adjustment)))


@pytest.mark.django_db
def test_the_demo_reset_removes_the_ratings_with_the_data(org: Org) -> None:
    from kaohe.core.demo import demo_reset  # noqa: PLC0415 - the demo's command module

    _save(org, [Entry(subject_code=org.staff[0], score=90)], submit=True, today=IN_Q1_WINDOW)
    assert Rating.objects.count() == 1
    demo_reset()
    assert Rating.objects.count() == 0
    assert Rating.history.count() == 0
    assert Evaluation.objects.count() == 0
