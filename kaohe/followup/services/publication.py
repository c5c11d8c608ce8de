"""Writes of the year's publication (公示), its objections (异议) and the final year (终定)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.cycle.deadlines import add_working_days
from kaohe.cycle.services.notifications import notification_send
from kaohe.engine import schema as s
from kaohe.engine.plan import Procedure
from kaohe.followup.models import AnnualClose, AnnualObjection, AnnualPublication
from kaohe.followup.services import FollowupError
from kaohe.plans.models import Plan
from kaohe.results.models import AnnualResult


def publicity_days(year: int) -> int:
    """The plan's ``procedure.publicity_days`` (working days of 公示, the objection window)."""
    plan = Plan.objects.filter(year=year).first()
    return (plan.parsed().procedure if plan is not None else Procedure()).publicity_days


def refuse_if_final(close: AnnualClose) -> None:
    """Refuse a change of a final year's grades (the caller holds the close's row lock)."""
    publication = AnnualPublication.objects.filter(close=close).first()
    if publication is not None and publication.final_on is not None:
        raise FollowupError(
            _("%(year)d 年度结果已于 %(day)s 终定，不能再更改。")
            % {"year": close.year, "day": publication.final_on.isoformat()}
        )


@transaction.atomic
def annual_publish(
    *, close: AnnualClose, published_on: dt.date, user: User | None
) -> AnnualPublication:
    """Publish the closed year's grades (公示) from ``published_on`` for the plan's publicity
    days; once a year."""
    close = AnnualClose.objects.select_for_update().get(pk=close.pk)
    if AnnualPublication.objects.filter(close=close).exists():
        raise FollowupError(_("%(year)d 年度结果已经公示。") % {"year": close.year})
    days = publicity_days(close.year)
    publication = AnnualPublication(
        close=close,
        published_on=published_on,
        objections_until=add_working_days(published_on, days),
        published_by=user,
    )
    publication.full_clean()
    publication.save()
    transaction.on_commit(lambda: _tell_the_graded(publication))
    return publication


def _tell_the_graded(publication: AnnualPublication) -> int:
    """Notify every graded cadre with an account that the year's grades are published and
    until when they may object (once per publication)."""
    close = publication.close
    graded = AnnualResult.objects.filter(run_id=close.run_id, subject_type=s.SUBJECT_CADRE)
    users = User.objects.filter(
        is_active=True, cadre__code__in=graded.values("subject_code")
    ).select_related(None)
    text = _("%(year)d 年度考核结果已公示，如有异议请于 %(end)s 前提出。") % {
        "year": close.year,
        "end": publication.objections_until.isoformat(),
    }
    url = reverse("followup:publication") + f"?year={close.year}"
    return notification_send(
        users=users, key=f"annual-published:{publication.pk}", text=text, url=url
    )


@transaction.atomic
def annual_objection_file(
    *,
    publication: AnnualPublication,
    subject_type: str,
    subject_code: str,
    text: str,
    filed_on: dt.date,
    user: User | None,
) -> AnnualObjection:
    """File an objection to a subject's published grade within the window."""
    publication = AnnualPublication.objects.select_for_update().get(pk=publication.pk)
    if publication.final_on is not None:
        raise FollowupError(_("年度结果已终定，不再受理异议。"))
    if not publication.published_on <= filed_on <= publication.objections_until:
        raise FollowupError(
            _("异议期为 %(start)s 至 %(end)s，已不在异议期内。")
            % {
                "start": publication.published_on.isoformat(),
                "end": publication.objections_until.isoformat(),
            }
        )
    if not text.strip():
        raise FollowupError(_("请填写异议内容。"))
    close = publication.close
    if not AnnualResult.objects.filter(
        run_id=close.run_id, subject_type=subject_type, subject_code=subject_code
    ).exists():
        raise FollowupError(
            _("计算批次 #%(run)d 中没有 %(code)s 的年度结果。")
            % {"run": close.run_id, "code": subject_code}
        )
    objection = AnnualObjection(
        publication=publication,
        subject_type=subject_type,
        subject_code=subject_code,
        text=text.strip(),
        filed_on=filed_on,
        filed_by=user,
    )
    objection.full_clean()
    objection.save()
    return objection


@transaction.atomic
def annual_objection_answer(
    *,
    objection: AnnualObjection,
    outcome: str,
    answer: str,
    answered_on: dt.date,
    user: User | None,
) -> AnnualObjection:
    """The office's answer to an objection (once; an accepted one is then put into effect by
    an override on the close page, within the quota)."""
    objection = AnnualObjection.objects.select_for_update().get(pk=objection.pk)
    if objection.answered_on is not None:
        raise FollowupError(_("该异议已经答复。"))
    if outcome not in AnnualObjection.Outcome.values:
        raise FollowupError(_("请选择处理结果。"))
    if not answer.strip():
        raise FollowupError(_("请填写答复。"))
    if answered_on < objection.filed_on:
        raise FollowupError(_("答复日期不能早于提出日期。"))
    objection.outcome, objection.answer = outcome, answer.strip()
    objection.answered_on, objection.answered_by = answered_on, user
    objection.full_clean()
    objection.save()
    filer = objection.filed_by
    if filer is not None and filer.is_active:
        text = _("您对 %(code)s 年度等次提出的异议已答复。") % {"code": objection.subject_code}
        url = reverse("followup:publication") + f"?year={objection.publication.close.year}"
        transaction.on_commit(
            lambda: notification_send(
                users=[filer], key=f"annual-objection:{objection.pk}", text=text, url=url
            )
        )
    return objection


@transaction.atomic
def annual_finalise(
    *, publication: AnnualPublication, today: dt.date, user: User | None
) -> AnnualPublication:
    """Make the year final: only after the objection window and with every objection
    answered; then overrides, withdrawals and a new close are refused."""
    AnnualClose.objects.select_for_update().get(pk=publication.close_id)
    publication = AnnualPublication.objects.select_for_update().get(pk=publication.pk)
    if publication.final_on is not None:
        raise FollowupError(_("年度结果已经终定。"))
    if today <= publication.objections_until:
        raise FollowupError(
            _("异议期至 %(end)s，期满后才能终定。")
            % {"end": publication.objections_until.isoformat()}
        )
    open_count = publication.objections.filter(answered_on__isnull=True).count()
    if open_count:
        raise FollowupError(_("还有 %(n)d 条异议未答复，不能终定。") % {"n": open_count})
    publication.final_on, publication.finalised_by = today, user
    publication.full_clean()
    publication.save()
    return publication
