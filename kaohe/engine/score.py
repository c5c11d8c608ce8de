"""One run: every result table of a plan year from validated data (docs/rules.md)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.annual import annual_scores, political
from kaohe.engine.cascade import posts_at_month_end, rank_cadres, score_cadres, score_sections
from kaohe.engine.common import KIND_YEAR, competition_rank
from kaohe.engine.dataset import DataSet, Results
from kaohe.engine.errors import Problem
from kaohe.engine.grading import grade_cadres, grade_teams, quota_table
from kaohe.engine.pay import split_pools
from kaohe.engine.periods import PLACE, cadre_periods, periods_table, unit_periods
from kaohe.engine.plan import Plan
from kaohe.engine.ranking import bottom_actions, persistence
from kaohe.engine.raters import rater_stats
from kaohe.engine.training import rated_needs, unit_needs
from kaohe.engine.units import district_frame, score_units


def _empty(name: str) -> pl.DataFrame:
    dtypes = {
        "score": pl.Float64,
        "ratio": pl.Float64,
        "int": pl.Int64,
        "bool": pl.Boolean,
        "str": pl.String,
        "month": pl.Int64,
    }
    return pl.DataFrame(schema={c: dtypes[f] for c, f in s.OUTPUTS[name]})


def _finish(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Only the published columns, in order, rows sorted by the table's key."""
    columns = [c for c, _ in s.OUTPUTS[name]]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        frame = frame.with_columns(pl.lit(None).alias(c) for c in missing)
    empty = _empty(name)
    frame = frame.select(pl.col(c).cast(empty.schema[c]) for c in columns)
    return frame.sort(list(s.OUTPUT_KEYS[name]), nulls_last=True)  # the keys are unique


def _warnings(data: DataSet, engine: tuple[Problem, ...]) -> pl.DataFrame:
    rows = [
        {
            s.TABLE: p.file,
            s.SUBJECT_ID: "",
            s.MONTH: "" if p.row is None else str(p.row),
            s.MESSAGE: str(p.message),
        }
        for p in (*data.warnings, *engine)
    ]
    return pl.DataFrame(
        rows,
        schema={
            s.TABLE: pl.String,
            s.SUBJECT_ID: pl.String,
            s.MONTH: pl.String,
            s.MESSAGE: pl.String,
        },
    )


def score(plan: Plan, data: DataSet) -> Results:
    """Compute every result table of docs/rules.md for ``data`` under ``plan``.

    ``data`` must have passed validation (``kaohe.engine.io``); a value-dependent problem found
    while scoring (a formula with no finite value) raises :class:`~kaohe.engine.errors.DataError`.
    """
    units = score_units(plan, data)
    district = district_frame(data)
    sections = score_sections(plan, data, units.monthly, district)
    held = posts_at_month_end(data)
    cadres = score_cadres(plan, data, held, units.monthly, sections)
    up = unit_periods(data, units.monthly)
    cp = cadre_periods(plan, data, cadres)
    pol = political(plan, data)
    tables: dict[str, pl.DataFrame] = {
        "unit_monthly": units.monthly,
        "unit_groups": units.groups,
        "unit_indicators": units.indicators,
        "section_monthly": sections,
        "cadre_monthly": cadres,
        "periods": periods_table(up, cp),
    }
    cadre_scores = cp.filter(pl.col("period_kind") != KIND_YEAR)
    if 12 in data.months:
        annual = annual_scores(
            plan, data, unit_periods=up, cadre_periods=cp, held=held, political_frame=pol
        )
        teams = grade_teams(plan, data, annual.filter(pl.col(s.SUBJECT_TYPE) == s.SUBJECT_TEAM))
        people = grade_cadres(
            plan, data, annual.filter(pl.col(s.SUBJECT_TYPE) == s.SUBJECT_CADRE), teams
        )
        teams = teams.with_columns(
            competition_rank(s.SCORE, [s.CATEGORY]).alias(s.RANK),
            pl.col(s.SCORE).count().over(s.CATEGORY).cast(pl.Int64).alias(s.RANK_N),
        ).with_columns(
            pl.when(pl.col(s.SCORE).is_not_null()).then(pl.col(s.RANK)).alias(s.RANK),
            pl.when(pl.col(s.SCORE).is_not_null()).then(pl.col(s.RANK_N)).alias(s.RANK_N),
        )
        scored_people = rank_cadres(
            people.filter(pl.col(s.SCORE).is_not_null()), s.SCORE, [], plan.ranking.min_group
        )
        people = people.join(
            scored_people.select(s.SUBJECT_ID, s.RANK, s.RANK_N), on=s.SUBJECT_ID, how="left"
        )
        graded = pl.concat([teams, people], how="diagonal_relaxed")
        tables["annual"] = graded.with_columns(
            pl.when(pl.col(s.SUBJECT_TYPE) == s.SUBJECT_TEAM)
            .then(None)
            .otherwise(pl.col(s.ROLE))
            .alias(s.ROLE)
        )
        tables["political"] = pol
        tables["quota"] = quota_table(graded)
        year_end = dt.date(data.year, 12, 31)
        cadre_scores = pl.concat(
            [
                cadre_scores.select(
                    s.SUBJECT_ID, s.PERIOD, "period_kind", "end", s.MONTHS, s.SCORE, *PLACE
                ),
                people.filter(pl.col(s.SCORE).is_not_null()).select(
                    s.SUBJECT_ID,
                    pl.lit(str(data.year)).alias(s.PERIOD),
                    pl.lit(KIND_YEAR).alias("period_kind"),
                    pl.lit(year_end).alias("end"),
                    s.MONTHS,
                    s.SCORE,
                    *PLACE,
                ),
            ],
            how="vertical_relaxed",
        )
        tables["training"] = pl.concat(
            [
                unit_needs(plan, data, units.indicators, units.monthly),
                rated_needs(plan, data, graded),
            ],
            how="diagonal_relaxed",
        )
    else:
        tables["training"] = unit_needs(plan, data, units.indicators, units.monthly)
    tables["actions"] = bottom_actions(plan, up, cadre_scores)
    tables["pay"], tables["pay_unallocated"] = split_pools(plan, data, cadres)
    tables["persistence"] = pl.concat(
        [
            persistence(plan, units.monthly, s.SUBJECT_UNIT, s.UNIT_ID),
            persistence(plan, cadres, s.SUBJECT_CADRE, s.CADRE_ID),
        ]
    )
    tables["rater_stats"] = rater_stats(plan, data)
    tables["warnings"] = _warnings(data, units.warnings)
    finished = {
        name: _finish(name, tables[name]) if name in tables else _empty(name) for name in s.OUTPUTS
    }
    return Results(plan_year=plan.year, months=data.months, tables=finished)
