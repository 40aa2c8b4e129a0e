"""What mobilization holds about a person, for export and account deletion.

Deletion keeps what counts for others (a signature in a petition's count, a petition, a message
in a thread) but detaches it from the person and removes the name copied on signatures.
"""

from __future__ import annotations

from typing import Any

from maillage.mobilization.models import (
    CampaignDelivery,
    CampaignOptOut,
    EventRegistration,
    ForumThread,
    Petition,
    Post,
    Reaction,
    Signature,
    ThreadFollow,
)


def export(user: Any) -> dict[str, Any]:
    return {
        "petitions": [
            {"id": p.pk, "title": p.title, "body": p.body, "status": p.status,
             "created_at": p.created_at.isoformat()}
            for p in Petition.objects.filter(author=user)
        ],
        "signatures": [
            {"petition": s.petition_id, "name": s.name, "commune": s.commune_id,
             "show_publicly": s.show_publicly, "created_at": s.created_at.isoformat()}
            for s in Signature.objects.filter(user=user)
        ],
        "threads": [
            {"id": t.pk, "title": t.title, "body": t.body, "created_at": t.created_at.isoformat()}
            for t in ForumThread.objects.filter(author=user)
        ],
        "posts": [
            {"id": p.pk, "thread": p.thread_id, "body": p.body, "side": p.side,
             "created_at": p.created_at.isoformat()}
            for p in Post.objects.filter(author=user)
        ],
        "reactions": [{"post": r.post_id, "kind": r.kind}
                      for r in Reaction.objects.filter(user=user)],
        "followed_threads": list(ThreadFollow.objects.filter(user=user)
                                 .values_list("thread_id", flat=True)),
        "event_registrations": [
            {"event": r.event_id, "created_at": r.created_at.isoformat()}
            for r in EventRegistration.objects.filter(user=user)
        ],
        "campaign_messages_received": [
            {"message": d.message_id, "subject": d.message.subject,
             "sent_at": d.sent_at.isoformat() if d.sent_at else None}
            for d in CampaignDelivery.objects.filter(user=user).select_related("message")
        ],
        "campaign_messages_refused": CampaignOptOut.objects.filter(user=user).exists(),
    }


def erase(user: Any) -> None:
    Signature.objects.filter(user=user).update(user=None, name="", show_publicly=False)
    Petition.objects.filter(author=user).update(author=None)
    ForumThread.objects.filter(author=user).update(author=None)
    Post.objects.filter(author=user).update(author=None)
    EventRegistration.objects.filter(user=user).update(user=None)
    CampaignDelivery.objects.filter(user=user).update(user=None)
    Reaction.objects.filter(user=user).delete()
    ThreadFollow.objects.filter(user=user).delete()
