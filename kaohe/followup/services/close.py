"""The year's close, grade overrides within the quota, reviews and appeals (rules.md §8, §12).

The quota guarantee: an override is written only when, after it, the number of subjects of its
quota group holding the top grade (the engine's grades with every override of the close applied)
is at most the group's quota. The close row is locked (``select_for_update``) for every change of
grades, so two overrides at once cannot both take the last place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.engine import schema as s
from kaohe.followup import deadlines
from kaohe.followup.models import AnnualClose, GradeOverride, ReviewRequest
from kaohe.followup.services import FollowupError
from kaohe.followup.services.publication import refuse_if_final
from kaohe.results.models import AnnualResult, QuotaGroup, Run

GRADES: Mapping[str, tuple[str, ...]] = {
    s.SUBJECT_CADRE: s.CADRE_GRADES,
    s.SUBJECT_TEAM: s.TEAM_GRADES,
}
TOP_GRADES = frozenset(grades[0] for grades in GRADES.values())


def top_used(engine: Mapping[str, str], overrides: Mapping[str, str]) -> int:
    """Subjects holding the top grade once ``overrides`` (code → grade) replace the engine's
    grades (code → grade) of one quota group.

    >>> top_used({"a": "优秀", "b": "优秀", "c": "称职"}, {"b": "称职", "c": "优秀"})
    2
    """
    effective = {**engine, **{c: g for c, g in overrides.items() if c in engine}}
    return sum(1 for grade in effective.values() if grade in TOP_GRADES)


def _group_state(close: AnnualClose, group: str) -> tuple[int, dict[str, str], dict[str, str]]:
    """(quota, engine grades, overrides) of a quota group of the close's run."""
    row = QuotaGroup.objects.filter(run_id=close.run_id, quota_group=group).first()
    quota = row.quota if row is not None and row.quota is not None else 0
    results = AnnualResult.objects.filter(run_id=close.run_id, quota_group=group)
    engine = {
        code or "": grade or "" for code, grade in results.values_list("subject_code", "grade")
    }
    overrides = dict(
        close.overrides.filter(subject_code__in=list(engine)).values_list("subject_code", "grade")
    )
    return quota, engine, overrides


def _refuse_over_quota(group: str, quota: int, used: int) -> None:
    if used > quota:
        raise FollowupError(
            _("名额组 %(group)s 最高等次名额 %(quota)d 个，调整后 %(used)d 个，超出名额。")
            % {"group": group, "quota": quota, "used": used}
        )


def _result(close: AnnualClose, subject_type: str, subject_code: str) -> AnnualResult:
    result = AnnualResult.objects.filter(
        run_id=close.run_id, subject_type=subject_type, subject_code=subject_code
    ).first()
    if result is None:
        raise FollowupError(
            _("计算批次 #%(run)d 中没有 %(code)s 的年度结果。")
            % {"run": close.run_id, "code": subject_code}
        )
    return result


@transaction.atomic
def annual_close(*, year: int, run: Run, notified_on: dt.date, user: User | None) -> AnnualClose:
    """Close ``year`` on ``run`` (or move an existing close to a newer run). The run must be
    finished, of the year, with annual results; the close's overrides must still fit the new
    run's quotas."""
    if run.state != Run.State.DONE or run.year != year:
        raise FollowupError(
            _("计算批次 #%(run)d 不是 %(year)d 年已完成的计算。") % {"run": run.pk, "year": year}
        )
    if not AnnualResult.objects.filter(run=run).exists():
        raise FollowupError(
            _("计算批次 #%(run)d 没有年度结果（需计算到 12 月）。") % {"run": run.pk}
        )
    close = AnnualClose.objects.select_for_update().filter(year=year).first()
    if close is not None:
        refuse_if_final(close)
    if close is None:
        close = AnnualClose(year=year, run=run, notified_on=notified_on, closed_by=user)
    else:
        close.run, close.notified_on, close.closed_by = run, notified_on, user
        groups = set()
        for override in close.overrides.all():
            result = _result(close, override.subject_type, override.subject_code)
            if result.grade == s.UNDETERMINED or not result.quota_group:
                raise FollowupError(
                    _("%(code)s 在新批次中为不定等次，请先撤销其等次调整。")
                    % {"code": override.subject_code}
                )
            groups.add(result.quota_group)
        for group in sorted(groups):
            quota, engine, overrides = _group_state(close, group)
            _refuse_over_quota(group, quota, top_used(engine, overrides))
    close.full_clean()
    close.save()
    return close


