"""50 simultaneous submissions of one ballot token store exactly one ballot.

Each thread has its own database connection (Django opens one per thread) and they all start at
a barrier. On PostgreSQL the token row is locked (SELECT … FOR UPDATE) and flipped by a
conditional UPDATE; on SQLite the conditional UPDATE alone decides, as writers take the
database's write lock one at a time (a submission that finds the database locked tries again).
Either way one submission stores its ballot and the 49 others are refused.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import OperationalError, connection

from kaohe.evaluations.models import Ballot, BallotToken, CastReceipt, Mark
from kaohe.evaluations.services import BallotRefusedError, ballot_cast
from kaohe.plans.models import Plan
from tests.web.evaluations_kit import group_raters, levels_for, open_with_tokens, org, team_round

SUBMISSIONS = 50


def _race(token: str, levels: dict[str, str]) -> Counter[str]:
    barrier = threading.Barrier(SUBMISSIONS)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def submit() -> None:
        try:
            barrier.wait()
            ballot_cast(token=token, levels=levels)
            outcome = "stored"
        except BallotRefusedError:
            outcome = "refused"
        except OperationalError as exc:  # a lock error given up on would show here
            outcome = f"error: {exc}"
        finally:
            connection.close()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=submit) for _ in range(SUBMISSIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_submissions_of_one_token_store_one_ballot(plan: Plan) -> None:
    org()
    round_ = team_round(outside_peers=2)
    tokens = open_with_tokens(round_)
    rater, other = group_raters(round_, "peers")
    levels = levels_for(rater, lambda _s, i: "优" if i % 2 else "良")
    outcomes = _race(tokens[rater.pk], levels)
    assert outcomes == {"stored": 1, "refused": SUBMISSIONS - 1}, (connection.vendor, outcomes)
    assert Ballot.objects.count() == 1
    assert Mark.objects.count() == 2 * 5
    assert CastReceipt.objects.count() == 1
    assert BallotToken.objects.get(rater=rater).used
    assert not BallotToken.objects.get(rater=other).used


@pytest.mark.django_db(transaction=True)
def test_the_conditional_update_flips_a_token_once(plan: Plan) -> None:
    """The deciding statement by itself: a second UPDATE … WHERE used = false finds no row."""
    org()
    round_ = team_round(outside_peers=1)
    open_with_tokens(round_)
    (rater,) = group_raters(round_, "peers")
    unused = BallotToken.objects.filter(rater=rater, used=False)
    assert unused.update(used=True) == 1
    assert unused.update(used=True) == 0
