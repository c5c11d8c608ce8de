"""URLs of the pages (namespace ``web``); the dashboard is the site's home (config/urls.py)."""

from __future__ import annotations

from django.urls import path

from kaohe.web.views import data, overview, subjects

app_name = "web"
urlpatterns = [
    path("ranking/", overview.ranking, name="ranking"),
    path("units/<str:code>/", subjects.unit, name="unit"),
    path("cadres/<str:code>/", subjects.cadre, name="cadre"),
    path("annual/", overview.annual, name="annual"),
    path("actions/", overview.actions, name="actions"),
    path("training/", overview.training, name="training"),
    path("imports/", data.imports, name="imports"),
    path("imports/<int:batch_id>/", data.import_batch, name="import_batch"),
    path("compute/", data.compute, name="compute"),
    path("compute/runs/<int:run_id>/", data.run, name="run"),
    path("compute/runs/<int:run_id>/progress/", data.run_progress, name="run_progress"),
]