@transaction.atomic
def grade_override_set(
    *,
    close: AnnualClose,
    subject_type: str,
    subject_code: str,
    grade: str,
    reason: str,
    user: User | None,
) -> GradeOverride:
    """Set the office's grade for a subject, with a reason; refused (nothing written) when the
    subject has no grade of the run, the grade is not one of its type, the reason is empty, or
    the subject's quota group would hold more top grades than its quota."""
    close = AnnualClose.objects.select_for_update().get(pk=close.pk)
    refuse_if_final(close)
    if grade not in GRADES.get(subject_type, ()):
        raise FollowupError(_("等次 %(grade)s 不适用于该对象。") % {"grade": grade})
    reason = reason.strip()
    if not reason:
        raise FollowupError(_("请填写调整理由。"))
    result = _result(close, subject_type, subject_code)
    if result.grade == s.UNDETERMINED or not result.quota_group:
        raise FollowupError(_("不定等次由规则确定，不能调整等次。"))
    group = result.quota_group
    quota, engine, overrides = _group_state(close, group)
    overrides[subject_code] = grade
    _refuse_over_quota(group, quota, top_used(engine, overrides))
    override = GradeOverride.objects.filter(
        close=close, subject_type=subject_type, subject_code=subject_code
    ).first() or GradeOverride(close=close, subject_type=subject_type, subject_code=subject_code)
    override.grade, override.reason, override.decided_by = grade, reason, user
    override.full_clean()
    override.save()
    return override


@transaction.atomic
def grade_override_withdraw(*, override: GradeOverride, user: User | None) -> None:
    """Back to the engine's grade; refused when that would exceed the group's quota (another
    override took the place meanwhile). The history keeps the withdrawn override."""
    close = AnnualClose.objects.select_for_update().get(pk=override.close_id)
    refuse_if_final(close)
    result = _result(close, override.subject_type, override.subject_code)
    group = result.quota_group or ""
    quota, engine, overrides = _group_state(close, group)
    overrides.pop(override.subject_code, None)
    _refuse_over_quota(group, quota, top_used(engine, overrides))
    override._change_reason = f"withdrawn by {user}" if user else "withdrawn"  # type: ignore[attr-defined]
    override.delete()


@transaction.atomic
def request_file(
    *,
    close: AnnualClose,
    kind: str,
    subject_type: str,
    subject_code: str,
    grounds: str,
    filed_on: dt.date,
    user: User | None,
) -> ReviewRequest:
    """A review (within 30 days of the notification) or an appeal (within 15 days of the
    review's answer) of a subject's annual result (rules.md §12)."""
    grounds = grounds.strip()
    if not grounds:
        raise FollowupError(_("请填写理由。"))
    if filed_on > timezone.localdate():
        raise FollowupError(_("日期不能晚于今天。"))
    _result(close, subject_type, subject_code)
    review: ReviewRequest | None = None
    if kind == ReviewRequest.Kind.REVIEW:
        last = deadlines.review_filing_last_day(close.notified_on)
        if filed_on < close.notified_on:
            raise FollowupError(
                _("结果于 %(day)s 通知，复核不能早于通知日期。")
                % {"day": close.notified_on.isoformat()}
            )
        if filed_on > last:
            raise FollowupError(
                _("复核须在结果通知后 30 日内（%(day)s 前）提出。") % {"day": last.isoformat()}
            )
        due = deadlines.review_answer_due(filed_on)
    elif kind == ReviewRequest.Kind.APPEAL:
        review = close.requests.filter(
            kind=ReviewRequest.Kind.REVIEW, subject_type=subject_type, subject_code=subject_code
        ).first()
        if review is None or review.answered_on is None:
            raise FollowupError(_("申诉须在复核答复之后提出。"))
        last = deadlines.appeal_filing_last_day(review.answered_on)
        if filed_on < review.answered_on or filed_on > last:
            raise FollowupError(
                _("申诉须在复核答复后 15 日内（%(day)s 前）提出。") % {"day": last.isoformat()}
            )
        due = deadlines.appeal_answer_due(filed_on)
    else:
        raise FollowupError(_("未知的申请类型 %(kind)s。") % {"kind": kind})
    if close.requests.filter(
        kind=kind, subject_type=subject_type, subject_code=subject_code
    ).exists():
        raise FollowupError(_("该对象本年度已提出过此类申请。"))
    request = ReviewRequest(
        close=close,
        kind=kind,
        review=review,
        subject_type=subject_type,
        subject_code=subject_code,
        filed_on=filed_on,
        grounds=grounds,
        filed_by=user,
        due_on=due,
    )
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def request_answer(
    *,
    request: ReviewRequest,
    outcome: str,
    answer: str,
    answered_on: dt.date,
    user: User | None,
) -> ReviewRequest:
    """The office's answer to a review or appeal (once)."""
    request = ReviewRequest.objects.select_for_update().get(pk=request.pk)
    if request.answered_on is not None:
        raise FollowupError(_("该申请已于 %(day)s 答复。") % {"day": request.answered_on})
    if outcome not in ReviewRequest.Outcome.values:
        raise FollowupError(_("请选择答复结果。"))
    answer = answer.strip()
    if not answer:
        raise FollowupError(_("请填写答复意见。"))
    if answered_on < request.filed_on:
        raise FollowupError(_("答复日期不能早于提出日期。"))
    if answered_on > timezone.localdate():
        raise FollowupError(_("日期不能晚于今天。"))
    request.outcome, request.answer = outcome, answer
    request.answered_on, request.answered_by = answered_on, user
    request.full_clean()
    request.save()
    return request
