"""The training plan (培训补课, rules.md §10): one course per weak tag and form, who needs it
and whether they completed it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kaohe.core.models import TimeStamped, year_field

CODE = 64


class TrainingCourse(TimeStamped):
    """A topic (the competency tag) in a form (online/offline) for a year."""

    class Form(models.TextChoices):
        ONLINE = "online", _("线上")
        OFFLINE = "offline", _("线下")

    year = year_field()
    tag = models.CharField(_("主题"), max_length=100)
    form = models.CharField(_("形式"), max_length=8, choices=Form.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        ordering = ("year", "tag", "form")
        constraints = (
            models.UniqueConstraint(
                fields=("year", "tag", "form"), name="followup_trainingcourse_topic"
            ),
            models.CheckConstraint(
                condition=Q(form__in=("online", "offline")), name="followup_trainingcourse_form"
            ),
        )

    def __str__(self) -> str:
        return f"{self.year} {self.tag} ({self.get_form_display()})"


class TrainingEnrolment(TimeStamped):
    """A subject (unit, team or cadre) who needs a course; ``periods`` are the periods in which
    the tag was weak (``;``-joined), ``achievement`` the lowest of them."""

    course = models.ForeignKey(
        TrainingCourse, verbose_name=_("培训课程"), on_delete=models.CASCADE, related_name="people"
    )
    subject_type = models.CharField(_("对象类型"), max_length=16)
    subject_code = models.CharField(_("对象编号"), max_length=CODE)
    periods = models.CharField(_("期间"), max_length=200)
    achievement = models.FloatField(_("达成度"), null=True, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
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
        verbose_name = _("培训对象")
        verbose_name_plural = _("培训对象")
        ordering = ("course", "subject_type", "subject_code")
        constraints = (
            models.UniqueConstraint(
                fields=("course", "subject_type", "subject_code"),
                name="followup_trainingenrolment_once",
            ),
        )

    def __str__(self) -> str:
        return f"{self.course} {self.subject_code}"
