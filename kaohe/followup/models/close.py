"""The year's close (年度结果确定): the run it rests on, the office's grade overrides and the
review (复核) and appeal (申诉) requests of the assessed (rules.md §8, §12)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kaohe.core.models import TimeStamped, year_field

CODE = 64


class AnnualClose(TimeStamped):
    """A year closed from a finished run: its annual scores, grades and quotas are the year's.

    ``notified_on`` is the day the results were notified to the assessed: the review window
    (rules.md §12, 30 days) counts from it.
    """

    year = year_field()
    run = models.ForeignKey(
        "results.Run", verbose_name=_("计算批次"), on_delete=models.PROTECT, related_name="+"
    )
    notified_on = models.DateField(_("结果通知日期"))
    closed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("确定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度结果确定")
        verbose_name_plural = _("年度结果确定")
        constraints = (models.UniqueConstraint(fields=("year",), name="followup_annualclose_year"),)

    def __str__(self) -> str:
        return f"{self.year} (run #{self.run_id})"


class GradeOverride(TimeStamped):
    """The office's grade for a subject instead of the engine's, with its reason (audited by
    django-simple-history). The service never lets it exceed the subject's quota group."""

    close = models.ForeignKey(
        AnnualClose,
        verbose_name=_("年度结果确定"),
        on_delete=models.CASCADE,
        related_name="overrides",
    )
    subject_type = models.CharField(_("对象类型"), max_length=16)
    subject_code = models.CharField(_("对象编号"), max_length=CODE)
    grade = models.CharField(_("调整后等次"), max_length=16)
    reason = models.TextField(_("调整理由"))
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("调整人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("等次调整")
        verbose_name_plural = _("等次调整")
        ordering = ("subject_type", "subject_code")
        constraints = (
            models.UniqueConstraint(
                fields=("close", "subject_type", "subject_code"),
                name="followup_gradeoverride_subject",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="followup_gradeoverride_reason"),
        )

    def __str__(self) -> str:
        return f"{self.subject_code} → {self.grade}"


class ReviewRequest(TimeStamped):
    """复核 or 申诉 of a subject's annual result, tracked to its answer.

    A review is filed within 30 days of the notification, an appeal within 15 days of its
    review's answer (rules.md §12); each is due to be answered by ``due_on``.
    """

    class Kind(models.TextChoices):
        REVIEW = "review", _("复核")
        APPEAL = "appeal", _("申诉")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("维持原等次")
        AMENDED = "amended", _("变更等次")

    close = models.ForeignKey(
        AnnualClose,
        verbose_name=_("年度结果确定"),
        on_delete=models.CASCADE,
        related_name="requests",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    review = models.ForeignKey(
        "self",
        verbose_name=_("所申诉的复核"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    subject_type = models.CharField(_("对象类型"), max_length=16)
    subject_code = models.CharField(_("对象编号"), max_length=CODE)
    filed_on = models.DateField(_("提出日期"))
    grounds = models.TextField(_("理由"))
    filed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("答复期限"))
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    outcome = models.CharField(
        _("答复结果"), max_length=16, choices=Outcome.choices, blank=True, default=""
    )
    answer = models.TextField(_("答复意见"), blank=True, default="")
    answered_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("复核与申诉")
        verbose_name_plural = _("复核与申诉")
        ordering = ("due_on", "id")
        constraints = (
            models.UniqueConstraint(
                fields=("close", "kind", "subject_type", "subject_code"),
                name="followup_reviewrequest_once",
            ),
            models.CheckConstraint(
                condition=Q(kind="review", review__isnull=True)
                | Q(kind="appeal", review__isnull=False),
                name="followup_reviewrequest_appeal_of_review",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True, outcome="")
                | Q(answered_on__isnull=False, outcome__in=("upheld", "amended")),
                name="followup_reviewrequest_answer_complete",
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject_code}"
