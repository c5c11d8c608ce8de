"""Reads of collected data and imports."""

from __future__ import annotations

from kaohe.collection.exchange import TABLE_MAPS
from kaohe.collection.models import ImportBatch


def import_batch_recent(*, limit: int = 10, year: int | None = None) -> list[ImportBatch]:
    query = ImportBatch.objects.select_related("user").order_by("-created")
    if year is not None:
        query = query.filter(year=year)
    return list(query[:limit])


def table_counts(*, year: int) -> dict[str, int]:
    """Stored rows per input table of ``year`` (organisation tables: all rows)."""
    counts: dict[str, int] = {}
    for name, tm in TABLE_MAPS.items():
        query = tm.model._default_manager.all()
        if tm.yearly:
            query = query.filter(year=year)
        counts[name] = query.count()
    return counts
