"""One subject's pages: the unit report card (单位成绩单) and the cadre page (干部)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from kaohe.accounts.roles import VIEW_CADRE, VIEW_UNIT
from kaohe.core.periods import month_label
from kaohe.engine import round_half_up
from kaohe.engine import schema as s
from kaohe.reports.predicates import can_read_unit_people
from kaohe.web.cache import cached_body, run_changed
from kaohe.web.selectors.cadres import cadre_page
from kaohe.web.selectors.common import run_plan
from kaohe.web.selectors.units import unit_cadres, unit_card
from kaohe.web.views.common import is_htmx, page, render_htmx, require_object, shown_for


def _published(value: float | None) -> float | None:
    return None if value is None else round_half_up(value, 2)


def _rank_chart(year: int, rows: list[dict[str, Any]], score: str) -> dict[str, object]:
    """Months, published scores and ranks of a subject, for its rank-and-score chart."""
    return {
        "months": [month_label(year, r[s.MONTH]) for r in rows],
        "score": [_published(r[score]) for r in rows],
        "rank": [r[s.RANK] for r in rows],
        "text": {"score": _("得分"), "rank": _("名次")},
    }


@page()
def unit(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's report card for a month, with the line-by-line explanation of its score; its
    cadres are those the user may see."""
    require_object(request, VIEW_UNIT, code)
    shown = shown_for(request)

    def build() -> tuple[dict[str, object], str]:
        context: dict[str, object] = {"shown": shown, "code": code}
        name = code
        if shown.run is not None:
            card = unit_card(shown.run, run_plan(shown.run), code, shown.month)
            if card is None:
                raise Http404(code)
            name = card.name
            context |= {
                "card": card,
                "cadres": unit_cadres(shown.run, code, shown.month, user=request.user),
                "changed": run_changed(request, shown.run),
                "chart": _rank_chart(shown.year, card.months, s.SCORE),
                # the unit's score sheet of people: the office and the unit's head (reports)
                "may_download_people": can_read_unit_people(request.user, code),
            }
        return context, f"{name} · {_('单位成绩单')}"

    page_body = cached_body(request, shown=shown, template="web/_unit_body.html", build=build)
    return render(request, "web/unit.html", page_body)


@page()
def cadre(request: HttpRequest, code: str) -> HttpResponse:
    """A cadre's months, ranks, periods, year, pay and actions; htmx swaps the explanation."""
    require_object(request, VIEW_CADRE, code)
    shown = shown_for(request)

    def build() -> tuple[dict[str, object], str]:
        context: dict[str, object] = {"shown": shown, "code": code}
        name = code
        if shown.run is not None:
            person = cadre_page(shown.run, run_plan(shown.run), code, shown.month)
            if person is None:
                raise Http404(code)
            name = person.name
            context |= {
                "person": person,
                "changed": run_changed(request, shown.run),
                "chart": _rank_chart(shown.year, person.months, s.FINAL),
            }
        return context, f"{name} · {_('干部')}"

    if is_htmx(request):  # the explanation of another month: small, rendered each time
        context, _title = build()
        return render_htmx(request, "web/cadre.html", "web/_cadre_explanation.html", context)
    page_body = cached_body(request, shown=shown, template="web/_cadre_body.html", build=build)
    response = render(request, "web/cadre.html", page_body)
    patch_vary_headers(response, ("HX-Request",))
    return response
