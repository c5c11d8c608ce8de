from __future__ import annotations

from django.urls import path

from kaohe.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("<str:model>/<str:object_id>/", views.history, name="history"),
]
