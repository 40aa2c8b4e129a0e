"""The access log: every read and write of a patient's data, which the patient can read.

Entries name the kind of data touched ("plan de soins", "messages"), never its content; they go
to the database only, never to the application logs.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from maillage.coordination.models import AccessLogEntry, Pathway, Patient

Action = AccessLogEntry.Action


def actor_label(actor: Any, pathway: Pathway | None) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return _("import ou traitement automatique")
    if pathway is not None:
        if pathway.patient.user_id == actor.pk:
            return _("vous-même")
        member = pathway.team.filter(user=actor).select_related("organisation").first()
        if member is not None:
            where = f", {member.organisation}" if member.organisation else ""
            return f"{actor} ({member.get_profession_display()}{where})"
        if pathway.coordinator_id == actor.pk:
            return _("%(who)s (coordination du parcours)") % {"who": actor}
    return str(actor)


def access_record(*, actor: Any, pathway: Pathway | None = None, patient: Patient | None = None,
                  action: str, what: str, reason: str = "", allowed: bool = True
                  ) -> AccessLogEntry:
    patient = patient or pathway.patient
    return AccessLogEntry.objects.create(
        patient=patient, pathway=pathway,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label(actor, pathway)[:200], action=action, what=what[:100],
        reason=reason[:200],
        outcome=AccessLogEntry.Outcome.ALLOWED if allowed else AccessLogEntry.Outcome.DENIED,
    )


def access_record_many(*, actor: Any, pathways: list[Pathway], action: str, what: str,
                       reason: str = "") -> None:
    """One allowed entry per pathway shown in a list, written at once (same labels as
    `access_record`)."""
    from maillage.coordination.models import CareTeamMember

    if not pathways:
        return
    authenticated = getattr(actor, "is_authenticated", False)
    members = {m.pathway_id: m for m in CareTeamMember.objects.filter(
        user=actor, pathway__in=pathways).select_related("organisation")} if authenticated else {}
    entries = []
    for pathway in pathways:
        member = members.get(pathway.pk)
        if not authenticated:
            label = _("import ou traitement automatique")
        elif pathway.patient.user_id == actor.pk:
            label = _("vous-même")
        elif member is not None:
            where = f", {member.organisation}" if member.organisation else ""
            label = f"{actor} ({member.get_profession_display()}{where})"
        elif pathway.coordinator_id == actor.pk:
            label = _("%(who)s (coordination du parcours)") % {"who": actor}
        else:
            label = str(actor)
        entries.append(AccessLogEntry(
            patient_id=pathway.patient_id, pathway=pathway,
            actor=actor if authenticated else None, actor_label=label[:200], action=action,
            what=what[:100], reason=reason[:200], outcome=AccessLogEntry.Outcome.ALLOWED))
    AccessLogEntry.objects.bulk_create(entries)
