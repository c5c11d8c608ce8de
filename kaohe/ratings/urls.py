"""URLs of the leaders' and political ratings (namespace ``ratings``, under /ratings/)."""

from __future__ import annotations

from django.urls import path

from kaohe.ratings import views

app_name = "ratings"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("completion/", views.completion_view, name="completion"),
    path("remind/", views.remind, name="remind"),
    path("political/<int:year>/<str:code>/", views.political_unit, name="political_unit"),
    path(
        "political/<int:year>/<str:code>/<str:subject>/",
        views.political,
        name="political",
    ),
    path("<str:period>/<str:code>/", views.sheet, name="sheet"),
]
