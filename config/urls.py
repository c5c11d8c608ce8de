"""URLs: login/logout (Django's auth views, our templates), the admin, the home page."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kaohe.results import views as results_views

admin.site.site_header = "Kaohe 全员绩效考核"
admin.site.site_title = "Kaohe"
admin.site.index_title = "管理"

urlpatterns = [
    path("", results_views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("collection/", include("kaohe.collection.urls")),
    path("admin/", admin.site.urls),
]
