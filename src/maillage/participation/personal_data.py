"""What participation holds about a person, for export and account deletion.

Deletion keeps what counts for others (a support, an answer, a signalement in the commune's
figures, a proposal and its thread) but detaches it from the person.
"""

from __future__ import annotations

from typing import Any

from maillage.participation.models import (
    Answer,
    Ballot,
    Comment,
    CommitteeMember,
    ConsultationParticipation,
    Flag,
    Follow,
    MeetingRegistration,
    Notification,
    PairwiseChoice,
    PriorityOption,
    Proposal,
    Response,
    Signalement,
    Support,
)


def export(user: Any) -> dict[str, Any]:
    return {
        "signalements": [
            {"id": s.pk, "commune": s.commune_id, "category": s.category,
             "profession": s.profession, "text": s.text, "anonymous": s.anonymous,
             "created_at": s.created_at.isoformat(),
             "hidden_reason": s.hidden_reason if s.hidden_at else None}
            for s in Signalement.objects.filter(author=user)
        ],
        "proposals": [
            {"id": p.pk, "process": p.process_id, "title": p.title, "body": p.body,
             "status": p.status, "created_at": p.created_at.isoformat()}
            for p in Proposal.objects.filter(author=user)
        ],
        "comments": [
            {"id": c.pk, "proposal": c.proposal_id, "body": c.body,
             "created_at": c.created_at.isoformat()}
            for c in Comment.objects.filter(author=user)
        ],
        "supports": [
            {"proposal": s.proposal_id, "created_at": s.created_at.isoformat()}
            for s in Support.objects.filter(user=user)
        ],
        "consultations_answered": [
            {"consultation": p.consultation_id, "created_at": p.created_at.isoformat()}
            for p in ConsultationParticipation.objects.filter(user=user)
        ],
        # Answers to identified consultations only: anonymous ones are not linked to anyone.
        "identified_answers": [
            {"consultation": a.response.consultation_id, "question": a.question.text,
             "choice": a.choice.label if a.choice else None, "choices": a.choice_ids,
             "number": a.number, "text": a.text, "commune": a.commune_id}
            for a in Answer.objects.filter(response__respondent=user)
            .select_related("response", "question", "choice")
        ],
        "pairwise_choices": [
            {"vote": c.vote_id, "winner": c.winner.label, "loser": c.loser.label,
             "created_at": c.created_at.isoformat()}
            for c in PairwiseChoice.objects.filter(voter=user).select_related("winner", "loser")
        ],
        "ballots": [
            {"vote": b.vote_id, "ranking": b.ranking, "points": b.points,
             "created_at": b.created_at.isoformat()}
            for b in Ballot.objects.filter(voter=user)
        ],
        "ideas_added": list(PriorityOption.objects.filter(added_by=user)
                            .values_list("label", flat=True)),
        **_opinion_export(user),
        "follows": [
            {"process": f.process_id, "proposal": f.proposal_id, "commune": f.commune_id}
            for f in Follow.objects.filter(user=user)
        ],
        "notifications": [
            {"title": n.title, "url": n.url, "created_at": n.created_at.isoformat()}
            for n in Notification.objects.filter(user=user)
        ],
        "committees": [
            {"committee": m.committee.name, "kind": m.kind, "title": m.title}
            for m in CommitteeMember.objects.filter(user=user).select_related("committee")
        ],
        "meeting_registrations": [
            {"meeting": r.meeting.title, "starts_at": r.meeting.starts_at.isoformat()}
            for r in MeetingRegistration.objects.filter(user=user).select_related("meeting")
        ],
        "moderation_reports": [
            {"reason": f.reason, "created_at": f.created_at.isoformat()}
            for f in Flag.objects.filter(reporter=user)
        ],
    }


def erase(user: Any) -> None:
    Signalement.objects.filter(author=user).update(author=None, anonymous=True)
    Proposal.objects.filter(author=user).update(author=None)
    Comment.objects.filter(author=user).update(author=None)
    Support.objects.filter(user=user).update(user=None)
    ConsultationParticipation.objects.filter(user=user).update(user=None)
    Response.objects.filter(respondent=user).update(respondent=None)
    Flag.objects.filter(reporter=user).update(reporter=None)
    PairwiseChoice.objects.filter(voter=user).update(voter=None)
    Ballot.objects.filter(voter=user).update(voter=None)
    PriorityOption.objects.filter(added_by=user).update(added_by=None)
    _opinion_erase(user)
    # Follows, notifications, memberships and registrations go with the account (CASCADE).


def _opinion_export(user: Any) -> dict[str, Any]:
    from maillage.participation.models import Statement, StatementVote

    return {
        "opinion_statements": [
            {"conversation": s.conversation_id, "text": s.text, "status": s.status,
             "created_at": s.created_at.isoformat()}
            for s in Statement.objects.filter(author=user)
        ],
        "opinion_votes": [
            {"conversation": v.conversation_id, "statement": v.statement.text, "vote": v.value,
             "updated_at": v.updated_at.isoformat()}
            for v in StatementVote.objects.filter(user=user).select_related("statement")
        ],
    }


def _opinion_erase(user: Any) -> None:
    """Statements stay, without their author; votes stay, under a pseudonym no longer linked to
    the account (they still count in the map)."""
    import secrets

    from maillage.participation.models import Statement, StatementVote, StatementVoteEvent

    Statement.objects.filter(author=user).update(author=None)
    old = f"u{user.pk}"
    new = f"x{secrets.token_hex(8)}"
    StatementVote.objects.filter(participant=old).update(participant=new, user=None)
    StatementVoteEvent.objects.filter(participant=old).update(participant=new)
