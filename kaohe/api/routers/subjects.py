"""Results of every kind of subject (units, teams, sections, cadres): quarterly and half-year
scores, annual results and grades, quota use, bottom-rank actions (末尾督考), training needs.
Every list is cut to the subjects the user may see (kaohe.accounts.scope)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field

from kaohe.api.errors import forbidden, require
from kaohe.api.permissions import reads_everything, reads_people
from kaohe.api.routers.common import ERRORS, PageQuery, RunQuery, user_of
from kaohe.api.schemas import ActionPage, AnnualPage, PeriodPage, QuotaListOut, TrainingPage
from kaohe.api.selectors import (
    annual_query,
    quota_use,
    result_page,
    result_query,
    run_for_results,
    subject_scope,
    with_effective_grades,
)
from kaohe.results.models import Run, RunRow

router = Router(tags=["results 结果"])


class SubjectQuery(RunQuery, PageQuery):
    subject_type: str | None = Field(None, description="unit, team, section or cadre")
    subject: str | None = Field(None, description="a subject's id")


def _scoped(request: HttpRequest, query: QuerySet[RunRow]) -> QuerySet[RunRow]:
    user = user_of(request)
    if not reads_people(user):
        raise forbidden("your role reads no person's results")
    return subject_scope(query, user)


def _page(
    request: HttpRequest, run: Run, name: str, filters: SubjectQuery, **more: Any
) -> dict[str, Any]:
    query = result_query(
        run,
        name,
        subject_type=filters.subject_type,
        subject_code=filters.subject,
        **more,
    )
    page = result_page(name, _scoped(request, query), limit=filters.limit, offset=filters.offset)
    return {"year": run.year, "run_id": run.pk, "count": page.count, "items": page.items}


class PeriodQuery(SubjectQuery):
    period: str | None = Field(None, description="2026-Q1 … 2026-Q4, 2026-H1, 2026-H2")


@router.get(
    "/periods", response={200: PeriodPage, **ERRORS}, summary="Quarterly and half-year scores"
)
def periods(request: HttpRequest, filters: Query[PeriodQuery]) -> dict[str, Any]:
    run = run_for_results(year=filters.year, run_id=filters.run)
    return _page(request, run, "periods", filters, period=filters.period)


class AnnualQuery(SubjectQuery):
    grade: str | None = Field(None, description="优秀, 称职… or 好, 较好…")


@router.get(
    "/annual", response={200: AnnualPage, **ERRORS}, summary="Annual scores, grades and ranks"
)
def annual(request: HttpRequest, filters: Query[AnnualQuery]) -> dict[str, Any]:
    run = run_for_results(year=filters.year, run_id=filters.run)
    query = annual_query(
        run, filters.grade, subject_type=filters.subject_type, subject_code=filters.subject
    )
    page = result_page(
        "annual", _scoped(request, query), limit=filters.limit, offset=filters.offset
    )
    items = with_effective_grades(run, page.items)
    return {"year": run.year, "run_id": run.pk, "count": page.count, "items": items}


@router.get(
    "/annual/quota",
    response={200: QuotaListOut, **ERRORS},
    summary="Use of the top-grade quota per group",
)
def quota(request: HttpRequest, filters: Query[RunQuery]) -> dict[str, Any]:
    require(reads_everything(user_of(request)))
    run = run_for_results(year=filters.year, run_id=filters.run)
    return {"year": run.year, "run_id": run.pk, "items": quota_use(run)}


class ActionQuery(SubjectQuery):
    period: str | None = Field(None, description="a month 2026-03, a quarter 2026-Q1…")
    action: str | None = None


@router.get(
    "/actions", response={200: ActionPage, **ERRORS}, summary="Bottom-rank actions (末尾督考)"
)
def actions(request: HttpRequest, filters: Query[ActionQuery]) -> dict[str, Any]:
    run = run_for_results(year=filters.year, run_id=filters.run)
    return _page(request, run, "actions", filters, period=filters.period, action=filters.action)


class TrainingQuery(SubjectQuery):
    period: str | None = None
    tag: str | None = Field(None, description="an ability tag")


@router.get("/training", response={200: TrainingPage, **ERRORS}, summary="Training needs")
def training(request: HttpRequest, filters: Query[TrainingQuery]) -> dict[str, Any]:
    run = run_for_results(year=filters.year, run_id=filters.run)
    return _page(request, run, "training", filters, period=filters.period, tag=filters.tag)
