"""``{% tasks_links request.user as links %}``: which tasks pages the user's sub-navigation
shows (the same predicates the views ask)."""

from __future__ import annotations

from django import template

from kaohe.accounts.scope import AnyUser
from kaohe.tasks import permissions

register = template.Library()


@register.simple_tag
def tasks_links(user: AnyUser) -> dict[str, bool]:
    return {
        "report": permissions.own_cadre(user) is not None,
        "ratings": permissions.rates_anyone(user),
        "check": permissions.sees_checks(user),
    }
