"""URLs: the pages (kaohe.web; the dashboard is home), login/logout, language, templates, admin."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kaohe.evaluations.urls import public_urlpatterns as evaluation_public_urls
from kaohe.web.views import overview

admin.site.site_header = "Kaohe 全员绩效考核"
admin.site.site_title = "Kaohe"
admin.site.index_title = "管理"

urlpatterns = [
    path("", overview.dashboard, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("collection/", include("kaohe.collection.urls")),
    path("accounts/", include("kaohe.accounts.urls")),
    path("", include("kaohe.web.urls")),
    path("followup/", include("kaohe.followup.urls")),
    path("api/v1/", include("kaohe.api.urls")),
    path("reports/", include("kaohe.reports.urls")),
    path("analytics/", include("kaohe.analytics.urls")),
    path("evaluations/", include("kaohe.evaluations.urls")),
    path("ratings/", include("kaohe.ratings.urls")),
    *evaluation_public_urls,
    path("cycle/", include("kaohe.cycle.urls")),
    path("audit/", include("kaohe.audit.urls")),
    path("tasks/", include("kaohe.tasks.urls")),
    path("diary/", include("kaohe.diary.urls")),
    path("political/", include("kaohe.political.urls")),
    path("admin/", admin.site.urls),
]
