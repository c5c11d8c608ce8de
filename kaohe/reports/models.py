"""Export jobs: a file (or a what-if comparison) made in the background, with its progress."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.core.models import TimeStamped, year_field


class ExportJob(TimeStamped):
    """One export asked for by a user: what (``kind`` and ``params``), of which run, how far it
    got (``state``, ``progress``, ``stage``) and its outcome (``file`` or ``error``; a what-if
    keeps its comparison in ``result``). Nothing here writes to the result tables."""

    class Kind(models.TextChoices):
        RANKING = "ranking", _("单位排名表")
        SCORES = "scores", _("干部月度成绩表")
        ANNUAL = "annual", _("年度等次表")
        PAY = "pay", _("绩效工资表")
        UNIT_CARDS = "unit_cards", _("全部单位年度成绩单（PDF）")
        CADRE_CARDS = "cadre_cards", _("全部干部年度成绩单（ZIP）")
        NOTICE = "notice", _("年度考核等次公示（PDF）")
        WHATIF = "whatif", _("方案模拟对比")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    year = year_field()
    run = models.ForeignKey(
        "results.Run",
        verbose_name=_("计算批次"),
        on_delete=models.CASCADE,
        related_name="exports",
    )
    params = models.JSONField(_("参数"), default=dict, blank=True)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(
        _("进度"), default=0, validators=[MaxValueValidator(100)]
    )
    stage = models.CharField(_("阶段"), max_length=100, blank=True, default="")
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True, default="")
    filename = models.CharField(_("文件名"), max_length=200, blank=True, default="")
    result = models.JSONField(_("对比结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True, default="")
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("发起人"),
        on_delete=models.CASCADE,
        related_name="exports",
    )
    started = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ("-created", "-id")
        indexes = (models.Index(fields=("created_by", "-created"), name="reports_exportjob_user"),)
        constraints = (
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="reports_exportjob_progress_range"
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
