"""Performance pay (pools, the sum = pool check, the finance export) and the training plan."""

from __future__ import annotations

import csv
import html
import io
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries
from python_calamine import CalamineWorkbook

from kaohe.collection.models import PayPool
from kaohe.followup.models import TrainingCourse, TrainingEnrolment
from kaohe.followup.selectors.training import cadre_units_now
from kaohe.followup.services.pay import pay_csv
from kaohe.followup.services.training import training_plan_from_run
from kaohe.org.models import Cadre, Unit
from kaohe.results.models import PayShare, Run, TrainingNeed
from tests.web.conftest import YEAR
from tests.web.conftest_followup import District, client_of, district

__all__ = ["district"]


def _pools(run: Run) -> dict[tuple[str, int], int]:
    return {
        (p.unit.code, p.month): p.pool_cents
        for p in PayPool.objects.filter(year=run.year).select_related("unit")
    }


@pytest.mark.django_db
def test_every_pool_of_the_run_is_split_exactly_and_the_page_says_so(district: District) -> None:
    page = client_of("office").get(f"/followup/pay/?year={YEAR}").content.decode()
    sums: dict[tuple[str, int], int] = defaultdict(int)
    for share in PayShare.objects.filter(run=district.run):
        sums[(share.unit_code or "", share.month or 0)] += share.cents or 0
    pools = _pools(district.run)
    assert sums
    for key, total in sums.items():
        assert total == pools[key]  # to the cent
    assert page.count('data-check="ok"') == len(sums)
    assert 'data-check="bad"' not in page
    assert "全部份额之和与总额一致" in page


@pytest.mark.django_db
def test_the_finance_export_rereads_to_the_pools(district: District, tmp_path: Path) -> None:
    office = client_of("office")
    pools = _pools(district.run)
    xlsx = office.get(f"/followup/pay/export.xlsx?year={YEAR}")
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == f'attachment; filename="pay-{YEAR}.xlsx"'
    (tmp_path / "pay.xlsx").write_bytes(xlsx.content)
    book = CalamineWorkbook.from_path(str(tmp_path / "pay.xlsx"))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == ["单位编号", "单位名称", "月份", "干部编号", "姓名", "金额（元）"]
    got: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for unit, _name, month, _cadre, _person, amount in rows[1:]:
        got[(str(unit), int(str(month).split(".")[0]))] += Decimal(str(amount)).quantize(
            Decimal("0.01")
        )
    assert len(rows) - 1 == PayShare.objects.filter(run=district.run).count()
    assert got == {k: Decimal(v) / 100 for k, v in pools.items() if k in got}
    text = office.get(f"/followup/pay/export.csv?year={YEAR}&month=3").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    march: dict[str, Decimal] = defaultdict(Decimal)
    for unit, _name, month, _cadre, _person, amount in lines[1:]:
        assert month == "3"
        march[unit] += Decimal(amount)
    assert march == {u: Decimal(v) / 100 for (u, m), v in pools.items() if m == 3 and u in march}
    # finance only: the office (and superusers)
    assert client_of("head").get(f"/followup/pay/export.csv?year={YEAR}").status_code == 403


@pytest.mark.django_db
def test_csv_cells_are_neutralised_and_xlsx_keeps_text_as_text(
    district: District, tmp_path: Path
) -> None:
    cadre = PayShare.objects.filter(run=district.run).order_by("pk")[0].cadre_code
    Cadre.objects.filter(code=cadre).update(name='=HYPERLINK("http://x")')
    office = client_of("office")
    text = office.get(f"/followup/pay/export.csv?year={YEAR}").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    (tmp_path / "pay.xlsx").write_bytes(
        office.get(f"/followup/pay/export.xlsx?year={YEAR}").content
    )
    rows = CalamineWorkbook.from_path(str(tmp_path / "pay.xlsx")).get_sheet_by_index(0).to_python()
    assert '=HYPERLINK("http://x")' in [r[4] for r in rows]  # a string cell, never a formula


def test_a_hand_split_pool_exports_exactly() -> None:
    # 100.00 yuan among three equal weights: 10000 // 3 = 3333 each, 1 cent left → the lowest id
    rows = [("U1", "甲局", 1, "C1", "张三", 3334), ("U1", "甲局", 1, "C2", "李四", 3333)]
    rows.append(("U1", "甲局", 1, "C3", "王五", 3333))
    lines = pay_csv(rows).decode("utf-8-sig").splitlines()
    assert [line.split(",")[-1] for line in lines[1:]] == ["33.34", "33.33", "33.33"]
    assert sum(Decimal(line.split(",")[-1]) for line in lines[1:]) == Decimal("100.00")


