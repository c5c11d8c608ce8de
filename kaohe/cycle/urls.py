"""URLs of the cycle (namespace ``cycle``), under /cycle/ (config/urls.py)."""

from __future__ import annotations

from django.urls import path

from kaohe.cycle.views import adjustments, notifications, periods

app_name = "cycle"
urlpatterns = [
    path("", periods.months, name="months"),
    path("<int:year>/<int:month>/", periods.period, name="period"),
    path("<int:year>/<int:month>/open/", periods.open_month, name="open"),
    path("<int:year>/<int:month>/advance/", periods.advance, name="advance"),
    path("<int:year>/<int:month>/deadlines/", periods.deadlines, name="deadlines"),
    path("<int:year>/<int:month>/submit/", periods.submit, name="submit"),
    path("<int:year>/<int:month>/objections/", periods.object_to, name="object"),
    path("objections/<int:objection_id>/answer/", periods.answer, name="answer"),
    path("<int:year>/<int:month>/adjustments/new/", adjustments.request_new, name="adjust"),
    path("adjustments/<int:adjustment_id>/", adjustments.detail, name="adjustment"),
    path("adjustments/<int:adjustment_id>/decide/", adjustments.decide, name="decide"),
    path(
        "adjustments/<int:adjustment_id>/evidence/<int:evidence_id>/",
        adjustments.evidence_file,
        name="evidence",
    ),
    path("notifications/", notifications.notifications, name="notifications"),
    path("notifications/read/", notifications.read, name="read"),
]
