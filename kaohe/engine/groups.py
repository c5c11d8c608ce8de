"""Group sizes and competition ranks, by sorting once (docs/rules.md §0, §6, §9, §11).

``rank().over(group)`` hashes every row into its group and ranks each group apart, which is slow
with hundreds of thousands of groups (a province has 720,000 unit × role × month peer groups of
about sixteen cadres). Sorting the rows by group and value instead puts every group, and in it
every run of equal values, in consecutive rows; sizes and ranks are then differences of row
positions, computed in a few passes:

    value  90 85 85 70         group starts at row 0 and ends at row 3 → n = 4
    rank    1  2  2  4         rows with a higher value: those after the run of equal values
    asc     4  2  2  1         rows with a lower value: those before it
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
import polars as pl

from kaohe.engine import schema as s
from kaohe.engine.common import cut_size

RANK_ASC: Final = "rank_asc"
IN_CUT: Final = "in_cut"

_GROUP: Final = "_group"
_VALUE: Final = "_value"
_MAX_KEY: Final = 2**62


def group_ranks(
    frame: pl.DataFrame, group: Sequence[str], value: pl.Expr, *, cut_share: float | None = None
) -> pl.DataFrame:
    """For each row of ``frame``, in its order: ``rank_n`` (size of the row's group),
    ``rank`` (competition rank of ``value`` from the highest: 1, 2, 2, 4) and ``rank_asc``
    (from the lowest). ``value`` must be a whole number (published cents) and never null.

    With ``cut_share``, ``in_cut`` counts the members of the row's group at or below its bottom
    cut (``rank_asc ≤ max(1, floor(cut_share × n))``, rules §9).

    The passes over the sorted rows run in numpy (polars hands its columns over without a
    copy): a dozen vectorised passes over arrays cost less there than as polars expressions.
    """
    work = frame.select(
        _group_index(frame, group).alias(_GROUP), value.cast(pl.Int64).alias(_VALUE)
    )
    if work[_VALUE].null_count():
        raise ValueError("group_ranks: a value is missing")
    groups, values, order = _sorted(work[_GROUP].to_numpy(), work[_VALUE].to_numpy())
    rows = len(order)
    group_starts = np.ones(rows, dtype=bool)
    group_starts[1:] = groups[1:] != groups[:-1]
    ties_starts = group_starts.copy()
    ties_starts[1:] |= values[1:] != values[:-1]
    start, end = _run_bounds(group_starts)
    ties_start, ties_end = _run_bounds(ties_starts)
    n = end - start + 1
    ranks = {
        s.RANK_N: n,
        s.RANK: end - ties_end + 1,
        RANK_ASC: ties_start - start + 1,
    }
    if cut_share is not None:
        # The rows at or below the cut are the group's first rows, up to the end of the run of
        # equal values that holds the cut's last place.
        cut = pl.select(cut_size(pl.lit(pl.Series(n)), cut_share)).to_series().to_numpy()
        last_place = start + cut - 1
        ranks[IN_CUT] = ties_end[last_place] - start + 1
    return pl.DataFrame({name: _in_row_order(r, order) for name, r in ranks.items()})


def _run_bounds(starts: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[np.int64], ...]:
    """For rows split into runs (``starts`` marks each run's first row): each row's run's first
    and last row position."""
    first = np.flatnonzero(starts)
    last = np.empty_like(first)
    last[:-1] = first[1:] - 1
    last[-1:] = len(starts) - 1
    run = np.cumsum(starts) - 1
    return first[run], last[run]


def run_bounds(value: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """The positions of the first and the last row of each row's run of equal ``value``.

    >>> pl.DataFrame({"g": [7, 7, 9]}).select(*run_bounds(pl.col("g"))).rows()
    [(0, 1), (0, 1), (2, 2)]
    """
    i = pl.int_range(pl.len(), dtype=pl.Int64)
    starts = value.ne_missing(value.shift(1)).fill_null(True)
    ends = value.ne_missing(value.shift(-1)).fill_null(True)
    first = pl.when(starts).then(i).forward_fill().alias("first")
    last = pl.when(ends).then(i).backward_fill().alias("last")
    return first, last


def run_sum(value: pl.Expr, first: pl.Expr, last: pl.Expr) -> pl.Expr:
    """Σ ``value`` over each row's run (from :func:`run_bounds`), by differences of the running
    total: exact for integers, which is all it is used for. ``value`` must not be missing."""
    total = value.cum_sum()
    return total.gather(last) - total.gather(first) + value.gather(first)


def _group_index(frame: pl.DataFrame, group: Sequence[str]) -> pl.Expr:
    """One integer per combination of the ``group`` columns (their codes in mixed radix)."""
    index: pl.Expr = pl.lit(0, pl.UInt64)
    size = 1
    for column in group:
        code, n = _column_code(frame, column)
        index = index * n + code
        size *= n
    if size >= _MAX_KEY:
        return pl.struct(group).rank("dense").cast(pl.UInt64)
    return index


def _column_code(frame: pl.DataFrame, column: str) -> tuple[pl.Expr, int]:
    """Codes ``0 … n − 1`` of a column's values (null is 0) and ``n``.

    Integer, enum and boolean columns are their own codes; text is ranked (slower: the engine
    groups by coded ids, text comes from callers with small frames).
    """
    dtype = frame.schema[column]
    col = pl.col(column)
    if dtype == pl.String:
        col = col.rank("dense")
    elif isinstance(dtype, pl.Enum | pl.Categorical) or dtype == pl.Boolean:
        col = col.to_physical()
    lowest, highest = frame.select(col.min().alias("lo"), col.max().alias("hi")).row(0)
    if lowest is None or highest is None:
        return pl.lit(0, pl.UInt64), 1
    code = (col.cast(pl.Int64) - lowest + 1).fill_null(0).cast(pl.UInt64)
    return code, int(highest) - int(lowest) + 2


def _sorted(
    groups: npt.NDArray[np.uint64], values: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Groups and values sorted by group, then value; and the row each sorted row is.

    When group, value and row number fit in 64 bits together, the rows are sorted by sorting
    one packed integer per row, ``(group × span + value) × 2^b + row``, and unpacking it: that
    is several times faster than an arg sort followed by gathers. Polars sorts the integers
    (a radix sort on all cores: 0.2 s for 11.7 million, where ``np.sort`` takes 0.8 s).
    """
    rows = len(values)
    if not rows:
        return groups, values, np.arange(0, dtype=np.int64)
    lowest = int(values.min())
    span = int(values.max()) - lowest + 1
    bits = max(1, (rows - 1).bit_length())  # 2^bits > every row number
    if (int(groups.max()) + 1) * span < 2 ** (64 - bits):
        key = groups * np.uint64(span) + (values - lowest).astype(np.uint64)
        packed = (key << np.uint64(bits)) | np.arange(rows, dtype=np.uint64)
        packed = pl.Series(packed).sort().to_numpy()  # polars' integer sort: ~4× numpy's
        order = (packed & np.uint64(2**bits - 1)).astype(np.int64)
        key = packed >> np.uint64(bits)
        return key // np.uint64(span), (key % np.uint64(span)).astype(np.int64), order
    order = np.lexsort((values, groups))
    return groups[order], values[order], order


def _in_row_order(ranked: npt.NDArray[np.int64], order: npt.NDArray[np.int64]) -> pl.Series:
    """A column computed in sorted order, put back in the frame's row order (sorted row ``j``
    is row ``order[j]``)."""
    column = np.empty_like(ranked)
    column[order] = ranked
    return pl.Series(column, dtype=pl.Int64)
