"""The collected scoring data of a plan year, one model per input table of the exchange format.

Every model mirrors its table in docs/data-format.md §3 (kaohe.engine.schema.TABLES): the same
columns, ``*_id`` columns as ``*_code`` (or a foreign key to the organisation), and the table's
natural key unique within the year. Optional text is stored as ``""`` and read back as empty.
Imports (``kaohe.collection.services.import_file``) are the way rows get here.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise
from simple_history.models import HistoricalRecords

from kaohe.core.models import TimeStamped, month_field, year_field
from kaohe.org.models import CODE_LENGTH, Cadre, Section, Unit

KEY_LENGTH = 64


def _code(label: StrOrPromise) -> models.CharField[str, str]:
    return models.CharField(label, max_length=CODE_LENGTH)


def _optional_code(label: StrOrPromise) -> models.CharField[str, str]:
    return models.CharField(label, max_length=CODE_LENGTH, blank=True, default="")


def _month_valid(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name=name)


class DistrictStat(TimeStamped):
    """新区经济: the district's year-to-date GDP growth (rules.md §4)."""

    year = year_field()
    month = month_field()
    gdp_growth = models.FloatField(_("地区生产总值累计增速"))
    gdp_growth_target = models.FloatField(_("目标增速"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("新区经济")
        verbose_name_plural = _("新区经济")
        constraints = (
            models.UniqueConstraint(fields=("year", "month"), name="collection_districtstat_key"),
            _month_valid("collection_districtstat_month_valid"),
        )


class EconomicStat(TimeStamped):
    """经济指标统计: the economic bureau's year-to-date figures (rules.md §3)."""

    year = year_field()
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT)
    indicator = models.CharField(_("指标"), max_length=KEY_LENGTH)
    month = month_field()
    target_volume = models.FloatField(_("目标总量"))
    actual_volume = models.FloatField(_("完成总量"))
    target_growth = models.FloatField(_("目标增速"))
    actual_growth = models.FloatField(_("实际增速"))
    drags = models.BooleanField(_("拖后腿"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("经济指标统计")
        verbose_name_plural = _("经济指标统计")
        constraints = (
            models.UniqueConstraint(
                fields=("year", "unit", "indicator", "month"), name="collection_economicstat_key"
            ),
            _month_valid("collection_economicstat_month_valid"),
        )


class IndicatorResult(TimeStamped):
    """指标结果: a unit indicator's or a section task's result of a month (rules.md §2)."""

    year = year_field()
    subject_code = _code(_("对象编号"))
    indicator = models.CharField(_("指标"), max_length=KEY_LENGTH)
    month = month_field()
    actual = models.FloatField(_("实际值"), null=True, blank=True)
    target = models.FloatField(_("目标值"), null=True, blank=True)
    level = models.CharField(_("等次"), max_length=KEY_LENGTH, blank=True, default="")
    occurrences = models.FloatField(_("扣分次数"), null=True, blank=True)
    milestones_due = models.BigIntegerField(_("应完成节点"), null=True, blank=True)
    milestones_done = models.BigIntegerField(_("已完成节点"), null=True, blank=True)
    scorer_code = _optional_code(_("评分人"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指标结果")
        verbose_name_plural = _("指标结果")
        constraints = (
            models.UniqueConstraint(
                fields=("year", "subject_code", "indicator", "month"),
                name="collection_indicatorresult_key",
            ),
            _month_valid("collection_indicatorresult_month_valid"),
        )


class FormulaInput(TimeStamped):
    """公式输入: a named value of a formula indicator."""

    year = year_field()
    subject_code = _code(_("单位编号"))
    indicator = models.CharField(_("指标"), max_length=KEY_LENGTH)
    month = month_field()
    name = models.CharField(_("输入名"), max_length=KEY_LENGTH)
    value = models.FloatField(_("数值"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公式输入")
        verbose_name_plural = _("公式输入")
        constraints = (
            models.UniqueConstraint(
                fields=("year", "subject_code", "indicator", "month", "name"),
                name="collection_formulainput_key",
            ),
            _month_valid("collection_formulainput_month_valid"),
        )


class Task(TimeStamped):
    """科室任务: a section's own task of the year (rules.md §6)."""

    year = year_field()
    code = _code(_("任务编号"))
    section = models.ForeignKey(Section, verbose_name=_("科室"), on_delete=models.PROTECT)
    indicator = models.CharField(_("对应指标"), max_length=KEY_LENGTH, blank=True, default="")
    name = models.TextField(_("任务名称"))
    weight = models.FloatField(_("权重"))
    method = models.CharField(_("计分方法"), max_length=32)
    direction = models.CharField(_("方向"), max_length=32, blank=True, default="")
    points_per_occurrence = models.FloatField(_("每次扣分"), null=True, blank=True)
    tags = models.TextField(_("能力标签"), blank=True, default="")  # joined by ","
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("科室任务")
        verbose_name_plural = _("科室任务")
        constraints = (
            models.UniqueConstraint(fields=("year", "code"), name="collection_task_key"),
        )


class Event(TimeStamped):
    """加减分事项: bonus and penalty points, vetoes and sanctions (rules.md §5)."""

    year = year_field()
    code = _code(_("事项编号"))
    subject_code = _code(_("对象编号"))
    month = month_field()
    points = models.FloatField(_("分值"))
    kind = models.CharField(_("类别"), max_length=32, blank=True, default="")
    reason = models.TextField(_("事由"))
    veto = models.BooleanField(_("一票否决"), null=True, blank=True)
    veto_type = models.CharField(_("否决类别"), max_length=KEY_LENGTH, blank=True, default="")
    sanction = models.CharField(_("处分"), max_length=KEY_LENGTH, blank=True, default="")
    recorded_by = models.TextField(_("登记人"), blank=True, default="")
    evidence = models.TextField(_("佐证材料"), blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("加减分事项")
        verbose_name_plural = _("加减分事项")
        constraints = (
            models.UniqueConstraint(fields=("year", "code"), name="collection_event_key"),
            _month_valid("collection_event_month_valid"),
        )


class MonthlyRecord(TimeStamped):
    """干部月度记录: attendance, weekly goals and the month's rating (rules.md §6)."""

    year = year_field()
    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT)
    month = month_field()
    lates = models.BigIntegerField(_("迟到次数"), null=True, blank=True)
    absences = models.FloatField(_("缺勤天数"), null=True, blank=True)
    goals_set = models.BigIntegerField(_("周目标数"), null=True, blank=True)
    goals_met = models.BigIntegerField(_("周目标完成数"), null=True, blank=True)
    level = models.CharField(_("月度等次"), max_length=KEY_LENGTH, blank=True, default="")
    on_leave = models.BooleanField(_("请假"), null=True, blank=True)
    rater_code = _optional_code(_("评定人"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("干部月度记录")
        verbose_name_plural = _("干部月度记录")
        constraints = (
            models.UniqueConstraint(
                fields=("year", "cadre", "month"), name="collection_monthlyrecord_key"
            ),
            _month_valid("collection_monthlyrecord_month_valid"),
        )


class Evaluation(TimeStamped):
    """评价: quarterly, half-year, political, democratic and review ratings (rules.md §6, §7)."""

    year = year_field()
    subject_code = _code(_("对象编号"))
    period = models.CharField(_("期间"), max_length=8)
    kind = models.CharField(_("类别"), max_length=32)
    item = models.CharField(_("评价项目"), max_length=KEY_LENGTH, blank=True, default="")
    rater_group = models.CharField(_("测评群体"), max_length=32, blank=True, default="")
    score = models.FloatField(_("得分"))
    ballots = models.BigIntegerField(_("票数"), null=True, blank=True)
    rater_code = _optional_code(_("评价人"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        constraints = (
            models.UniqueConstraint(
                fields=(
                    "year",
                    "subject_code",
                    "period",
                    "kind",
                    "item",
                    "rater_group",
                    "rater_code",
                ),
                name="collection_evaluation_key",
            ),
        )


class Evidence(TimeStamped):
    """政治素质证据: an entry of the political-quality evidence ledger (rules.md §7, §11)."""

    year = year_field()
    code = _code(_("证据编号"))
    subject_code = _code(_("对象编号"))
    date = models.DateField(_("日期"))
    source = models.CharField(_("来源"), max_length=32)
    direction = models.CharField(_("性质"), max_length=16)
    item = models.CharField(_("政治素质项目"), max_length=KEY_LENGTH, blank=True, default="")
    recorded_by = models.TextField(_("登记人"))
    note = models.TextField(_("说明"), blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("政治素质证据")
        verbose_name_plural = _("政治素质证据")
        constraints = (
            models.UniqueConstraint(fields=("year", "code"), name="collection_evidence_key"),
        )


class PayPool(TimeStamped):
    """绩效工资总额: a unit's monthly performance-pay pool in cents (rules.md §10)."""

    year = year_field()
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT)
    month = month_field()
    pool_cents = models.BigIntegerField(_("总额（分）"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("绩效工资总额")
        verbose_name_plural = _("绩效工资总额")
        constraints = (
            models.UniqueConstraint(
                fields=("year", "unit", "month"), name="collection_paypool_key"
            ),
            _month_valid("collection_paypool_month_valid"),
        )


class TopReview(TimeStamped):
    """优秀人选审核: the office's review of a top-grade candidate's evidence (rules.md §8)."""

    year = year_field()
    subject_code = _code(_("对象编号"))
    outcome = models.CharField(_("审核结果"), max_length=16)
    reviewer = models.TextField(_("审核人"))
    date = models.DateField(_("审核日期"))
    note = models.TextField(_("说明"), blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("优秀人选审核")
        verbose_name_plural = _("优秀人选审核")
        constraints = (
            models.UniqueConstraint(
                fields=("year", "subject_code"), name="collection_topreview_key"
            ),
        )


class ImportBatch(TimeStamped):
    """One uploaded file: who, when, what, and what came of it (written or refused with problems).

    ``counts`` holds ``{table: {"created": n, "updated": n, "unchanged": n}}``; ``problems`` the
    first problems found (file, row, column, message), ``problem_count`` all of them.
    """

    class State(models.TextChoices):
        DONE = "done", _("已导入")
        REFUSED = "refused", _("未导入")

    year = year_field()
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_batches",
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, default="")
    size = models.BigIntegerField(_("文件大小（字节）"))
    file_kind = models.CharField(_("文件类型"), max_length=8, blank=True, default="")
    state = models.CharField(_("结果"), max_length=16, choices=State.choices)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变"), default=0)
    counts = models.JSONField(_("各表行数"), default=dict, blank=True)
    problem_count = models.PositiveIntegerField(_("问题数"), default=0)
    problems = models.JSONField(_("问题"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    seconds = models.FloatField(_("耗时（秒）"), default=0.0)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ("-created",)
        indexes = (models.Index(fields=("year", "-created"), name="collection_importbatch_year"),)

    def __str__(self) -> str:
        return f"{self.file_name} ({self.year}, {self.get_state_display()})"
