"""URLs of accounts (namespace ``accounts``): the role management page."""

from __future__ import annotations

from django.urls import path

from kaohe.accounts import views

app_name = "accounts"
urlpatterns = [
    path("roles/", views.roles, name="roles"),
    path("roles/<int:assignment_id>/delete/", views.role_delete, name="role_delete"),
]
