"""The printable workbooks: unit rankings, cadre score sheets, annual grades, pay.

Each ``*_workbook`` reads a run's stored results (a few queries, never one per row) and writes
sheets through :mod:`kaohe.reports.workbook`; numbers are published (half up, 2 decimals; ratios
4). ``progress`` (0–100) is called as a long export goes, for its job's progress bar.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from kaohe.core.periods import month_label
from kaohe.engine import schema as s
from kaohe.followup.selectors.grades import EffectiveGrade, effective_grades
from kaohe.reports.workbook import Column, Sheet, sheet_write, workbook_open
from kaohe.results.models import (
    AnnualResult,
    CadreMonthly,
    PayShare,
    PayUnallocated,
    Run,
    UnitMonthly,
)
from kaohe.web import labels
from kaohe.web.selectors.common import cadre_names, run_plan, unit_names
from kaohe.web.selectors.ranking import category_ranking

Progress = Callable[[int], None]
Target = Path | io.BytesIO
CHUNK = 5000


def _quiet(_percent: int) -> None:
    return None


def _run_line(run: Run) -> str:
    return _("计算批次 #%(id)s · 计算至 %(months)s 月 · 引擎版本 %(version)s") % {
        "id": run.pk,
        "months": run.months,
        "version": run.engine_version or "—",
    }


def _month_columns(months: Iterable[int]) -> list[Column]:
    """Score and rank of each month under the month's merged header."""
    columns = []
    for m in months:
        columns += [Column(_("得分"), 8, "score", f"{m}月"), Column(_("名次"), 7, "int", f"{m}月")]
    return columns


