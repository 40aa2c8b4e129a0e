"""What the care cooperation holds about a person, for export and account deletion.

A patient's record belongs to their care (professionals must keep it): deleting the account
detaches the record from the account, it does not erase the record.
"""

from __future__ import annotations

from typing import Any

from maillage.coordination.models import Patient
from maillage.coordination.selectors import access_log_of


def export(user: Any) -> dict[str, Any]:
    patient = Patient.objects.filter(user=user).first()
    if patient is None:
        return {}
    return {
        "patient": {"family_name": patient.family_name, "given_name": patient.given_name,
                    "birth_date": patient.birth_date.isoformat() if patient.birth_date else None},
        "pathways": [
            {"key": str(p.key), "template": str(p.template or ""), "status": p.status,
             "tasks": [{"title": t.title, "due_from": t.due_from.isoformat(),
                        "due_by": t.due_by.isoformat(), "status": t.status}
                       for t in p.tasks.all()],
             "consents": [{"status": c.status, "method": c.method,
                           "recorded_at": c.recorded_at.isoformat()} for c in p.consents.all()]}
            for p in patient.pathways.all()
        ],
        "access_log": [{"at": e.at.isoformat(), "who": e.actor_label, "action": e.action,
                        "what": e.what, "outcome": e.outcome}
                       for e in access_log_of(actor=user)],
    }


def erase(user: Any) -> None:
    Patient.objects.filter(user=user).update(user=None)
