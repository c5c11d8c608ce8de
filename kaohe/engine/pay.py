"""Performance pay (全员绩效工资): a unit's monthly pool split to the cent (docs/rules.md §10)."""

from __future__ import annotations

import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.common import cents, tier_values
from kaohe.engine.dataset import DataSet
from kaohe.engine.plan import Plan

COEFFICIENT_SCALE = 10_000  # post coefficients count to 4 decimals


def split_pools(
    plan: Plan, data: DataSet, cadre_monthly: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(shares, unallocated pools).

    Integer arithmetic throughout: weight = published final in cents × post coefficient × 10⁴;
    share = ⌊pool × weight / Σ weight⌋, then one cent each to the largest remainders (equal
    remainders: lower cadre id first), so the shares sum to the pool exactly.

    >>> # pool 100 cents, weights 1:1:1 → 34, 33, 33 (the remainder cent goes to the lower id)
    """
    big = pl.Int128
    tiers = tier_values(plan).rename({s.TIER: "post_tier"})
    weights = cadre_monthly.join(tiers, on="post_tier", how="left").select(
        s.CADRE_ID,
        s.UNIT_ID,
        s.MONTH,
        (
            cents(pl.col(s.FINAL)).cast(big)
            * (pl.col("tier_value") * COEFFICIENT_SCALE).round(0).cast(big)
        ).alias("_w"),
    )
    pools = data[s.POOLS].select(s.UNIT_ID, s.MONTH, s.POOL_CENTS)
    joined = pools.join(weights, on=[s.UNIT_ID, s.MONTH], how="left")
    totals = joined.group_by(s.UNIT_ID, s.MONTH).agg(
        pl.col(s.CADRE_ID).count().alias("_people"), pl.col("_w").sum().alias("_total")
    )
    pools = pools.join(totals, on=[s.UNIT_ID, s.MONTH])
    unallocated = pools.filter((pl.col("_people") == 0) | (pl.col("_total") == 0)).select(
        s.UNIT_ID,
        s.MONTH,
        s.POOL_CENTS,
        pl.when(pl.col("_people") == 0)
        .then(pl.lit("no scored cadre"))
        .otherwise(pl.lit("all weights zero"))
        .alias(s.REASON),
    )
    by = [s.UNIT_ID, s.MONTH]
    shares = (
        joined.join(pools.filter(pl.col("_total") > 0).select(*by, "_total"), on=by)
        .with_columns((pl.col(s.POOL_CENTS).cast(big) * pl.col("_w")).alias("_num"))
        .with_columns(
            (pl.col("_num") // pl.col("_total")).alias("_floor"),
            (pl.col("_num") % pl.col("_total")).alias("_rem"),
        )
        .sort([*by, "_rem", s.CADRE_ID], descending=[False, False, True, False])
        .with_columns(
            (pl.col(s.POOL_CENTS).cast(big) - pl.col("_floor").sum().over(by)).alias("_left"),
            pl.int_range(pl.len()).over(by).cast(big).alias("_pos"),
        )
        .with_columns(
            (pl.col("_floor") + (pl.col("_pos") < pl.col("_left")).cast(big))
            .cast(pl.Int64)
            .alias(s.CENTS)
        )
    )
    share = pl.col(s.CENTS)
    amount = (share // 100).cast(pl.String) + "." + (share % 100).cast(pl.String).str.zfill(2)
    return shares.select(s.CADRE_ID, s.UNIT_ID, s.MONTH, share, amount.alias(s.AMOUNT)), unallocated
