"""What initiatives hold about a person, for export and account deletion.

Deletion keeps testimonies (published ones inform others) but detaches them from the person and
shows them as anonymous; reactions and follows go; ownership of initiatives goes.
"""

from __future__ import annotations

from typing import Any

from maillage.initiatives.models import Initiative, InitiativeFollow, Reaction, Testimony


def export(user: Any) -> dict[str, Any]:
    return {
        "owned_initiatives": [{"id": i.pk, "title": i.title}
                              for i in Initiative.objects.filter(owners=user)],
        "testimonies": [
            {"id": t.pk, "initiative": t.initiative_id, "body": t.body,
             "show_name": t.show_name, "has_photo": bool(t.photo), "status": t.status,
             "created_at": t.created_at.isoformat()}
            for t in Testimony.objects.filter(author=user)
        ],
        "reactions": [{"initiative": r.initiative_id, "kind": r.kind}
                      for r in Reaction.objects.filter(user=user)],
        "followed_initiatives": list(InitiativeFollow.objects.filter(user=user)
                                     .values_list("initiative_id", flat=True)),
    }


def erase(user: Any) -> None:
    Testimony.objects.filter(author=user).update(author=None, show_name=False)
    Initiative.objects.filter(created_by=user).update(created_by=None)
    for initiative in Initiative.objects.filter(owners=user):
        initiative.owners.remove(user)
    Reaction.objects.filter(user=user).delete()
    InitiativeFollow.objects.filter(user=user).delete()
