"""What-if (方案模拟): score a period's stored data under a draft plan and compare rankings with
the published ones, side by side. Nothing is written to the result tables: the draft's results
live only in memory; the comparison is kept with the user's export job
(:class:`kaohe.reports.models.ExportJob`, kind ``whatif``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import polars as pl

from kaohe.collection.frames import canonical_checksum
from kaohe.engine import Plan, PlanError, PlanIssue, parse_plan, score
from kaohe.engine import schema as s
from kaohe.engine.numbers import round_half_up
from kaohe.results.adapters import dataset_from_db, stored_frame
from kaohe.results.models import Run
from kaohe.web.selectors.common import cadre_names, unit_names

Progress = Callable[[int], None]
DRAFT: Final = "_draft"
MOVERS: Final = 30  # cadres listed, largest rank changes first


def draft_plan_parse(text: str, year: int) -> Plan:
    """The draft plan, checked (PlanError lists every problem by path); it must be of ``year``."""
    plan = parse_plan(text, source="draft plan")
    if plan.year != year:
        raise PlanError([PlanIssue("year", f"the draft is for {plan.year}, not {year}")])
    return plan


def _published(value: float | None) -> float | None:
    return None if value is None else round_half_up(value, 2)


def _compare(
    published: pl.DataFrame, draft: pl.DataFrame, key: str, score_col: str, extra: list[str]
) -> pl.DataFrame:
    left = published.select(key, *extra, score_col, s.RANK, s.RANK_N)
    right = draft.select(
        key,
        pl.col(score_col).alias(score_col + DRAFT),
        pl.col(s.RANK).alias(s.RANK + DRAFT),
        pl.col(s.RANK_N).alias(s.RANK_N + DRAFT),
    )
    return left.join(right, on=key, how="full", coalesce=True).with_columns(
        (pl.col(s.RANK) - pl.col(s.RANK + DRAFT)).alias("change")
    )


def whatif_compare(
    run: Run, plan_text: str, month: int, progress: Progress | None = None
) -> dict[str, Any]:
    """Score the run's months of stored data under the draft plan: units' and cadres' published
    and draft score and rank of ``month`` (change: places gained under the draft), how many annual
    grades would differ, and whether the stored data changed since the run (its input checksum).
    Raises PlanError or DataError (nothing stored either way)."""
    report = progress or (lambda _p: None)
    plan = draft_plan_parse(plan_text, run.year)
    report(10)
    data = dataset_from_db(run.year, plan, through_month=run.months)
    # the stored data may have changed since the run: the comparison says so
    data_changed = canonical_checksum(data.tables, data.months) != run.input_checksum
    report(30)
    results = score(plan, data)
    report(70)
    at_month = pl.col(s.MONTH) == month
    units = _compare(
        stored_frame(run, "unit_monthly").filter(at_month),
        results["unit_monthly"].filter(at_month),
        s.UNIT_ID,
        s.SCORE,
        [s.CATEGORY],
    ).sort(s.CATEGORY, s.RANK + DRAFT, s.UNIT_ID, nulls_last=True)
    cadres = _compare(
        stored_frame(run, "cadre_monthly").filter(at_month),
        results["cadre_monthly"].filter(at_month),
        s.CADRE_ID,
        s.FINAL,
        [s.PEER_GROUP],
    )
    changed = cadres.filter(pl.col("change").fill_null(1) != 0)
    movers = changed.sort(pl.col("change").abs(), s.CADRE_ID, descending=[True, False]).head(MOVERS)
    report(85)
    names = unit_names(u for u in units[s.UNIT_ID].to_list() if u)
    people = cadre_names(c for c in movers[s.CADRE_ID].to_list() if c)
    key = [s.SUBJECT_TYPE, s.SUBJECT_ID]
    old = stored_frame(run, "annual").select(*key, s.GRADE)
    new = results["annual"].select(*key, pl.col(s.GRADE).alias(s.GRADE + DRAFT))
    both = old.join(new, on=key, how="full", coalesce=True)
    grades_changed = both.filter(pl.col(s.GRADE).ne_missing(pl.col(s.GRADE + DRAFT))).height
    return {
        "month": month,
        "units": [
            {
                "code": r[s.UNIT_ID],
                "name": names.get(r[s.UNIT_ID], r[s.UNIT_ID]),
                "category": r[s.CATEGORY],
                "score": _published(r[s.SCORE]),
                "rank": r[s.RANK],
                "rank_n": r[s.RANK_N],
                "draft_score": _published(r[s.SCORE + DRAFT]),
                "draft_rank": r[s.RANK + DRAFT],
                "change": r["change"],
            }
            for r in units.iter_rows(named=True)
        ],
        "cadres_compared": cadres.height,
        "cadres_changed": changed.height,
        "cadres": [
            {
                "code": r[s.CADRE_ID],
                "name": people.get(r[s.CADRE_ID], r[s.CADRE_ID]),
                "score": _published(r[s.FINAL]),
                "rank": r[s.RANK],
                "rank_n": r[s.RANK_N],
                "draft_score": _published(r[s.FINAL + DRAFT]),
                "draft_rank": r[s.RANK + DRAFT],
                "change": r["change"],
            }
            for r in movers.iter_rows(named=True)
        ],
        "grades_compared": both.height,
        "grades_changed": grades_changed,
        "data_changed": data_changed,
    }
