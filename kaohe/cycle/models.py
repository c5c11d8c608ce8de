"""The monthly cycle (docs/cycle.md): a month's state and deadlines, the units' submissions, the
objections to published results, the formal adjustments after lock, and in-app notifications."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaohe.core.models import TimeStamped, month_field, year_field
from kaohe.core.periods import month_label
from kaohe.cycle.uploads import evidence_validators


class Period(TimeStamped):
    """One assessed month of a plan year and where it is in the cycle."""

    class State(models.TextChoices):
        OPEN = "open", _("已开启")
        COLLECTING = "collecting", _("数据采集中")
        SUBMITTED = "submitted", _("单位已报送")
        REVIEWED = "reviewed", _("考核办已审核")
        PUBLISHED = "published", _("公示中")
        LOCKED = "locked", _("已锁定")

    year = year_field()
    month = month_field()
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.OPEN)
    submit_due = models.DateField(_("单位报送截止"))
    review_due = models.DateField(_("审核截止"))
    publish_due = models.DateField(_("公示截止"))
    objections_until = models.DateField(_("异议期截止"), null=True, blank=True)
    published_run = models.ForeignKey(
        "results.Run",
        verbose_name=_("公示批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="published_periods",
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核月份")
        verbose_name_plural = _("考核月份")
        ordering = ("-year", "-month")
        constraints = (
            models.UniqueConstraint(fields=("year", "month"), name="cycle_period_key"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="cycle_period_month_valid"
            ),
        )

    def __str__(self) -> str:
        return f"{month_label(self.year, self.month)} {self.get_state_display()}"

    @property
    def label(self) -> str:
        return month_label(self.year, self.month)


class PeriodStep(models.Model):
    """A move of a month from one state to the next: who, when, why."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="steps")
    from_state = models.CharField(_("原状态"), max_length=16, choices=Period.State.choices)
    to_state = models.CharField(_("新状态"), max_length=16, choices=Period.State.choices)
    user = models.ForeignKey(
        "accounts.User", verbose_name=_("操作人"), null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("说明"), blank=True, default="")

    class Meta:
        verbose_name = _("周期步骤")
        verbose_name_plural = _("周期步骤")
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.period.label}: {self.from_state} → {self.to_state}"


class UnitSubmission(models.Model):
    """A unit has submitted its data of the month (报送)."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="submissions")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT)
    submitted_by = models.ForeignKey(
        "accounts.User", verbose_name=_("报送人"), null=True, on_delete=models.SET_NULL
    )
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)
    note = models.TextField(_("说明"), blank=True, default="")

    class Meta:
        verbose_name = _("单位报送")
        verbose_name_plural = _("单位报送")
        ordering = ("unit__code",)
        constraints = (
            models.UniqueConstraint(fields=("period", "unit"), name="cycle_unitsubmission_key"),
        )

    def __str__(self) -> str:
        return f"{self.period.label} {self.unit}"


class Objection(models.Model):
    """异议: filed by the affected unit or cadre during 公示, answered by the office."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("采纳")
        REJECTED = "rejected", _("不予采纳")

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="objections")
    subject_type = models.CharField(_("对象类型"), max_length=8)
    subject_code = models.CharField(_("对象编号"), max_length=64)
    text = models.TextField(_("异议内容"))
    filed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("提出人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="objections_filed",
    )
    filed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    outcome = models.CharField(
        _("处理结果"), max_length=16, choices=Outcome.choices, blank=True, default=""
    )
    answer = models.TextField(_("答复"), blank=True, default="")
    answered_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objections_answered",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.period.label} {self.subject_type} {self.subject_code}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class Adjustment(TimeStamped):
    """A formal adjustment of a locked month: reason, evidence, an approver who is not the
    requester, optionally a correction file (imported on approval), and a new run."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="adjustments")
    reason = models.TextField(_("调整理由"))
    correction = models.FileField(
        _("更正数据文件"),
        upload_to="adjustments/corrections/%Y/",
        blank=True,
        help_text=_("与数据导入相同格式的工作簿或 CSV 文件；批准时导入"),
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=State.choices, default=State.REQUESTED
    )
    requested_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="adjustments_requested",
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adjustments_decided",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True, default="")
    previous_run = models.ForeignKey(
        "results.Run",
        verbose_name=_("原批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    new_run = models.ForeignKey(
        "results.Run",
        verbose_name=_("新批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    import_batch = models.ForeignKey(
        "collection.ImportBatch",
        verbose_name=_("更正导入"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("结果调整")
        verbose_name_plural = _("结果调整")
        ordering = ("-id",)
        constraints = (
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                name="cycle_adjustment_approver_not_requester",
            ),
        )

    def __str__(self) -> str:
        return f"{self.period.label} #{self.pk} {self.get_state_display()}"


class AdjustmentEvidence(models.Model):
    """A file supporting an adjustment (PDF, image, workbook or document; size-limited)."""

    adjustment = models.ForeignKey(Adjustment, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(
        _("佐证材料"), upload_to="adjustments/evidence/%Y/", validators=evidence_validators()
    )
    name = models.CharField(_("文件名"), max_length=255)
    size = models.BigIntegerField(_("文件大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("调整佐证材料")
        verbose_name_plural = _("调整佐证材料")
        ordering = ("id",)

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """An in-app message to one user (a deadline, a publication, an objection's answer)."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(_("去重键"), max_length=120)
    text = models.TextField(_("内容"))
    url = models.CharField(_("链接"), max_length=300, blank=True, default="")
    created = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ("-id",)
        constraints = (
            models.UniqueConstraint(fields=("user", "key"), name="cycle_notification_key"),
        )
        indexes = (models.Index(fields=("user", "read_at"), name="cycle_notification_unread"),)

    def __str__(self) -> str:
        return self.text[:60]
