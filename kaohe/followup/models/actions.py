"""Bottom-rank follow-up (末尾督考, rules.md §9): one action per subject and period of the
engine's bottom lists, and the records of what was done."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kaohe.core.models import TimeStamped, year_field

CODE = 64


class FollowUpAction(TimeStamped):
    """谈话提醒 / 岗位调整 / 严肃处理 for a subject at the bottom of a period (the ladder's step
    1, 2, 3: quarter, half-year, year). Kept when a recompute drops the subject from the list
    (``in_latest_run`` false) so nothing done is lost."""

    class Step(models.IntegerChoices):
        TALK = 1, _("谈话提醒")
        POST = 2, _("岗位调整")
        SERIOUS = 3, _("严肃处理")

    class State(models.TextChoices):
        OPEN = "open", _("待办")
        DONE = "done", _("已办结")

    year = year_field()
    period = models.CharField(_("期间"), max_length=16)
    subject_type = models.CharField(_("对象类型"), max_length=16)
    subject_code = models.CharField(_("对象编号"), max_length=CODE)
    step = models.PositiveSmallIntegerField(
        _("督考层级"),
        choices=Step.choices,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    action = models.CharField(_("措施"), max_length=100)
    owner = models.CharField(_("责任方"), max_length=CODE)
    due_on = models.DateField(_("期限"))
    score = models.FloatField(_("得分"), null=True, blank=True)
    rank = models.IntegerField(_("名次"), null=True, blank=True)
    n = models.IntegerField(_("人数"), null=True, blank=True)
    tied = models.BooleanField(_("并列"), default=False)
    run = models.ForeignKey(
        "results.Run",
        verbose_name=_("来源计算批次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    in_latest_run = models.BooleanField(_("在最新名单中"), default=True)
    state = models.CharField(_("状态"), max_length=8, choices=State.choices, default=State.OPEN)
    done_on = models.DateField(_("办结日期"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督考措施")
        verbose_name_plural = _("督考措施")
        ordering = ("due_on", "subject_type", "subject_code")
        constraints = (
            models.UniqueConstraint(
                fields=("period", "subject_type", "subject_code"),
                name="followup_followupaction_once",
            ),
            models.CheckConstraint(
                condition=Q(step__gte=1, step__lte=3), name="followup_followupaction_step_range"
            ),
            models.CheckConstraint(
                condition=Q(state="open", done_on__isnull=True)
                | Q(state="done", done_on__isnull=False),
                name="followup_followupaction_done_dated",
            ),
        )
        indexes = (
            models.Index(fields=("subject_type", "subject_code"), name="followup_action_subject"),
            models.Index(fields=("state", "due_on"), name="followup_action_due"),
        )

    def __str__(self) -> str:
        return f"{self.period} {self.subject_code} {self.action}"


def attachment_path(instance: FollowUpRecord, filename: str) -> str:
    return f"followup/{instance.action.period}/{instance.action.subject_code}/{filename}"


class FollowUpRecord(TimeStamped):
    """What was done for an action: when, with whom, notes, an optional attachment."""

    action = models.ForeignKey(
        FollowUpAction, verbose_name=_("督考措施"), on_delete=models.CASCADE, related_name="records"
    )
    date = models.DateField(_("日期"))
    participants = models.CharField(_("参加人员"), max_length=500)
    notes = models.TextField(_("情况记录"))
    attachment = models.FileField(_("附件"), upload_to=attachment_path, blank=True, default="")
    attachment_name = models.CharField(_("附件名称"), max_length=255, blank=True, default="")
    completes = models.BooleanField(_("办结"), default=False)
    recorded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督考记录")
        verbose_name_plural = _("督考记录")
        ordering = ("date", "id")

    def __str__(self) -> str:
        return f"{self.action} {self.date}"
