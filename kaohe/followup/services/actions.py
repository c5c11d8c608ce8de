"""Bottom-rank follow-up (末尾督考, rules.md §9): the engine's bottom lists of a run become
actions, idempotently; what was done is recorded against them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.cycle.uploads import checked_attachment_name
from kaohe.followup.models import FollowUpAction, FollowUpRecord
from kaohe.followup.services import FollowupError
from kaohe.results.models import BottomAction, Run

_PERIOD: Final = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]))?$")


def period_step(period: str) -> int:
    """The ladder's step of a period (rules.md §9): a quarter 1 (谈话提醒), a half-year 2
    (岗位调整), the year 3 (严肃处理).

    >>> [period_step(p) for p in ("2026-Q3", "2026-H1", "2026")]
    [1, 2, 3]
    """
    match = _PERIOD.match(period)
    if match is None:
        raise FollowupError(_("无法识别的期间 %(period)s。") % {"period": period})
    suffix = match.group(2) or ""
    return 1 if suffix.startswith("Q") else 2 if suffix.startswith("H") else 3


@dataclass(frozen=True, slots=True)
class SyncCounts:
    created: int
    updated: int  # changed (a row of the run already as it was is not counted)
    dropped: int  # kept, but no longer in the run's bottom lists


@transaction.atomic
def actions_from_run(*, run: Run) -> SyncCounts:
    """Every row of the run's bottom lists as an action (one per period and subject).

    Idempotent: a second call, or a call for a recomputed run, updates the existing actions
    (score, rank, owner, due date) instead of adding new ones; actions of the year missing
    from the run are kept with ``in_latest_run`` false, with their records.
    """
    if run.state != Run.State.DONE:
        raise FollowupError(_("计算批次 #%(run)d 尚未完成。") % {"run": run.pk})
    rows = BottomAction.objects.filter(run=run).order_by("period", "subject_type", "subject_code")
    existing = {
        (a.period, a.subject_type, a.subject_code): a
        for a in FollowUpAction.objects.select_for_update().filter(year=run.year)
    }
    new: list[FollowUpAction] = []
    moved: list[int] = []  # existing actions now of this run (and listed in it)
    changed: list[FollowUpAction] = []  # … whose numbers, owner or due date changed too
    fields: set[str] = set()
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        key = (row.period or "", row.subject_type or "", row.subject_code or "")
        seen.add(key)
        values = {
            "step": period_step(key[0]),
            "action": row.action or "",
            "owner": row.owner or "",
            "due_on": dt.date.fromisoformat(row.due or ""),
            "score": row.score,
            "rank": row.rank,
            "n": row.n,
            "tied": bool(row.tied),
        }
        action = existing.get(key)
        if action is None:
            action = FollowUpAction(
                year=run.year,
                period=key[0],
                subject_type=key[1],
                subject_code=key[2],
                run=run,
                **values,
            )
            action.clean_fields(exclude=["run"])  # the run exists: no query per row
            new.append(action)
            continue
        if action.run_id != run.pk or not action.in_latest_run:
            moved.append(action.pk)
        diff = {name for name, value in values.items() if getattr(action, name) != value}
        if diff:
            for name in diff:
                setattr(action, name, values[name])
            fields |= diff
            changed.append(action)
    dropped = [a.pk for key, a in existing.items() if key not in seen and a.in_latest_run]
    FollowUpAction.objects.bulk_create(new)
    if changed:  # only the fields that changed, only the rows that changed
        FollowUpAction.objects.bulk_update(changed, sorted(fields), batch_size=200)
    FollowUpAction.objects.filter(pk__in=moved).update(run=run, in_latest_run=True)
    FollowUpAction.objects.filter(pk__in=dropped).update(in_latest_run=False)
    updated = len(set(moved) | {a.pk for a in changed})
    return SyncCounts(created=len(new), updated=updated, dropped=len(dropped))


@transaction.atomic
def action_record_add(
    *,
    action: FollowUpAction,
    date: dt.date,
    participants: str,
    notes: str,
    attachment: UploadedFile | None,
    completes: bool,
    user: User | None,
    today: dt.date | None = None,
) -> FollowUpRecord:
    """Record what was done (date, participants, notes, an optional attachment); ``completes``
    closes the action on that date."""
    action = FollowUpAction.objects.select_for_update().get(pk=action.pk)
    if date > (today or timezone.localdate()):
        raise FollowupError(_("记录日期不能晚于今天。"))
    if not participants.strip() or not notes.strip():
        raise FollowupError(_("请填写参加人员和情况记录。"))
    record = FollowUpRecord(
        action=action,
        date=date,
        participants=participants.strip(),
        notes=notes.strip(),
        completes=completes,
        recorded_by=user,
    )
    if attachment is not None:
        record.attachment_name = checked_attachment_name(attachment, FollowupError)
        record.attachment.save(record.attachment_name, attachment, save=False)
    record.full_clean()
    record.save()
    if completes and action.state == FollowUpAction.State.OPEN:
        action.state, action.done_on = FollowUpAction.State.DONE, date
        action.full_clean()
        action.save(update_fields=["state", "done_on", "updated"])
    return record
