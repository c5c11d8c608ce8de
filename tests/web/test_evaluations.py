"""Democratic evaluation rounds: golden aggregation, recusal, the 5-ballot rule, anonymity, logs."""

from __future__ import annotations

import logging

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from kaohe.accounts.models import User
from kaohe.accounts.roles import CADRE, OFFICE, roles_ensure
from kaohe.collection.models import Evaluation
from kaohe.collection.services import data_load
from kaohe.evaluations import models as m
from kaohe.evaluations.models import Ballot, ClosedBallot, ClosedMark, Mark, Rater, Round, Subject
from kaohe.evaluations.selectors import round_results, round_turnout
from kaohe.evaluations.services import (
    BallotRefusedError,
    EvaluationError,
    IncompleteBallotError,
    ballot_cast,
    rater_recuse,
    rater_subjects,
    round_close,
    round_open,
    tokens_issue,
)
from kaohe.org.models import Unit
from kaohe.plans.models import Plan
from kaohe.results.models import AnnualResult
from kaohe.results.services import run_compute
from tests.web.conftest import YEAR, demo_frames
from tests.web.evaluations_kit import (
    group_raters,
    levels_for,
    open_with_tokens,
    org,
    team_round,
    vote,
    vote_group,
)


def _golden_round(first: str = "U1", second: str = "U2") -> Round:
    """Five leaders, five peers, six subordinates (outside raters: they rate every team);
    the fifth leader recuses from the second team (a relative): it has four leader ballots."""
    round_ = team_round(
        subjects=(first, second), outside_leaders=5, outside_peers=5, subordinates=6
    )
    tokens = open_with_tokens(round_)
    rater_recuse(
        rater=group_raters(round_, "leaders")[4], subjects=[round_.subjects.get(code=second)]
    )

    def subordinate(subject: Subject, item: int) -> str:
        if subject.code == first:
            return "优" if item == 0 else "中"
        return "差"

    vote_group(round_, tokens, "leaders", ["优", "优", "优", "良", "良"])
    vote_group(round_, tokens, "peers", [lambda s, _i: "良" if s.code == first else "中"] * 5)
    vote_group(round_, tokens, "subordinates", [subordinate] * 6)
    return round_


@pytest.mark.django_db
def test_recorded_ballots_give_the_hand_computed_evaluation_rows(plan: Plan) -> None:
    org()
    round_ = _golden_round()
    written = round_close(round_=round_)
    # levels 优 1.0, 良 0.85, 中 0.7, 差 0.5 (× 100), five items, three groups:
    # U1 leaders: (3 × 100 + 2 × 85) / 5 = 94 for each item, 5 ballots
    # U1 peers: 85 for each item
    # U1 subordinates: 100 for 政治思想建设, 70 for the others, 6 ballots
    # U2 leaders: 4 ballots < 5 → no rows; U2 peers: 70; U2 subordinates: 50 (6 ballots)
    # rows: U1 3 groups × 5 items + U2 2 groups × 5 items = 25
    assert written == 25
    rows: dict[tuple[str, str, str], tuple[object, ...]] = {
        (e.subject_code, e.rater_group, e.item): (e.score, e.ballots, e.period, e.kind)
        for e in Evaluation.objects.filter(year=YEAR)
    }
    assert len(rows) == 25
    items = ["政治思想建设", "领导能力", "工作实绩", "党风廉政建设", "作风建设"]
    for item in items:
        assert rows[("U1", "leaders", item)] == (pytest.approx(94.0), 5, "2026", "democratic")
        assert rows[("U1", "peers", item)][:2] == (pytest.approx(85.0), 5)
        expected = 100.0 if item == "政治思想建设" else 70.0
        assert rows[("U1", "subordinates", item)][:2] == (pytest.approx(expected), 6)
        assert ("U2", "leaders", item) not in rows
        assert rows[("U2", "peers", item)][:2] == (pytest.approx(70.0), 5)
        assert rows[("U2", "subordinates", item)][:2] == (pytest.approx(50.0), 6)
    assert set(Evaluation.objects.values_list("rater_code", flat=True)) == {""}
    # the page's overall weighs groups as the engine does:
    # U1 = 0.3 × 94 + 0.4 × 85 + 0.3 × (100 + 4 × 70) / 5 = 28.2 + 34 + 22.8 = 85.0
    # U2 = (0.4 × 70 + 0.3 × 50) / 0.7 = 43 / 0.7 = 61.428571…
    results = {r.subject.code: r for r in round_results(round_)}
    assert results["U1"].overall == pytest.approx(85.0)
    assert results["U2"].overall == pytest.approx(43 / 0.7)
    assert results["U2"].scores[("leaders", "领导能力")] is None  # 4 ballots: hidden


