"""The ranking table of a category (排名): units of a month with the change since last month."""

from __future__ import annotations

from dataclasses import dataclass

from kaohe.results.models import Run, UnitMonthly
from kaohe.web.selectors.common import unit_names


@dataclass(frozen=True, slots=True)
class RankRow:
    unit_code: str
    name: str
    score: float | None
    coefficient: float | None
    raw: float | None
    events: float | None
    rank: int | None
    rank_n: int | None
    previous_rank: int | None

    @property
    def change(self) -> int | None:
        """Places gained since last month (negative: lost); None without both ranks."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def category_ranking(run: Run, month: int, category: str) -> list[RankRow]:
    """The units of ``category`` in ``month`` by rank, with last month's rank (two queries)."""
    rows = (
        UnitMonthly.objects.filter(run=run, category=category, month__in=(month - 1, month))
        .order_by("rank", "unit_code")
        .values_list(
            "unit_code", "month", "score", "coefficient", "raw", "events", "rank", "rank_n"
        )
    )
    previous: dict[str, int | None] = {}
    current = []
    for row in rows:
        if row[1] == month:
            current.append(row)
        else:
            previous[row[0] or ""] = row[6]
    names = unit_names(r[0] or "" for r in current)
    return [
        RankRow(
            unit_code=code or "",
            name=names.get(code or "", code or ""),
            score=sc,
            coefficient=coef,
            raw=raw,
            events=ev,
            rank=rank,
            rank_n=n,
            previous_rank=previous.get(code or ""),
        )
        for code, _m, sc, coef, raw, ev, rank, n in current
    ]
