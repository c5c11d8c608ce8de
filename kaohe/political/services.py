"""Writes of the political-quality ledger and of the 优秀 evidence reviews.

Entries are rows of :class:`kaohe.collection.models.Evidence` (the engine reads them at the
next compute, rules.md §7); reviews are rows of :class:`kaohe.collection.models.TopReview`
(§8). Both models keep their history (simple-history) and every save is in the audit trail.
A write is refused — nothing changes — for a locked month (the entry's date), for a year whose
grades are final (终定), and for a source the user may not record."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.collection.models import Evidence, TopReview
from kaohe.cycle.guard import MonthLockedError, month_lock_check
from kaohe.cycle.uploads import checked_attachment_name
from kaohe.engine import schema as s
from kaohe.political.models import EvidenceFile
from kaohe.political.predicates import recordable_sources
from kaohe.political.selectors import Subject, year_final, year_plan

OUTCOMES = (s.OUTCOME_CONFIRM, s.OUTCOME_REJECT)
DIRECTIONS = (s.DIRECTION_POSITIVE, s.DIRECTION_NEGATIVE)


class PoliticalError(Exception):
    """A refused write; the message says why (nothing was written)."""


def _who(user: User) -> str:
    return user.get_username()


def _refuse_if_final(year: int) -> None:
    final_on = year_final(year)
    if final_on is not None:
        raise PoliticalError(
            _("%(year)d 年度结果已于 %(day)s 终定，不能再更改。")
            % {"year": year, "day": final_on.isoformat()}
        )


def _lock(year: int, day: dt.date) -> None:
    try:
        month_lock_check(year=year, month=day.month, what="political-quality evidence")
    except MonthLockedError as exc:
        raise PoliticalError(
            _(
                "%(year)d 年 %(month)d 月已锁定，不能登记或更正该月的证据"
                "（锁定月份只能通过正式调整更改）。"
            )
            % {"year": exc.year, "month": exc.month}
        ) from exc


def _attach(entry: Evidence, upload: UploadedFile, user: User) -> None:
    """The entry's attachment, replacing an earlier one (the old file is removed)."""
    name = checked_attachment_name(upload, PoliticalError)
    found = EvidenceFile.objects.filter(evidence=entry).first()
    old = found.file.name if found is not None and found.file else ""
    item = found or EvidenceFile(evidence=entry)
    item.name, item.uploaded_by = name, user
    item.file.save(name, upload, save=False)
    item.save()
    if old and old != item.file.name:
        item.file.storage.delete(old)


def _new_code(year: int) -> str:
    return f"L{year % 100:02d}{secrets.token_hex(4).upper()}"


@transaction.atomic
def evidence_record(
    *,
    user: User,
    year: int,
    subject: Subject,
    date: dt.date,
    source: str,
    direction: str,
    item: str = "",
    note: str = "",
    code: str = "",
    attachment: UploadedFile | None = None,
) -> Evidence:
    """Record an entry of ``subject``'s ledger, or correct entry ``code`` (its history kept).

    The recorder is ``user``; the plan of ``year`` gives the allowed sources and items."""
    plan = year_plan(year)
    if plan is None:
        raise PoliticalError(_("%(year)d 年度尚无考核方案。") % {"year": year})
    rules = plan.political.evidence
    allowed = recordable_sources(user, subject.type, subject.code, rules)
    if source not in allowed:
        raise PoliticalError(_("您不能登记该来源的证据。"))
    if direction not in DIRECTIONS:
        raise PoliticalError(_("性质须为正面或负面。"))
    items = {i.name for i in plan.political.items}
    if item and item not in items:
        raise PoliticalError(_("政治素质项目不在方案中。"))
    if date.year != year:
        raise PoliticalError(_("日期须在 %(year)d 年内。") % {"year": year})
    if attachment is not None:
        checked_attachment_name(attachment, PoliticalError)
    _refuse_if_final(year)
    _lock(year, date)
    if code:
        entry = (
            Evidence.objects.select_for_update()
            .filter(year=year, code=code, subject_code=subject.code)
            .first()
        )
        if entry is None:
            raise PoliticalError(_("没有该证据。"))
        if entry.source not in allowed:
            raise PoliticalError(_("您不能更正该来源的证据。"))
        _lock(year, entry.date)
    else:
        entry = Evidence(year=year, subject_code=subject.code, code=_new_code(year))
    entry.date, entry.source, entry.direction = date, source, direction
    entry.item, entry.note, entry.recorded_by = item, note.strip(), _who(user)
    entry.full_clean(validate_unique=False)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                entry.save()
            if attachment is not None:
                _attach(entry, attachment, user)
            return entry
        except IntegrityError:  # the random code was taken: another one
            if code:
                raise
            entry.code = _new_code(year)
    raise PoliticalError(_("未能生成证据编号，请重试。"))


@transaction.atomic
def top_review_record(
    *, user: User, year: int, subject: Subject, outcome: str, date: dt.date, note: str = ""
) -> TopReview:
    """The office's evidence review of a 优秀 candidate (one per subject and year; recording
    again replaces the outcome, its history kept). The grade follows at the next compute."""
    if outcome not in OUTCOMES:
        raise PoliticalError(_("审核结果须为确认或不予确认。"))
    _refuse_if_final(year)
    review = (
        TopReview.objects.select_for_update().filter(year=year, subject_code=subject.code).first()
    )
    if review is None:
        review = TopReview(year=year, subject_code=subject.code)
    review.outcome, review.reviewer, review.date = outcome, _who(user), date
    review.note = note.strip()
    review.full_clean(validate_unique=False)
    review.save()
    return review
