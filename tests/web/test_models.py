"""Models: natural keys and checks hold in the database; plans are validated by the engine."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kaohe.collection.models import DistrictStat, EconomicStat, Evaluation
from kaohe.core.demo import demo_plan_text
from kaohe.org.models import Assignment, Cadre, Post, Unit
from kaohe.plans.models import Plan

pytestmark = pytest.mark.django_db


def _unit(code: str = "U1") -> Unit:
    return Unit.objects.create(code=code, name="发改局", category="经济发展类", tier=2)


def test_codes_are_unique() -> None:
    _unit()
    with pytest.raises(IntegrityError), transaction.atomic():
        _unit()


def test_an_assignment_cannot_end_before_it_starts() -> None:
    unit = _unit()
    post = Post.objects.create(code="P1", unit=unit, name="科员", role=Post.Role.STAFF)
    cadre = Cadre.objects.create(code="C1", name="张三", personnel_type="公务员")
    start = dt.date(2026, 3, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(cadre=cadre, post=post, start=start, end=dt.date(2026, 1, 31))
    Assignment.objects.create(cadre=cadre, post=post, start=start)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(cadre=cadre, post=post, start=start)  # (cadre, start) is a key


def test_a_post_role_is_one_of_three() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.create(code="P1", unit=_unit(), name="x", role="boss")


def test_natural_keys_are_unique_within_a_year() -> None:
    unit = _unit()
    values = {"target_volume": 1, "actual_volume": 1, "target_growth": 1, "actual_growth": 1}
    EconomicStat.objects.create(year=2026, unit=unit, indicator="gdp", month=3, **values)
    EconomicStat.objects.create(year=2025, unit=unit, indicator="gdp", month=3, **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        EconomicStat.objects.create(year=2026, unit=unit, indicator="gdp", month=3, **values)


def test_an_empty_key_column_still_counts_in_the_key() -> None:
    # evaluations differing only in an empty item are duplicates (docs/data-format.md §2)
    row = {"year": 2026, "subject_code": "C1", "period": "2026", "kind": "review", "score": 90}
    Evaluation.objects.create(**row)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evaluation.objects.create(**row)


def test_months_are_1_to_12() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        DistrictStat.objects.create(year=2026, month=13, gdp_growth=8, gdp_growth_target=8)


def test_a_plan_is_checked_by_the_engine_with_the_path_of_each_issue() -> None:
    text = demo_plan_text(2026).replace("points: 50", "points: 55", 1)
    plan = Plan(year=2026, name="x", yaml=text)
    with pytest.raises(ValidationError) as caught:
        plan.full_clean()
    messages = caught.value.message_dict["yaml"]
    assert any(m.startswith("categories.") and "100" in m for m in messages), messages


def test_a_plan_year_must_match_its_yaml() -> None:
    plan = Plan(year=2025, name="x", yaml=demo_plan_text(2026))
    with pytest.raises(ValidationError, match="2026"):
        plan.full_clean()
