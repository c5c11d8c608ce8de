"""URLs of the political-quality pages (namespace ``political``, under /political/)."""

from __future__ import annotations

from django.urls import path

from kaohe.political import views

app_name = "political"
urlpatterns = [
    path("cadres/<str:code>/", views.cadre_ledger, name="cadre"),
    path("cadres/<str:code>/record/", views.cadre_record, name="cadre_record"),
    path("cadres/<str:code>/ledger.csv", views.cadre_csv, name="cadre_csv"),
    path("teams/<str:code>/", views.team_ledger, name="team"),
    path("teams/<str:code>/record/", views.team_record, name="team_record"),
    path("teams/<str:code>/ledger.csv", views.team_csv, name="team_csv"),
    path("files/<int:evidence_id>/", views.attachment, name="attachment"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<str:code>/", views.review, name="review"),
    path("reviews/<str:code>/record/", views.review_record, name="review_record"),
]
