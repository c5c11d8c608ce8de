"""Formal adjustments of a locked month: reason, evidence (size and type checked), an approver
who is not the requester, the correction imported through the lock, a new run, both runs kept
and their scores shown side by side."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django import Settings as SettingsWrapper

from kaohe.audit.models import AuditEvent
from kaohe.collection.models import DistrictStat
from kaohe.cycle.models import Adjustment, Period
from kaohe.cycle.selectors import adjustment_changes, published_run
from kaohe.cycle.services.adjustments import (
    CorrectionRefusedError,
    adjustment_approve,
    adjustment_reject,
    adjustment_request,
)
from kaohe.cycle.services.periods import CycleError
from kaohe.cycle.uploads import accepted_suffixes
from kaohe.engine.numbers import round_half_up
from kaohe.plans.models import Plan
from kaohe.results.models import Run, UnitMonthly
from tests.web.conftest import YEAR
from tests.web.cycle_factories import People, client_for, computed, people, period_at

PDF = b"%PDF-1.4\n% evidence\n"


def _pdf(name: str = "批复.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _csv(text: str, name: str = "district.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.fixture
def locked(
    plan: Plan, demo_csv: Path, tmp_path: Path, settings: SettingsWrapper
) -> tuple[People, Run, Period]:
    settings.MEDIA_ROOT = tmp_path / "media"
    run = computed(demo_csv, tmp_path)
    return people(), run, period_at(1, Period.State.LOCKED, run)


def test_only_a_locked_month_with_reason_and_evidence_is_adjusted(
    locked: tuple[People, Run, Period],
) -> None:
    p, run, period = locked
    with pytest.raises(CycleError, match="佐证材料"):
        adjustment_request(period=period, user=p.office, reason="更正", evidence=[])
    with pytest.raises(CycleError, match="理由"):
        adjustment_request(period=period, user=p.office, reason=" ", evidence=[_pdf()])
    open_month = period_at(2, Period.State.PUBLISHED, run)
    with pytest.raises(CycleError, match="已锁定"):
        adjustment_request(period=open_month, user=p.office, reason="更正", evidence=[_pdf()])


def test_evidence_is_checked_by_content_and_size(
    locked: tuple[People, Run, Period], settings: SettingsWrapper
) -> None:
    p, _run, period = locked
    fake = SimpleUploadedFile("批复.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="不是 pdf 文件"):
        adjustment_request(period=period, user=p.office, reason="更正", evidence=[fake])
    with pytest.raises(ValidationError):
        adjustment_request(
            period=period,
            user=p.office,
            reason="更正",
            evidence=[SimpleUploadedFile("run.exe", b"MZ\x90\x00")],
        )
    settings.KAOHE_EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="超过上限"):
        adjustment_request(period=period, user=p.office, reason="更正", evidence=[_pdf()])
    assert not Adjustment.objects.exists()


def test_approval_imports_the_correction_and_recomputes_as_a_new_run(
    locked: tuple[People, Run, Period],
) -> None:
    p, run, period = locked
    old_scores = dict(
        UnitMonthly.objects.filter(run=run, month=1).values_list("unit_code", "score")
    )
    adjustment = adjustment_request(
        period=period,
        user=p.office,
        reason="统计局更正1月地区生产总值增速",
        evidence=[_pdf()],
        correction=_csv(f"month,gdp_growth,gdp_growth_target\n{YEAR}-01,4.0,8.0\n"),
    )
    with pytest.raises(CycleError, match="不能审批自己"):
        adjustment_approve(adjustment=adjustment, user=p.office)
    approved = adjustment_approve(adjustment=adjustment, user=p.office2, note="同意")
    assert approved.state == Adjustment.State.APPROVED
    assert approved.previous_run == run
    new = approved.new_run
    assert new is not None
    assert new.pk != run.pk
    assert new.state == Run.State.DONE
    assert DistrictStat.objects.get(year=YEAR, month=1).gdp_growth == 4.0
    period.refresh_from_db()
    assert period.state == Period.State.LOCKED  # still locked
    assert published_run(period) == new
    # the old run is kept, unchanged
    assert dict(UnitMonthly.objects.filter(run=run, month=1).values_list("unit_code", "score")) == (
        old_scores
    )
    changes = adjustment_changes(approved)
    units = [c for c in changes if c.subject_type == "unit"]
    assert units  # growth 9.5 → 4.0 lowers every dynamic coefficient
    new_scores = dict(
        UnitMonthly.objects.filter(run=new, month=1).values_list("unit_code", "score")
    )
    for change in units:
        old, new_score = old_scores[change.code], new_scores[change.code]
        assert old is not None
        assert new_score is not None
        assert change.before == round_half_up(old)
        assert change.after == round_half_up(new_score)
    # the units' changes are public within the district, a person's only to who may see them
    cadres = {c.code for c in changes if c.subject_type == "cadre"}
    mine = p.cadre.cadre.code if p.cadre.cadre else ""
    assert mine in cadres
    assert len(cadres) > 1
    url = f"/cycle/adjustments/{approved.pk}/"
    as_cadre = client_for(p.cadre).get(url)
    assert as_cadre.status_code == 200
    assert [c.code for c in as_cadre.context["unit_changes"]] == [c.code for c in units]
    assert [c.code for c in as_cadre.context["cadre_changes"]] == [mine]
    as_stats = client_for(p.stats).get(url).context
    assert as_stats["unit_changes"]
    assert as_stats["cadre_changes"] == []
    seen = {c.code for c in client_for(p.office).get(url).context["cadre_changes"]}
    assert seen == cadres
    page = client_for(p.office).get(f"/cycle/adjustments/{approved.pk}/").content.decode()
    first = units[0]
    assert f"{first.before:.2f}" in page
    assert f"{first.after:.2f}" in page
    assert f"#{run.pk}" in page
    assert f"#{new.pk}" in page
    events = AuditEvent.objects.filter(
        model="cycle.adjustment", object_id=str(approved.pk), action=AuditEvent.Action.ADJUSTMENT
    )
    assert [e.extra["change"] for e in events.order_by("id")] == ["requested", "approved"]


def test_a_refused_correction_changes_nothing(locked: tuple[People, Run, Period]) -> None:
    p, _run, period = locked
    adjustment = adjustment_request(
        period=period,
        user=p.office,
        reason="更正",
        evidence=[_pdf()],
        correction=_csv(f"month,gdp_growth,gdp_growth_target\n{YEAR}-01,abc,8.0\n"),
    )
    runs = Run.objects.count()
    with pytest.raises(CorrectionRefusedError) as refused:
        adjustment_approve(adjustment=adjustment, user=p.office2)
    assert refused.value.batch.problems[0]["column"] == "gdp_growth"
    adjustment.refresh_from_db()
    assert adjustment.state == Adjustment.State.REQUESTED
    assert Run.objects.count() == runs
    assert DistrictStat.objects.get(year=YEAR, month=1).gdp_growth == 9.5


def test_a_rejection_needs_a_note_and_keeps_the_published_run(
    locked: tuple[People, Run, Period],
) -> None:
    p, run, period = locked
    adjustment = adjustment_request(period=period, user=p.office, reason="更正", evidence=[_pdf()])
    with pytest.raises(CycleError, match="审批意见"):
        adjustment_reject(adjustment=adjustment, user=p.office2, note="")
    adjustment_reject(adjustment=adjustment, user=p.office2, note="依据不足")
    assert published_run(period) == run


def test_the_adjustment_pages(locked: tuple[People, Run, Period]) -> None:
    p, _run, _period = locked
    office, office2 = client_for(p.office), client_for(p.office2)
    assert client_for(p.head).get(f"/cycle/{YEAR}/1/adjustments/new/").status_code == 403
    form = office.get(f"/cycle/{YEAR}/1/adjustments/new/").content.decode()
    assert f'accept="{accepted_suffixes()}"' in form  # the types the check accepts, one list
    response = office.post(
        f"/cycle/{YEAR}/1/adjustments/new/", {"reason": "更正", "evidence": [_pdf()]}
    )
    assert response.status_code == 302
    adjustment = Adjustment.objects.get()
    own = office.get(f"/cycle/adjustments/{adjustment.pk}/").content.decode()
    assert "批准并重新计算" not in own  # the requester does not decide
    assert (
        office.post(
            f"/cycle/adjustments/{adjustment.pk}/decide/", {"decision": "approve"}
        ).status_code
        == 400
    )
    evidence = adjustment.evidence.get()
    download = office2.get(f"/cycle/adjustments/{adjustment.pk}/evidence/{evidence.pk}/")
    assert download.content == PDF
    assert (
        client_for(p.head)
        .get(f"/cycle/adjustments/{adjustment.pk}/evidence/{evidence.pk}/")
        .status_code
        == 403
    )
    decided = office2.post(f"/cycle/adjustments/{adjustment.pk}/decide/", {"decision": "approve"})
    assert decided.status_code == 302
    adjustment.refresh_from_db()
    assert adjustment.state == Adjustment.State.APPROVED
    assert adjustment.decided_by == p.office2
