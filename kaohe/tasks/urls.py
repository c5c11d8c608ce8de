"""URLs of the tasks pages (namespace ``tasks``, under /tasks/)."""

from __future__ import annotations

from django.urls import path

from kaohe.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/<str:code>/", views.unit, name="unit"),
    path("units/<str:code>/tasks/", views.task_save, name="task_save"),
    path("units/<str:code>/tasks/delete/", views.task_delete, name="task_delete"),
    path("units/<str:code>/milestones/", views.milestone_save, name="milestone_save"),
    path("units/<str:code>/post-tasks/", views.post_task_save, name="post_task_save"),
    path("units/<str:code>/post-tasks/copy/", views.post_tasks_copy, name="post_tasks_copy"),
    path("units/<str:code>/results/", views.results, name="results"),
    path("check/", views.check, name="check"),
    path("check.csv", views.check_csv, name="check_csv"),
    path("report/", views.report, name="report"),
    path("files/<int:file_id>/", views.report_file, name="report_file"),
    path("ratings/", views.ratings, name="ratings"),
    path("reports/<int:report_id>/rate/", views.rate, name="rate"),
]
