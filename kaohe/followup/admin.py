from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from kaohe.followup.models import (
    AnnualClose,
    AnnualObjection,
    AnnualPublication,
    FollowUpAction,
    FollowUpRecord,
    GradeOverride,
    ReviewRequest,
    TrainingCourse,
    TrainingEnrolment,
)


@admin.register(AnnualClose)
class AnnualCloseAdmin(SimpleHistoryAdmin):
    list_display = ("year", "run", "notified_on", "closed_by", "updated")


@admin.register(GradeOverride)
class GradeOverrideAdmin(SimpleHistoryAdmin):
    """Read-only here: overrides are made on the close page, which keeps the quota."""

    list_display = ("close", "subject_type", "subject_code", "grade", "decided_by", "updated")
    readonly_fields = ("close", "subject_type", "subject_code", "grade", "reason", "decided_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Read-only here: the publication page's services keep the window and the final year."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AnnualPublication)
class AnnualPublicationAdmin(ReadOnlyHistoryAdmin):
    list_display = ("close", "published_on", "objections_until", "final_on")


@admin.register(AnnualObjection)
class AnnualObjectionAdmin(ReadOnlyHistoryAdmin):
    list_display = ("subject_type", "subject_code", "filed_on", "answered_on", "outcome")
    list_filter = ("outcome",)


@admin.register(ReviewRequest)
class ReviewRequestAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "subject_code", "filed_on", "due_on", "answered_on", "outcome")
    list_filter = ("kind", "outcome")


@admin.register(FollowUpAction)
class FollowUpActionAdmin(SimpleHistoryAdmin):
    list_display = ("period", "subject_type", "subject_code", "action", "owner", "due_on", "state")
    list_filter = ("year", "step", "state")


admin.site.register(FollowUpRecord, SimpleHistoryAdmin)
admin.site.register(TrainingCourse, SimpleHistoryAdmin)
admin.site.register(TrainingEnrolment, SimpleHistoryAdmin)
