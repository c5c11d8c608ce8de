"""A computation run of a plan year and the problems that stopped one."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.core.models import TimeStamped, year_field


class Run(TimeStamped):
    """One computation of a year (months 1…``through_month``) with the plan as it was then.

    ``input_checksum`` is the SHA-256 of the canonical input frames: two runs with the same
    checksum and plan snapshot have identical results (the engine is deterministic).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    year = year_field()
    through_month = models.PositiveSmallIntegerField(
        _("截至月份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("为空时计算到新区经济表的最后一个月"),
    )
    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("考核方案"), on_delete=models.PROTECT, related_name="runs"
    )
    plan_snapshot = models.TextField(_("方案快照"))
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(
        _("进度"), default=0, validators=[MaxValueValidator(100)]
    )
    stage = models.CharField(_("阶段"), max_length=100, blank=True, default="")
    engine_version = models.CharField(_("引擎版本"), max_length=32, blank=True, default="")
    input_checksum = models.CharField(_("输入校验和"), max_length=64, blank=True, default="")
    months = models.PositiveSmallIntegerField(_("计算月数"), null=True, blank=True)
    counts = models.JSONField(_("结果行数"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True, default="")
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
    )
    started = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("计算批次")
        verbose_name_plural = _("计算批次")
        ordering = ("-created",)
        indexes = (models.Index(fields=("year", "state", "-finished"), name="results_run_current"),)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="results_run_progress_range"
            ),
        )

    def __str__(self) -> str:
        return f"{self.year} #{self.pk} {self.get_state_display()}"


class RunProblem(models.Model):
    """A problem of the data that stopped a run: where (file, row, column) and why."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="problems")
    file = models.CharField(_("文件"), max_length=255)
    row = models.IntegerField(_("行"), null=True, blank=True)
    column = models.CharField(_("列"), max_length=100, blank=True, default="")
    message = models.TextField(_("问题"))

    class Meta:
        verbose_name = _("计算问题")
        verbose_name_plural = _("计算问题")
        ordering = ("id",)

    def __str__(self) -> str:
        where = self.file + (f", row {self.row}" if self.row is not None else "")
        return f"{where}{', column ' + self.column if self.column else ''}: {self.message}"
