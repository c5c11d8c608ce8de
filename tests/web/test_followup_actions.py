"""Bottom-rank follow-up (末尾督考): actions from a run (idempotent, the ladder of rules.md §9),
records with attachments, overdue listing, the cadre's ladder and the /actions/ page's links."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries
from pytest_django import Settings as SettingsWrapper

from kaohe.accounts.models import User
from kaohe.accounts.roles import CADRE, roles_ensure
from kaohe.engine import schema as s
from kaohe.followup.models import FollowUpAction, FollowUpRecord
from kaohe.followup.services.actions import actions_from_run, period_step
from kaohe.results.models import BottomAction, Run
from kaohe.results.services import run_create, run_execute
from tests.web.conftest import YEAR
from tests.web.conftest_followup import District, client_of, district

__all__ = ["district"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings: SettingsWrapper, tmp_path: Path) -> None:
    """Attachments go to the test's folder."""
    settings.MEDIA_ROOT = tmp_path


def _text(response: HttpResponse) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _create(client: Client) -> str:
    response = client.post(f"/followup/actions/create/?year={YEAR}", follow=True)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_actions_follow_the_ladder_of_rule_9_and_are_created_once(district: District) -> None:
    office = client_of("office")
    rows = BottomAction.objects.filter(run=district.run)
    page = _create(office)
    assert f"新建 {rows.count()} 项，更新 0 项" in page
    assert FollowUpAction.objects.count() == rows.count()
    ladder = {1: "谈话提醒", 2: "岗位调整", 3: "严肃处理"}
    for action in FollowUpAction.objects.all():
        # a quarter's bottom → talk (1), a half-year's → post adjustment (2), the year's → (3)
        kind = action.period[5:6]  # "Q", "H" or "" (the year)
        assert action.step == {"Q": 1, "H": 2, "": 3}[kind]
        assert action.action == ladder[action.step]
    # due 30 days after the period ends: Q1 ends 03-31 → 04-30; H1 06-30 → 07-30; the year → 01-30
    due = {a.period: a.due_on for a in FollowUpAction.objects.all()}
    assert due[f"{YEAR}-Q1"] == dt.date(YEAR, 4, 30)
    assert due[f"{YEAR}-H1"] == dt.date(YEAR, 7, 30)
    assert due[str(YEAR)] == dt.date(YEAR + 1, 1, 30)
    # principals' and units' actions are the office's, the others their unit's
    assert set(FollowUpAction.objects.values_list("owner", flat=True)) == set(
        rows.values_list("owner", flat=True)
    )
    # a second time: nothing new
    assert "新建 0 项，更新 0 项，不再在名单中 0 项" in _create(office)  # nothing changed
    assert FollowUpAction.objects.count() == rows.count()


def test_the_ladder_step_of_a_period() -> None:
    assert [period_step(p) for p in ("2026-Q1", "2026-Q4", "2026-H2", "2026")] == [1, 1, 2, 3]


@pytest.mark.django_db
def test_a_recomputed_run_updates_the_actions_and_keeps_dropped_ones(district: District) -> None:
    first = actions_from_run(run=district.run)
    assert first.created == BottomAction.objects.filter(run=district.run).count()
    action = FollowUpAction.objects.filter(subject_code=district.cadre).order_by("period")[0]
    action.records.create(
        date=dt.date(YEAR, 5, 6), participants="单位负责人", notes="已谈话", completes=False
    )
    again = run_execute(run_id=run_create(year=YEAR).pk)
    assert again.state == Run.State.DONE
    # the recomputed run no longer lists that cadre in that period
    BottomAction.objects.filter(
        run=again, period=action.period, subject_code=action.subject_code
    ).delete()
    counts = actions_from_run(run=again)
    assert (counts.created, counts.dropped) == (0, 1)
    assert counts.updated == BottomAction.objects.filter(run=again).count()
    action.refresh_from_db()
    assert not action.in_latest_run
    assert action.records.count() == 1  # nothing done is lost
    assert FollowUpAction.objects.filter(run=again).count() == counts.updated


