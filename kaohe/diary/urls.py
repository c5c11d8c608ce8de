"""URLs of the diary (namespace ``diary``): the cadre's pages, the team view, import, calendar."""

from __future__ import annotations

from django.urls import path

from kaohe.diary import views

app_name = "diary"
urlpatterns = [
    path("", views.today, name="today"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("leave/", views.leave, name="leave"),
    path("goals/", views.goals_new, name="goals_add"),
    path("goals/<int:goal_id>/check/", views.goal_done, name="goal_check"),
    path("goals/copy/", views.goals_copy, name="goals_copy"),
    path("team/", views.team, name="team"),
    path("team/<str:code>/day/", views.day_set, name="day_set"),
    path("team/<str:code>/week/", views.week_decide, name="week_review"),
    path("import/", views.import_attendance, name="import"),
    path("calendar/", views.calendar, name="calendar"),
]
