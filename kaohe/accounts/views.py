"""The role management page (角色管理): the assessment office and administrators grant and
revoke roles in the web UI (the same as the admin's role assignments)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.accounts.forms import RoleAssignmentForm
from kaohe.accounts.models import Role, RoleAssignment, User
from kaohe.accounts.roles import MANAGE_ROLES
from kaohe.accounts.selectors import role_assignment_list
from kaohe.accounts.services import role_assign, role_revoke
from kaohe.web.views.common import page


@page(MANAGE_ROLES)
def roles(request: HttpRequest) -> HttpResponse:
    """Every role assignment, filtered by role; a POST grants one (errors name the field)."""
    form = RoleAssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        granted_by = request.user if isinstance(request.user, User) else None
        data = form.cleaned_data
        assignment = role_assign(
            user=data["user"],
            role=data["role"],
            unit=data["unit"],
            section=data["section"],
            department=data["department"],
            granted_by=granted_by,
        )
        messages.success(request, _("已授予：%(what)s") % {"what": assignment})
        return redirect("accounts:roles")
    role = request.GET.get("role", "")
    context = {
        "form": form,
        "assignments": role_assignment_list(role=role if role in Role.values else ""),
        "role": role,
        "role_choices": Role.choices,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/roles.html", context, status=status)


@require_POST
@page(MANAGE_ROLES)
def role_delete(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """Revoke one role assignment."""
    assignment = get_object_or_404(RoleAssignment.objects.select_related("user"), pk=assignment_id)
    text = str(assignment)
    role_revoke(assignment=assignment)
    messages.success(request, _("已撤销：%(what)s") % {"what": text})
    return redirect("accounts:roles")
