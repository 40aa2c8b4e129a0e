"""The participation app's models, one module per component."""

from maillage.participation.models.actions import Action, ActionStatus, ActionUpdate
from maillage.participation.models.committees import (
    Committee,
    CommitteeMember,
    Meeting,
    MeetingRegistration,
    MemberKind,
)
from maillage.participation.models.common import Flag, Moderated, ModerationEvent
from maillage.participation.models.consultations import (
    CHOICE_KINDS,
    Answer,
    Choice,
    Consultation,
    ConsultationParticipation,
    Question,
    QuestionKind,
    Response,
)
from maillage.participation.models.notifications import (
    EmailFrequency,
    Follow,
    Notification,
    NotificationSettings,
)
from maillage.participation.models.opinion import (
    Conversation,
    OpinionMapSnapshot,
    Statement,
    StatementStatus,
    StatementVote,
    StatementVoteEvent,
    VoteValue,
)
from maillage.participation.models.priorities import (
    Ballot,
    PairwiseChoice,
    PriorityOption,
    PriorityVote,
)
from maillage.participation.models.processes import (
    PHASE_FEATURES,
    Feature,
    Phase,
    PhaseType,
    Process,
)
from maillage.participation.models.proposals import Comment, Proposal, ProposalStatus, Support
from maillage.participation.models.signalements import Signalement, SignalementCategory

__all__ = [
    "CHOICE_KINDS", "PHASE_FEATURES", "Action", "ActionStatus", "ActionUpdate", "Answer", "Ballot",
    "Choice", "Comment", "Committee", "CommitteeMember", "Consultation",
    "ConsultationParticipation", "Conversation", "EmailFrequency", "Feature", "Flag", "Follow",
    "Meeting", "MeetingRegistration", "MemberKind", "Moderated", "ModerationEvent", "Notification",
    "NotificationSettings", "OpinionMapSnapshot", "PairwiseChoice", "Phase", "PhaseType",
    "PriorityOption", "PriorityVote", "Process", "Proposal", "ProposalStatus", "Question",
    "QuestionKind", "Response", "Signalement", "SignalementCategory", "Statement",
    "StatementStatus", "StatementVote", "StatementVoteEvent", "Support", "VoteValue"
]
