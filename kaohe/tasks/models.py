"""Milestones of section tasks, post tasks of a month, and the cadre's monthly report (月对账).

Section tasks themselves are :class:`kaohe.collection.models.Task` rows (the engine reads them);
what lives here is what the engine does not read directly: each task's monthly milestones (their
count and ticks become the month's ``milestones_due``/``milestones_done``), the post tasks
(私人定制岗位任务) and the reports on them, whose rating becomes the month's
``MonthlyRecord.level``.

They go with the organisation rows they hang on (CASCADE): the demo's reset deletes every post and
cadre, and what was rated is already in the MonthlyRecord rows.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kaohe.collection.models import Task
from kaohe.core.models import TimeStamped, month_field, year_field
from kaohe.org.models import Cadre, Post

NAME_LENGTH = 200


class Milestone(TimeStamped):
    """A monthly milestone (节点) of a section task, ticked when done."""

    task = models.ForeignKey(
        Task, verbose_name=_("科室任务"), on_delete=models.CASCADE, related_name="milestones"
    )
    month = month_field()
    description = models.CharField(_("节点内容"), max_length=NAME_LENGTH)
    standard = models.TextField(_("评分标准"), blank=True, default="")
    done = models.BooleanField(_("已完成"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("任务节点")
        verbose_name_plural = _("任务节点")
        ordering = ("task", "month", "pk")
        constraints = (
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="tasks_milestone_month_valid"
            ),
        )

    def __str__(self) -> str:
        return f"{self.task.code} {self.month} {self.description}"


class PostTask(TimeStamped):
    """A post's task of a month (岗位任务), optionally serving a section task."""

    month_locked = True  # kaohe.cycle.guard refuses a save or delete in a locked month

    year = year_field()
    month = month_field()
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="monthly_tasks"
    )
    name = models.CharField(_("任务名称"), max_length=NAME_LENGTH)
    standard = models.TextField(_("评分标准"), blank=True, default="")
    task = models.ForeignKey(
        Task,
        verbose_name=_("对应科室任务"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="post_tasks",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("岗位任务")
        verbose_name_plural = _("岗位任务")
        ordering = ("year", "month", "post", "pk")
        constraints = (
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="tasks_posttask_month_valid"
            ),
        )
        indexes = (models.Index(fields=("year", "month", "post"), name="tasks_posttask_month"),)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.post_id} {self.name}"


def report_file_path(instance: ReportFile, filename: str) -> str:
    report = instance.report
    return f"tasks/{report.year}/{report.month:02d}/{report.cadre_id}/{filename}"


class Report(TimeStamped):
    """月对账: a cadre's report on the month's post tasks and its rating."""

    month_locked = True  # kaohe.cycle.guard refuses a save or delete in a locked month

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        RATED = "rated", _("已评定")

    year = year_field()
    month = month_field()
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="task_reports"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(_("状态"), max_length=16, choices=State.choices)
    submitted_at = models.DateTimeField(_("提交时间"))
    level = models.CharField(_("等次"), max_length=64, blank=True, default="")
    comment = models.TextField(_("评定意见"), blank=True, default="")
    rated_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("评定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rater_code = models.CharField(_("评定人编号"), max_length=64, blank=True, default="")
    rated_at = models.DateTimeField(_("评定时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("月对账")
        verbose_name_plural = _("月对账")
        ordering = ("year", "month", "cadre")
        constraints = (
            models.UniqueConstraint(fields=("year", "month", "cadre"), name="tasks_report_key"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="tasks_report_month_valid"
            ),
        )

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.cadre_id}"


class ReportLine(models.Model):
    """The cadre's word on one post task: done, partly done or not done, and a note."""

    class Status(models.TextChoices):
        DONE = "done", _("已完成")
        PARTLY = "partly", _("部分完成")
        NOT_DONE = "not_done", _("未完成")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="lines")
    post_task = models.ForeignKey(
        PostTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_name = models.CharField(_("任务名称"), max_length=NAME_LENGTH)
    status = models.CharField(_("完成情况"), max_length=16, choices=Status.choices)
    note = models.TextField(_("说明"), blank=True, default="")

    class Meta:
        verbose_name = _("对账事项")
        verbose_name_plural = _("对账事项")
        ordering = ("report", "pk")


class ReportFile(TimeStamped):
    """An evidence file of a report (served only through a permission-checked view)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("佐证材料"), upload_to=report_file_path)
    name = models.CharField(_("文件名"), max_length=255)
    size = models.BigIntegerField(_("文件大小（字节）"))

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ("report", "pk")
