"""Reads of performance pay: the year's pools, a run's shares per unit and month against the
pools (the sum = pool check) and the rows of the finance export."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum

from kaohe.collection.models import PayPool
from kaohe.followup.services.pay import ExportRow
from kaohe.results.models import PayShare, PayUnallocated, Run
from kaohe.web.selectors.common import cadre_names, unit_names


def pools(year: int, month: int | None = None) -> list[PayPool]:
    query = PayPool.objects.filter(year=year).select_related("unit")
    if month:
        query = query.filter(month=month)
    return list(query.order_by("month", "unit__code"))


@dataclass(frozen=True, slots=True)
class PoolCheck:
    unit: str
    unit_name: str
    month: int
    people: int
    shares_cents: int  # Σ of the run's shares
    pool_cents: int | None  # the pool entered now
    changed_since_run: bool  # the pool was entered or changed after the run started
    unallocated: str  # the engine's reason when the pool was not allocated

    @property
    def balanced(self) -> bool:
        return self.pool_cents is not None and self.shares_cents == self.pool_cents


def pool_checks(run: Run, month: int | None = None) -> list[PoolCheck]:
    """Per unit and month: the run's shares, their sum and the pool (three queries)."""
    shares = PayShare.objects.filter(run=run)
    unallocated = PayUnallocated.objects.filter(run=run)
    entered = PayPool.objects.filter(year=run.year).select_related("unit")
    if month:
        shares, unallocated = shares.filter(month=month), unallocated.filter(month=month)
        entered = entered.filter(month=month)
    sums = {
        (row["unit_code"], row["month"]): (row["total"] or 0, row["people"])
        for row in shares.values("unit_code", "month").annotate(
            total=Sum("cents"), people=Count("id")
        )
    }
    reasons = {(u.unit_code, u.month): u.reason or "" for u in unallocated}
    pool_of = {(p.unit.code, p.month): p for p in entered}
    started = run.started or run.created
    keys = sorted(set(sums) | set(reasons) | set(pool_of), key=lambda k: (k[1] or 0, k[0] or ""))
    names = unit_names(k[0] for k in keys if k[0])
    checks = []
    for unit, m in keys:
        pool = pool_of.get((unit or "", m or 0))
        total, people = sums.get((unit, m), (0, 0))
        checks.append(
            PoolCheck(
                unit=unit or "",
                unit_name=names.get(unit or "", unit or ""),
                month=m or 0,
                people=people,
                shares_cents=int(total),
                pool_cents=pool.pool_cents if pool else None,
                changed_since_run=bool(pool and pool.updated > started),
                unallocated=reasons.get((unit, m), ""),
            )
        )
    return checks


def export_rows(run: Run, month: int | None = None, unit: str = "") -> list[ExportRow]:
    """The run's shares by unit, month and cadre, with names (three queries)."""
    query = PayShare.objects.filter(run=run)
    if month:
        query = query.filter(month=month)
    if unit:
        query = query.filter(unit_code=unit)
    rows = list(
        query.order_by("unit_code", "month", "cadre_code").values_list(
            "unit_code", "month", "cadre_code", "cents"
        )
    )
    units = unit_names({r[0] for r in rows if r[0]})
    cadres = cadre_names({r[2] for r in rows if r[2]})
    return [
        (u or "", units.get(u or "", ""), m or 0, c or "", cadres.get(c or "", ""), cents or 0)
        for u, m, c, cents in rows
    ]
