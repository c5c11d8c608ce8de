"""URLs of downloads and exports (namespace ``reports``)."""

from __future__ import annotations

from django.urls import path

from kaohe.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.exports, name="exports"),
    path("ranking.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
    path("annual.xlsx", views.annual_xlsx, name="annual_xlsx"),
    path("units/<str:code>/scores.xlsx", views.unit_scores_xlsx, name="unit_scores_xlsx"),
    path("units/<str:code>/card.pdf", views.unit_pdf, name="unit_pdf"),
    path("cadres/<str:code>/card.pdf", views.cadre_pdf, name="cadre_pdf"),
    path("jobs/<int:job_id>/", views.job_progress, name="job"),
    path("jobs/<int:job_id>/file/", views.job_file, name="job_file"),
]
