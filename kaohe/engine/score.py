"""One run: every result table of a plan year from validated data (docs/rules.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.annual import annual_scores, political
from kaohe.engine.cascade import (
    peer_group,
    rank_cadres,
    score_cadres,
    score_sections,
)
from kaohe.engine.common import KIND_YEAR, competition_rank, period_enum
from kaohe.engine.dataset import DataSet, Results
from kaohe.engine.errors import Problem
from kaohe.engine.evaluations import SUBJECT
from kaohe.engine.grading import grade_cadres, grade_teams, quota_table
from kaohe.engine.keys import Ids
from kaohe.engine.pay import split_pools
from kaohe.engine.periods import PLACE, cadre_periods, periods_table, unit_periods
from kaohe.engine.plan import Plan
from kaohe.engine.ranking import bottom_actions, persistence
from kaohe.engine.raters import rater_stats
from kaohe.engine.training import rated_needs, unit_needs
from kaohe.engine.units import district_frame, score_units

Sink = Callable[[str, pl.DataFrame], None]  # receives each finished table: name, table

# What bottom_actions reads of the cadres' period scores.
SCORE_COLUMNS = (s.SUBJECT_ID, s.PERIOD, "period_kind", "end", s.MONTHS, s.SCORE, *PLACE)


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
    keys = list(s.OUTPUT_KEYS[name])
    if frame.select(in_order(keys)).item():
        return frame  # the big tables are built in order: checking is one pass, sorting many
    return frame.sort(keys, nulls_last=True)  # the keys are unique


def in_order(keys: list[str]) -> pl.Expr:
    """Whether the rows are sorted by ``keys`` (ascending, nulls last), as one boolean."""
    before: pl.Expr = pl.lit(False)  # an earlier key already orders this row after the last
    tied: pl.Expr = pl.lit(True)  # all keys so far equal the previous row's
    for key in keys:
        this, previous = pl.col(key), pl.col(key).shift(1)
        after = (this > previous).fill_null(this.is_null() & previous.is_not_null())
        before = before | (tied & after)
        tied = tied & this.eq_missing(previous)
    return (before | tied).slice(1).all()


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
    Every table is held at once; a caller that writes the tables out can hand each one over as
    soon as it is finished instead (:func:`score_into`).
    """
    tables: dict[str, pl.DataFrame] = {}
    score_into(plan, data, tables.__setitem__)
    return Results(
        plan_year=plan.year,
        months=data.months,
        tables={name: tables[name] for name in s.OUTPUTS},
    )


def score_into(plan: Plan, data: DataSet, sink: Sink) -> None:
    """Compute what :func:`score` computes, handing each published table to ``sink(name,
    table)`` as soon as it is finished, so that a caller writing tables to files or a database
    never holds them all: at a million cadres the published tables take more memory than the
    input (docs/performance.md).

    Every table of the output format is handed over exactly once (an empty one too), in the
    order they are finished. A problem with the data (:class:`~kaohe.engine.errors.DataError`)
    is raised by the units' step, before the first table is handed over. The cadre steps work
    on coded frames (:mod:`kaohe.engine.keys`), released as soon as the tables built from them
    are done.
    """
    published: set[str] = set()

    def publish(name: str, frame: pl.DataFrame) -> None:
        sink(name, _finish(name, frame))
        published.add(name)

    ids = Ids.of(plan, data)
    # The units first: their formulas are what can raise a DataError.
    units = score_units(plan, data, ids)
    training = [unit_needs(plan, data, units.indicators, units.monthly)]
    publish("unit_groups", units.groups)
    publish("unit_indicators", units.indicators)
    unit_monthly, unit_warnings = units.monthly, units.warnings
    del units  # the indicator rows are held by whoever took them
    # Then the steps that read the large input tables but publish little: their working
    # frames come and go before the cadre-month frames are built.
    publish("rater_stats", rater_stats(plan, data))
    pol = political(plan, data, ids)
    sections = score_sections(plan, data, unit_monthly, district_frame(data))
    cadres, last_held = score_cadres(
        plan, data, ids, unit_monthly=unit_monthly, section_monthly=sections
    )
    publish("section_monthly", sections)
    del sections
    up = unit_periods(data, unit_monthly)
    cp = cadre_periods(plan, data, ids, cadres)
    publish("periods", periods_table(up, cp, ids))
    cadre_scores = (
        cp.lazy().filter(pl.col("period_kind") != KIND_YEAR).select(*SCORE_COLUMNS).collect()
    )
    if 12 in data.months:
        year_scores, rated = _the_year(
            plan,
            data,
            ids,
            publish,
            unit_periods=up,
            cadre_periods=cp,
            last_held=last_held,
            pol=pol,
        )
        cadre_scores = pl.concat([cadre_scores, year_scores])
        training.insert(0, rated)  # cadres and teams before units, like the published order
        del year_scores, rated
    del cp, pol, last_held
    publish("training", pl.concat(training, how="diagonal_relaxed"))
    del training
    publish("actions", bottom_actions(plan, ids, up, cadre_scores))
    del cadre_scores, up
    shares, unallocated = split_pools(plan, data, ids, cadres)
    publish("pay", shares)
    publish("pay_unallocated", unallocated)
    del shares, unallocated
    publish(
        "persistence",
        pl.concat(  # cadres before units, like the published order
            [
                persistence(plan, cadres, s.SUBJECT_CADRE, s.CADRE_ID).with_columns(
                    ids.cadres.decode(s.SUBJECT_ID)
                ),
                persistence(plan, unit_monthly, s.SUBJECT_UNIT, s.UNIT_ID),
            ]
        ),
    )
    publish("unit_monthly", unit_monthly)
    publish("warnings", _warnings(data, unit_warnings))
    monthly = cadres.select(
        *(c for c, _ in s.OUTPUTS["cadre_monthly"] if c != s.PEER_GROUP), peer_group(ids)
    )
    del cadres
    publish("cadre_monthly", ids.decode(monthly))
    del monthly
    for name in s.OUTPUTS:
        if name not in published:
            publish(name, _empty(name))


