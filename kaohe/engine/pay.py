"""Performance pay (全员绩效工资): a unit's monthly pool split to the cent (docs/rules.md §10)."""

from __future__ import annotations

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.cascade import POST_TIER
from kaohe.engine.common import cents, tier_values
from kaohe.engine.dataset import DataSet
from kaohe.engine.groups import run_bounds, run_sum
from kaohe.engine.keys import Ids, Lookup
from kaohe.engine.plan import Plan

COEFFICIENT_SCALE = 10_000  # post coefficients count to 4 decimals
INT64_LIMIT = 2**63

_POOL_MONTH = "_pool_month"  # unit code × 16 + month: one integer per pool
_W = "_w"
_TOTAL = "_total"
_PEOPLE = "_people"
_FIRST = "_first"
_LAST = "_last"


def split_pools(
    plan: Plan, data: DataSet, ids: Ids, cadre_monthly: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(shares, unallocated pools), ids as text; shares sorted by unit, month and cadre.

    ``cadre_monthly`` is coded (:mod:`kaohe.engine.keys`). Integer arithmetic throughout:
    weight = published final in cents × post coefficient × 10⁴; share = ⌊pool × weight /
    Σ weight⌋, then one cent each to the largest remainders (equal remainders: lower cadre id
    first), so the shares sum to the pool exactly.

    >>> # pool 100 cents, weights 1:1:1 → 34, 33, 33 (the remainder cent goes to the lower id)
    """
    pools = ids.units.encode(data[s.POOLS].select(s.UNIT_ID, s.MONTH, s.POOL_CENTS), s.UNIT_ID)
    pool = Lookup.monthly(pools, s.UNIT_ID, s.POOL_CENTS, len(ids.units))
    scale = tier_values(plan).select(
        s.TIER, (pl.col("tier_value") * COEFFICIENT_SCALE).round(0).cast(pl.Int64).alias("scale")
    )
    coefficient = pl.col(POST_TIER).replace_strict(
        scale[s.TIER], scale["scale"], default=None, return_dtype=pl.Int64
    )
    # Rows in published order: by unit and month (one run of rows per pool), then cadre.
    pool_month = pl.col(s.UNIT_ID).cast(pl.UInt64) * 16 + pl.col(s.MONTH)
    order = pool_month * len(ids.cadres) + pl.col(s.CADRE_ID)
    rows = (
        cadre_monthly.select(
            s.CADRE_ID,
            s.UNIT_ID,
            s.MONTH,
            pool.get_monthly(pl.col(s.UNIT_ID)).alias(s.POOL_CENTS),
            (cents(pl.col(s.FINAL)) * coefficient).alias(_W),
        )
        .filter(pl.col(s.POOL_CENTS).is_not_null())  # no pool, no share
        .sort(order)
        .with_columns(pool_month.alias(_POOL_MONTH))
    )
    first, last = run_bounds(pl.col(_POOL_MONTH))
    rows = rows.with_columns(first.alias(_FIRST), last.alias(_LAST)).with_columns(
        run_sum(pl.col(_W), pl.col(_FIRST), pl.col(_LAST)).alias(_TOTAL),
        (pl.col(_LAST) - pl.col(_FIRST) + 1).alias(_PEOPLE),
    )
    unallocated = _unallocated(ids, pools, rows)
    rows = rows.drop(_PEOPLE)
    positive = rows[_TOTAL] > 0
    if not positive.all():  # pools whose weights are all zero are not split
        rows = rows.filter(positive)
        first, last = run_bounds(pl.col(_POOL_MONTH))  # the rows of other pools are gone
        rows = rows.with_columns(first.alias(_FIRST), last.alias(_LAST))
    share = pl.col(s.CENTS)
    # yuan with two decimals, exactly: cents as a decimal of scale 2, divided by 100
    amount = (share.cast(pl.Decimal(38, 2)) / 100).cast(pl.String)
    shares = _shares(rows).select(s.CADRE_ID, s.UNIT_ID, s.MONTH, share, amount.alias(s.AMOUNT))
    del rows  # the working columns go before the ids are decoded to text
    return ids.decode(shares), unallocated


def _shares(rows: pl.DataFrame) -> pl.DataFrame:
    """The cents of every row of pools with a positive total weight (rows in pool runs, with
    each run's first and last row)."""
    limit = int(rows[s.POOL_CENTS].max() or 0) * int(rows[_W].max() or 0)  # type: ignore[arg-type]
    big = pl.Int64 if limit < INT64_LIMIT else pl.Int128  # pool × weight must not overflow
    num = pl.col(s.POOL_CENTS).cast(big) * pl.col(_W).cast(big)
    total = pl.col(_TOTAL).cast(big)
    rows = rows.with_columns((num // total).alias("_floor"), (num % total).alias("_rem"))
    rows = rows.with_columns(
        (
            pl.col(s.POOL_CENTS).cast(big)
            - run_sum(pl.col("_floor"), pl.col(_FIRST), pl.col(_LAST))
        ).alias("_left")
    )
    # The cents left go one each to the largest remainders: a row gets one when fewer than
    # ``_left`` rows of its pool come before it by remainder (descending), then cadre. The rows
    # are in cadre order within each pool, so a stable sort by remainder breaks ties by cadre.
    by_remainder = rows.select(
        pl.arg_sort_by([_POOL_MONTH, "_rem"], descending=[False, True], maintain_order=True).alias(
            "_order"
        )
    ).to_series()
    place = pl.Series("_place", range(rows.height), dtype=pl.Int64)
    place_in_pool = (
        pl.repeat(0, rows.height, dtype=pl.Int64, eager=True).scatter(by_remainder, place)
        - rows[_FIRST]
    )
    extra = (place_in_pool < rows["_left"]).cast(big)
    return rows.with_columns((pl.col("_floor") + extra).cast(pl.Int64).alias(s.CENTS))


def _unallocated(ids: Ids, pools: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """Pools with nobody scored, or whose weights are all zero: not allocated."""
    per_pool = rows.filter(pl.col(_FIRST) == pl.int_range(pl.len())).select(
        s.UNIT_ID, s.MONTH, _PEOPLE, _TOTAL
    )
    frame = pools.join(per_pool, on=[s.UNIT_ID, s.MONTH], how="left").with_columns(
        pl.col(_PEOPLE).fill_null(0), pl.col(_TOTAL).fill_null(0)
    )
    unallocated = frame.filter((pl.col(_PEOPLE) == 0) | (pl.col(_TOTAL) == 0)).select(
        s.UNIT_ID,
        s.MONTH,
        s.POOL_CENTS,
        pl.when(pl.col(_PEOPLE) == 0)
        .then(pl.lit("no scored cadre"))
        .otherwise(pl.lit("all weights zero"))
        .alias(s.REASON),
    )
    return ids.decode(unallocated)
