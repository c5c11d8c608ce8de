"""Reads of runs and results."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max

from kaohe.results.models import Run


def run_current(year: int) -> Run | None:
    """The run whose results are shown for ``year``: the latest finished one."""
    return (
        Run.objects.filter(year=year, state=Run.State.DONE)
        .order_by("-finished", "-id")
        .select_related("plan")
        .first()
    )


def run_get(run_id: int) -> Run:
    return Run.objects.select_related("plan", "created_by").get(pk=run_id)


@dataclass(frozen=True, slots=True)
class YearSummary:
    year: int
    latest: Run
    current: Run | None


def run_latest_per_year() -> list[YearSummary]:
    """For each year with a run, newest year first: its latest run and its current (done) run."""
    latest_ids = Run.objects.values("year").annotate(last=Max("id")).values_list("last", flat=True)
    latest = Run.objects.filter(id__in=list(latest_ids)).select_related("plan").order_by("-year")
    return [YearSummary(run.year, run, run_current(run.year)) for run in latest]
