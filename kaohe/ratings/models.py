"""Leaders' ratings (季度、半年、年度考核评价) and political-quality ratings on anchored levels.

A :class:`Rating` is one rater's score of one subject (a cadre, or a unit's team) for one
period, kind and item. A draft is the rater's alone; submitting it writes the engine's row
(``kaohe.collection.models.Evaluation``: same year, subject, period, kind and item, the rater's
code) in the same transaction (docs/ratings.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kaohe.core.models import TimeStamped, year_field
from kaohe.org.models import CODE_LENGTH


class Rating(TimeStamped):
    """评价: one rater's rating of one subject for a period (and a political item)."""

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", _("季度评价")
        HALF_YEAR = "half_year", _("半年评价")
        REVIEW = "review", _("年度考核评价")
        POLITICAL = "political", _("政治素质评价")

    class SubjectType(models.TextChoices):
        CADRE = "cadre", _("干部")
        TEAM = "team", _("领导班子")

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")

    class RaterRole(models.TextChoices):
        OFFICE = "office", _("考核办")
        UNIT_HEAD = "unit_head", _("单位负责人")

    year = year_field()
    period = models.CharField(_("期间"), max_length=8)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    subject_type = models.CharField(_("对象类型"), max_length=8, choices=SubjectType.choices)
    subject_code = models.CharField(_("对象编号"), max_length=CODE_LENGTH)
    unit_code = models.CharField(_("所在单位"), max_length=CODE_LENGTH)
    item = models.CharField(_("评价项目"), max_length=64, blank=True, default="")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        on_delete=models.PROTECT,
        related_name="ratings_given",
    )
    rater_code = models.CharField(_("评价人编号"), max_length=CODE_LENGTH)
    rater_role = models.CharField(_("评价人身份"), max_length=16, choices=RaterRole.choices)
    score = models.FloatField(_("得分"))
    level = models.CharField(_("等次"), max_length=64, blank=True, default="")
    level_text = models.TextField(_("等次描述"), blank=True, default="")
    comment = models.TextField(_("评语"), blank=True, default="")
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("领导评价")
        verbose_name_plural = _("领导评价")
        ordering = ("period", "kind", "subject_code", "item")
        constraints = (
            models.UniqueConstraint(
                fields=("period", "kind", "subject_code", "item", "rater"),
                name="ratings_rating_key",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="ratings_rating_score_range"
            ),
            models.CheckConstraint(
                condition=Q(kind="political") | Q(item=""), name="ratings_rating_item_political"
            ),
        )
        indexes = (
            models.Index(fields=("period", "unit_code"), name="ratings_rating_unit"),
            models.Index(fields=("subject_code", "state"), name="ratings_rating_subject"),
        )

    def __str__(self) -> str:
        return f"{self.period} {self.kind} {self.subject_code} {self.item} {self.score:g}"
