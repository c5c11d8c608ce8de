"""The role management page's form: grant a role to a person, where the role needs it."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from kaohe.accounts.models import RoleAssignment, User


class RoleAssignmentForm(forms.ModelForm[RoleAssignment]):
    """A role for a user: unit heads by unit, section chiefs by section, indicator-owner
    departments by the plan's ``owner`` name (the model's clean() names the field at fault)."""

    class Meta:
        model = RoleAssignment
        fields: ClassVar = ["user", "role", "unit", "section", "department"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = User.objects.filter(is_active=True).order_by("username")
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
        self.fields["section"].queryset = (  # type: ignore[attr-defined]
            self.fields["section"].queryset.select_related("unit")  # type: ignore[attr-defined]
        )
