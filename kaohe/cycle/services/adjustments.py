"""Formal adjustments of a locked month: a request with reason and evidence, an approver from
the office who is not the requester, and on approval the correction file imported into the
locked month (through the lock guard's one bypass) and a recomputation as a NEW run. The old run
is never changed: both runs are kept and the adjustment page shows their scores side by side."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.audit.models import AuditEvent
from kaohe.audit.services import audit_record
from kaohe.collection.models import ImportBatch
from kaohe.collection.services import import_file
from kaohe.cycle import predicates
from kaohe.cycle.guard import lock_bypass
from kaohe.cycle.models import Adjustment, AdjustmentEvidence, Period
from kaohe.cycle.selectors import published_run
from kaohe.cycle.services.notifications import notification_send, office_users
from kaohe.cycle.services.periods import CycleError
from kaohe.results.services import run_create, run_enqueue

MODEL = "cycle.adjustment"


class CorrectionRefusedError(CycleError):
    """The correction file could not be imported; ``batch`` holds its problems."""

    def __init__(self, batch: ImportBatch) -> None:
        self.batch = batch
        super().__init__(
            _("更正数据文件未导入（导入记录 %(id)s，%(n)s 个问题），未作任何更改")
            % {"id": batch.pk, "n": batch.problem_count}
        )


def _digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def adjustment_request(
    *,
    period: Period,
    user: User,
    reason: str,
    evidence: Sequence[UploadedFile],
    correction: UploadedFile | None = None,
) -> Adjustment:
    """Ask for an adjustment of a locked month, with at least one evidence file."""
    if not predicates.may_request_adjustment(user):
        raise PermissionDenied
    if period.state != Period.State.LOCKED:
        raise CycleError(_("只有已锁定的月份才需要正式调整"))
    if not reason.strip():
        raise CycleError(_("请填写调整理由"))
    if not evidence:
        raise CycleError(_("请上传至少一份佐证材料"))
    adjustment = Adjustment(period=period, reason=reason.strip(), requested_by=user)
    if correction is not None:
        adjustment.correction = correction
    adjustment.full_clean()
    adjustment.save()
    for upload in evidence:
        item = AdjustmentEvidence(
            adjustment=adjustment,
            file=upload,
            name=Path(upload.name or "evidence").name[:255],
            size=upload.size or 0,
            sha256=_digest(upload),
        )
        item.full_clean()  # size and type (by content) of the file
        item.save()
    audit_record(
        action=AuditEvent.Action.ADJUSTMENT,
        model=MODEL,
        object_id=adjustment.pk,
        object_repr=str(adjustment),
        after={"reason": adjustment.reason, "state": adjustment.state},
        extra={
            "change": "requested",
            "evidence": [{"name": e.name, "sha256": e.sha256} for e in adjustment.evidence.all()],
        },
        actor=user,
    )
    text = _("%(month)s 的结果调整申请 #%(id)s 待审批") % {
        "month": period.label,
        "id": adjustment.pk,
    }
    others = [u for u in office_users() if u.pk != user.pk]
    notification_send(
        users=others, key=f"adjustment:{adjustment.pk}:requested", text=text, url=_url(adjustment)
    )
    return adjustment


def _url(adjustment: Adjustment) -> str:
    from django.urls import reverse  # noqa: PLC0415 - urls import the views that import us

    return reverse("cycle:adjustment", kwargs={"adjustment_id": adjustment.pk})


def _decidable(adjustment: Adjustment, user: User) -> Adjustment:
    if not predicates.may_run_cycle(user):
        raise PermissionDenied
    if not predicates.may_decide_adjustment(user, adjustment):
        raise CycleError(_("申请人不能审批自己的调整申请"))
    if adjustment.state != Adjustment.State.REQUESTED:
        raise CycleError(_("该申请已审批"))
    return adjustment


def adjustment_approve(*, adjustment: Adjustment, user: User, note: str = "") -> Adjustment:
    """Approve: import the correction file into the locked month, then recompute the year
    through that month as a new run (computed now for a small district, else by the worker)."""
    _decidable(adjustment, user)
    period = adjustment.period
    batch: ImportBatch | None = None
    with lock_bypass(adjustment.pk):
        if adjustment.correction:
            with adjustment.correction.open("rb") as handle:
                upload = File(handle, name=Path(adjustment.correction.name).name)
                batch = import_file(upload=upload, year=period.year, user=user)
            if batch.state != ImportBatch.State.DONE:
                raise CorrectionRefusedError(batch)
        with transaction.atomic():
            run = run_create(year=period.year, through_month=period.month, user=user)
            adjustment.state = Adjustment.State.APPROVED
            adjustment.decided_by = user
            adjustment.decided_at = timezone.now()
            adjustment.decision_note = note.strip()
            adjustment.previous_run = published_run(period)
            adjustment.new_run = run
            adjustment.import_batch = batch
            adjustment.full_clean()
            adjustment.save()
            _decided(adjustment, user)
        adjustment.new_run = run_enqueue(run=run)  # done now, or queued for the worker
    return adjustment


@transaction.atomic
def adjustment_reject(*, adjustment: Adjustment, user: User, note: str) -> Adjustment:
    _decidable(adjustment, user)
    if not note.strip():
        raise CycleError(_("驳回须填写审批意见"))
    adjustment.state = Adjustment.State.REJECTED
    adjustment.decided_by = user
    adjustment.decided_at = timezone.now()
    adjustment.decision_note = note.strip()
    adjustment.full_clean()
    adjustment.save()
    _decided(adjustment, user)
    return adjustment


def _decided(adjustment: Adjustment, user: User) -> None:
    extra: dict[str, object] = {"change": adjustment.state, "note": adjustment.decision_note}
    if adjustment.new_run_id is not None:
        extra |= {"previous_run": adjustment.previous_run_id, "new_run": adjustment.new_run_id}
    if adjustment.import_batch is not None:
        extra |= {"import": adjustment.import_batch.pk, "sha256": adjustment.import_batch.sha256}
    audit_record(
        action=AuditEvent.Action.ADJUSTMENT,
        model=MODEL,
        object_id=adjustment.pk,
        object_repr=str(adjustment),
        before={"state": Adjustment.State.REQUESTED},
        after={"state": adjustment.state},
        extra=extra,
        actor=user,
    )
    if adjustment.requested_by is not None:
        text = _("您的调整申请 #%(id)s：%(state)s") % {
            "id": adjustment.pk,
            "state": adjustment.get_state_display(),
        }
        notification_send(
            users=[adjustment.requested_by],
            key=f"adjustment:{adjustment.pk}:{adjustment.state}",
            text=text,
            url=_url(adjustment),
        )
