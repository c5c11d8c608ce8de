"""``{% ledger_url user "cadre" code year as url %}``: the ledger page's URL when ``user`` reads
or records some of the subject's evidence (empty otherwise), for the cadre page and the unit
card's political line."""

from __future__ import annotations

from django import template
from django.urls import reverse

from kaohe.accounts.scope import AnyUser
from kaohe.engine.plan import PoliticalEvidence
from kaohe.political.predicates import readable_sources, recordable_sources

register = template.Library()


@register.simple_tag
def ledger_url(user: AnyUser, subject_type: str, code: str, year: int) -> str:
    rules = PoliticalEvidence()  # who reaches the ledger at all: no query for the year's plan
    if not (
        readable_sources(user, subject_type, code, rules)
        or recordable_sources(user, subject_type, code, rules)
    ):
        return ""
    return f"{reverse(f'political:{subject_type}', args=[code])}?year={year}"
