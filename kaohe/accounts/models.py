"""Users (Django's user with a display name and an optional link to the cadre they are) and
the roles they hold, scoped to a unit, a section or an indicator-owner department."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class User(AbstractUser):
    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)
    cadre = models.OneToOneField(
        "org.Cadre",
        verbose_name=_("对应干部"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.get_username()


class Role(models.TextChoices):
    """The roles (docs/security.md has what each may see and do, and where)."""

    ADMIN = "admin", _("系统管理员")
    OFFICE = "office", _("考核办")
    STATISTICS = "statistics", _("经发局统计")
    INDICATOR_OWNER = "indicator_owner", _("指标牵头部门")
    INSPECTOR = "inspector", _("纪检监察")
    UNIT_HEAD = "unit_head", _("单位负责人")
    SECTION_CHIEF = "section_chief", _("科室负责人")
    CADRE = "cadre", _("干部")


UNIT_ROLES = (Role.UNIT_HEAD,)
SECTION_ROLES = (Role.SECTION_CHIEF,)
DEPARTMENT_ROLES = (Role.INDICATOR_OWNER,)
WIDE_ROLES = (Role.ADMIN, Role.OFFICE, Role.STATISTICS, Role.INSPECTOR, Role.CADRE)


class RoleAssignment(models.Model):
    """A role a person holds, and where: a unit head over a unit (its sections and cadres), a
    section chief over a section, an indicator-owner department by the plan's ``owner`` name;
    the other roles are district-wide (a cadre reads their own records: ``User.cadre``)."""

    user = models.ForeignKey(
        User,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("单位"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    section = models.ForeignKey(
        "org.Section",
        verbose_name=_("科室"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    department = models.CharField(
        _("牵头部门"),
        max_length=100,
        blank=True,
        help_text=_("考核方案中指标的牵头评分部门（owner），仅用于指标牵头部门角色"),
    )
    granted_by = models.ForeignKey(
        User,
        verbose_name=_("授权人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        ordering = ("user__username", "role", "id")
        constraints = (
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in Role]),
                name="accounts_roleassignment_role_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=[r.value for r in UNIT_ROLES],
                        unit__isnull=False,
                        section__isnull=True,
                        department="",
                    )
                    | Q(
                        role__in=[r.value for r in SECTION_ROLES],
                        unit__isnull=True,
                        section__isnull=False,
                        department="",
                    )
                    | (
                        Q(role__in=[r.value for r in DEPARTMENT_ROLES], unit__isnull=True)
                        & Q(section__isnull=True)
                        & ~Q(department="")
                    )
                    | Q(
                        role__in=[r.value for r in WIDE_ROLES],
                        unit__isnull=True,
                        section__isnull=True,
                        department="",
                    )
                ),
                name="accounts_roleassignment_scope_fits_role",
            ),
            models.UniqueConstraint(
                fields=("user", "role", "department"),
                condition=Q(unit__isnull=True, section__isnull=True),
                name="accounts_roleassignment_unique_wide",
            ),
            models.UniqueConstraint(
                fields=("user", "role", "unit"),
                condition=Q(unit__isnull=False),
                name="accounts_roleassignment_unique_unit",
            ),
            models.UniqueConstraint(
                fields=("user", "role", "section"),
                condition=Q(section__isnull=False),
                name="accounts_roleassignment_unique_section",
            ),
        )

    def __str__(self) -> str:
        where = self.section or self.unit or self.department
        label = self.get_role_display()
        return f"{self.user} · {label}" + (f" · {where}" if where else "")

    def clean(self) -> None:
        """The scope fits the role: each field's error names the field."""
        errors: dict[str, StrOrPromise] = {}
        role = self.role
        if role in UNIT_ROLES and self.unit_id is None:
            errors["unit"] = _("单位负责人须指定单位")
        if role not in UNIT_ROLES and self.unit_id is not None:
            errors["unit"] = _("该角色不按单位分配")
        if role in SECTION_ROLES and self.section_id is None:
            errors["section"] = _("科室负责人须指定科室")
        if role not in SECTION_ROLES and self.section_id is not None:
            errors["section"] = _("该角色不按科室分配")
        if role in DEPARTMENT_ROLES and not self.department.strip():
            errors["department"] = _("指标牵头部门须填写部门名称")
        if role not in DEPARTMENT_ROLES and self.department:
            errors["department"] = _("该角色不填写牵头部门")
        if role == Role.CADRE and self.user_id is not None and self.user.cadre_id is None:
            errors["role"] = _("干部角色须先为用户关联对应干部")
        if errors:
            raise ValidationError(errors)