@pytest.mark.django_db
def test_the_sum_check_on_a_hand_computed_pool(district: District) -> None:
    unit = Unit.objects.create(code="U9", name="测试局", category="综合保障类")
    plan = district.run.plan
    run = Run.objects.create(  # the year's newest run: the one the page shows
        year=YEAR,
        plan=plan,
        plan_snapshot=plan.yaml,
        state=Run.State.DONE,
        months=1,
        finished=timezone.now(),
    )
    # 100.00 yuan = 10000 cents in shares of 3334 + 3333 + 3333 = 10000
    for code, cents in (("C1", 3334), ("C2", 3333), ("C3", 3333)):
        PayShare.objects.create(run=run, cadre_code=code, unit_code="U9", month=1, cents=cents)
    pool = PayPool.objects.create(year=YEAR, unit=unit, month=1, pool_cents=10_000)
    PayPool.objects.filter(pk=pool.pk).update(updated=run.created)  # entered before the run
    office = client_of("office")
    page = office.get(f"/followup/pay/?year={YEAR}").content.decode()
    row = page.split('data-unit="U9" data-month="1"')[1].split("</tr>")[0]
    assert "100.00" in row
    assert 'data-check="ok"' in row
    # the pool's shares, and their total: 33.34 + 33.33 + 33.33 = 100.00 = the pool
    page = office.get(f"/followup/pay/?year={YEAR}&month=1&unit=U9").content.decode()
    shares = page.split('id="shares"')[1]
    assert [shares.count(v) for v in ("33.34", "33.33")] == [1, 2]
    assert '<th class="num" id="shares-total">100.00 = 100.00 ✓</th>' in shares
    # the office changes the pool to 100.01: the shares no longer add up until a recompute
    response = office.post(
        f"/followup/pay/pools/?year={YEAR}", {"unit": unit.pk, "month": 1, "amount": "100.01"}
    )
    assert response.status_code == 302
    assert PayPool.objects.get(pk=pool.pk).pool_cents == 10_001
    assert PayPool.history.filter(id=pool.pk).count() == 2
    page = office.get(f"/followup/pay/?year={YEAR}").content.decode()
    row = page.split('data-unit="U9" data-month="1"')[1].split("</tr>")[0]
    assert 'data-check="changed"' in row
    assert "100.01" in row


@pytest.mark.django_db
def test_the_training_plan_is_made_once_from_the_needs_and_tracks_completion(
    district: District,
) -> None:
    office = client_of("office")
    response = office.post(f"/followup/training/create/?year={YEAR}", follow=True)
    assert response.status_code == 200
    needs = TrainingNeed.objects.filter(run=district.run)
    topics = set(needs.values_list("tag", "form"))
    people = set(needs.values_list("tag", "form", "subject_type", "subject_code"))
    assert TrainingCourse.objects.count() == len(topics)
    assert TrainingEnrolment.objects.count() == len(people)
    again = training_plan_from_run(run=district.run)
    assert (again.courses, again.people, again.updated) == (0, 0, 0)  # nothing changed
    course = TrainingCourse.objects.order_by("tag", "form")[0]
    total = course.people.count()
    person = course.people.order_by("pk")[0]
    url = f"/followup/training/people/{person.pk}/complete/"
    assert client_of("cadre").post(url, {"completed_on": "2026-11-01"}).status_code == 403
    office.post(url, {"completed_on": "2026-11-01"})
    page = html.unescape(office.get(f"/followup/training/{course.pk}/").content.decode())
    assert f"已完成 1 / {total}" in page
    listing = office.get(f"/followup/training/?year={YEAR}").content.decode()
    assert f'aria-valuemax="{total}" aria-valuenow="1"' in listing


@pytest.mark.django_db
def test_a_unit_head_records_completions_of_their_own_unit_only(
    district: District, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    training_plan_from_run(run=district.run)
    cadres = TrainingEnrolment.objects.filter(subject_type="cadre")
    units = cadre_units_now(cadres.values_list("subject_code", flat=True))
    mine = next(e for e in cadres if units.get(e.subject_code) == district.head_unit)
    other = next(e for e in cadres if units.get(e.subject_code) not in (None, district.head_unit))
    head = client_of("head")
    assert head.post(f"/followup/training/people/{other.pk}/complete/", {}).status_code == 403
    head.post(f"/followup/training/people/{mine.pk}/complete/", {"completed_on": "2026-10-09"})
    mine.refresh_from_db()
    assert mine.completed_on is not None
    assert mine.completed_on.isoformat() == "2026-10-09"
    # the course page asks who the head is once, whatever the number of people (and the
    # header's unread notifications once, the audit stamp once: kaohe/web/cache.py)
    with django_assert_max_num_queries(14):
        page = head.get(f"/followup/training/{mine.course_id}/").content.decode()
    assert f'action="/followup/training/people/{mine.pk}/complete/"' in page
