"""One model per result table of the engine (kaohe.engine.schema.OUTPUTS), rows of one run.

Columns keep the engine's names, ``*_id`` as ``*_code``; numbers are stored at full precision
(rounding half up to 2 or 4 decimals happens at display, ``kaohe.engine.publish``). Generated from
the schema once and kept explicit so migrations and type checks see every field.
"""

from __future__ import annotations

from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.results.models.run import Run

CODE = 255


class RunRow(models.Model):
    """A row of a result table, owned by its run (deleted with it)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True


class UnitMonthly(RunRow):
    TABLE: Final = "unit_monthly"

    unit_code = models.CharField(max_length=CODE, null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    category = models.CharField(max_length=CODE, null=True, blank=True)
    tier = models.IntegerField(null=True, blank=True)
    groups = models.FloatField(null=True, blank=True)
    events = models.FloatField(null=True, blank=True)
    raw = models.FloatField(null=True, blank=True)
    coefficient = models.FloatField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    rank = models.IntegerField(null=True, blank=True)
    rank_n = models.IntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("单位月度得分")
        verbose_name_plural = _("单位月度得分")
        indexes = (
            models.Index(
                fields=("run", "month", "category", "rank"), name="results_unitmonthly_month_rank"
            ),
            models.Index(fields=("run", "unit_code", "month"), name="results_unitmonthly_unit"),
        )


class UnitGroup(RunRow):
    TABLE: Final = "unit_groups"

    unit_code = models.CharField(max_length=CODE, null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    group = models.CharField(max_length=CODE, null=True, blank=True)
    points = models.FloatField(null=True, blank=True)
    effective_points = models.FloatField(null=True, blank=True)
    weight_sum = models.FloatField(null=True, blank=True)
    base = models.FloatField(null=True, blank=True)
    bonus = models.FloatField(null=True, blank=True)
    penalty = models.FloatField(null=True, blank=True)
    contribution = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("单位指标组得分")
        verbose_name_plural = _("单位指标组得分")
        indexes = (
            models.Index(fields=("run", "unit_code", "month"), name="results_unitgroup_unit"),
        )


class UnitIndicator(RunRow):
    TABLE: Final = "unit_indicators"

    unit_code = models.CharField(max_length=CODE, null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    group = models.CharField(max_length=CODE, null=True, blank=True)
    indicator = models.CharField(max_length=CODE, null=True, blank=True)
    method = models.CharField(max_length=CODE, null=True, blank=True)
    weight = models.FloatField(null=True, blank=True)
    included = models.BooleanField(null=True, blank=True)
    achievement = models.FloatField(null=True, blank=True)
    rv = models.FloatField(null=True, blank=True)
    rg = models.FloatField(null=True, blank=True)
    r = models.FloatField(null=True, blank=True)
    drags = models.BooleanField(null=True, blank=True)
    bonus = models.FloatField(null=True, blank=True)
    penalty = models.FloatField(null=True, blank=True)
    note = models.TextField(null=True, blank=True)

    class Meta:
        verbose_name = _("单位指标得分")
        verbose_name_plural = _("单位指标得分")
        indexes = (
            models.Index(fields=("run", "unit_code", "month"), name="results_unitindicator_unit"),
        )


class SectionMonthly(RunRow):
    TABLE: Final = "section_monthly"

    section_code = models.CharField(max_length=CODE, null=True, blank=True)
    unit_code = models.CharField(max_length=CODE, null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    own = models.FloatField(null=True, blank=True)
    coefficient = models.FloatField(null=True, blank=True)
    unit_score = models.FloatField(null=True, blank=True)
    events = models.FloatField(null=True, blank=True)
    final = models.FloatField(null=True, blank=True)
    no_tasks = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("科室月度得分")
        verbose_name_plural = _("科室月度得分")
        indexes = (
            models.Index(
                fields=("run", "section_code", "month"), name="results_sectionmonthly_section"
            ),
            models.Index(fields=("run", "unit_code", "month"), name="results_sectionmonthly_unit"),
        )


class CadreMonthly(RunRow):
    TABLE: Final = "cadre_monthly"

    cadre_code = models.CharField(max_length=CODE, null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    unit_code = models.CharField(max_length=CODE, null=True, blank=True)
    section_code = models.CharField(max_length=CODE, null=True, blank=True)
    post_code = models.CharField(max_length=CODE, null=True, blank=True)
    role = models.CharField(max_length=CODE, null=True, blank=True)
    attendance = models.FloatField(null=True, blank=True)
    weekly = models.FloatField(null=True, blank=True)
    monthly = models.FloatField(null=True, blank=True)
    own = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    events = models.FloatField(null=True, blank=True)
    final = models.FloatField(null=True, blank=True)
    rank = models.IntegerField(null=True, blank=True)
    rank_n = models.IntegerField(null=True, blank=True)
    peer_group = models.CharField(max_length=CODE, null=True, blank=True)
    no_goals = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("干部月度得分")
        verbose_name_plural = _("干部月度得分")
        indexes = (
            models.Index(fields=("run", "cadre_code", "month"), name="results_cadremonthly_cadre"),
            models.Index(
                fields=("run", "month", "unit_code", "rank"), name="results_cadremonthly_unit_rank"
            ),
        )


class PeriodScore(RunRow):
    TABLE: Final = "periods"

    subject_code = models.CharField(max_length=CODE, null=True, blank=True)
    subject_type = models.CharField(max_length=CODE, null=True, blank=True)
    period = models.CharField(max_length=CODE, null=True, blank=True)
    months = models.IntegerField(null=True, blank=True)
    mean_monthly = models.FloatField(null=True, blank=True)
    rating = models.FloatField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("季度与半年得分")
        verbose_name_plural = _("季度与半年得分")
        indexes = (
            models.Index(
                fields=("run", "subject_type", "subject_code", "period"),
                name="results_periodscore_subject",
            ),
        )


class PoliticalScore(RunRow):
    TABLE: Final = "political"

    subject_code = models.CharField(max_length=CODE, null=True, blank=True)
    subject_type = models.CharField(max_length=CODE, null=True, blank=True)
    rating = models.FloatField(null=True, blank=True)
    positive = models.IntegerField(null=True, blank=True)
    negative = models.IntegerField(null=True, blank=True)
    adjustment = models.FloatField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("政治素质")
        verbose_name_plural = _("政治素质")
        indexes = (
            models.Index(
                fields=("run", "subject_type", "subject_code"),
                name="results_politicalscore_subject",
            ),
        )


class AnnualResult(RunRow):
    TABLE: Final = "annual"

    subject_code = models.CharField(max_length=CODE, null=True, blank=True)
    subject_type = models.CharField(max_length=CODE, null=True, blank=True)
    role = models.CharField(max_length=CODE, null=True, blank=True)
    months = models.IntegerField(null=True, blank=True)
    mean_monthly = models.FloatField(null=True, blank=True)
    political = models.FloatField(null=True, blank=True)
    democratic = models.FloatField(null=True, blank=True)
    review = models.FloatField(null=True, blank=True)
    second_half = models.FloatField(null=True, blank=True)
    comprehensive = models.FloatField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    grade = models.CharField(max_length=CODE, null=True, blank=True)
    top_status = models.CharField(max_length=CODE, null=True, blank=True)
    rank = models.IntegerField(null=True, blank=True)
    rank_n = models.IntegerField(null=True, blank=True)
    quota_group = models.CharField(max_length=CODE, null=True, blank=True)
    notes = models.TextField(null=True, blank=True)

    class Meta:
        verbose_name = _("年度考核结果")
        verbose_name_plural = _("年度考核结果")
        indexes = (
            models.Index(
                fields=("run", "subject_type", "subject_code"), name="results_annualresult_subject"
            ),
            models.Index(
                fields=("run", "subject_type", "grade"), name="results_annualresult_grade"
            ),
        )


class QuotaGroup(RunRow):
    TABLE: Final = "quota"

    quota_group = models.CharField(max_length=CODE, null=True, blank=True)
    subject_type = models.CharField(max_length=CODE, null=True, blank=True)
    n = models.IntegerField(null=True, blank=True)
    quota = models.IntegerField(null=True, blank=True)
    candidates = models.IntegerField(null=True, blank=True)
    granted = models.IntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("优秀名额")
        verbose_name_plural = _("优秀名额")


class BottomAction(RunRow):
    TABLE: Final = "actions"

    subject_code = models.CharField(max_length=CODE, null=True, blank=True)
    subject_type = models.CharField(max_length=CODE, null=True, blank=True)
    period = models.CharField(max_length=CODE, null=True, blank=True)
    action = models.CharField(max_length=CODE, null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    rank = models.IntegerField(null=True, blank=True)
    n = models.IntegerField(null=True, blank=True)
    tied = models.BooleanField(null=True, blank=True)
    owner = models.CharField(max_length=CODE, null=True, blank=True)
    due = models.CharField(max_length=CODE, null=True, blank=True)

    class Meta:
        verbose_name = _("末位处置")
        verbose_name_plural = _("末位处置")
        indexes = (
            models.Index(
                fields=("run", "subject_type", "subject_code"), name="results_bottomaction_subject"
            ),
        )


class PayShare(RunRow):
    TABLE: Final = "pay"

    cadre_code = models.CharField(max_length=CODE, null=True, blank=True)
    unit_code = models.CharField(max_length=CODE, null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    cents = models.BigIntegerField(null=True, blank=True)
    amount = models.CharField(max_length=CODE, null=True, blank=True)

    class Meta:
        verbose_name = _("绩效工资分配")
        verbose_name_plural = _("绩效工资分配")
        indexes = (
            models.Index(fields=("run", "unit_code", "month"), name="results_payshare_unit"),
            models.Index(fields=("run", "cadre_code", "month"), name="results_payshare_cadre"),
        )


class PayUnallocated(RunRow):
    TABLE: Final = "pay_unallocated"

    unit_code = models.CharField(max_length=CODE, null=True, blank=True)
    month = models.PositiveSmallIntegerField(null=True, blank=True)
    pool_cents = models.BigIntegerField(null=True, blank=True)
    reason = models.TextField(null=True, blank=True)

    class Meta:
        verbose_name = _("未分配绩效工资")
        verbose_name_plural = _("未分配绩效工资")


class TrainingNeed(RunRow):
    TABLE: Final = "training"

    subject_code = models.CharField(max_length=CODE, null=True, blank=True)
    subject_type = models.CharField(max_length=CODE, null=True, blank=True)
    period = models.CharField(max_length=CODE, null=True, blank=True)
    tag = models.CharField(max_length=CODE, null=True, blank=True)
    achievement = models.FloatField(null=True, blank=True)
    reason = models.TextField(null=True, blank=True)
    form = models.CharField(max_length=CODE, null=True, blank=True)

    class Meta:
        verbose_name = _("培训需求")
        verbose_name_plural = _("培训需求")
        indexes = (
            models.Index(
                fields=("run", "subject_type", "subject_code"), name="results_trainingneed_subject"
            ),
        )


class Persistence(RunRow):
    TABLE: Final = "persistence"

    subject_code = models.CharField(max_length=CODE, null=True, blank=True)
    subject_type = models.CharField(max_length=CODE, null=True, blank=True)
    months = models.IntegerField(null=True, blank=True)
    top_months = models.IntegerField(null=True, blank=True)
    bottom_months = models.IntegerField(null=True, blank=True)
    flag = models.CharField(max_length=CODE, null=True, blank=True)

    class Meta:
        verbose_name = _("持续靠前靠后")
        verbose_name_plural = _("持续靠前靠后")
        indexes = (
            models.Index(
                fields=("run", "subject_type", "subject_code"), name="results_persistence_subject"
            ),
        )


class RaterStat(RunRow):
    TABLE: Final = "rater_stats"

    kind = models.CharField(max_length=CODE, null=True, blank=True)
    rater = models.CharField(max_length=CODE, null=True, blank=True)
    n = models.IntegerField(null=True, blank=True)
    mean = models.FloatField(null=True, blank=True)
    std = models.FloatField(null=True, blank=True)
    leniency = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("评分人统计")
        verbose_name_plural = _("评分人统计")


class RunWarning(RunRow):
    TABLE: Final = "warnings"

    table = models.CharField(max_length=CODE, null=True, blank=True)
    subject_code = models.CharField(max_length=CODE, null=True, blank=True)
    month = models.CharField(max_length=CODE, null=True, blank=True)
    message = models.TextField(null=True, blank=True)

    class Meta:
        verbose_name = _("计算提示")
        verbose_name_plural = _("计算提示")


RESULT_MODELS: Final[dict[str, type[RunRow]]] = {
    UnitMonthly.TABLE: UnitMonthly,
    UnitGroup.TABLE: UnitGroup,
    UnitIndicator.TABLE: UnitIndicator,
    SectionMonthly.TABLE: SectionMonthly,
    CadreMonthly.TABLE: CadreMonthly,
    PeriodScore.TABLE: PeriodScore,
    PoliticalScore.TABLE: PoliticalScore,
    AnnualResult.TABLE: AnnualResult,
    QuotaGroup.TABLE: QuotaGroup,
    BottomAction.TABLE: BottomAction,
    PayShare.TABLE: PayShare,
    PayUnallocated.TABLE: PayUnallocated,
    TrainingNeed.TABLE: TrainingNeed,
    Persistence.TABLE: Persistence,
    RaterStat.TABLE: RaterStat,
    RunWarning.TABLE: RunWarning,
}
