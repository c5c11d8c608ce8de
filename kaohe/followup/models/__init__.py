"""The follow-up models: the year's close, overrides, reviews, actions, training."""

from __future__ import annotations

from kaohe.followup.models.actions import FollowUpAction, FollowUpRecord
from kaohe.followup.models.close import AnnualClose, GradeOverride, ReviewRequest
from kaohe.followup.models.publication import AnnualObjection, AnnualPublication
from kaohe.followup.models.training import TrainingCourse, TrainingEnrolment

__all__ = [
    "AnnualClose",
    "AnnualObjection",
    "AnnualPublication",
    "FollowUpAction",
    "FollowUpRecord",
    "GradeOverride",
    "ReviewRequest",
    "TrainingCourse",
    "TrainingEnrolment",
]
