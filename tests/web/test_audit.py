"""The audit trail: what is recorded (who, when, before and after, from where), one event per
import and run, the append-only table, the hash chain and its verification (edit, delete and
reorder are found, naming the event), the log page and a record's history."""

from __future__ import annotations

import hashlib
from itertools import pairwise
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper

from kaohe import cli
from kaohe.accounts.models import User
from kaohe.audit.chain import GENESIS
from kaohe.audit.models import AppendOnlyError, AuditEvent
from kaohe.audit.selectors import audit_verify
from kaohe.collection.models import DistrictStat
from kaohe.collection.services import import_file
from kaohe.org.models import Unit
from kaohe.plans.models import Plan
from kaohe.plans.services import plan_save
from kaohe.results.services import run_compute
from tests.web.conftest import YEAR, upload
from tests.web.cycle_factories import client_for, district_csv, import_demo, people

TRIGGER = "audit_auditevent_append_only"


def _units(n: int) -> list[AuditEvent]:
    """``n`` new units, each one audit event; the events, oldest first."""
    for i in range(n):
        Unit.objects.create(code=f"A{i:03d}", name=f"审计单位{i}", category="综合保障类")
    return list(AuditEvent.objects.order_by("-id")[:n])[::-1]


def _raw(sql: str, params: list[str | int]) -> None:
    """Tamper with the table as someone with database access would (the trigger set aside)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {TRIGGER}")


@pytest.fixture
def chain(db: None) -> list[AuditEvent]:
    events = _units(4)
    assert audit_verify().broken is None
    return events


def test_each_event_chains_to_the_one_before(chain: list[AuditEvent]) -> None:
    first = AuditEvent.objects.order_by("id").first()
    assert first is not None
    assert first.prev_hash == GENESIS
    for before, after in pairwise(chain):
        assert after.prev_hash == before.hash
        assert after.pk == before.pk + 1
    result = audit_verify()
    assert result.count == AuditEvent.objects.count()
    assert result.last_hash == chain[-1].hash


def test_an_edited_event_breaks_the_chain_at_that_event(chain: list[AuditEvent]) -> None:
    target = chain[1]
    _raw("UPDATE audit_auditevent SET changes = %s WHERE id = %s", ['{"after":{}}', target.pk])
    broken = audit_verify().broken
    assert broken is not None
    assert broken.event_id == target.pk
    assert broken.what == "hash"
    assert broken.found == target.hash
    with pytest.raises(CommandError, match=f"event {target.pk}: hash broken"):
        call_command("audit_verify")


def test_a_deleted_event_breaks_the_chain_at_the_next(chain: list[AuditEvent]) -> None:
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [chain[1].pk])
    broken = audit_verify().broken
    assert broken is not None
    assert broken.event_id == chain[2].pk
    assert broken.what == "sequence"
    assert broken.expected == f"id {chain[1].pk}"


def test_reordered_events_break_the_chain(chain: list[AuditEvent]) -> None:
    a, b = chain[1].pk, chain[2].pk
    _raw("UPDATE audit_auditevent SET id = %s WHERE id = %s", [-1, a])
    _raw("UPDATE audit_auditevent SET id = %s WHERE id = %s", [a, b])
    _raw("UPDATE audit_auditevent SET id = %s WHERE id = %s", [b, -1])
    broken = audit_verify().broken
    assert broken is not None
    assert broken.event_id == a
    assert broken.what == "prev_hash"
    assert broken.expected == chain[0].hash


def test_kaohe_audit_verify_exits_1_naming_the_event(
    chain: list[AuditEvent], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["audit", "verify"]) == 0
    assert "audit chain intact" in capsys.readouterr().out
    _raw("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["mallory", chain[0].pk])
    assert cli.main(["audit", "verify"]) == 1
    assert f"event {chain[0].pk}: hash broken" in capsys.readouterr().err


def test_the_model_and_the_admin_refuse_changes(
    chain: list[AuditEvent], admin_client: object
) -> None:
    event = chain[0]
    event.actor_name = "mallory"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(actor_name="mallory")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    from django.test import Client  # noqa: PLC0415

    assert isinstance(admin_client, Client)
    url = f"/admin/audit/auditevent/{event.pk}/"
    assert admin_client.post(url + "change/", {"actor_name": "x"}).status_code == 403
    assert admin_client.post(url + "delete/", {"post": "yes"}).status_code == 403
    assert audit_verify().broken is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_postgresql_trigger_refuses_update_and_delete(chain: list[AuditEvent]) -> None:
    for sql in (
        "UPDATE audit_auditevent SET actor_name = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [chain[0].pk])
    assert audit_verify().broken is None


def test_an_admin_edit_records_who_before_after_and_from_where(
    plan: Plan, demo_csv: Path, tmp_path: Path
) -> None:
    import_demo(demo_csv, tmp_path)
    office = people().office
    office.is_superuser = True
    office.save()
    row = DistrictStat.objects.get(year=YEAR, month=2)
    response = client_for(office).post(
        f"/admin/collection/districtstat/{row.pk}/change/",
        {"year": YEAR, "month": 2, "gdp_growth": "7.0", "gdp_growth_target": "8.0"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(model="collection.districtstat", object_id=str(row.pk))
    assert event.action == AuditEvent.Action.UPDATE
    assert event.actor == office
    assert event.actor_name == "office"
    assert event.before["gdp_growth"] == 10.0
    assert event.after["gdp_growth"] == 7.0
    assert set(event.after) == {"gdp_growth", "updated"}  # only what changed
    assert event.ip == "10.1.2.3"
    assert event.user_agent == "kaohe-test-agent"
    assert event.path == f"/admin/collection/districtstat/{row.pk}/change/"
    assert abs((timezone.now() - event.at).total_seconds()) < 60


def test_an_import_is_one_event_with_counts_and_checksum(
    plan: Plan, demo_csv: Path, tmp_path: Path
) -> None:
    import_demo(demo_csv, tmp_path)
    path = district_csv(tmp_path, [(f"{YEAR}-0{m}", "8.5", "8.0") for m in range(1, 4)])
    batch = import_file(upload=upload(path), year=YEAR)
    assert batch.state == "done", batch.problems
    (event,) = AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, object_id=str(batch.pk))
    assert event.extra["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert event.extra["updated"] == 3
    assert event.extra["tables"] == {"district": {"created": 0, "updated": 3, "unchanged": 0}}
    assert not AuditEvent.objects.filter(model="collection.districtstat").exists()  # no row events


def test_a_computation_is_audited_when_asked_for_and_when_done(
    plan: Plan, demo_csv: Path, tmp_path: Path
) -> None:
    import_demo(demo_csv, tmp_path)
    run = run_compute(year=YEAR)
    events = AuditEvent.objects.filter(action=AuditEvent.Action.COMPUTE, object_id=str(run.pk))
    assert [e.extra["change"] for e in events.order_by("id")] == ["created", "done"]
    done = events.order_by("id").last()
    assert done is not None
    assert done.extra["input_checksum"] == run.input_checksum
    assert done.extra["counts"]["unit_monthly"] == run.counts["unit_monthly"]


def test_roles_permissions_and_plans_are_audited(plan: Plan) -> None:
    user = User.objects.create_user(username="u1", password="secret-1")
    group = Group.objects.create(name="考核办助理")
    user.groups.add(group)
    user.groups.remove(group)
    m2m = AuditEvent.objects.filter(action=AuditEvent.Action.M2M, object_id=str(user.pk))
    assert [(e.before, e.after) for e in m2m.order_by("id")] == [
        ({}, {"auth.group": ["考核办助理"]}),
        ({"auth.group": ["考核办助理"]}, {}),
    ]
    user.set_password("secret-2")
    user.save()
    change = AuditEvent.objects.filter(model="accounts.user", action="update").get()
    assert change.after == {"password": "(redacted)"}
    plan_save(yaml_text=plan.yaml.replace("publicity_days: 5", "publicity_days: 6"))
    edit = AuditEvent.objects.get(model="plans.plan", action="update")
    assert "publicity_days: 5" in edit.before["yaml"]
    assert "publicity_days: 6" in edit.after["yaml"]


def test_excluded_apps_are_never_audited(db: None, settings: SettingsWrapper) -> None:
    assert "evaluations" in settings.KAOHE_AUDIT_EXCLUDED_APPS  # ballots: never per voter
    settings.KAOHE_AUDIT_EXCLUDED_APPS = (*settings.KAOHE_AUDIT_EXCLUDED_APPS, "org")
    Unit.objects.create(code="X1", name="x", category="c")
    assert not AuditEvent.objects.filter(model="org.unit").exists()


def test_the_log_page_filters_and_shows_a_records_history(
    chain: list[AuditEvent], plan: Plan
) -> None:
    p_office = User.objects.create_user(username="o", password="x")
    p_office.groups.add(Group.objects.get_or_create(name="office")[0])
    cadre = User.objects.create_user(username="c", password="x")
    office = client_for(p_office)
    assert client_for(cadre).get("/audit/").status_code == 403
    page = office.get("/audit/", {"model": "org.unit"}).content.decode()
    assert "审计单位0" in page
    assert "plans.plan" not in page.split("<tbody>")[1]
    today = timezone.localdate().isoformat()
    assert "审计单位3" in office.get("/audit/", {"since": today, "until": today}).content.decode()
    assert "审计单位3" not in office.get("/audit/", {"until": "2000-01-01"}).content.decode()
    assert office.get("/audit/", {"since": "not a date"}).status_code == 400
    assert "审计单位3" not in office.get("/audit/", {"user": "nobody"}).content.decode()
    unit = Unit.objects.get(code="A000")
    unit.name = "改名单位"
    unit.save()
    history = office.get(f"/audit/org.unit/{unit.pk}/").content.decode()
    assert "审计单位0" in history
    assert "改名单位" in history
