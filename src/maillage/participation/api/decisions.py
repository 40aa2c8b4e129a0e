"""Priority votes, actions, committees and meetings, following and notifications."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from maillage.participation import selectors, services
from maillage.participation.api.common import ErrorOut, field_errors, router
from maillage.participation.api.processes import _phase_out, _process, _proposal
from maillage.participation.models import (
    Action,
    Committee,
    Meeting,
    PriorityVote,
)
from maillage.participation.phases import phase_state
from maillage.participation.priority_results import (
    next_pair,
    priority_record,
    priority_results,
)

# Priority votes -------------------------------------------------------------------------------

class PriorityVoteIn(Schema):
    phase: int
    kind: str
    title: str
    options: list[str]
    description: str = ""
    budget: int | None = None
    allow_new_options: bool = True


class PairwiseIn(Schema):
    winner: int
    loser: int


class BallotIn(Schema):
    ranking: list[int] | None = None
    points: dict[str, int] | None = None


class OptionIn(Schema):
    label: str


def _priority(request: HttpRequest, pk: int) -> PriorityVote:
    vote = PriorityVote.objects.select_related("phase").filter(pk=pk).first()
    process = _process(request, vote.process_id) if vote else None
    if vote is None or process is None:
        raise HttpError(404, "Vote inconnu.")
    vote.process = process
    return vote


def _priority_out(request: HttpRequest, vote: PriorityVote) -> dict[str, Any]:
    pair = None
    if vote.kind == PriorityVote.Kind.PAIRWISE:
        found = next_pair(vote, request.user)
        pair = [{"id": o.pk, "label": o.label} for o in found] if found else None
    return {
        "id": vote.pk, "process": vote.process_id, "kind": vote.kind, "title": vote.title,
        "description": vote.description, "budget": vote.budget,
        "allow_new_options": vote.allow_new_options,
        "phase": _phase_out(vote.phase, phase_state(vote.process).status_of(vote.phase)),
        "can_vote": request.user.has_perm("participation.vote_priority", vote),
        "options": [{"id": o.pk, "label": o.label}
                    for o in vote.options.filter(hidden_at__isnull=True)],
        "next_pair": pair,
    }


@router.post("/processes/{pk}/priorities", response={201: dict, 400: ErrorOut},
             auth=django_auth, summary="Créer un vote de priorités (organisateurs)")
@field_errors
def create_priority(request: HttpRequest, pk: int, payload: PriorityVoteIn):
    process = _process(request, pk)
    phase = process.phases.filter(pk=payload.phase).first()
    if phase is None:
        raise ValidationError({"phase": "Cette phase n'appartient pas à la concertation."})
    vote = services.priority_vote_create(
        actor=request.user, process=process, phase=phase, title=payload.title,
        kind=payload.kind, options=payload.options, description=payload.description,
        budget=payload.budget, allow_new_options=payload.allow_new_options)
    return Status(201, _priority_out(request, _priority(request, vote.pk)))


@router.get("/processes/{pk}/priorities", summary="Votes de priorités d'une concertation")
def list_priorities(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    process = _process(request, pk)
    state = phase_state(process)
    return [{"id": v.pk, "kind": v.kind, "title": v.title, "is_demo": v.is_demo,
             "phase": _phase_out(v.phase, state.status_of(v.phase)),
             "open": state.active is not None and state.active.pk == v.phase_id}
            for v in process.priority_votes.select_related("phase").order_by("pk")]


@router.get("/priorities/{pk}", summary="Un vote de priorités (et la paire suivante à comparer)")
def get_priority(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _priority_out(request, _priority(request, pk))


@router.post("/priorities/{pk}/choices", response={201: dict, 400: ErrorOut},
             auth=django_auth, summary="Choisir la plus importante de deux options")
@field_errors
def choose(request: HttpRequest, pk: int, payload: PairwiseIn):
    vote = _priority(request, pk)
    services.pairwise_choose(actor=request.user, vote=vote, winner=payload.winner,
                             loser=payload.loser)
    return Status(201, _priority_out(request, vote))


@router.post("/priorities/{pk}/options", response={201: dict, 400: ErrorOut},
             auth=django_auth, summary="Ajouter sa propre idée (vote deux à deux)")
@field_errors
def add_option(request: HttpRequest, pk: int, payload: OptionIn):
    option = services.priority_option_add(actor=request.user, vote=_priority(request, pk),
                                          label=payload.label)
    return Status(201, {"id": option.pk, "label": option.label})


@router.post("/priorities/{pk}/ballots", response={201: dict, 400: ErrorOut},
             auth=django_auth, summary="Voter : classement ou répartition de points")
@field_errors
def cast(request: HttpRequest, pk: int, payload: BallotIn):
    ballot = services.ballot_cast(actor=request.user, vote=_priority(request, pk),
                                  ranking=payload.ranking, points=payload.points)
    return Status(201, {"id": ballot.pk})


@router.get("/priorities/{pk}/results",
            summary="Résultats, recalculés à partir des comparaisons et bulletins enregistrés")
def priority_results_api(request: HttpRequest, pk: int) -> dict[str, Any]:
    result = priority_results(_priority(request, pk))
    return {"participants": result.participants,
            "winner": result.winner.pk if result.winner else None, "rounds": result.rounds,
            "options": [{"id": r.option.pk, "label": r.option.label, "value": r.value,
                         "low": r.low, "high": r.high, "comparisons": r.comparisons,
                         "eliminated_in_round": r.eliminated_in_round} for r in result.rows]}


@router.get("/priorities/{pk}/record",
            summary="Comparaisons ou bulletins enregistrés, sans votant, pour recompter")
def priority_record_api(request: HttpRequest, pk: int) -> dict[str, Any]:
    return priority_record(_priority(request, pk))


# Actions --------------------------------------------------------------------------------------

class ActionIn(Schema):
    title: str
    responsible_body: str
    description: str = ""
    proposals: list[int] = []
    consultations: list[int] = []
    communes: list[str] = []
    starts_on: date | None = None
    ends_on: date | None = None


class ActionUpdateIn(Schema):
    text: str
    status: str
    progress: int


def _action_out(action: Action) -> dict[str, Any]:
    return {"id": action.pk, "process": action.process_id, "title": action.title,
            "description": action.description, "responsible_body": action.responsible_body,
            "status": action.status, "progress": action.progress,
            "starts_on": action.starts_on, "ends_on": action.ends_on,
            "proposals": list(action.proposals.values_list("pk", flat=True)),
            "consultations": list(action.consultations.values_list("pk", flat=True)),
            "communes": list(action.communes.values_list("code", flat=True)),
            "updates": [{"text": u.text, "status": u.status, "progress": u.progress,
                         "created_at": u.created_at} for u in action.updates.all()]}


def _action(request: HttpRequest, pk: int) -> Action:
    action = Action.objects.filter(pk=pk).first()
    process = _process(request, action.process_id) if action else None
    if action is None or process is None:
        raise HttpError(404, "Action inconnue.")
    action.process = process
    return action


@router.get("/processes/{pk}/actions", summary="Actions décidées et leur avancement")
def list_actions(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    return [_action_out(a) for a in _process(request, pk).actions.all()]


@router.post("/processes/{pk}/actions", response={201: dict, 400: ErrorOut}, auth=django_auth,
             summary="Créer une action (organisateurs)")
@field_errors
def create_action(request: HttpRequest, pk: int, payload: ActionIn):
    action = services.action_create(
        actor=request.user, process=_process(request, pk), title=payload.title,
        responsible_body=payload.responsible_body, description=payload.description,
        proposal_ids=payload.proposals, consultation_ids=payload.consultations,
        commune_codes=payload.communes, starts_on=payload.starts_on, ends_on=payload.ends_on)
    return Status(201, _action_out(action))


@router.get("/actions/{pk}", summary="Une action et ses nouvelles")
def get_action(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _action_out(_action(request, pk))


@router.post("/actions/{pk}/updates", response={201: dict, 400: ErrorOut}, auth=django_auth,
             summary="Publier l'avancement d'une action (prévient ceux qui la suivent)")
@field_errors
def add_action_update(request: HttpRequest, pk: int, payload: ActionUpdateIn):
    action = _action(request, pk)
    services.action_update_add(actor=request.user, action=action, text=payload.text,
                               status=payload.status, progress=payload.progress)
    return Status(201, _action_out(action))


# Committees and meetings ----------------------------------------------------------------------

@router.get("/processes/{pk}/committees", summary="Comités participatifs et réunions")
def list_committees(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    process = _process(request, pk)
    return [{"id": c.pk, "name": c.name, "description": c.description,
             "members": [{"name": selectors.public_name(m.user), "kind": m.kind,
                          "title": m.title} for m in c.members.select_related("user")],
             "meetings": [{"id": m.pk, "title": m.title, "agenda": m.agenda,
                           "starts_at": m.starts_at, "ends_at": m.ends_at, "place": m.place,
                           "online_url": m.online_url, "capacity": m.capacity,
                           "registered": m.registrations.count(), "minutes": m.minutes,
                           "decisions": m.decisions} for m in c.meetings.all()]}
            for c in process.committees.all()]


class CommitteeIn(Schema):
    name: str
    description: str = ""


class MemberIn(Schema):
    email: str
    kind: str
    title: str = ""


class MeetingIn(Schema):
    title: str
    agenda: str
    starts_at: datetime
    ends_at: datetime
    place: str = ""
    online_url: str = ""
    capacity: int | None = None


class MinutesIn(Schema):
    minutes: str
    decisions: str = ""


def _committee(request: HttpRequest, pk: int) -> Committee:
    committee = Committee.objects.filter(pk=pk).first()
    process = _process(request, committee.process_id) if committee else None
    if committee is None or process is None:
        raise HttpError(404, "Comité inconnu.")
    committee.process = process
    return committee


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = Meeting.objects.filter(pk=pk).first()
    if meeting is None:
        raise HttpError(404, "Réunion inconnue.")
    meeting.committee = _committee(request, meeting.committee_id)
    return meeting


@router.post("/processes/{pk}/committees", response={201: dict, 400: ErrorOut},
             auth=django_auth, summary="Créer un comité participatif (organisateurs)")
@field_errors
def create_committee(request: HttpRequest, pk: int, payload: CommitteeIn):
    committee = services.committee_create(actor=request.user, process=_process(request, pk),
                                          name=payload.name, description=payload.description)
    return Status(201, {"id": committee.pk})


@router.post("/committees/{pk}/members", response={201: dict, 400: ErrorOut},
             auth=django_auth, summary="Ajouter un membre (habitant, soignant, élu…)")
@field_errors
def add_member(request: HttpRequest, pk: int, payload: MemberIn):
    from maillage.accounts.models import User

    user = User.objects.filter(email=payload.email.strip().lower()).first()
    if user is None:
        raise ValidationError({"email": "Aucun compte n'a cette adresse e-mail."})
    member = services.committee_member_add(actor=request.user, committee=_committee(request, pk),
                                           user=user, kind=payload.kind, title=payload.title)
    return Status(201, {"id": member.pk})


@router.post("/committees/{pk}/meetings", response={201: dict, 400: ErrorOut},
             auth=django_auth, summary="Programmer une réunion (lieu ou lien)")
@field_errors
def create_meeting(request: HttpRequest, pk: int, payload: MeetingIn):
    meeting = services.meeting_create(actor=request.user, committee=_committee(request, pk),
                                      **payload.dict())
    return Status(201, {"id": meeting.pk})


@router.put("/meetings/{pk}/minutes", response={200: dict, 400: ErrorOut}, auth=django_auth,
            summary="Enregistrer le compte rendu et les décisions")
@field_errors
def record_minutes(request: HttpRequest, pk: int, payload: MinutesIn):
    meeting = services.meeting_minutes_record(actor=request.user, meeting=_meeting(request, pk),
                                              minutes=payload.minutes,
                                              decisions=payload.decisions)
    return {"minutes": meeting.minutes, "decisions": meeting.decisions}


@router.post("/meetings/{pk}/registrations", response={201: dict, 400: ErrorOut},
             auth=django_auth, summary="S'inscrire à une réunion")
@field_errors
def register(request: HttpRequest, pk: int):
    meeting = _meeting(request, pk)
    services.meeting_register(actor=request.user, meeting=meeting)
    return Status(201, {"registered": meeting.registrations.count()})


# Following and notifications ------------------------------------------------------------------

class FollowIn(Schema):
    process: int | None = None
    proposal: int | None = None
    commune: str | None = None


def _follow_target(request: HttpRequest, payload: FollowIn) -> Any:
    from maillage.territories.models import Commune

    given = [v for v in (payload.process, payload.proposal, payload.commune) if v is not None]
    if len(given) != 1:
        raise ValidationError({"process": "Indiquez une seule chose à suivre : process, "
                                          "proposal ou commune."})
    if payload.process is not None:
        return _process(request, payload.process)
    if payload.proposal is not None:
        return _proposal(request, payload.proposal)
    commune = Commune.objects.filter(pk=payload.commune.upper()).first()
    if commune is None:
        raise ValidationError({"commune": f"Aucune commune n'a le code INSEE {payload.commune}."})
    return commune


@router.post("/follows", response={201: dict, 400: ErrorOut}, auth=django_auth,
             summary="Suivre une concertation, une proposition ou une commune")
@field_errors
def follow(request: HttpRequest, payload: FollowIn):
    services.follow(actor=request.user, target=_follow_target(request, payload))
    return Status(201, {"following": True})


@router.delete("/follows", response={200: dict, 400: ErrorOut}, auth=django_auth,
               summary="Ne plus suivre")
@field_errors
def unfollow(request: HttpRequest, payload: FollowIn):
    services.unfollow(actor=request.user, target=_follow_target(request, payload))
    return {"following": False}


@router.get("/notifications", auth=django_auth, summary="Mes notifications")
def notifications(request: HttpRequest, unread: bool = False) -> list[dict[str, Any]]:
    found = request.user.participation_notifications.all()
    if unread:
        found = found.filter(read_at__isnull=True)
    return [{"id": n.pk, "title": n.title, "body": n.body, "url": n.url,
             "created_at": n.created_at, "read": n.read_at is not None} for n in found[:100]]


@router.post("/notifications/read", auth=django_auth, summary="Tout marquer comme lu")
def notifications_read(request: HttpRequest) -> dict[str, int]:
    return {"marked": services.notifications_mark_read(actor=request.user)}


class NotificationSettingsIn(Schema):
    email: str


@router.get("/notifications/settings", auth=django_auth,
            summary="Mes réglages d'e-mail (never, immediate, daily)")
def notification_settings(request: HttpRequest) -> dict[str, str]:
    return {"email": selectors.notification_email_frequency(user=request.user)}


@router.put("/notifications/settings", response={200: dict, 400: ErrorOut}, auth=django_auth,
            summary="Recevoir les nouvelles par e-mail : jamais, à chaque fois, ou un résumé "
                    "quotidien")
@field_errors
def notification_settings_put(request: HttpRequest, payload: NotificationSettingsIn):
    found = services.notification_settings_update(actor=request.user, email=payload.email)
    return {"email": found.email}
