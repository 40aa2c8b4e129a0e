"""Participatory committees and their meetings (registration, minutes, decisions)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.participation.models import (
    Committee,
    CommitteeMember,
    Meeting,
    MeetingRegistration,
    MemberKind,
    Process,
)
from maillage.participation.services.common import _deny, _text


@transaction.atomic
def committee_create(*, actor: User, process: Process, name: str, description: str = "",
                     is_demo: bool = False) -> Committee:
    if not actor.has_perm("participation.change_process", process):
        raise _deny(_("Vous n'organisez pas cette concertation."))
    return Committee.objects.create(process=process, name=_text(name, "name", limit=200,
                                                                required=True),
                                    description=description.strip(), is_demo=is_demo)


def committee_member_add(*, actor: User, committee: Committee, user: User, kind: str,
                         title: str = "") -> CommitteeMember:
    if not actor.has_perm("participation.change_process", committee.process):
        raise _deny(_("Vous n'organisez pas cette concertation."))
    if kind not in MemberKind.values:
        raise ValidationError({"kind": _("Collège inconnu : %(k)s") % {"k": kind}},
                              code="invalid")
    try:
        with transaction.atomic():
            return CommitteeMember.objects.create(committee=committee, user=user, kind=kind,
                                                  title=_text(title, "title", limit=200))
    except IntegrityError as exc:
        raise ValidationError({"user": _("Cette personne est déjà membre.")},
                              code="duplicate") from exc


@transaction.atomic
def meeting_create(*, actor: User, committee: Committee, title: str, agenda: str,
                   starts_at: datetime, ends_at: datetime, place: str = "",
                   online_url: str = "", capacity: int | None = None,
                   is_demo: bool = False) -> Meeting:
    if not actor.has_perm("participation.change_process", committee.process):
        raise _deny(_("Vous n'organisez pas cette concertation."))
    errors = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("La fin doit suivre le début.")
    if not place.strip() and not online_url.strip():
        errors["place"] = _("Indiquez un lieu ou un lien de visioconférence.")
    if online_url and not online_url.startswith("https://"):
        errors["online_url"] = _("Le lien doit commencer par https://")
    if errors:
        raise ValidationError(errors, code="invalid")
    return Meeting.objects.create(
        committee=committee, title=_text(title, "title", limit=200, required=True),
        agenda=_text(agenda, "agenda", limit=10000, required=True), starts_at=starts_at,
        ends_at=ends_at, place=place.strip(), online_url=online_url.strip(), capacity=capacity,
        is_demo=is_demo)


def meeting_register(*, actor: User, meeting: Meeting) -> MeetingRegistration:
    """Register for a meeting (verified people; within capacity; once)."""
    if not actor.has_perm("participation.register_meeting", meeting):
        raise _deny(_("Inscription impossible : réunion passée, ou adresse e-mail non "
                      "confirmée."))
    try:
        with transaction.atomic():
            # Lock the meeting so that two last-seat registrations cannot both pass.
            Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
            taken = meeting.registrations.count()
            if meeting.capacity is not None and taken >= meeting.capacity:
                raise ValidationError({"meeting": _("La réunion est complète.")}, code="full")
            return MeetingRegistration.objects.create(meeting=meeting, user=actor)
    except IntegrityError as exc:
        raise ValidationError({"meeting": _("Vous êtes déjà inscrit·e.")},
                              code="duplicate") from exc


@transaction.atomic
def meeting_minutes_record(*, actor: User, meeting: Meeting, minutes: str, decisions: str
                           ) -> Meeting:
    if not actor.has_perm("participation.change_process", meeting.committee.process):
        raise _deny(_("Vous n'organisez pas cette concertation."))
    meeting.minutes = _text(minutes, "minutes", limit=50000, required=True)
    meeting.decisions = _text(decisions, "decisions", limit=20000)
    meeting.save(update_fields=["minutes", "decisions"])
    return meeting
