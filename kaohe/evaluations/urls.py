"""URLs of the office's evaluation pages (namespace ``evaluations``); the public pages (vote,
survey) are named at the site's root in config/urls.py through :data:`public_urlpatterns`."""

from __future__ import annotations

from django.urls import path

from kaohe.evaluations import public, views

app_name = "evaluations"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/open/", views.round_open_view, name="round_open"),
    path("rounds/<int:round_id>/close/", views.round_close_view, name="round_close"),
    path("rounds/<int:round_id>/tokens/", views.round_tokens, name="round_tokens"),
    path("surveys/new/", views.survey_new, name="survey_new"),
    path("surveys/<int:survey_id>/", views.survey_detail, name="survey"),
]

public_urlpatterns = [
    path("vote/", public.vote, name="vote"),
    path("s/<slug:code>/", public.survey, name="survey"),
]
