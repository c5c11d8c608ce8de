"""Performance pay (全员绩效工资, rules.md §10): the office's monthly pools per unit, and the
finance office's export of a run's shares (xlsx and CSV)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Final

import xlsxwriter
from django.db import transaction
from django.utils.translation import gettext as _

from kaohe.accounts.models import User
from kaohe.collection.models import PayPool
from kaohe.core.exports import csv_write
from kaohe.followup.services import FollowupError
from kaohe.org.models import Unit

MAX_POOL_CENTS: Final = 10**10  # rules.md §10: a pool is at most 10¹⁰ cents


@transaction.atomic
def pay_pool_save(
    *, year: int, unit: Unit, month: int, pool_cents: int, user: User | None
) -> PayPool:
    """Enter or change a unit's pool of a month (whole cents, 0…10¹⁰); the pool's history keeps
    every change. Shares change only with the next run."""
    if not 0 <= pool_cents <= MAX_POOL_CENTS:
        raise FollowupError(_("绩效工资总额须在 0 至 1 亿元之间。"))
    pool = PayPool.objects.filter(year=year, unit=unit, month=month).first() or PayPool(
        year=year, unit=unit, month=month
    )
    pool.pool_cents = pool_cents
    pool._change_reason = f"entered by {user}" if user else "entered"  # type: ignore[attr-defined]
    pool.full_clean()
    pool.save()
    return pool


def yuan(cents: int) -> str:
    """``12345`` → ``123.45`` (exact)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


ExportRow = tuple[str, str, int, str, str, int]  # unit code, unit name, month, cadre, name, cents


def export_header() -> list[str]:
    return [_("单位编号"), _("单位名称"), _("月份"), _("干部编号"), _("姓名"), _("金额（元）")]


def pay_csv(rows: Iterable[ExportRow]) -> bytes:
    """UTF-8 with BOM (Excel reads it as such), every text cell made safe to open
    (:func:`kaohe.core.exports.csv_write`)."""
    out = io.StringIO()
    cells = (
        [unit, unit_name, month, cadre, name, yuan(cents)]
        for unit, unit_name, month, cadre, name, cents in rows
    )
    csv_write(out, export_header(), cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def pay_xlsx(rows: Sequence[ExportRow], title: str) -> bytes:
    """One sheet: the header and one row per share; text is never read as a formula or number,
    amounts are numbers with two decimals."""
    out = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False}
    with xlsxwriter.Workbook(out, options) as book:
        sheet = book.add_worksheet(title[:31])
        money = book.add_format({"num_format": "0.00"})
        for c, text in enumerate(export_header()):
            sheet.write_string(0, c, text)
        for r, (unit, unit_name, month, cadre, name, cents) in enumerate(rows, start=1):
            sheet.write_string(r, 0, unit)
            sheet.write_string(r, 1, unit_name)
            sheet.write_number(r, 2, month)
            sheet.write_string(r, 3, cadre)
            sheet.write_string(r, 4, name)
            sheet.write_number(r, 5, float(Decimal(cents) / 100), money)
        sheet.freeze_panes(1, 0)
    return out.getvalue()
