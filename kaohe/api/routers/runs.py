"""Computation runs: list, one with its problems, start one (202; follow it with GET)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from pydantic import Field

from kaohe.accounts.models import User
from kaohe.api.errors import ApiError, require
from kaohe.api.permissions import may_compute, reads_everything
from kaohe.api.routers.common import ERRORS, PageQuery, user_of
from kaohe.api.schemas import RunDetailOut, RunIn, RunOut, RunPage
from kaohe.api.selectors import run_detail, run_list
from kaohe.cycle.guard import MonthLockedError
from kaohe.results.models import Run
from kaohe.results.services import NoPlanError, run_compute

router = Router(tags=["runs 计算批次"])


class RunListQuery(PageQuery):
    year: int | None = Field(None, ge=2000, le=2100)
    state: Run.State | None = None


@router.get("", response={200: RunPage, **ERRORS}, summary="Computation runs, newest first")
def runs_list(request: HttpRequest, filters: Query[RunListQuery]) -> dict[str, Any]:
    require(reads_everything(user_of(request)))
    query = run_list(year=filters.year, state=filters.state)
    page = list(query[filters.offset : filters.offset + filters.limit])
    return {"count": query.count(), "items": page}


@router.get("/{run_id}", response={200: RunDetailOut, **ERRORS}, summary="A run, with its problems")
def runs_get(request: HttpRequest, run_id: int) -> dict[str, Any]:
    require(reads_everything(user_of(request)))
    run = run_detail(run_id=run_id)
    problems = [
        {"file": p.file, "row": p.row, "column": p.column or None, "message": p.message}
        for p in run.problems.all()
    ]
    return {**RunOut.model_validate(run).model_dump(), "problems": problems}


@router.post(
    "",
    response={202: RunOut, **ERRORS},
    summary="Compute a plan year",
    description=(
        "Creates a run of `year` and computes it: at once for a small district, else in the "
        "background worker. Answers 202 with the run; follow `state` and `progress` with "
        "`GET /runs/{id}`."
    ),
)
def runs_create(request: HttpRequest, payload: RunIn) -> Status[Run]:
    user = user_of(request)
    require(may_compute(user), "computing needs the assessment office's role")
    try:
        run = run_compute(
            year=payload.year,
            through_month=payload.through_month,
            user=user if isinstance(user, User) else None,
        )
    except NoPlanError as exc:
        problem = {"file": "request", "row": None, "column": "year", "message": str(exc)}
        raise ApiError(422, str(exc), [problem]) from None
    except MonthLockedError as exc:
        problem = {"file": "request", "row": None, "column": "through_month", "message": str(exc)}
        raise ApiError(409, str(exc), [problem]) from None
    return Status(202, run)
