"""Units: monthly scores, rankings per category with the change since last month, the report
card of one month."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field

from kaohe.api.errors import require
from kaohe.api.permissions import reads_district, reads_unit
from kaohe.api.routers.common import ERRORS, PageQuery, RunQuery, user_of
from kaohe.api.schemas import RankingsOut, UnitCardOut, UnitScorePage
from kaohe.api.selectors import (
    result_page,
    result_query,
    run_for_results,
    run_month,
    unit_card,
    unit_rankings,
    with_names,
)
from kaohe.engine import schema as s
from kaohe.org.models import Unit
from kaohe.web.cache import memo, scope_prime

router = Router(tags=["units 单位"])


class UnitScoreQuery(RunQuery, PageQuery):
    month: int | None = Field(None, ge=1, le=12)
    category: str | None = None
    unit: str | None = Field(None, description="a unit's id")


@router.get(
    "/scores",
    response={200: UnitScorePage, **ERRORS},
    summary="Monthly unit scores (S, with G, E and C)",
)
def unit_scores(request: HttpRequest, filters: Query[UnitScoreQuery]) -> dict[str, Any]:
    require(reads_district(user_of(request)))  # units' scores are public within the district
    run = run_for_results(year=filters.year, run_id=filters.run)
    query = result_query(
        run,
        "unit_monthly",
        month=filters.month,
        category=filters.category,
        unit_code=filters.unit,
    )
    page = result_page("unit_monthly", query, limit=filters.limit, offset=filters.offset)
    items = with_names(page.items, Unit, s.UNIT_ID)
    return {"year": run.year, "run_id": run.pk, "count": page.count, "items": items}


class RankingQuery(RunQuery):
    month: int | None = Field(None, ge=1, le=12, description="default: the run's last month")
    category: str | None = Field(None, description="one category (default: every category)")


@router.get(
    "/rankings",
    response={200: RankingsOut, **ERRORS},
    summary="Unit rankings of a month per category, with the rank change since last month",
)
def unit_rankings_get(request: HttpRequest, filters: Query[RankingQuery]) -> dict[str, Any]:
    scope_prime(request)
    require(reads_district(user_of(request)))

    def read() -> dict[str, Any]:
        run = run_for_results(year=filters.year, run_id=filters.run)
        month = run_month(run, filters.month)
        categories = unit_rankings(run, month, filters.category)
        return {"year": run.year, "month": month, "run_id": run.pk, "categories": categories}

    # kept until the next audited change, like the pages (kaohe/web/cache.py)
    parts = (filters.year, filters.run, filters.month, filters.category)
    return memo(request, "api:rankings", parts, read)


class CardQuery(RunQuery):
    month: int | None = Field(None, ge=1, le=12, description="default: the run's last month")


@router.get(
    "/{unit_id}/card",
    response={200: UnitCardOut, **ERRORS},
    summary="A unit's report card of a month: groups, indicators, events, C, S, rank, why",
)
def unit_card_get(request: HttpRequest, unit_id: str, filters: Query[CardQuery]) -> dict[str, Any]:
    scope_prime(request)
    require(reads_unit(user_of(request), unit_id), "you may not read this unit's card")
    # kept until the next audited change, like the pages (kaohe/web/cache.py)
    parts = (unit_id, filters.year, filters.run, filters.month)
    return memo(request, "api:unit-card", parts, lambda: _unit_card(unit_id, filters))


def _unit_card(unit_id: str, filters: CardQuery) -> dict[str, Any]:
    run = run_for_results(year=filters.year, run_id=filters.run)
    card = unit_card(run, unit_id, run_month(run, filters.month))
    score = card.score
    return {
        "year": run.year,
        "month": card.month,
        "run_id": run.pk,
        "unit_id": card.unit.code,
        "name": card.unit.name,
        "category": score[s.CATEGORY],
        "tier": score[s.TIER],
        "groups": card.groups,
        "groups_total": score[s.GROUPS_TOTAL],
        "events": card.events,
        "events_total": score[s.EVENTS_TOTAL],
        "raw": score[s.RAW],
        "coefficient": score[s.COEFFICIENT],
        "score": score[s.SCORE],
        "rank": score[s.RANK],
        "rank_n": score[s.RANK_N],
        "explanation": card.explanation,
        "inputs_changed": card.inputs_changed,
    }
