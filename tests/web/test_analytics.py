"""Analytics against hand computation, on a run whose stored rows are written by the test:
two units of two cadres over three months, four raters, three persistence rows."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from kaohe.accounts.models import User
from kaohe.analytics import selectors
from kaohe.engine import schema as s
from kaohe.plans.models import Plan
from kaohe.results.models import CadreMonthly, Persistence, RaterStat, Run
from tests.web.conftest import YEAR

# unit → cadre → finals of months 1, 2, 3
FINALS = {
    "UA": {"a1": (80.0, 84.0, 88.0), "a2": (82.0, 86.0, 90.0)},
    "UB": {"b1": (80.0, 80.0, 82.0), "b2": (90.0, 90.0, 88.0)},
}
RANKS = {"a1": 1, "a2": 2, "b1": 3, "b2": 4}  # every month, of 4


@pytest.fixture
def run(plan: Plan) -> Run:
    run = Run.objects.create(
        year=YEAR,
        plan=plan,
        plan_snapshot=plan.yaml,
        state=Run.State.DONE,
        months=3,
        finished=timezone.now(),
    )
    CadreMonthly.objects.bulk_create(
        CadreMonthly(
            run=run,
            cadre_code=cadre,
            unit_code=unit,
            month=month,
            final=finals[month - 1],
            rank=RANKS[cadre],
            rank_n=4,
        )
        for unit, cadres in FINALS.items()
        for cadre, finals in cadres.items()
        for month in (1, 2, 3)
    )
    RaterStat.objects.bulk_create(
        [
            RaterStat(run=run, kind="records", rater="a1", n=4, mean=90, std=2.0, leniency=3.0),
            RaterStat(run=run, kind="results", rater="a2", n=1, mean=80, std=0.0, leniency=-1.0),
            RaterStat(run=run, kind="records", rater="b1", n=5, mean=85, std=4.0, leniency=-2.0),
            RaterStat(
                run=run,
                kind="democratic_group",
                rater="leaders",
                n=30,
                mean=84,
                std=5.0,
                leniency=0.5,
            ),
        ]
    )
    Persistence.objects.bulk_create(
        [
            Persistence(
                run=run,
                subject_type=s.SUBJECT_CADRE,
                subject_code="a1",
                months=12,
                top_months=9,
                bottom_months=0,
                flag="top",
            ),
            Persistence(
                run=run,
                subject_type=s.SUBJECT_CADRE,
                subject_code="b2",
                months=12,
                top_months=0,
                bottom_months=10,
                flag="bottom",
            ),
            Persistence(
                run=run,
                subject_type=s.SUBJECT_CADRE,
                subject_code="a2",
                months=12,
                top_months=8,
                bottom_months=0,
                flag="",
            ),
        ]
    )
    return run


def test_persistence_lists_the_flagged_subjects_most_months_first(run: Run) -> None:
    flagged = selectors.persistence_list(run)
    # a2 is in the top decile 8 of 12 months: below the 9 needed, not listed
    assert [(p.code, p.flag, p.top_months, p.bottom_months) for p in flagged] == [
        ("b2", "bottom", 0, 10),
        ("a1", "top", 9, 0),
    ]


def test_rank_dynamics_are_positions_in_percent(run: Run) -> None:
    dynamics = selectors.rank_dynamics(run, selectors.persistence_list(run))
    # a1: 1 of 4 → 100 × 1 ÷ 4 = 25.0 each month; b2: 4 of 4 → 100.0
    assert dynamics == {"b2": [100.0, 100.0, 100.0], "a1": [25.0, 25.0, 25.0]}


def test_unit_leniency_pools_its_raters_by_ratings(run: Run) -> None:
    units = {u.unit: u for u in selectors.unit_leniency(run)}
    # UA: a1 (n 4, leniency +3, std 2) and a2 (n 1, −1, 0):
    #     leniency (4·3 + 1·(−1)) ÷ 5 = 11 ÷ 5 = 2.2; spread (4·2 + 1·0) ÷ 5 = 1.6
    # UB: b1 alone: −2 and 4. The democratic group "leaders" is no person: left out.
    assert set(units) == {"UA", "UB"}
    assert (units["UA"].raters, units["UA"].ratings) == (2, 5)
    assert units["UA"].leniency == pytest.approx(2.2)
    assert units["UA"].spread == pytest.approx(1.6)
    assert units["UB"].leniency == pytest.approx(-2.0)
    assert units["UB"].spread == pytest.approx(4.0)
    assert [u.unit for u in selectors.unit_leniency(run)] == ["UA", "UB"]
    assert [r.rater for r in selectors.rater_list(run)] == ["a1", "leaders", "a2", "b1"]


def test_only_the_ends_of_a_long_rater_list_are_shown(run: Run) -> None:
    lines = selectors.rater_list(run)  # a1 +3, leaders +0.5, a2 −1, b1 −2
    assert selectors.rater_extremes(lines, each=2) == lines
    assert [r.rater for r in selectors.rater_extremes(lines, each=1)] == ["a1", "b1"]


def test_inflation_compares_each_units_trend_with_the_districts(run: Run) -> None:
    trend = selectors.inflation(run)
    # district means: m1 (80+82+80+90)/4 = 83, m2 (84+86+80+90)/4 = 85, m3 (88+90+82+88)/4 = 87
    # slope over months 1,2,3: Σ(x−2)(y−85) ÷ Σ(x−2)² = (−1·−2 + 0 + 1·2) ÷ 2 = 2 points a month
    assert trend.district_means == [83.0, 85.0, 87.0]
    assert trend.district_slope == pytest.approx(2.0)
    ua, ub = trend.units
    # UA: 81, 85, 89 → slope 4, excess 4 − 2 = 2; gaps 81 − 83 = −2 and 89 − 87 = +2
    assert ua.unit == "UA"
    assert ua.slope == pytest.approx(4.0)
    assert ua.excess == pytest.approx(2.0)
    assert ua.first_gap == pytest.approx(-2.0)
    assert ua.last_gap == pytest.approx(2.0)
    assert ua.means == [81.0, 85.0, 89.0]
    # UB: 85, 85, 85 → slope 0, excess −2; gaps +2 and −2
    assert ub.slope == pytest.approx(0.0)
    assert ub.excess == pytest.approx(-2.0)
    assert ub.first_gap == pytest.approx(2.0)
    assert ub.last_gap == pytest.approx(-2.0)


def test_calibration_sets_each_units_distribution_against_the_districts(run: Run) -> None:
    district, units = selectors.calibration(run, 3)
    assert district is not None
    # month 3 sorted: 82, 88, 88, 90; linear quantile at p·(n−1):
    # q1 at 0.75 → 82 + 0.75·6 = 86.5; median at 1.5 → 88; q3 at 2.25 → 88 + 0.25·2 = 88.5
    assert (district.n, district.low, district.high) == (4, 82.0, 90.0)
    assert (district.q1, district.median, district.q3) == (86.5, 88.0, 88.5)
    assert district.mean == 87.0
    ua, ub = units
    # UA 88, 90: median 89, q1 88.5, q3 89.5; above the district's 88.5: only 90 → 1/2
    assert (ua.code, ua.median, ua.q1, ua.q3, ua.above_q3) == ("UA", 89.0, 88.5, 89.5, 0.5)
    # UB 82, 88: median 85; none above 88.5
    assert (ub.code, ub.median, ub.above_q3) == ("UB", 85.0, 0.0)


def test_the_analytics_pages_show_the_figures(run: Run, admin_client: Client) -> None:
    page = admin_client.get(f"/analytics/?year={YEAR}").content.decode()
    assert "b2" in page
    assert 'data-analytics="dynamics"' in page
    assert "2.20" in page
    assert "1.60" in page
    units = admin_client.get(f"/analytics/units/?year={YEAR}&month=3").content.decode()
    assert "88.50" in units
    assert "0.5000" in units
    assert '"boxes"' in units


def test_analytics_need_the_office(run: Run, client: Client) -> None:
    user = User.objects.create_user(username="plain", password="x")
    client.force_login(user)
    assert client.get(f"/analytics/units/?year={YEAR}").status_code == 403
