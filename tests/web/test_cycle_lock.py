"""A locked month cannot change through any path: the import service, the imports page, the
API (imports and runs), the admin, the management commands, the bulk load and reset, and the
models themselves. Every refusal names the month and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client

from kaohe.api.services import api_token_create
from kaohe.collection.models import DistrictStat, ImportBatch
from kaohe.collection.services import LockedDataError, data_load, data_reset, import_file
from kaohe.cycle.guard import MonthLockedError, lock_bypass
from kaohe.cycle.models import Period
from kaohe.plans.models import Plan
from kaohe.results.models import Run
from kaohe.results.services import run_create
from tests.web.conftest import YEAR, demo_frames, upload
from tests.web.cycle_factories import (
    People,
    client_for,
    computed,
    district_csv,
    people,
    period_at,
)

API = "/api/v1"
LOCKED_LABEL = f"{YEAR}-01"


@pytest.fixture
def locked(plan: Plan, demo_csv: Path, tmp_path: Path) -> tuple[People, Run, Path]:
    """The demo district computed; January locked on that run; a CSV changing January (and
    nothing else)."""
    run = computed(demo_csv, tmp_path)
    period_at(1, Period.State.LOCKED, run)
    change = district_csv(tmp_path / "change", [(LOCKED_LABEL, "1.5", "8.0")])
    return people(), run, change


def _january() -> float:
    return DistrictStat.objects.get(year=YEAR, month=1).gdp_growth


def test_the_import_service_refuses_rows_of_a_locked_month_naming_table_row_and_month(
    locked: tuple[People, Run, Path],
) -> None:
    _people, _run, change = locked
    before = _january()
    batch = import_file(upload=upload(change), year=YEAR)
    assert batch.state == ImportBatch.State.REFUSED
    (problem,) = batch.problems
    assert problem["file"] == "district.csv"
    assert problem["row"] == 2
    assert problem["column"] == "month"
    assert "district (新区经济)" in problem["message"]
    assert f"month {LOCKED_LABEL} is locked" in problem["message"]
    assert _january() == before


def test_an_open_month_still_imports_next_to_a_locked_one(
    locked: tuple[People, Run, Path], tmp_path: Path
) -> None:
    feb = district_csv(tmp_path / "feb", [(f"{YEAR}-02", "7.25", "8.0")])
    assert import_file(upload=upload(feb), year=YEAR).state == ImportBatch.State.DONE
    assert DistrictStat.objects.get(year=YEAR, month=2).gdp_growth == 7.25


def test_the_imports_page_shows_the_lock_and_writes_nothing(
    locked: tuple[People, Run, Path],
) -> None:
    p, _run, change = locked
    before = _january()
    with change.open("rb") as f:
        response = client_for(p.office).post("/imports/", {"year": YEAR, "file": f}, follow=True)
    assert response.status_code == 200
    assert f"month {LOCKED_LABEL} is locked" in response.content.decode()
    assert _january() == before


def test_the_api_refuses_an_import_into_a_locked_month_with_422(
    locked: tuple[People, Run, Path],
) -> None:
    p, _run, change = locked
    token = api_token_create(user=p.office, name="t").secret
    with change.open("rb") as f:
        response = Client().post(
            f"{API}/imports", {"year": YEAR, "file": f}, HTTP_AUTHORIZATION=f"Bearer {token}"
        )
    assert response.status_code == 422
    (problem,) = response.json()["problems"]
    assert problem["row"] == 2
    assert problem["column"] == "month"
    assert LOCKED_LABEL in problem["message"]
    assert _january() == 9.5


def test_the_api_refuses_a_run_through_a_locked_month_with_409(
    locked: tuple[People, Run, Path],
) -> None:
    p, _run, _change = locked
    token = api_token_create(user=p.office, name="t").secret
    runs = Run.objects.count()
    response = Client().post(
        f"{API}/runs",
        {"year": YEAR, "through_month": 1},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 409
    assert f"{LOCKED_LABEL} is locked" in response.json()["detail"]
    assert Run.objects.count() == runs
    later = Client().post(
        f"{API}/runs",
        {"year": YEAR, "through_month": 2},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert later.status_code == 202  # a later, open month computes; January keeps its run


def test_the_compute_page_refuses_a_run_through_a_locked_month(
    locked: tuple[People, Run, Path],
) -> None:
    p, _run, _change = locked
    runs = Run.objects.count()
    response = client_for(p.office).post("/compute/", {"year": YEAR, "through_month": 1})
    assert response.status_code == 400
    assert "已锁定" in response.content.decode()
    assert Run.objects.count() == runs


def test_a_run_of_every_month_is_refused_when_the_last_month_is_locked(
    locked: tuple[People, Run, Path],
) -> None:
    period_at(12, Period.State.LOCKED, locked[1])
    with pytest.raises(MonthLockedError, match=f"{YEAR}-12 is locked"):
        run_create(year=YEAR)


def test_the_commands_refuse_a_locked_month(locked: tuple[People, Run, Path]) -> None:
    _p, _run, change = locked
    runs = Run.objects.count()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("kaohe_import", str(change), "--year", str(YEAR))
    with pytest.raises(CommandError, match=f"{LOCKED_LABEL} is locked"):
        call_command("kaohe_compute", "--year", str(YEAR), "--through", LOCKED_LABEL)
    assert Run.objects.count() == runs
    assert _january() == 9.5


def test_the_admin_shows_a_locked_row_read_only_and_refuses_changes(
    locked: tuple[People, Run, Path],
) -> None:
    p, _run, _change = locked
    p.office.is_superuser = True  # the admin's model permissions
    p.office.save()
    admin = client_for(p.office)
    row = DistrictStat.objects.get(year=YEAR, month=1)
    url = f"/admin/collection/districtstat/{row.pk}/change/"
    page = admin.get(url)
    assert page.status_code == 200
    assert 'name="gdp_growth"' not in page.content.decode()  # read only
    data = {"year": YEAR, "month": 1, "gdp_growth": "1.0", "gdp_growth_target": "8.0"}
    assert admin.post(url, data).status_code == 403
    assert (
        admin.post(f"/admin/collection/districtstat/{row.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    bulk = {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    assert admin.post("/admin/collection/districtstat/", bulk).status_code == 403
    other = DistrictStat.objects.get(year=YEAR, month=2)
    url = f"/admin/collection/districtstat/{other.pk}/change/"
    february = {"year": YEAR, "month": 2, "gdp_growth": "7.0", "gdp_growth_target": "8.0"}
    assert admin.post(url, february).status_code == 302  # an open month changes
    period_at(4, Period.State.LOCKED, locked[1])
    into_locked = admin.post(url, february | {"month": 4})
    assert into_locked.status_code == 200  # the form again, with the refusal
    assert f"{YEAR}-04 is locked" in into_locked.content.decode()
    added = admin.post("/admin/collection/districtstat/add/", february | {"year": YEAR + 1})
    assert added.status_code == 302  # another year's month is not locked
    assert _january() == 9.5
    assert DistrictStat.objects.get(pk=other.pk).month == 2


def test_the_models_refuse_saving_and_deleting_a_locked_row(
    locked: tuple[People, Run, Path],
) -> None:
    row = DistrictStat.objects.get(year=YEAR, month=1)
    row.gdp_growth = 1.0
    with pytest.raises(MonthLockedError):
        row.save()
    with pytest.raises(MonthLockedError), transaction.atomic():  # delete() has no savepoint
        row.delete()
    other = DistrictStat.objects.get(year=YEAR, month=2)
    other.month = 1  # moving a row into the locked month
    with pytest.raises(MonthLockedError):
        other.save()
    with lock_bypass(adjustment_id=1):  # the formal adjustment's way through
        row.save()
    assert _january() == 1.0


def test_the_bulk_load_and_the_reset_are_refused(
    locked: tuple[People, Run, Path], plan: Plan
) -> None:
    with pytest.raises(LockedDataError, match=f"month {LOCKED_LABEL} is locked"):
        data_load(frames=demo_frames(plan), year=YEAR, reason="demo")
    with pytest.raises(MonthLockedError):
        data_reset()
    assert DistrictStat.objects.filter(year=YEAR).count() == 12


def test_the_demo_command_refuses_a_reset_over_a_locked_month_with_a_message(
    locked: tuple[People, Run, Path],
) -> None:
    with pytest.raises(CommandError, match="locked"):
        call_command("kaohe_demo", "--reset", "--units", "3", "--cadres", "20", "--year", str(YEAR))
    assert DistrictStat.objects.filter(year=YEAR).count() == 12  # nothing was removed
    assert _january() == 9.5
