"""Grade overrides never exceed a quota group's top-grade places (rules.md §8), whatever the
groups, the ties at the boundary and the sequence of overrides and withdrawals."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from kaohe.engine import schema as s
from kaohe.followup.models import AnnualClose, GradeOverride
from kaohe.followup.services import FollowupError
from kaohe.followup.services.close import (
    annual_close,
    grade_override_set,
    grade_override_withdraw,
    top_used,
)
from kaohe.plans.models import Plan
from kaohe.results.models import AnnualResult, QuotaGroup, Run
from tests.web.conftest import YEAR

TOP = s.CADRE_GRADES[0]
GROUPS = ("staff|unit:U1|公务员", "staff|unit:U2|公务员")
SCORES = (96.0, 93.0, 90.0, 90.0, 85.0, 72.0, 61.0)  # drawn with repeats: ties are common


def engine_grades(scores: list[float], quota: int) -> list[str]:
    """The strict rule, written plainly: a candidate (≥ 90) gets 优秀 when the candidates at or
    above its score (ties included) are within the quota; a tie at the boundary gets none."""
    grades = []
    for score in scores:
        at_or_above = sum(1 for other in scores if other >= 90 and other >= score)
        if score >= 90 and at_or_above <= quota:
            grades.append(TOP)
        elif score >= 70:
            grades.append(s.CADRE_GRADES[1])
        elif score >= 60:
            grades.append(s.CADRE_GRADES[2])
        else:
            grades.append(s.CADRE_GRADES[3])
    return grades


@dataclass(frozen=True)
class Case:
    groups: tuple[tuple[float, ...], ...]
    share: float
    ops: tuple[tuple[str, int, int, str], ...]  # (set|withdraw, group, member, grade)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    groups = tuple(
        tuple(draw(st.lists(st.sampled_from(SCORES), min_size=1, max_size=11))) for _ in GROUPS
    )
    ops = draw(
        st.lists(
            st.tuples(
                st.sampled_from(("set", "set", "withdraw")),
                st.integers(0, len(GROUPS) - 1),
                st.integers(0, 10),
                st.sampled_from(s.CADRE_GRADES),
            ),
            max_size=14,
        )
    )
    return Case(groups, draw(st.sampled_from((0.2, 0.25))), tuple(ops))


def _run(plan: Plan, case: Case) -> tuple[Run, dict[str, int]]:
    """A finished run with the case's groups graded by the strict rule; quota per group."""
    run = Run.objects.create(
        year=YEAR, plan=plan, plan_snapshot=plan.yaml, state=Run.State.DONE, months=12
    )
    quotas = {}
    for g, (group, scores) in enumerate(zip(GROUPS, case.groups, strict=True)):
        quota = math.floor(case.share * len(scores) + 1e-9)
        quotas[group] = quota
        grades = engine_grades(list(scores), quota)
        AnnualResult.objects.bulk_create(
            AnnualResult(
                run=run,
                subject_type=s.SUBJECT_CADRE,
                subject_code=f"C{g}{i:02d}",
                role=s.ROLE_STAFF,
                score=score,
                grade=grade,
                quota_group=group,
            )
            for i, (score, grade) in enumerate(zip(scores, grades, strict=True))
        )
        QuotaGroup.objects.create(
            run=run,
            quota_group=group,
            subject_type=s.SUBJECT_CADRE,
            n=len(scores),
            quota=quota,
            candidates=sum(1 for x in scores if x >= 90),
            granted=grades.count(TOP),
        )
    return run, quotas


def _effective(run: Run, close: AnnualClose, group: str) -> tuple[dict[str, str], dict[str, str]]:
    rows = AnnualResult.objects.filter(run=run, quota_group=group)
    engine = {c or "": g or "" for c, g in rows.values_list("subject_code", "grade")}
    overrides = dict(close.overrides.values_list("subject_code", "grade"))
    return engine, {c: g for c, g in overrides.items() if c in engine}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=cases())
def test_no_sequence_of_overrides_exceeds_the_quota(plan: Plan, case: Case) -> None:
    with transaction.atomic():
        run, quotas = _run(plan, case)
        close = annual_close(year=YEAR, run=run, notified_on=timezone.localdate(), user=None)
        for group in GROUPS:  # the engine's grades respect the quota to begin with
            engine, _ = _effective(run, close, group)
            assert top_used(engine, {}) <= quotas[group]
        for kind, g, member, grade in case.ops:
            group = GROUPS[g]
            code = f"C{g}{member % len(case.groups[g]):02d}"
            engine, before = _effective(run, close, group)
            after = dict(before)
            if kind == "set":
                after[code] = grade
            else:
                after.pop(code, None)
            fits = top_used(engine, after) <= quotas[group]
            note(f"{kind} {code} {grade}: {before} → {after}, fits {fits}")
            refused: FollowupError | None = None
            try:
                if kind == "set":
                    grade_override_set(
                        close=close,
                        subject_type=s.SUBJECT_CADRE,
                        subject_code=code,
                        grade=grade,
                        reason="复核后调整",
                        user=None,
                    )
                else:
                    override = close.overrides.filter(subject_code=code).first()
                    if override is None:
                        continue
                    grade_override_withdraw(override=override, user=None)
            except FollowupError as exc:
                refused = exc
            if refused is not None:
                assert not fits, f"refused although it fits: {refused}"
                assert "超出名额" in str(refused)
                assert _effective(run, close, group)[1] == before  # nothing written
            else:
                assert fits, "accepted although it exceeds the quota"
            for other in GROUPS:
                engine, overrides = _effective(run, close, other)
                assert top_used(engine, overrides) <= quotas[other]
        transaction.set_rollback(True)


