"""URLs of the analytics pages (namespace ``analytics``)."""

from __future__ import annotations

from django.urls import path

from kaohe.analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("units/", views.units, name="units"),
    path("whatif/", views.whatif, name="whatif"),
    path("whatif/<int:job_id>/", views.whatif_result, name="whatif_result"),
]
