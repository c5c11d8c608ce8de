"""Deadline reminders: who is reminded of what and when, once a day; email when configured; the
bell and the notifications page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from pytest_django import Settings as SettingsWrapper

from kaohe.cycle.models import Notification, Period
from kaohe.cycle.services.periods import unit_submit
from kaohe.cycle.services.reminders import reminders_send
from kaohe.plans.models import Plan
from tests.web.cycle_factories import People, client_for, import_demo, people, period_at


@pytest.fixture
def collecting(plan: Plan, demo_csv: Path, tmp_path: Path) -> tuple[People, Period]:
    import_demo(demo_csv, tmp_path)
    p = people()
    period = period_at(3, Period.State.COLLECTING)  # units submit by 2026-03-05
    return p, period


def _users(period: Period) -> set[str]:
    return set(Notification.objects.values_list("user__username", flat=True))


def test_nobody_is_reminded_before_the_window(collecting: tuple[People, Period]) -> None:
    _p, _period = collecting
    assert reminders_send(today=dt.date(2026, 3, 1)) == 0  # 4 days before, 2 allowed


def test_units_that_have_not_submitted_and_the_office_are_reminded_once_a_day(
    collecting: tuple[People, Period],
) -> None:
    p, period = collecting
    unit_submit(period=period, unit=p.other_unit, user=p.other_head)
    made = reminders_send(today=dt.date(2026, 3, 3))
    assert _users(period) == {"head", "office", "office2"}  # not the head who submitted
    assert made == 3
    assert reminders_send(today=dt.date(2026, 3, 3)) == 0  # the same day again: nothing new
    note = Notification.objects.get(user=p.head)
    assert "2026-03" in note.text
    assert "2026-03-05" in note.text
    assert note.url == "/cycle/2026/3/"
    reminders_send(today=dt.date(2026, 3, 6))
    overdue = Notification.objects.filter(user=p.head).order_by("-id").first()
    assert overdue is not None
    assert "逾期" in overdue.text


def test_email_goes_out_only_when_configured(
    collecting: tuple[People, Period], settings: SettingsWrapper
) -> None:
    reminders_send(today=dt.date(2026, 3, 4))
    assert mail.outbox == []
    settings.KAOHE_EMAIL_ENABLED = True
    reminders_send(today=dt.date(2026, 3, 5))
    assert sorted(m.to[0] for m in mail.outbox) == [
        "head@example.org",
        "office2@example.org",
        "office@example.org",
        "otherhead@example.org",
    ]
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 4


def test_the_command_reminds_and_checks_its_date(collecting: tuple[People, Period]) -> None:
    call_command("kaohe_remind", "--date", "2026-03-05")
    assert Notification.objects.count() == 4  # two unit heads, two office users
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("kaohe_remind", "--date", "5 March")


def test_the_bell_counts_unread_and_the_page_marks_them_read(
    collecting: tuple[People, Period],
) -> None:
    p, _period = collecting
    reminders_send(today=dt.date(2026, 3, 5))
    head = client_for(p.head)
    page = head.get("/cycle/notifications/").content.decode()
    assert '<span class="count" id="unread-count">1</span>' in page
    assert "2026-03-05" in page
    note = Notification.objects.get(user=p.head)
    assert head.post(f"/cycle/notifications/read/?id={note.pk}").status_code == 302
    assert 'id="unread-count"' not in head.get("/cycle/notifications/").content.decode()
