from __future__ import annotations

from django.urls import path

from kaohe.collection import views

app_name = "collection"
urlpatterns = [
    path("template.xlsx", views.template, name="template"),
    path("template/<slug:table>.xlsx", views.template, name="template_table"),
]
