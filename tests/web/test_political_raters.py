"""Rater statistics per democratic rater group and per unit head on the analytics page
(kaohe/analytics/selectors.py: rater_groups, unit_head_ratings), from a small hand-computed
example computed by the engine (rules.md §11)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kaohe.analytics.selectors import rater_groups, unit_head_ratings
from kaohe.collection.models import Evaluation
from kaohe.engine import schema as s
from kaohe.org.models import Assignment
from kaohe.results.models import Run
from kaohe.results.services import run_compute
from tests.web.conftest import YEAR
from tests.web.conftest_followup import District, client_of, district

__all__ = ["district"]


@pytest.mark.django_db
def test_leniency_and_spread_per_rater_group_and_per_unit_head(district: District) -> None:
    head = (
        Assignment.objects.filter(post__role=s.ROLE_PRINCIPAL, post__unit__code="U001")
        .values_list("cadre__code", flat=True)
        .first()
    )
    assert head is not None
    Evaluation.objects.filter(year=YEAR, kind__in=[s.EVAL_DEMOCRATIC, s.EVAL_QUARTERLY]).delete()
    a, b = "C0000004", "C0000006"

    def row(subject: str, kind: str, score: float, **extra: str) -> None:
        period = str(YEAR) if kind == s.EVAL_DEMOCRATIC else f"{YEAR}-Q1"
        Evaluation.objects.create(
            year=YEAR, subject_code=subject, period=period, kind=kind, score=score, **extra
        )

    # democratic: leaders 90, 80; peers 60, 80; subordinates 75
    for subject, group, score in (
        (a, "leaders", 90.0),
        (b, "leaders", 80.0),
        (a, "peers", 60.0),
        (b, "peers", 80.0),
        (a, "subordinates", 75.0),
    ):
        row(subject, s.EVAL_DEMOCRATIC, score, rater_group=group)
    # quarterly: the head of U001 rates 80 and 90, another rater 70
    row(a, s.EVAL_QUARTERLY, 80.0, rater_code=head)
    row(b, s.EVAL_QUARTERLY, 90.0, rater_code=head)
    row(a, s.EVAL_QUARTERLY, 70.0, rater_code="C0000050")
    run = run_compute(year=YEAR)
    assert run.state == Run.State.DONE, run.error
    # every democratic score: (90 + 80 + 60 + 80 + 75) / 5 = 77
    # leaders mean 85, std √((5² + 5²)/2) = 5, leniency 85 − 77 = 8
    # peers mean 70, std 10, leniency −7; subordinates 75, std 0, leniency −2
    groups = {g.rater: (g.n, g.mean, g.std, g.leniency) for g in rater_groups(run)}
    assert sorted(groups) == ["leaders", "peers", "subordinates"]
    assert groups["leaders"] == pytest.approx((2, 85.0, 5.0, 8.0))
    assert groups["peers"] == pytest.approx((2, 70.0, 10.0, -7.0))
    assert groups["subordinates"] == pytest.approx((1, 75.0, 0.0, -2.0))
    assert [g.rater for g in rater_groups(run)] == ["leaders", "subordinates", "peers"]
    # quarterly: all (80 + 90 + 70) / 3 = 80; the head mean 85, std 5, leniency +5
    heads = {h.rater: h for h in unit_head_ratings(run)}
    assert head in heads
    assert "C0000050" not in heads
    quarterly = heads[head].kinds[s.EVAL_QUARTERLY]
    assert (quarterly.n, quarterly.mean, quarterly.std, quarterly.leniency) == pytest.approx(
        (2, 85.0, 5.0, 5.0)
    )
    assert heads[head].unit == "U001"
    page = client_of("office").get(reverse("analytics:overview") + f"?year={YEAR}")
    text = page.content.decode()
    assert 'id="group-leaders"' in text
    assert "8.00" in text
    assert f'id="head-{head}"' in text
    assert "2 · 85.00 ± 5.00 · 5.00" in text
    assert client_of("head").get(reverse("analytics:overview")).status_code == 403