@pytest.mark.django_db
def test_a_closed_round_feeds_the_engines_democratic_and_annual_scores(plan: Plan) -> None:
    """End to end: the small demo district, its two first teams' democratic rows replaced by a
    round's ballots (those of the golden test above), computed by the engine."""
    data_load(frames=demo_frames(plan), year=YEAR, reason="demo")
    first, second = Unit.objects.order_by("code").values_list("code", flat=True)[:2]
    Evaluation.objects.filter(kind="democratic", subject_code__in=(first, second)).delete()
    round_close(round_=_golden_round(first, second))
    run = run_compute(year=YEAR)
    assert run.state == "done", run.error
    teams = {r.subject_code: r for r in AnnualResult.objects.filter(run=run, subject_type="team")}
    # the golden test's hand computation: 85.0 and 43 / 0.7 (the leaders' 4 ballots left out)
    assert teams[first].democratic == pytest.approx(85.0, abs=1e-9)
    assert teams[second].democratic == pytest.approx(43 / 0.7, abs=1e-9)
    # comprehensive = 0.4 × democratic + 0.4 × review + 0.2 × second half (all present here)
    row = teams[first]
    assert row.review is not None
    assert row.second_half is not None
    expected = 0.4 * 85.0 + 0.4 * row.review + 0.2 * row.second_half
    assert row.comprehensive == pytest.approx(expected, abs=1e-9)


@pytest.mark.django_db
def test_closing_reshuffles_ballots_into_the_closed_tables_under_new_ids(plan: Plan) -> None:
    org()
    round_ = team_round(outside_peers=6)
    tokens = open_with_tokens(round_)
    vote_group(round_, tokens, "peers", ["优", "良", "中", "差", "优", "良"])
    open_ids = set(Ballot.objects.values_list("id", flat=True))
    open_marks = set(Mark.objects.values_list("id", flat=True))
    assert len(open_ids) == 6
    assert Mark.objects.count() == 6 * 2 * 5  # ballots × subjects × items
    round_close(round_=round_)
    assert not Ballot.objects.exists()
    assert not Mark.objects.exists()
    closed = set(ClosedBallot.objects.values_list("id", flat=True))
    assert len(closed) == 6
    assert closed.isdisjoint(open_ids)
    assert ClosedMark.objects.count() == 60
    assert set(ClosedMark.objects.values_list("id", flat=True)).isdisjoint(open_marks)
    scores = sorted(
        ClosedMark.objects.filter(subject__code="U1", item="领导能力").values_list(
            "score", flat=True
        )
    )
    assert scores == [50.0, 70.0, 85.0, 85.0, 100.0, 100.0]
    assert round_.state == Round.State.CLOSED
    with pytest.raises(EvaluationError):
        round_close(round_=round_)


@pytest.mark.django_db
def test_a_rater_does_not_rate_themself_nor_their_own_team(plan: Plan) -> None:
    org()
    # C01 principal of U1, C02 leader of U1, C04 staff of U1, C03 principal of U2
    teams = team_round(subjects=("U1", "U2", "U3"), leaders=("C01", "C03"), peers=("C02", "C04"))
    seen = {
        r.cadre.code: [s.code for s in rater_subjects(r)]
        for r in Rater.objects.filter(round=teams).select_related("cadre")
        if r.cadre is not None
    }
    assert seen == {
        "C01": ["U2", "U3"],  # not the team of U1, which C01 belongs to
        "C03": ["U1", "U3"],
        "C02": ["U2", "U3"],  # a leader is in the team too
        "C04": ["U1", "U2", "U3"],  # staff rate their own unit's team
    }
    leaders = team_round(subjects=("C01", "C02", "C03"), peers=("C01", "C05"), kind="leader")
    seen = {
        r.cadre.code: [s.code for s in rater_subjects(r)]
        for r in Rater.objects.filter(round=leaders).select_related("cadre")
        if r.cadre is not None
    }
    assert seen == {"C01": ["C02", "C03"], "C05": ["C01", "C02", "C03"]}
    # a further recusal (a relative) recorded by the office
    c05 = Rater.objects.get(round=leaders, cadre__code="C05")
    rater_recuse(rater=c05, subjects=[leaders.subjects.get(code="C02")])
    assert [s.code for s in rater_subjects(c05)] == ["C01", "C03"]
    # a ballot for a recused subject is not asked for, and a level for it is not stored
    tokens = open_with_tokens(leaders)
    levels = levels_for(c05, lambda _s, _i: "优")
    c02 = leaders.subjects.get(code="C02")
    levels |= {f"{c02.pk}:{i}": "差" for i in range(5)}
    ballot_cast(token=tokens[c05.pk], levels=levels)
    assert not Mark.objects.filter(subject=c02).exists()
    assert Mark.objects.count() == 10