def _by_subject(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` sorted by subject code; not copied when it is in that order already."""
    return frame if frame[SUBJECT].is_sorted() else frame.sort(SUBJECT)


def _the_year(
    plan: Plan,
    data: DataSet,
    ids: Ids,
    publish: Sink,
    *,
    unit_periods: pl.DataFrame,
    cadre_periods: pl.DataFrame,
    last_held: pl.DataFrame,
    pol: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Publish the year's tables (annual, political, quota; §7, §8); return the cadres' year
    scores as :func:`~kaohe.engine.ranking.bottom_actions` reads them, and the rated training
    needs (§10).

    The grading frames and their working columns (some forty per subject) are released before
    the training needs are computed and the cadre-month tables built.
    """
    annual = annual_scores(
        plan,
        data,
        ids,
        unit_periods=unit_periods,
        cadre_periods=cadre_periods,
        last_held=last_held,
        political_frame=pol,
    )
    teams = grade_teams(plan, data, annual.filter(pl.col(s.SUBJECT_TYPE) == s.SUBJECT_TEAM))
    people = grade_cadres(
        plan, data, annual.filter(pl.col(s.SUBJECT_TYPE) == s.SUBJECT_CADRE), teams
    )
    del annual
    teams = teams.with_columns(
        competition_rank(s.SCORE, [s.CATEGORY]).alias(s.RANK),
        pl.col(s.SCORE).count().over(s.CATEGORY).cast(pl.Int64).alias(s.RANK_N),
    ).with_columns(
        pl.when(pl.col(s.SCORE).is_not_null()).then(pl.col(s.RANK)).alias(s.RANK),
        pl.when(pl.col(s.SCORE).is_not_null()).then(pl.col(s.RANK_N)).alias(s.RANK_N),
    )
    # Rank the scored cadres on the columns ranking reads, and put the ranks back in place:
    # the grading frame (some forty columns) is neither filtered nor concatenated again.
    scored = people[s.SCORE].is_not_null()
    scored_people = ids.encode(
        people.lazy().filter(scored).select(s.SUBJECT_ID, s.MONTHS, s.SCORE, *PLACE).collect()
    )
    scored_people = rank_cadres(scored_people, s.SCORE, [], plan.ranking.min_group)
    at = scored.arg_true()
    people = people.with_columns(
        pl.repeat(None, people.height, dtype=pl.Int64, eager=True)
        .scatter(at, scored_people[column])
        .alias(column)
        for column in (s.RANK, s.RANK_N)
    )
    # in the published order: cadres before teams, by id (subject codes sort like ids)
    graded = pl.concat([_by_subject(people), _by_subject(teams)], how="diagonal_relaxed")
    del people, teams
    publish(
        "annual",
        graded.with_columns(
            pl.when(pl.col(s.SUBJECT_TYPE) == s.SUBJECT_TEAM)
            .then(None)
            .otherwise(pl.col(s.ROLE))
            .alias(s.ROLE)
        ),
    )
    publish("political", pol)
    publish("quota", quota_table(graded))
    graded = graded.select(SUBJECT, s.SUBJECT_TYPE, s.CATEGORY, s.ROLE)  # what training reads
    year_scores = scored_people.select(
        ids.cadres.code(scored_people, s.SUBJECT_ID),
        pl.lit(str(data.year), period_enum(data.year)).alias(s.PERIOD),
        pl.lit(KIND_YEAR).alias("period_kind"),
        pl.lit(dt.date(data.year, 12, 31)).alias("end"),
        s.MONTHS,
        s.SCORE,
        *PLACE,
    )
    rated = rated_needs(plan, data, ids, graded)
    return year_scores, rated
