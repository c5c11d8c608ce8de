"""Imports (数据导入) and computations (计算): stored row counts, recent batches and runs."""

from __future__ import annotations

from django.db import connection

from kaohe.collection.exchange import TABLE_MAPS
from kaohe.engine import schema as s
from kaohe.plans.models import Plan
from kaohe.results.models import Run, RunProblem

SHOWN_PROBLEMS = 500


def stored_counts(*, year: int) -> dict[str, int]:
    """Stored rows per input table of ``year`` (organisation tables: all rows), in one query."""
    quote = connection.ops.quote_name
    parts: list[str] = []
    params: list[int] = []
    for tm in TABLE_MAPS.values():
        table = quote(tm.model._meta.db_table)
        if tm.yearly:
            parts.append(f"(SELECT COUNT(*) FROM {table} WHERE {quote('year')} = %s)")
            params.append(year)
        else:
            parts.append(f"(SELECT COUNT(*) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: int(n) for name, n in zip(TABLE_MAPS, row, strict=True)}


def table_titles() -> list[tuple[str, str]]:
    """(name, Chinese title) of every input table, in the exchange format's order."""
    return [(name, table.title) for name, table in s.TABLES.items()]


def plan_years() -> list[int]:
    """Years that have a plan, newest first (one query)."""
    return list(Plan.objects.order_by("-year").values_list("year", flat=True))


def runs_recent(*, limit: int = 30) -> list[Run]:
    """The latest runs of every year with who started them (one query)."""
    return list(Run.objects.select_related("created_by").order_by("-created", "-id")[:limit])


def run_problems(run: Run) -> tuple[list[RunProblem], int]:
    """The first problems of a failed run and how many there are (two queries)."""
    problems = list(run.problems.order_by("id")[:SHOWN_PROBLEMS])
    total = len(problems) if len(problems) < SHOWN_PROBLEMS else run.problems.count()
    return problems, total
