"""Writes of participation: one function per use case, taking the acting user, checking the right
on the object, in one transaction. Bad input raises ValidationError keyed by field name; a missing
right raises PermissionDenied.
"""

from maillage.participation.services.actions import action_create, action_update_add
from maillage.participation.services.authors import comment_update, signalement_update
from maillage.participation.services.committees import (
    committee_create,
    committee_member_add,
    meeting_create,
    meeting_minutes_record,
    meeting_register,
)
from maillage.participation.services.core import (
    PhaseSpec,
    QuestionSpec,
    comment_create,
    consultation_answer,
    consultation_create,
    content_flag,
    content_flags_dismiss,
    content_hide,
    content_restore,
    phase_add,
    phase_update,
    process_create,
    process_update,
    proposal_answer,
    proposal_create,
    proposal_support,
    proposal_unsupport,
    proposal_update,
    question_field,
    signalement_create,
)
from maillage.participation.services.notifications import (
    digest_send,
    follow,
    is_following,
    notification_settings_update,
    notifications_mark_read,
    phases_started_announce,
    unfollow,
)
from maillage.participation.services.priorities import (
    ballot_cast,
    pairwise_choose,
    priority_option_add,
    priority_vote_create,
)

__all__ = [
    "PhaseSpec",
    "QuestionSpec",
    "action_create",
    "action_update_add",
    "ballot_cast",
    "comment_create",
    "comment_update",
    "committee_create",
    "committee_member_add",
    "consultation_answer",
    "consultation_create",
    "content_flag",
    "content_flags_dismiss",
    "content_hide",
    "content_restore",
    "digest_send",
    "follow",
    "is_following",
    "meeting_create",
    "meeting_minutes_record",
    "meeting_register",
    "notification_settings_update",
    "notifications_mark_read",
    "pairwise_choose",
    "phase_add",
    "phase_update",
    "phases_started_announce",
    "priority_option_add",
    "priority_vote_create",
    "process_create",
    "process_update",
    "proposal_answer",
    "proposal_create",
    "proposal_support",
    "proposal_unsupport",
    "proposal_update",
    "question_field",
    "signalement_create",
    "signalement_update",
    "unfollow",
]
