"""Cadres: monthly scores with their components, and one cadre's year (months, periods,
annual). A user reads the cadres of their scope only (a cadre: their own records)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field

from kaohe.api.errors import forbidden, require
from kaohe.api.permissions import cadre_scope, reads_cadre, reads_people
from kaohe.api.routers.common import ERRORS, PageQuery, RunQuery, user_of
from kaohe.api.schemas import CadreMonthPage, CadreScoresOut
from kaohe.api.selectors import (
    cadre_get,
    cadre_scores,
    result_page,
    result_query,
    run_for_results,
)

router = Router(tags=["cadres 干部"])


class CadreScoreQuery(RunQuery, PageQuery):
    month: int | None = Field(None, ge=1, le=12)
    unit: str | None = Field(None, description="a unit's id")
    cadre: str | None = Field(None, description="a cadre's id")


@router.get(
    "/scores",
    response={200: CadreMonthPage, **ERRORS},
    summary="Monthly cadre scores with their components",
)
def cadre_monthly(request: HttpRequest, filters: Query[CadreScoreQuery]) -> dict[str, Any]:
    user = user_of(request)
    cadre = filters.cadre
    if not reads_people(user):
        raise forbidden("your role reads no person's results")
    if cadre is not None and not reads_cadre(user, cadre):
        raise forbidden("you may not read this cadre's records")
    run = run_for_results(year=filters.year, run_id=filters.run)
    query = result_query(
        run, "cadre_monthly", month=filters.month, unit_code=filters.unit, cadre_code=cadre
    )
    query = cadre_scope(query, user)
    page = result_page("cadre_monthly", query, limit=filters.limit, offset=filters.offset)
    return {"year": run.year, "run_id": run.pk, "count": page.count, "items": page.items}


@router.get(
    "/{cadre_id}",
    response={200: CadreScoresOut, **ERRORS},
    summary="A cadre's year: every month with its components, the periods, the annual result",
)
def cadre_year(request: HttpRequest, cadre_id: str, filters: Query[RunQuery]) -> dict[str, Any]:
    require(reads_cadre(user_of(request), cadre_id), "you may not read this cadre's records")
    run = run_for_results(year=filters.year, run_id=filters.run)
    scores = cadre_scores(run, cadre_get(cadre_id))
    return {
        "year": run.year,
        "run_id": run.pk,
        "cadre_id": scores.cadre.code,
        "name": scores.cadre.name,
        "monthly": [{**m, "name": scores.cadre.name} for m in scores.monthly],
        "periods": scores.periods,
        "annual": scores.annual,
    }
