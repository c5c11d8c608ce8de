"""URLs of the follow-up pages (namespace ``followup``, under /followup/)."""

from __future__ import annotations

from django.urls import path

from kaohe.followup.views import actions, close, pay, publication, training

app_name = "followup"
urlpatterns = [
    path("close/", close.close, name="close"),
    path("close/<int:year>/overrides/", close.override_set, name="override_set"),
    path(
        "overrides/<int:override_id>/withdraw/",
        close.override_withdraw,
        name="override_withdraw",
    ),
    path("publication/", publication.publication, name="publication"),
    path("publication/<int:year>/publish/", publication.publish, name="publish"),
    path("publication/<int:year>/finalise/", publication.finalise, name="finalise"),
    path(
        "objections/<int:objection_id>/answer/",
        publication.objection_answer,
        name="objection_answer",
    ),
    path("reviews/", close.reviews, name="reviews"),
    path("reviews/<int:request_id>/answer/", close.request_answer, name="request_answer"),
    path("actions/", actions.actions, name="actions"),
    path("actions/create/", actions.actions_create, name="actions_create"),
    path("actions/<int:action_id>/", actions.action, name="action"),
    path("records/<int:record_id>/attachment/", actions.attachment, name="attachment"),
    path("pay/", pay.pay, name="pay"),
    path("pay/pools/", pay.pool_save, name="pool_save"),
    path("pay/export.csv", pay.export_csv, name="pay_csv"),
    path("pay/export.xlsx", pay.export_xlsx, name="pay_xlsx"),
    path("training/", training.training, name="training"),
    path("training/create/", training.training_create, name="training_create"),
    path("training/<int:course_id>/", training.course, name="course"),
    path("training/people/<int:enrolment_id>/complete/", training.complete, name="complete"),
]
