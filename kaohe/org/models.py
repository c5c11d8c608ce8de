"""The organisation (docs/data-format.md §3: units, sections, posts, cadres, assignments).

Codes are the exchange format's ids (``unit_id``, ``section_id``…): one organisation serves every
plan year, and assignments are dated. Optional text is stored as ``""``, which the adapter reads
back as empty (null) for the engine.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kaohe.core.models import TimeStamped

CODE_LENGTH = 64
NAME_LENGTH = 200


class Unit(TimeStamped):
    """单位: a department or town, assessed within one category of the plan (rules.md §1)."""

    code = models.CharField(_("单位编号"), max_length=CODE_LENGTH)
    name = models.CharField(_("单位名称"), max_length=NAME_LENGTH)
    category = models.CharField(_("类别"), max_length=NAME_LENGTH)
    tier = models.PositiveSmallIntegerField(_("档次"), null=True, blank=True)
    active = models.BooleanField(_("在用"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ("code",)
        constraints = (
            models.UniqueConstraint(fields=("code",), name="org_unit_code_unique"),
            models.CheckConstraint(
                condition=Q(tier__isnull=True) | Q(tier__gte=1), name="org_unit_tier_positive"
            ),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Section(TimeStamped):
    """科室 of a unit."""

    code = models.CharField(_("科室编号"), max_length=CODE_LENGTH)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="sections"
    )
    name = models.CharField(_("科室名称"), max_length=NAME_LENGTH)
    tier = models.PositiveSmallIntegerField(_("档次"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("科室")
        verbose_name_plural = _("科室")
        ordering = ("code",)
        constraints = (
            models.UniqueConstraint(fields=("code",), name="org_section_code_unique"),
            models.CheckConstraint(
                condition=Q(tier__isnull=True) | Q(tier__gte=1),
                name="org_section_tier_positive",
            ),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Post(TimeStamped):
    """岗位: held by one cadre at a time; its role decides the cadre's cascade link (§6)."""

    class Role(models.TextChoices):
        PRINCIPAL = "principal", _("一把手")
        LEADER = "leader", _("班子成员")
        STAFF = "staff", _("一般干部")

    code = models.CharField(_("岗位编号"), max_length=CODE_LENGTH)
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="posts"
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("所属科室"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
    )
    name = models.CharField(_("岗位名称"), max_length=NAME_LENGTH)
    role = models.CharField(_("岗位类别"), max_length=16, choices=Role.choices)
    tier = models.PositiveSmallIntegerField(_("档次"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ("code",)
        constraints = (
            models.UniqueConstraint(fields=("code",), name="org_post_code_unique"),
            models.CheckConstraint(
                condition=Q(role__in=("principal", "leader", "staff")), name="org_post_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(tier__isnull=True) | Q(tier__gte=1), name="org_post_tier_positive"
            ),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Cadre(TimeStamped):
    """干部."""

    code = models.CharField(_("干部编号"), max_length=CODE_LENGTH)
    name = models.CharField(_("姓名"), max_length=NAME_LENGTH)
    personnel_type = models.CharField(_("人员类别"), max_length=32)
    home_unit = models.ForeignKey(
        Unit,
        verbose_name=_("派出单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seconded_cadres",
    )
    probation_end = models.DateField(_("试用期满"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ("code",)
        constraints = (models.UniqueConstraint(fields=("code",), name="org_cadre_code_unique"),)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Assignment(TimeStamped):
    """任职: a cadre holds a post from ``start`` to ``end`` (inclusive; empty = still held)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="assignments"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="assignments"
    )
    start = models.DateField(_("任职开始"))
    end = models.DateField(_("任职结束"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ("cadre", "start")
        constraints = (
            models.UniqueConstraint(fields=("cadre", "start"), name="org_assignment_cadre_start"),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="org_assignment_end_after_start",
            ),
        )

    def __str__(self) -> str:
        return f"{self.cadre_id} → {self.post_id} ({self.start}–{self.end or ''})"
