"""The annual close page: quota use with overrides, vetoes and sanctions, 不定等次; overrides
through the page; reviews (复核) and appeals (申诉) within rules.md §12's deadlines."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client
from django.utils import timezone

from kaohe.engine import schema as s
from kaohe.followup.models import AnnualClose, GradeOverride, ReviewRequest
from kaohe.followup.services.close import annual_close, grade_override_set
from kaohe.results.models import AnnualResult, QuotaGroup
from tests.web.conftest import YEAR
from tests.web.conftest_followup import District, client_of, district

__all__ = ["district"]


def _close(client: Client, district: District, notified: dt.date) -> None:
    response = client.post(
        f"/followup/close/?year={YEAR}",
        {"run": district.run.pk, "notified_on": notified.isoformat()},
    )
    assert response.status_code == 302


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_the_office_closes_the_year_and_sees_quota_use_per_group(district: District) -> None:
    office = client_of("office")
    _close(office, district, dt.date(YEAR + 1, 1, 10))
    close = AnnualClose.objects.get(year=YEAR)
    assert close.run_id == district.run.pk
    page = _page(office, f"/followup/close/?year={YEAR}")
    groups = list(QuotaGroup.objects.filter(run=district.run))
    assert groups
    for g in groups:
        # the quota is ⌊0.2 × n⌋ (= n // 5): e.g. 8 leaders (公务员) → 1, 4 principals → 0
        assert g.quota == (g.n or 0) // 5
        assert f'data-used="{g.granted}/{g.quota}"' in page  # no override yet: used = granted
    # vetoes and sanctions applied, 不定等次 listed with their reasons
    for note, label in (("veto", "一票否决"), ("sanction", "受到处分")):
        capped = AnnualResult.objects.filter(run=district.run, notes__contains=note).first()
        assert capped is not None
        assert label in page
    undetermined = AnnualResult.objects.filter(run=district.run, grade=s.UNDETERMINED)
    assert undetermined.exists()
    section = page.split('id="undetermined"')[1]
    for row in undetermined:
        assert (row.subject_code or "") in section


@pytest.mark.django_db
def test_only_the_office_closes_and_overrides(district: District) -> None:
    head = client_of("head")
    response = head.post(
        f"/followup/close/?year={YEAR}",
        {"run": district.run.pk, "notified_on": "2027-01-10"},
    )
    assert response.status_code == 403
    assert not AnnualClose.objects.exists()
    assert head.get(f"/followup/close/?year={YEAR}").status_code == 200  # reading is allowed
    assert Client().get("/followup/close/").status_code == 302  # login first


@pytest.mark.django_db
def test_an_override_beyond_the_quota_is_refused_and_a_freed_place_can_be_given(
    district: District,
) -> None:
    office = client_of("office")
    _close(office, district, dt.date(YEAR + 1, 1, 10))
    # a full group: one place (⌊0.2 × 5⌋ = 1), granted to its best candidate
    group = QuotaGroup.objects.filter(run=district.run, quota=1, granted=1).order_by("pk").first()
    assert group is not None
    rows = AnnualResult.objects.filter(run=district.run, quota_group=group.quota_group)
    holder = rows.get(grade="优秀")
    other = rows.exclude(grade="优秀").order_by("-score").first()
    assert other is not None
    url = f"/followup/close/{YEAR}/overrides/"
    give = {
        "subject_type": s.SUBJECT_CADRE,
        "subject_code": other.subject_code,
        "grade": "优秀",
        "reason": "复核后认定",
    }
    page = html.unescape(office.post(url, give, follow=True).content.decode())
    assert f"名额组 {group.quota_group} 最高等次名额 1 个，调整后 2 个，超出名额。" in page
    assert not GradeOverride.objects.exists()
    take = {
        "subject_type": s.SUBJECT_CADRE,
        "subject_code": holder.subject_code,
        "grade": "称职",
        "reason": "年内受到诫勉",
    }
    office.post(url, take)
    # the grades of the holder's role now count one 优秀 less and one 称职 more
    engine = AnnualResult.objects.filter(run=district.run, role=holder.role)
    row = _page(office, f"/followup/close/?year={YEAR}").split(f'data-kind="{holder.role}"')[1]
    row = row.split("</tr>")[0]
    top, second = engine.filter(grade="优秀").count(), engine.filter(grade="称职").count()
    assert f'data-grade="优秀">{top - 1}<' in row
    assert f'data-grade="称职">{second + 1}<' in row
    assert "含 1 项调整" in row
    office.post(url, give)
    assert dict(GradeOverride.objects.values_list("subject_code", "grade")) == {
        holder.subject_code: "称职",
        other.subject_code: "优秀",
    }
    page = _page(office, f"/followup/close/?year={YEAR}")
    row = page.split(f'<tr data-group="{group.quota_group}">')[1].split("</tr>")[0]
    assert 'data-used="1/1"' in row  # 1 granted − 1 taken + 1 given = 1 of 1
    assert "年内受到诫勉" in page
    assert "复核后认定" in page
    assert GradeOverride.history.filter(subject_code=other.subject_code).count() == 1
    # and on the cadre's page
    cadre_page = _page(office, f"/cadres/{other.subject_code}/?year={YEAR}")
    assert f"{YEAR} 年度等次经考核办调整为 优秀：复核后认定" in cadre_page


@pytest.mark.django_db
def test_a_review_within_30_days_an_appeal_within_15_days_of_its_answer(
    district: District,
) -> None:
    today = timezone.localdate()
    notified = today - dt.timedelta(days=40)
    _close(client_of("office"), district, notified)
    cadre, office = client_of("cadre"), client_of("office")
    url = f"/followup/reviews/?year={YEAR}"

    def file(client: Client, kind: str, filed: dt.date, code: str = district.cadre) -> str:
        data = {
            "kind": kind,
            "subject_type": s.SUBJECT_CADRE,
            "subject_code": code,
            "filed_on": filed.isoformat(),
            "grounds": "民主测评票数有误",
        }
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        return html.unescape(response.content.decode())

    # 35 days after the notification: too late (30 days, last day notified + 30)
    last = notified + dt.timedelta(days=30)
    page = file(cadre, "review", today - dt.timedelta(days=5))
    assert f"复核须在结果通知后 30 日内（{last.isoformat()} 前）提出。" in page
    # not in the future
    assert "日期不能晚于今天。" in file(cadre, "review", today + dt.timedelta(days=1))
    # an appeal before any review's answer is refused
    assert "申诉须在复核答复之后提出。" in file(cadre, "appeal", today - dt.timedelta(days=5))
    # in time (5 days after the notification): due 30 days later = today − 5, already overdue
    file(cadre, "review", notified + dt.timedelta(days=5))
    review = ReviewRequest.objects.get(kind="review")
    assert review.due_on == notified + dt.timedelta(days=35)
    assert review.filed_by is not None
    assert review.filed_by.username == "cadre"
    overdue = _page(office, url + "&overdue=1")
    assert f'id="request-{review.pk}"' in overdue
    assert 'data-overdue="1"' in overdue
    # a cadre files only for themself
    other = AnnualResult.objects.filter(run=district.run, subject_type=s.SUBJECT_CADRE).exclude(
        subject_code=district.cadre
    )[0]
    response = cadre.post(
        url,
        {
            "kind": "review",
            "subject_type": s.SUBJECT_CADRE,
            "subject_code": other.subject_code,
            "filed_on": today.isoformat(),
            "grounds": "x",
        },
    )
    assert response.status_code == 403
    # answered (by the office only) → no longer overdue; an appeal may follow within 15 days
    answer = {"outcome": "upheld", "answer": "经复核，维持原等次", "answered_on": today.isoformat()}
    assert cadre.post(f"/followup/reviews/{review.pk}/answer/", answer).status_code == 403
    office.post(f"/followup/reviews/{review.pk}/answer/", answer)
    review.refresh_from_db()
    assert review.outcome == "upheld"
    assert review.answered_on == today
    assert f'id="request-{review.pk}"' not in _page(office, url + "&overdue=1")
    file(cadre, "appeal", today)
    appeal = ReviewRequest.objects.get(kind="appeal")
    assert appeal.review_id == review.pk
    assert appeal.due_on == today + dt.timedelta(days=60)
    # and only once
    assert "已提出过此类申请" in file(cadre, "appeal", today)


@pytest.mark.django_db
def test_an_override_shows_at_once_on_the_cached_cadre_and_annual_pages(
    district: District,
) -> None:
    office = client_of("office")
    one = (
        AnnualResult.objects.filter(
            run=district.run, subject_type=s.SUBJECT_CADRE, grade=s.CADRE_GRADES[1]
        )
        .order_by("subject_code")
        .first()
    )
    assert one is not None
    code = one.subject_code or ""
    cadre_url = f"/cadres/{code}/?year={YEAR}"
    annual_url = f"/annual/?year={YEAR}&type=cadre&grade={s.CADRE_GRADES[2]}"
    engine_line = f"（计算等次 {s.CADRE_GRADES[1]}）"
    close = annual_close(
        year=YEAR, run=district.run, notified_on=dt.date(YEAR + 1, 1, 10), user=None
    )
    assert engine_line not in _page(office, cadre_url)  # the body is now cached
    assert engine_line not in _page(office, annual_url)
    # 称职 → 基本称职 frees nothing and takes no place: always within the quota
    grade_override_set(
        close=close,
        subject_type=s.SUBJECT_CADRE,
        subject_code=code,
        grade=s.CADRE_GRADES[2],
        reason="复核后变更",
        user=None,
    )
    page = _page(office, cadre_url)  # the override's audit event made a new cache key
    assert engine_line in page
    assert "复核后变更" in page
    annual = _page(office, annual_url)
    assert engine_line in annual
