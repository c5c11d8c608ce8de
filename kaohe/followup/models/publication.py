"""The year's publication (年度结果公示): the closed year's published grades are shown for the
plan's ``procedure.publicity_days`` working days, the affected file objections (异议), the office
answers them, and after the window with every objection answered the year is final (终定): no
override, withdrawal or new close is accepted any more."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kaohe.core.models import TimeStamped
from kaohe.followup.models.close import CODE, AnnualClose


class AnnualPublication(TimeStamped):
    """公示 of a closed year: from ``published_on`` to ``objections_until`` (the objection
    window); ``final_on`` once the office finalised the year."""

    close = models.OneToOneField(
        AnnualClose,
        verbose_name=_("年度结果确定"),
        on_delete=models.CASCADE,
        related_name="publication",
    )
    published_on = models.DateField(_("公示日期"))
    objections_until = models.DateField(_("异议截止日期"))
    published_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("公示人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    final_on = models.DateField(_("终定日期"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("终定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度结果公示")
        verbose_name_plural = _("年度结果公示")
        constraints = (
            models.CheckConstraint(
                condition=Q(objections_until__gte=models.F("published_on")),
                name="followup_annualpublication_window",
            ),
        )

    def __str__(self) -> str:
        return f"{self.close.year} {self.published_on}–{self.objections_until}"


class AnnualObjection(TimeStamped):
    """异议 to a subject's published annual grade, filed within the window and answered by the
    office (采纳 / 不予采纳)."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("采纳")
        REJECTED = "rejected", _("不予采纳")

    publication = models.ForeignKey(
        AnnualPublication,
        verbose_name=_("年度结果公示"),
        on_delete=models.CASCADE,
        related_name="objections",
    )
    subject_type = models.CharField(_("对象类型"), max_length=16)
    subject_code = models.CharField(_("对象编号"), max_length=CODE)
    text = models.TextField(_("异议内容"))
    filed_on = models.DateField(_("提出日期"))
    filed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(
        _("处理结果"), max_length=16, choices=Outcome.choices, blank=True, default=""
    )
    answer = models.TextField(_("答复"), blank=True, default="")
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
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
        verbose_name = _("年度结果异议")
        verbose_name_plural = _("年度结果异议")
        ordering = ("filed_on", "id")
        constraints = (
            models.CheckConstraint(condition=~Q(text=""), name="followup_annualobjection_text"),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True, outcome="")
                | Q(answered_on__isnull=False, outcome__in=("accepted", "rejected")),
                name="followup_annualobjection_answer_complete",
            ),
        )

    def __str__(self) -> str:
        return f"{self.subject_code}: {self.text[:20]}"
