"""One published grade everywhere: the annual page, the JSON API, the annual workbook, the 公示
notice and the cards show the year's close's overrides (kaohe/followup/selectors/grades.py),
and the quota counts follow them. A small hand-computed case."""

from __future__ import annotations

import datetime as dt
import html
import io
from typing import Any

import pytest
from django.test import Client
from python_calamine import CalamineWorkbook

from kaohe.accounts.models import User
from kaohe.accounts.roles import OFFICE, roles_ensure
from kaohe.api.services import api_token_create
from kaohe.engine import schema as s
from kaohe.followup.models import AnnualClose
from kaohe.followup.selectors.grades import (
    effective_grade_counts,
    effective_grades,
    effective_quota_use,
)
from kaohe.followup.services.close import annual_close, grade_override_set
from kaohe.plans.models import Plan
from kaohe.reports.documents import notice_groups
from kaohe.results.models import AnnualResult, QuotaGroup, Run
from tests.web.conftest import YEAR

GROUP = "staff|unit:U1|公务员"
EXCELLENT, COMPETENT, BASIC = s.CADRE_GRADES[0], s.CADRE_GRADES[1], s.CADRE_GRADES[2]

# The hand-computed case. Five staff in one quota group, share 0.2: quota = ⌊0.2 × 5⌋ = 1.
# Candidates (≥ 90) are C00 (96) and C01 (93); at or above 96 there is 1 candidate ≤ 1, so
# C00 gets 优秀; at or above 93 there are 2 > 1, so C01 gets 称职. The engine granted 1.
#   code  score  engine grade
#   C00   96     优秀
#   C01   93     称职
#   C02   88     称职
#   C03   80     称职
#   C04   65     基本称职
# The office lowers C00 to 称职 (used 1 − 1 = 0 of 1), then raises C01 to 优秀 (used 0 + 1 = 1
# of 1; the quota still holds). Published: C00 称职, C01 优秀, C02 称职, C03 称职, C04 基本称职,
# i.e. 优秀 1, 称职 3, 基本称职 1; the engine's granted stays 1 and its C00 stays 优秀.
CASE = (
    ("C00", 96.0, EXCELLENT),
    ("C01", 93.0, COMPETENT),
    ("C02", 88.0, COMPETENT),
    ("C03", 80.0, COMPETENT),
    ("C04", 65.0, BASIC),
)
LOWER = "复核后维持称职"
RAISE = "申诉后变更为优秀"


def _run(plan: Plan) -> Run:
    run = Run.objects.create(
        year=YEAR, plan=plan, plan_snapshot=plan.yaml, state=Run.State.DONE, months=12
    )
    AnnualResult.objects.bulk_create(
        AnnualResult(
            run=run,
            subject_type=s.SUBJECT_CADRE,
            subject_code=code,
            role=s.ROLE_STAFF,
            score=score,
            grade=grade,
            quota_group=GROUP,
            rank=rank,
            rank_n=len(CASE),
        )
        for rank, (code, score, grade) in enumerate(CASE, start=1)
    )
    QuotaGroup.objects.create(
        run=run,
        quota_group=GROUP,
        subject_type=s.SUBJECT_CADRE,
        n=5,
        quota=1,
        candidates=2,
        granted=1,
    )
    return run


def _override(close: AnnualClose, code: str, grade: str, reason: str) -> None:
    grade_override_set(
        close=close,
        subject_type=s.SUBJECT_CADRE,
        subject_code=code,
        grade=grade,
        reason=reason,
        user=None,
    )


def _office() -> tuple[Client, str]:
    groups = roles_ensure()
    user = User.objects.create_user(username="office-grades", password="x")
    user.groups.set([groups[OFFICE]])
    client = Client()
    client.force_login(user)
    return client, api_token_create(user=user, name="grades").secret


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