def ranking_workbook(run: Run, month: int, target: Target) -> None:
    """Per category: the units of ``month`` by rank (one sheet), and every month's score and
    rank side by side under merged month headers (another sheet)."""
    categories = list(run_plan(run).categories)
    months = range(1, (run.months or 0) + 1)
    monthly: dict[str, dict[str, dict[int, tuple[float | None, int | None]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    rows = (
        UnitMonthly.objects.filter(run=run)
        .order_by("category", "unit_code", "month")
        .values_list("category", "unit_code", "month", "score", "rank")
    )
    for category, unit, m, score, rank in rows:
        monthly[category or ""][unit or ""][m or 0] = (score, rank)
    names = unit_names()
    with workbook_open(target) as book:
        for category in categories:
            ranked = category_ranking(run, month, category)
            sheet_write(
                book,
                Sheet(
                    name=f"{category} {month_label(run.year, month)}",
                    title=_("%(year)s年%(month)s月 %(category)s 单位排名")
                    % {"year": run.year, "month": month, "category": category},
                    subtitle=_run_line(run),
                    key_columns=3,
                    columns=(
                        Column(_("名次"), 7, "int"),
                        Column(_("单位编号"), 11),
                        Column(_("单位名称"), 24),
                        Column(_("月度得分 S"), 12, "score"),
                        Column(_("难度系数 C"), 12, "ratio"),
                        Column(_("原始分"), 11, "score"),
                        Column(_("加减分 E"), 11, "score"),
                        Column(_("参评单位数"), 11, "int"),
                        Column(_("上月名次"), 10, "int"),
                        Column(_("名次变化"), 10, "int"),
                    ),
                    rows=(
                        (
                            r.rank,
                            r.unit_code,
                            r.name,
                            r.score,
                            r.coefficient,
                            r.raw,
                            r.events,
                            r.rank_n,
                            r.previous_rank,
                            r.change,
                        )
                        for r in ranked
                    ),
                ),
            )
            units = sorted(monthly.get(category, {}).items())
            sheet_write(
                book,
                Sheet(
                    name=_("%(category)s 逐月") % {"category": category},
                    title=_("%(year)s年 %(category)s 单位逐月得分与名次")
                    % {"year": run.year, "category": category},
                    subtitle=_run_line(run),
                    key_columns=2,
                    columns=(
                        Column(_("单位编号"), 10),
                        Column(_("单位名称"), 22),
                        *_month_columns(months),
                    ),
                    rows=(
                        (
                            unit,
                            names.get(unit, unit),
                            *(v for m in months for v in by_month.get(m, (None, None))),
                        )
                        for unit, by_month in units
                    ),
                ),
            )


def _cadre_rows(
    run: Run, unit: str, progress: Progress
) -> tuple[list[str], dict[str, dict[int, tuple[float | None, int | None]]], dict[str, str]]:
    """Cadre codes in (unit, code) order, their months, and each one's unit of its last month."""
    query = CadreMonthly.objects.filter(run=run)
    if unit:
        query = query.filter(unit_code=unit)
    total = query.count() or 1
    months: dict[str, dict[int, tuple[float | None, int | None]]] = defaultdict(dict)
    last_unit: dict[str, str] = {}
    rows = query.order_by("cadre_code", "month").values_list(
        "cadre_code", "month", "unit_code", "final", "rank"
    )
    for done, (code, month, unit_code, final, rank) in enumerate(rows.iterator(CHUNK), start=1):
        months[code or ""][month or 0] = (final, rank)
        last_unit[code or ""] = unit_code or ""
        if done % CHUNK == 0:
            progress(5 + 40 * done // total)
    codes = sorted(months, key=lambda c: (last_unit.get(c, ""), c))
    return codes, months, last_unit


def scores_workbook(
    run: Run, target: Target, *, unit: str = "", progress: Progress = _quiet
) -> int:
    """Cadre score sheets: each cadre's monthly final and rank under merged month headers, the
    annual score and grade; the whole district (``unit`` empty) or one unit. Written row by row
    (constant memory) when ``target`` is a file. The number of cadres written."""
    codes, months, last_unit = _cadre_rows(run, unit, progress)
    cadre_rows = list(
        AnnualResult.objects.filter(run=run, subject_type=s.SUBJECT_CADRE).only(
            "subject_type", "subject_code", "score", "grade"
        )
    )
    published = effective_grades(run, cadre_rows)
    annual = {
        r.subject_code or "": (r.score, published[(s.SUBJECT_CADRE, r.subject_code or "")].grade)
        for r in cadre_rows
    }
    names = cadre_names(codes)
    units = unit_names(set(last_unit.values()))
    numbers = range(1, (run.months or 0) + 1)
    total = len(codes) or 1

    def rows() -> Iterator[Sequence[Any]]:
        for done, code in enumerate(codes, start=1):
            score, grade = annual.get(code, (None, None))
            by_month = months[code]
            yield (
                units.get(last_unit[code], last_unit[code]),
                code,
                names.get(code, code),
                *(v for m in numbers for v in by_month.get(m, (None, None))),
                score,
                labels.label("grade", grade) if grade else "",
            )
            if done % CHUNK == 0:
                progress(45 + 50 * done // total)

    scope = units.get(unit, unit) if unit else _("全区")
    with workbook_open(target, big=True) as book:
        return sheet_write(
            book,
            Sheet(
                name=_("干部成绩"),
                title=_("%(year)s年 %(scope)s 干部月度成绩表") % {"year": run.year, "scope": scope},
                subtitle=_run_line(run),
                key_columns=3,
                columns=(
                    Column(_("单位"), 18),
                    Column(_("干部编号"), 11),
                    Column(_("姓名"), 9),
                    *_month_columns(numbers),
                    Column(_("得分"), 9, "score", _("年度")),
                    Column(_("等次"), 9, "text", _("年度")),
                ),
                rows=rows(),
            ),
        )


def annual_workbook(run: Run, target: Target) -> None:
    """Annual results: one sheet for teams and one for cadres, by quota group and rank, with
    the published grade (the year's close's overrides applied) and the engine's beside it."""
    rows = list(
        AnnualResult.objects.filter(run=run).order_by(
            "subject_type", "quota_group", "rank", "subject_code"
        )
    )
    published = effective_grades(run, rows)

    def grade(r: AnnualResult) -> EffectiveGrade:
        return published[(r.subject_type or "", r.subject_code or "")]

    names = unit_names() | cadre_names(
        r.subject_code or "" for r in rows if r.subject_type == s.SUBJECT_CADRE
    )
    columns = (
        Column(_("名额组"), 22),
        Column(_("名次"), 6, "int"),
        Column(_("编号"), 11),
        Column(_("名称"), 20),
        Column(_("岗位类别"), 10),
        Column(_("月均得分"), 10, "score", _("构成")),
        Column(_("政治素质"), 10, "score", _("构成")),
        Column(_("民主测评"), 10, "score", _("构成")),
        Column(_("综合评价"), 10, "score", _("构成")),
        Column(_("年度得分"), 10, "score", _("结果")),
        Column(_("等次"), 10, "text", _("结果")),
        Column(_("计算等次"), 10, "text", _("结果")),
        Column(_("调整理由"), 24),
        Column(_("说明"), 28),
    )
    with workbook_open(target) as book:
        for kind, title in (
            (s.SUBJECT_TEAM, _("领导班子年度考核等次")),
            (s.SUBJECT_CADRE, _("干部年度考核等次")),
        ):
            sheet_write(
                book,
                Sheet(
                    name=str(labels.label("subject_type", kind)),
                    title=f"{run.year}{_('年')} {title}",
                    subtitle=_run_line(run),
                    key_columns=4,
                    columns=columns,
                    rows=(
                        (
                            r.quota_group,
                            r.rank,
                            r.subject_code,
                            names.get(r.subject_code or "", r.subject_code),
                            labels.label("role", r.role) if r.role else "",
                            r.mean_monthly,
                            r.political,
                            r.democratic,
                            r.comprehensive,
                            r.score,
                            labels.label("grade", grade(r).grade) if grade(r).grade else "",
                            labels.label("grade", r.grade) if r.grade else "",
                            grade(r).override_reason,
                            "、".join(str(x) for x in labels.labels("note", r.notes)),
                        )
                        for r in rows
                        if r.subject_type == kind
                    ),
                ),
            )


def pay_workbook(run: Run, target: Target, *, progress: Progress = _quiet) -> int:
    """Performance pay for the finance office: per cadre the amount of every month and the
    year's total (exact: summed in cents), by unit; pools left unallocated and why below."""
    cents: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    rows = PayShare.objects.filter(run=run).values_list("unit_code", "cadre_code", "month", "cents")
    for unit, cadre, month, amount in rows.iterator(CHUNK):
        cents[(unit or "", cadre or "")][month or 0] = amount or 0
    progress(50)
    keys = sorted(cents)
    units = unit_names({u for u, _c in keys})
    names = cadre_names(c for _u, c in keys)
    numbers = range(1, (run.months or 0) + 1)
    unallocated = [
        _("%(unit)s %(month)s月：%(amount)s 元未分配（%(reason)s）")
        % {
            "unit": units.get(u.unit_code or "", u.unit_code),
            "month": u.month,
            "amount": f"{(u.pool_cents or 0) / 100:.2f}",
            "reason": u.reason,
        }
        for u in PayUnallocated.objects.filter(run=run).order_by("unit_code", "month")
    ]
    with workbook_open(target, big=True) as book:
        return sheet_write(
            book,
            Sheet(
                name=_("绩效工资"),
                title=_("%(year)s年 全员绩效工资分配表（元）") % {"year": run.year},
                subtitle=_run_line(run),
                key_columns=3,
                columns=(
                    Column(_("单位"), 18),
                    Column(_("干部编号"), 11),
                    Column(_("姓名"), 9),
                    *(Column(f"{m}月", 10, "score", _("月度金额")) for m in numbers),
                    Column(_("合计"), 12, "score"),
                ),
                rows=(
                    (
                        units.get(unit, unit),
                        cadre,
                        names.get(cadre, cadre),
                        *(
                            cents[(unit, cadre)][m] / 100 if m in cents[(unit, cadre)] else None
                            for m in numbers
                        ),
                        sum(cents[(unit, cadre)].values()) / 100,
                    )
                    for unit, cadre in keys
                ),
                notes=unallocated,
            ),
        )