@pytest.mark.django_db
def test_results_are_hidden_for_a_subject_under_five_ballots(plan: Plan) -> None:
    org()
    round_ = team_round(outside_peers=5, subordinates=4)
    tokens = open_with_tokens(round_)
    peers = group_raters(round_, "peers")
    # U2: recused by two peers → 3 peer ballots + 1 subordinate = 4 ballots in all
    for rater in peers[:2]:
        rater_recuse(rater=rater, subjects=[round_.subjects.get(code="U2")])
    vote_group(round_, tokens, "peers", ["优"] * 5)
    vote_group(round_, tokens, "subordinates", ["良"])
    round_close(round_=round_)
    results = {r.subject.code: r for r in round_results(round_)}
    assert results["U1"].ballots == 6
    assert results["U1"].shown
    assert results["U1"].scores[("peers", "工作实绩")] == pytest.approx(100.0)
    assert results["U1"].scores[("subordinates", "工作实绩")] is None  # 1 ballot
    assert results["U1"].overall == pytest.approx(100.0)  # the peers alone
    assert results["U2"].ballots == 4
    assert not results["U2"].shown
    assert results["U2"].scores == {}
    assert results["U2"].overall is None
    # and nothing of U2 (3 peer ballots, 1 subordinate) reaches the year's evaluations
    assert not Evaluation.objects.filter(subject_code="U2").exists()
    assert Evaluation.objects.filter(subject_code="U1").count() == 5  # peers × 5 items


@pytest.mark.django_db
def test_a_token_votes_once_and_only_while_the_round_is_open(plan: Plan) -> None:
    org()
    round_ = team_round(outside_peers=2)
    tokens = {t.rater.pk: t.token for t in tokens_issue(round_=round_)}
    first, second = group_raters(round_, "peers")
    with pytest.raises(BallotRefusedError, match="不在投票时间"):  # a draft round
        vote(first, tokens[first.pk], "优")
    round_open(round_=round_)
    with pytest.raises(IncompleteBallotError):
        ballot_cast(token=tokens[first.pk], levels={})
    with pytest.raises(BallotRefusedError, match="无效"):
        ballot_cast(token="not-a-token", levels={})
    vote(first, tokens[first.pk], "优")
    with pytest.raises(BallotRefusedError, match="已投票"):
        vote(first, tokens[first.pk], "差")
    assert Ballot.objects.count() == 1
    assert [t.voted for t in round_turnout(round_) if t.group == "peers"] == [1]
    round_close(round_=round_)  # unused tokens are void from now on
    with pytest.raises(BallotRefusedError, match="无效"):
        vote(second, tokens[second.pk], "优")


def test_no_ballot_column_references_a_voter_a_token_or_a_time() -> None:
    voters = {m.Rater, m.BallotToken, m.CastReceipt}
    for model in (m.Ballot, m.Mark, m.ClosedBallot, m.ClosedMark, m.SurveyAnswer):
        assert isinstance(model._meta.pk, models.UUIDField), model
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateField | models.TimeField), (model, field)
            related = getattr(field, "related_model", None)
            assert related is None or related not in voters, (model, field)
            assert related is None or related._meta.label not in (
                "accounts.User",
                "org.Cadre",
            ), (model, field)
            assert "token" not in field.name
            assert "rater" not in field.name
        assert not hasattr(model, "history"), model  # no simple-history
    # the receipt names the token only, never a ballot
    assert {f.name for f in m.CastReceipt._meta.concrete_fields} == {"id", "token"}


