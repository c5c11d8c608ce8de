"""Public satisfaction surveys (群众评价): create, serve a form, take an answer, feed the year.

Against ballot stuffing (docs/evaluations.md says what this does and does not stop):

- every page view gets a one-time nonce stored server-side (its digest, with an expiry); an
  answer must bring an unused, unexpired nonce of the same survey, and using it deletes it in the
  same transaction as the answer is stored (a conditional DELETE whose row count must be 1);
- at most ``KAOHE_SURVEY_DAILY_LIMIT`` answers per client address, survey and day, counted in
  Django's cache (the address is kept only as a salted hash in the cache key, for a day);
- optionally a signed cookie marks a browser that answered today (``KAOHE_SURVEY_DEVICE_COOKIE``).
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.evaluations.aggregate import survey_write
from kaohe.evaluations.models import Survey, SurveyAnswer, SurveyNonce
from kaohe.evaluations.tokens import token_digest, token_new
from kaohe.org.models import Unit
from kaohe.plans.models import Plan

NONCE_MINUTES = 60
DAY_SECONDS = 24 * 3600


class SurveyRefusedError(Exception):
    """An answer that was not stored, with the reason to show."""


def survey_levels(year: int) -> list[tuple[str, float]]:
    """The plan's rating levels (name, 0–1), best first; the answer's score is value × 100."""
    row = Plan.objects.filter(year=year).first()
    if row is None:
        return []
    levels = row.parsed().rating_levels
    return sorted(levels.items(), key=lambda kv: -kv[1])


@transaction.atomic
def survey_create(*, unit: Unit, year: int) -> Survey:
    """The unit's survey of ``year`` (the existing one when there is one), open."""
    found = Survey.objects.filter(unit=unit, year=year).first()
    if found is not None:
        return found
    survey = Survey(unit=unit, year=year)
    survey.full_clean()
    survey.save()
    return survey


@transaction.atomic
def survey_set_active(*, survey: Survey, active: bool) -> Survey:
    survey.active = active
    survey.save(update_fields=["active", "updated"])
    return survey


def survey_nonce_issue(*, survey: Survey) -> str:
    """A fresh one-time nonce for one view of the form (expired ones are swept)."""
    now = timezone.now()
    nonce = token_new()
    with transaction.atomic():
        SurveyNonce.objects.filter(expires__lt=now).delete()
        SurveyNonce.objects.create(
            survey=survey,
            digest=token_digest(nonce),
            expires=now + timedelta(minutes=NONCE_MINUTES),
        )
    return nonce


def _limit_key(survey: Survey, client: str) -> str:
    day = timezone.localdate().isoformat()
    salted = hashlib.sha256(f"{settings.SECRET_KEY}|{day}|{client}".encode()).hexdigest()[:32]
    return f"kaohe:survey:{survey.pk}:{day}:{salted}"


def _count(survey: Survey, client: str) -> int:
    """Add one to the client's count of the day (atomic in the cache) and return it."""
    key = _limit_key(survey, client)
    cache.add(key, 0, timeout=DAY_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=DAY_SECONDS)
        return 1


def survey_answer(*, survey: Survey, nonce: str, level: str, client: str) -> SurveyAnswer:
    """Store one answer; SurveyRefusedError (nothing stored) for a closed survey, an unknown
    level, a used or unknown nonce, or a client over the day's limit."""
    if not survey.active:
        raise SurveyRefusedError(_("该调查已关闭"))
    values = dict(survey_levels(survey.year))
    if level not in values:
        raise SurveyRefusedError(_("请选择一个评价等次"))
    if _count(survey, client) > int(settings.KAOHE_SURVEY_DAILY_LIMIT):
        # counted before the nonce is checked: refused tries count against the limit too
        raise SurveyRefusedError(_("今天从这个网络提交的评价已达上限，感谢参与"))
    with transaction.atomic():
        used = SurveyNonce.objects.filter(
            survey=survey, digest=token_digest(nonce), expires__gte=timezone.now()
        ).delete()[0]
        if used != 1:
            raise SurveyRefusedError(_("该页面已提交过或已过期，请重新打开调查页面"))
        return SurveyAnswer.objects.create(
            id=uuid.uuid4(), survey=survey, score=round(values[level] * 100, 6)
        )


@transaction.atomic
def survey_feed(*, survey: Survey, user: User | None = None) -> int:
    """Write the survey's row into the year's democratic evaluation (at least the minimum of
    answers); the number of rows written (0 or 1)."""
    written = survey_write(survey=survey, user=user)
    if written:
        survey.fed = timezone.now()
        survey.save(update_fields=["fed", "updated"])
    return written