@pytest.mark.django_db
def test_the_unit_head_records_what_was_done_with_an_attachment(district: District) -> None:
    actions_from_run(run=district.run)
    action = FollowUpAction.objects.filter(
        subject_code=district.cadre, owner=district.head_unit
    ).order_by("period")[0]
    head = client_of("head")
    url = f"/followup/actions/{action.pk}/"
    assert 'id="record-form"' in head.get(url).content.decode()
    record = {
        "date": "2026-05-06",
        "participants": "单位负责人、本人",
        "notes": "指出月度任务完成滞后，约定整改。",
        "completes": "on",
    }
    bad = SimpleUploadedFile("谈话记录.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    page = html.unescape(
        head.post(url, {**record, "attachment": bad}, follow=True).content.decode()
    )
    assert "附件 谈话记录.pdf 的内容与其扩展名 .pdf 不符。" in page
    exe = SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")
    page = html.unescape(
        head.post(url, {**record, "attachment": exe}, follow=True).content.decode()
    )
    assert "附件 run.exe 的类型不允许" in page
    assert not FollowUpRecord.objects.exists()
    good = SimpleUploadedFile("谈话记录.pdf", PDF, "application/pdf")
    head.post(url, {**record, "attachment": good})
    saved = FollowUpRecord.objects.get()
    assert saved.attachment_name == "谈话记录.pdf"
    action.refresh_from_db()
    assert action.state == FollowUpAction.State.DONE
    assert action.done_on == dt.date(2026, 5, 6)
    download = head.get(f"/followup/records/{saved.pk}/attachment/")
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    # the subject may download it too; another reader may not
    mine = client_of("cadre").get(f"/followup/records/{saved.pk}/attachment/")
    assert mine.status_code == 200
    reader = User.objects.create_user(username="reader", password="x")
    reader.groups.set([roles_ensure()[CADRE]])
    assert client_of("reader").get(f"/followup/records/{saved.pk}/attachment/").status_code == 403
    # the cadre's page shows the whole ladder with the record
    page = html.unescape(
        client_of("cadre").get(f"/cadres/{district.cadre}/?year={YEAR}").content.decode()
    )
    ladder = page.split('id="ladder"')[1]
    for a in FollowUpAction.objects.filter(subject_code=district.cadre):
        assert f"/followup/actions/{a.pk}/" in ladder
    assert "指出月度任务完成滞后" in ladder
    # the head of U001 may not record for another unit's action; a cadre may not record at all
    other = FollowUpAction.objects.exclude(owner__in=(district.head_unit, s.OFFICE)).first()
    assert other is not None
    assert head.post(f"/followup/actions/{other.pk}/", record).status_code == 403
    assert client_of("cadre").post(url, record).status_code == 403


@pytest.mark.django_db
def test_an_attachment_over_the_limit_is_refused(
    district: District, settings: SettingsWrapper
) -> None:
    settings.KAOHE_EVIDENCE_MAX_BYTES = 1024 * 1024
    actions_from_run(run=district.run)
    action = FollowUpAction.objects.filter(owner=district.head_unit).first()
    assert action is not None
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (1024 * 1024), "application/pdf")
    response = client_of("office").post(
        f"/followup/actions/{action.pk}/",
        {"date": "2026-05-06", "participants": "考核办", "notes": "x", "attachment": big},
        follow=True,
    )
    assert "附件 scan.pdf 超过 1 MB。" in html.unescape(response.content.decode())
    assert not FollowUpRecord.objects.exists()


@pytest.mark.django_db
def test_overdue_actions_are_the_open_ones_past_their_due_date(district: District) -> None:
    actions_from_run(run=district.run)
    today = timezone.localdate()
    FollowUpAction.objects.update(due_on=today + dt.timedelta(days=10))
    late, done, due_today = FollowUpAction.objects.order_by("pk")[:3]
    FollowUpAction.objects.filter(pk=late.pk).update(due_on=today - dt.timedelta(days=1))
    FollowUpAction.objects.filter(pk=done.pk).update(
        due_on=today - dt.timedelta(days=1), state="done", done_on=today
    )
    FollowUpAction.objects.filter(pk=due_today.pk).update(due_on=today)
    page = client_of("office").get(f"/followup/actions/?year={YEAR}&overdue=1").content.decode()
    table = page.split('id="followups"')[1]
    assert table.count("/followup/actions/") == 1
    assert f"/followup/actions/{late.pk}/" in table
    assert "1 项逾期未办结" in page


@pytest.mark.django_db
def test_the_actions_page_links_each_row_to_its_follow_up(district: District) -> None:
    office = client_of("office")
    period = f"{YEAR}-Q1"
    before = office.get(f"/actions/?year={YEAR}&period={period}").content.decode()
    assert "未生成" in before
    actions_from_run(run=district.run)
    page = office.get(f"/actions/?year={YEAR}&period={period}").content.decode()
    for action in FollowUpAction.objects.filter(period=period):
        assert f"/followup/actions/{action.pk}/" in page
    assert "未生成" not in page


@pytest.mark.django_db
def test_the_list_filters_by_owner(district: District) -> None:
    actions_from_run(run=district.run)
    page = client_of("head").get(f"/followup/actions/?year={YEAR}&owner={district.head_unit}")
    table = page.content.decode().split('id="followups"')[1]
    mine = FollowUpAction.objects.filter(owner=district.head_unit)
    assert table.count("/followup/actions/") == mine.count()
    for action in mine:
        assert f"/followup/actions/{action.pk}/" in table


@pytest.mark.django_db
def test_creating_actions_takes_a_fixed_number_of_queries(
    district: District, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # read the list, read the year's actions, insert, update (twice): not one query per row
    with django_assert_max_num_queries(10):
        counts = actions_from_run(run=district.run)
    assert counts.created > 30