@pytest.mark.django_db
def test_a_ballot_post_logs_neither_the_token_nor_the_answers(
    plan: Plan, caplog: pytest.LogCaptureFixture
) -> None:
    org()
    round_ = team_round(outside_peers=1)
    tokens = open_with_tokens(round_)
    (rater,) = group_raters(round_, "peers")
    token = tokens[rater.pk]
    answers = {f"m-{k}": v for k, v in levels_for(rater, lambda _s, _i: "良").items()}
    client = Client()
    caplog.set_level(logging.DEBUG)
    assert client.get(reverse("vote")).status_code == 200
    opened = client.post(reverse("vote"), {"token": token})
    assert opened.status_code == 200
    assert "工作实绩" in opened.content.decode()
    incomplete = client.post(reverse("vote"), {"token": token, "cast": "1"})
    assert incomplete.status_code == 400  # logged by django.request as a bad request
    done = client.post(reverse("vote"), {"token": token, "cast": "1", **answers})
    assert done.status_code == 200
    assert "投票成功" in done.content.decode()
    again = client.post(reverse("vote"), {"token": token, "cast": "1", **answers})
    assert again.status_code == 403
    assert done["Cache-Control"].startswith("max-age=0")
    assert done["Referrer-Policy"] == "same-origin"
    logged = [r.getMessage() + " " + repr(r.args) + " " + repr(r.__dict__) for r in caplog.records]
    assert any("/vote/" in line for line in logged)  # the bad request was logged, by path only
    for line in logged:
        assert token not in line
        assert "m-" not in line
        assert "良" not in line


@pytest.mark.django_db
def test_the_office_creates_opens_prints_and_closes_a_round(
    plan: Plan, admin_client: Client
) -> None:
    org()
    url = reverse("evaluations:round_new")
    bad = admin_client.post(
        url,
        {
            "year": YEAR,
            "name": "测评",
            "kind": "team",
            "subjects": "U1, U9",
            "raters_leaders": "C01\nC99",
            "outside_subordinates": "6",
        },
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    assert "单位编号不存在：U9" in page
    assert "干部编号不存在：C99" in page
    assert not Round.objects.exists()
    good = admin_client.post(
        url,
        {
            "year": YEAR,
            "name": "2026年度班子测评",
            "kind": "team",
            "subjects": "U1 U2",
            "raters_leaders": "C01、C03",
            "raters_peers": "C04",
            "outside_subordinates": "6",
        },
    )
    assert good.status_code == 302
    round_ = Round.objects.get()
    assert round_.raters.count() == 9
    cards = admin_client.post(reverse("evaluations:round_tokens", args=[round_.pk]))
    assert cards.status_code == 200
    text = cards.content.decode()
    assert text.count("<svg") == 9
    assert text.count('class="token-card"') == 9
    assert "/vote/#" in text
    assert cards["Cache-Control"].startswith("max-age=0")
    admin_client.post(reverse("evaluations:round_open", args=[round_.pk]))
    round_.refresh_from_db()
    assert round_.state == Round.State.OPEN
    detail = admin_client.get(reverse("evaluations:round", args=[round_.pk])).content.decode()
    assert 'data-state="open"' in detail
    assert 'id="turnout"' in detail
    assert 'hx-trigger="every 15s"' in detail  # turnout refreshes itself while open
    fragment = admin_client.get(
        reverse("evaluations:round", args=[round_.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert fragment.lstrip().startswith('<section class="card" id="turnout-box"')
    assert "<html" not in fragment
    admin_client.post(reverse("evaluations:round_close", args=[round_.pk]))
    round_.refresh_from_db()
    assert round_.state == Round.State.CLOSED
    detail = admin_client.get(reverse("evaluations:round", args=[round_.pk])).content.decode()
    assert "选票不足，不显示结果" in detail


@pytest.mark.django_db
def test_only_the_office_manages_rounds(plan: Plan, client: Client) -> None:
    roles = roles_ensure()
    index = reverse("evaluations:index")
    assert client.get(index).status_code == 302  # to the login page
    cadre = User.objects.create_user(username="cadre", password="x")
    cadre.groups.set([roles[CADRE]])
    client.force_login(cadre)
    assert client.get(index).status_code == 403
    assert "民主测评" not in client.get(reverse("home")).content.decode()
    office = User.objects.create_user(username="office", password="x")
    office.groups.set([roles[OFFICE]])
    client.force_login(office)
    assert client.get(index).status_code == 200
    assert reverse("evaluations:index") in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_the_ballot_speaks_english_when_the_phone_does(plan: Plan) -> None:
    org()
    round_ = team_round(outside_peers=1)
    tokens = open_with_tokens(round_)
    (rater,) = group_raters(round_, "peers")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.post(reverse("vote"), {"token": tokens[rater.pk]}).content.decode()
    assert "Submit the ballot" in page
    assert "Peers" in page
    refused = client.post(reverse("vote"), {"token": "nope"})
    assert refused.status_code == 403
    assert "The ballot token is not valid." in refused.content.decode()
