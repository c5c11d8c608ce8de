"""Deadlines of the procedure (rules.md §12) and of the follow-up.

The plan (kaohe/engine/plan.py) has no procedure settings yet, so the days live here, read from
Django settings when set (``KAOHE_REVIEW_FILING_DAYS`` …) and otherwise the defaults below:

- a review (复核) may be asked for within 30 days of the notification of the result (§12);
- an appeal (申诉) within 15 days of the review's answer (§12);
- the office answers a review within 30 days and an appeal within 60 days of its filing (common
  practice for civil servants: 复核 30 days, 申诉 60 days; our choice where rules.md is silent).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

REVIEW_FILING_DAYS = 30
APPEAL_FILING_DAYS = 15
REVIEW_ANSWER_DAYS = 30
APPEAL_ANSWER_DAYS = 60


def days(name: str, default: int) -> int:
    value = getattr(settings, f"KAOHE_{name}", default)
    return int(value)


def review_filing_last_day(notified_on: dt.date) -> dt.date:
    return notified_on + dt.timedelta(days=days("REVIEW_FILING_DAYS", REVIEW_FILING_DAYS))


def appeal_filing_last_day(answered_on: dt.date) -> dt.date:
    return answered_on + dt.timedelta(days=days("APPEAL_FILING_DAYS", APPEAL_FILING_DAYS))


def review_answer_due(filed_on: dt.date) -> dt.date:
    return filed_on + dt.timedelta(days=days("REVIEW_ANSWER_DAYS", REVIEW_ANSWER_DAYS))


def appeal_answer_due(filed_on: dt.date) -> dt.date:
    return filed_on + dt.timedelta(days=days("APPEAL_ANSWER_DAYS", APPEAL_ANSWER_DAYS))