def test_the_strict_rule_gives_a_tie_at_the_boundary_none() -> None:
    # 10 staff, quota ⌊0.2 × 10⌋ = 2; 96 is alone above, 93 and 93 tie for the 2nd place:
    # at or above 93 are 3 candidates > 2, so neither 93 gets 优秀 and one place stays free
    grades = engine_grades([96, 93, 93, 85, 85, 80, 75, 72, 70, 65], 2)
    assert grades.count(TOP) == 1
    assert grades[:3] == [TOP, "称职", "称职"]


@pytest.mark.django_db
def test_an_override_into_a_full_group_is_refused_with_the_numbers(plan: Plan) -> None:
    # group U1: 96, 93, 90, 85, 72 → quota ⌊0.2 × 5⌋ = 1; 96 holds it, the group is full
    case = Case(groups=((96.0, 93.0, 90.0, 85.0, 72.0), (85.0,)), share=0.2, ops=())
    run, quotas = _run(plan, case)
    assert quotas[GROUPS[0]] == 1
    close = annual_close(year=YEAR, run=run, notified_on=dt.date(YEAR + 1, 1, 10), user=None)
    with pytest.raises(FollowupError) as refused:
        grade_override_set(
            close=close,
            subject_type=s.SUBJECT_CADRE,
            subject_code="C001",
            grade=TOP,
            reason="x",
            user=None,
        )
    assert str(refused.value) == (
        f"名额组 {GROUPS[0]} 最高等次名额 1 个，调整后 2 个，超出名额。"  # 96 and 93 would hold it
    )
    assert not GradeOverride.objects.exists()
    # the place is freed by lowering 96 first; then 93 may take it, and the history keeps both
    grade_override_set(
        close=close,
        subject_type=s.SUBJECT_CADRE,
        subject_code="C000",
        grade="称职",
        reason="受到诫勉",
        user=None,
    )
    grade_override_set(
        close=close,
        subject_type=s.SUBJECT_CADRE,
        subject_code="C001",
        grade=TOP,
        reason="复核后调整",
        user=None,
    )
    assert GradeOverride.history.count() == 2
    # withdrawing 96's override would give 优秀 back to two people: refused
    with pytest.raises(FollowupError):
        grade_override_withdraw(override=close.overrides.get(subject_code="C000"), user=None)


@pytest.mark.django_db
def test_an_override_needs_a_reason_a_known_subject_and_a_grade_of_its_type(plan: Plan) -> None:
    run, _ = _run(plan, Case(groups=((96.0, 80.0), (85.0,)), share=0.2, ops=()))
    close = annual_close(year=YEAR, run=run, notified_on=dt.date(YEAR + 1, 1, 10), user=None)
    for code, grade, reason, message in (
        ("C000", "称职", "  ", "请填写调整理由"),
        ("C999", "称职", "x", "没有 C999 的年度结果"),
        ("C000", "好", "x", "不适用于该对象"),
    ):
        with pytest.raises(FollowupError, match=message):
            grade_override_set(
                close=close,
                subject_type=s.SUBJECT_CADRE,
                subject_code=code,
                grade=grade,
                reason=reason,
                user=None,
            )


@pytest.mark.django_db
def test_closing_again_on_a_run_where_the_overrides_no_longer_fit_is_refused(plan: Plan) -> None:
    # run 1: 96, 93, 72, 70, 61 → quota ⌊0.2 × 5⌋ = 1, held by 96 (C000); the office moves it
    # to 93 (C001)
    first, _ = _run(plan, Case(groups=((96.0, 93.0, 72.0, 70.0, 61.0), (85.0,)), share=0.2, ops=()))
    close = annual_close(year=YEAR, run=first, notified_on=dt.date(YEAR + 1, 1, 10), user=None)
    for code, grade in (("C000", "称职"), ("C001", TOP)):
        grade_override_set(
            close=close,
            subject_type=s.SUBJECT_CADRE,
            subject_code=code,
            grade=grade,
            reason="复核",
            user=None,
        )
    # run 2 (a recompute): 72 (C002) became 95 and now holds the place → C001's override would
    # make 2 top grades of 1
    second, _ = _run(
        plan, Case(groups=((80.0, 93.0, 95.0, 70.0, 61.0), (85.0,)), share=0.2, ops=())
    )
    with pytest.raises(FollowupError, match="调整后 2 个，超出名额"):
        annual_close(year=YEAR, run=second, notified_on=dt.date(YEAR + 1, 1, 10), user=None)
    close.refresh_from_db()
    assert close.run_id == first.pk
    # without that override it fits
    grade_override_withdraw(override=close.overrides.get(subject_code="C001"), user=None)
    assert (
        annual_close(year=YEAR, run=second, notified_on=close.notified_on, user=None).run == second
    )