def _api(token: str, path: str, **params: Any) -> Any:
    response = Client().get(f"/api/v1{path}", params, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content[:500]
    return response.json()


def _workbook(client: Client) -> list[list[Any]]:
    response = client.get(f"/reports/annual.xlsx?year={YEAR}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_name("干部").to_python()


def _row(page: str, code: str) -> str:
    """The annual page's table row of ``code``."""
    return next(r for r in page.split("<tr>") if f">{code}</a>" in r)


@pytest.mark.django_db
def test_every_view_of_the_annual_grades_shows_the_overrides_and_counts_them(
    plan: Plan,
) -> None:
    run = _run(plan)
    office, token = _office()
    close = annual_close(year=YEAR, run=run, notified_on=dt.date(YEAR + 1, 1, 10), user=None)

    # before any override: the engine's grades everywhere, 1 of 1 used
    page = _page(office, f"/annual/?year={YEAR}")
    assert 'data-used="1/1"' in page
    assert "调整" not in _row(page, "C00")

    _override(close, "C00", COMPETENT, LOWER)
    page = _page(office, f"/annual/?year={YEAR}")  # shown at once: no stale body
    assert 'data-used="0/1"' in page
    assert "（计算等次 优秀）" in _row(page, "C00")

    _override(close, "C01", EXCELLENT, RAISE)
    published = {code: e.grade for (_t, code), e in effective_grades(run).items()}
    assert published == {
        "C00": COMPETENT,
        "C01": EXCELLENT,
        "C02": COMPETENT,
        "C03": COMPETENT,
        "C04": BASIC,
    }
    assert effective_grade_counts(run) == {"cadre": {COMPETENT: 3, EXCELLENT: 1, BASIC: 1}}
    [quota] = effective_quota_use(run)
    assert (quota.granted, quota.used, quota.quota) == (1, 1, 1)

    # the annual page: the published grade with the marker and the engine's beside it
    page = _page(office, f"/annual/?year={YEAR}")
    assert 'data-used="1/1"' in page
    c00, c01, c02 = _row(page, "C00"), _row(page, "C01"), _row(page, "C02")
    assert "<td>称职 <span" in c00
    assert "调整" in c00
    assert "（计算等次 优秀）" in c00
    assert LOWER in c00
    assert "<td>优秀 <span" in c01
    assert "（计算等次 称职）" in c01
    assert "调整" not in c02
    # the grade filter and the distribution are the published ones
    assert "优秀 1" in page
    assert "称职 3" in page
    excellent = _page(office, f"/annual/?year={YEAR}&grade=优秀")
    assert ">C01</a>" in excellent
    assert ">C00</a>" not in excellent

    # the API: grade = published, engine_grade, override_reason
    body = _api(token, "/annual", year=YEAR)
    items = {i["subject_id"]: i for i in body["items"]}
    assert (items["C00"]["grade"], items["C00"]["engine_grade"]) == (COMPETENT, EXCELLENT)
    assert items["C00"]["override_reason"] == LOWER
    assert (items["C01"]["grade"], items["C01"]["engine_grade"]) == (EXCELLENT, COMPETENT)
    assert items["C01"]["override_reason"] == RAISE
    assert (items["C02"]["grade"], items["C02"]["override_reason"]) == (COMPETENT, None)
    only = _api(token, "/annual", year=YEAR, grade=EXCELLENT)
    assert [i["subject_id"] for i in only["items"]] == ["C01"]
    [group] = _api(token, "/annual/quota", year=YEAR)["items"]
    assert (group["granted"], group["used"], group["quota"]) == (1, 1, 1)

    # the workbook: 等次 (published), 计算等次 (engine), 调整理由
    rows = _workbook(office)
    # two header rows: a column under a group header is named in the second, one alone in the
    # first (merged down)
    header = [low or high for high, low in zip(rows[2], rows[3], strict=True)]
    grade_col, engine_col, reason_col = (header.index(h) for h in ("等次", "计算等次", "调整理由"))
    lines = {r[2]: r for r in rows[4:]}
    assert [lines[c][grade_col] for c in ("C00", "C01", "C02", "C03", "C04")] == [
        COMPETENT,
        EXCELLENT,
        COMPETENT,
        COMPETENT,
        BASIC,
    ]
    assert (lines["C00"][engine_col], lines["C00"][reason_col]) == (EXCELLENT, LOWER)
    assert (lines["C02"][engine_col], lines["C02"][reason_col]) == (COMPETENT, "")

    # the 公示 notice lists the published grades, best first
    cadres = notice_groups(run)[1]
    assert [(name, grade) for _u, name, grade in cadres.rows] == [
        ("C01", EXCELLENT),
        ("C00", COMPETENT),
        ("C02", COMPETENT),
        ("C03", COMPETENT),
        ("C04", BASIC),
    ]


@pytest.mark.django_db
def test_the_overrides_of_a_close_on_another_run_do_not_touch_this_run(plan: Plan) -> None:
    closed = _run(plan)
    close = annual_close(year=YEAR, run=closed, notified_on=dt.date(YEAR + 1, 1, 10), user=None)
    _override(close, "C00", COMPETENT, LOWER)
    newer = _run(plan)  # not the close's run: its grades are the engine's
    assert effective_grades(newer)[(s.SUBJECT_CADRE, "C00")].grade == EXCELLENT
    assert not effective_grades(newer)[(s.SUBJECT_CADRE, "C00")].overridden
    assert effective_grades(closed)[(s.SUBJECT_CADRE, "C00")].grade == COMPETENT
