"""The labs API: what the pages show and do (labs, challenges and their evidence, ideas, teams,
hackathons with registrations, submissions, scores and results, projects, the dashboard)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.security import django_auth
from pydantic import Field

from maillage.labs import selectors, services
from maillage.labs.models import Milestone, Task
from maillage.participation.api.common import ErrorOut, field_errors

router = Router(tags=["labs"])

Id = Field(None, ge=1, le=2**62)
Level = Field(pattern="^(region|departement|commune)$")
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _or_404(found: Any, what: str) -> Any:
    if found is None:
        raise Http404(what)
    return found


# Labs -----------------------------------------------------------------------------------------

class LabIn(Schema):
    name: str = Field(max_length=200)
    kind: str = Field(pattern="^(region|cpts|association|other)$")
    territory_level: str = Level
    territory_code: str = Field(max_length=9)
    description: str = Field("", max_length=10_000)
    organisation_id: int | None = Id


class LabOut(Schema):
    id: int
    name: str
    kind: str
    territory_level: str
    territory_code: str
    territory_name: str
    description: str
    process_id: int
    url: str


def _lab_out(lab: Any) -> dict[str, Any]:
    return {"id": lab.pk, "name": lab.name, "kind": lab.kind,
            "territory_level": lab.territory_level, "territory_code": lab.territory_code,
            "territory_name": lab.territory_name, "description": lab.description,
            "process_id": lab.process_id, "url": lab.get_absolute_url()}


def _lab(pk: int) -> Any:
    return _or_404(selectors.lab_get(pk), "Laboratoire introuvable.")


@router.get("/labs", response=list[LabOut], summary="Laboratoires")
def labs(request: HttpRequest):
    return [_lab_out(lab) for lab in selectors.lab_list()]


@router.post("/labs", response={201: LabOut, **ERRORS}, auth=django_auth,
             summary="Ouvrir un laboratoire (analystes et administrateurs du territoire)")
@field_errors
def create_lab(request: HttpRequest, payload: LabIn):
    return Status(201, _lab_out(services.lab_create(actor=request.user, **payload.dict())))


@router.get("/labs/{pk}", response={200: LabOut, 404: ErrorOut}, summary="Un laboratoire")
def lab(request: HttpRequest, pk: int):
    return _lab_out(_lab(pk))


class EmailIn(Schema):
    email: str = Field(max_length=254)


@router.post("/labs/{pk}/staff", response={201: dict, **ERRORS}, auth=django_auth,
             summary="Ajouter une personne à l'équipe du laboratoire")
@field_errors
def add_staff(request: HttpRequest, pk: int, payload: EmailIn):
    staff = services.lab_staff_add(actor=request.user, lab=_lab(pk), email=payload.email)
    return Status(201, {"user_id": staff.user_id})


class DashboardOut(Schema):
    people: int
    challenges: list[dict[str, Any]]
    by_profile: list[dict[str, Any]]
    by_commune: list[dict[str, Any]]
    by_stage: list[dict[str, Any]]


@router.get("/labs/{pk}/dashboard", response={200: DashboardOut, 403: ErrorOut, 404: ErrorOut},
            auth=django_auth, summary="Tableau de bord du laboratoire (son équipe)")
def dashboard(request: HttpRequest, pk: int):
    found = _lab(pk)
    if not request.user.has_perm("labs.view_dashboard", found):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Le tableau de bord est réservé à l'équipe du laboratoire.")
    data = selectors.lab_dashboard(found)
    return {"people": data.people,
            "challenges": [{"id": c.pk, "title": c.title, "status": c.status,
                            "ideas": c.idea_count, "teams": c.team_count}
                           for c in data.challenges],
            "by_profile": [{"role": r, "people": n} for r, n in data.by_profile],
            "by_commune": [{"code": c, "name": name, "people": n}
                           for c, name, n in data.by_commune],
            "by_stage": [{"stage": s, "label": label, "projects": n}
                         for s, label, n in data.by_stage]}


# Challenges -----------------------------------------------------------------------------------

class ChallengeIn(Schema):
    title: str = Field(max_length=200)
    description: str = Field(max_length=10_000)
    territory_level: str = Level
    territory_code: str = Field(max_length=9)
    ideas_close_at: datetime
    category: str = Field("", max_length=20)
    profession: str = Field("generaliste", max_length=40)
    commune_codes: list[str] = Field(default_factory=list, max_length=200)


class ChallengeOut(Schema):
    id: int
    lab_id: int
    title: str
    description: str
    territory_level: str
    territory_code: str
    territory_name: str
    category: str
    profession: str
    communes: list[str]
    ideas_close_at: datetime
    status: str
    url: str


def _challenge_out(c: Any) -> dict[str, Any]:
    return {"id": c.pk, "lab_id": c.lab_id, "title": c.title, "description": c.description,
            "territory_level": c.territory_level, "territory_code": c.territory_code,
            "territory_name": c.territory_name, "category": c.category,
            "profession": c.profession, "communes": [m.pk for m in c.communes.all()],
            "ideas_close_at": c.ideas_close_at, "status": c.status,
            "url": c.get_absolute_url()}


def _challenge(pk: int) -> Any:
    return _or_404(selectors.challenge_get(pk), "Défi introuvable.")


@router.get("/labs/{pk}/challenges", response={200: list[ChallengeOut], 404: ErrorOut},
            summary="Défis d'un laboratoire")
def challenges(request: HttpRequest, pk: int):
    return [_challenge_out(c) for c in selectors.challenge_list(lab=_lab(pk))
            .prefetch_related("communes")]


@router.post("/labs/{pk}/challenges", response={201: ChallengeOut, **ERRORS},
             auth=django_auth, summary="Publier un défi (équipe du laboratoire)")
@field_errors
def create_challenge(request: HttpRequest, pk: int, payload: ChallengeIn):
    return Status(201, _challenge_out(services.challenge_create(
        actor=request.user, lab=_lab(pk), **payload.dict())))


class EvidenceOut(Schema):
    access_run_id: int | None
    access: list[dict[str, Any]]
    category: str
    signalements: int
    priorities: list[dict[str, Any]]


@router.get("/challenges/{pk}", response={200: ChallengeOut, 404: ErrorOut},
            summary="Un défi")
def challenge(request: HttpRequest, pk: int):
    return _challenge_out(_challenge(pk))


@router.get("/challenges/{pk}/evidence", response={200: EvidenceOut, 404: ErrorOut},
            summary="Constats d'un défi : accès aux soins, signalements, priorités votées")
def evidence(request: HttpRequest, pk: int):
    found = selectors.challenge_evidence(viewer=request.user, challenge=_challenge(pk))
    return {"access_run_id": found.run.pk if found.run else None,
            "access": [{"code": r.code, "name": r.name, "population": r.population,
                        "accessibility": r.accessibility, "class": r.class_label,
                        "nearest_minutes": r.nearest_minutes, "signalements": r.signalements}
                       for r in found.access],
            "category": found.category_label, "signalements": found.signalements_total,
            "priorities": [{"vote_id": p.vote.pk, "title": p.vote.title,
                            "participants": p.participants,
                            "top": [{"label": row.option.label, "value": row.value}
                                    for row in p.rows[:3]]} for p in found.priorities]}


@router.post("/challenges/{pk}/close", response={200: ChallengeOut, **ERRORS},
             auth=django_auth, summary="Clore un défi")
@field_errors
def close_challenge(request: HttpRequest, pk: int):
    return _challenge_out(services.challenge_close(actor=request.user,
                                                   challenge=_challenge(pk)))


# Ideas ----------------------------------------------------------------------------------------

class IdeaIn(Schema):
    title: str = Field(max_length=200)
    body: str = Field(max_length=5000)
    commune_code: str | None = Field(None, max_length=5)


class IdeaOut(Schema):
    id: int
    challenge_id: int
    proposal_id: int
    title: str
    body: str
    author: str
    supports: int
    comments: int | None = None
    supported_by_me: bool
    shortlisted: bool
    url: str


def _idea_out(idea: Any) -> dict[str, Any]:
    p = idea.proposal
    return {"id": idea.pk, "challenge_id": idea.challenge_id, "proposal_id": p.pk,
            "title": p.title, "body": p.body,
            "author": (p.author.display_name if p.author else "") or "",
            "supports": getattr(p, "support_count", 0),
            "comments": getattr(p, "comment_count", None),
            "supported_by_me": bool(getattr(p, "supported_by_viewer", False)),
            "shortlisted": idea.is_shortlisted, "url": idea.get_absolute_url()}


def _idea(request: HttpRequest, pk: int) -> Any:
    return _or_404(selectors.idea_get(viewer=request.user, pk=pk), "Idée introuvable.")


@router.get("/challenges/{pk}/ideas", response={200: list[IdeaOut], 404: ErrorOut},
            summary="Idées d'un défi")
def ideas(request: HttpRequest, pk: int,
          sort: str = Query("recent", pattern="^(recent|soutiens)$")):
    return [_idea_out(i) for i in selectors.idea_list(viewer=request.user,
                                                      challenge=_challenge(pk), sort=sort)]


@router.post("/challenges/{pk}/ideas", response={201: IdeaOut, **ERRORS}, auth=django_auth,
             summary="Proposer une idée (une proposition de la concertation du laboratoire)")
@field_errors
def create_idea(request: HttpRequest, pk: int, payload: IdeaIn):
    idea = services.idea_submit(actor=request.user, challenge=_challenge(pk), **payload.dict())
    return Status(201, _idea_out(_idea(request, idea.pk)))


class CommentOut(Schema):
    id: int
    parent_id: int | None
    author: str
    body: str | None
    hidden: bool
    depth: int


@router.get("/ideas/{pk}", response={200: IdeaOut, 404: ErrorOut}, summary="Une idée")
def idea(request: HttpRequest, pk: int):
    return _idea_out(_idea(request, pk))


@router.get("/ideas/{pk}/comments", response={200: list[CommentOut], 404: ErrorOut},
            summary="Discussion d'une idée (commentaires de participation)")
def comments(request: HttpRequest, pk: int):
    found = _idea(request, pk)
    return [{"id": item.comment.pk, "parent_id": item.comment.parent_id,
             "author": item.author_label, "body": item.comment.body if item.show_body else None,
             "hidden": item.comment.is_hidden, "depth": item.depth}
            for item in selectors.idea_comments(viewer=request.user, idea=found)]


class CommentIn(Schema):
    body: str = Field(max_length=3000)
    parent_id: int | None = Id


@router.post("/ideas/{pk}/comments", response={201: dict, **ERRORS}, auth=django_auth,
             summary="Commenter une idée")
@field_errors
def comment(request: HttpRequest, pk: int, payload: CommentIn):
    made = services.idea_comment(actor=request.user, idea=_idea(request, pk),
                                 body=payload.body, parent_id=payload.parent_id)
    return Status(201, {"id": made.pk})


@router.post("/ideas/{pk}/support", response={201: IdeaOut, **ERRORS}, auth=django_auth,
             summary="Soutenir une idée (un soutien par habitant·e vérifié·e)")
@field_errors
def support(request: HttpRequest, pk: int):
    services.idea_support(actor=request.user, idea=_idea(request, pk))
    return Status(201, _idea_out(_idea(request, pk)))


@router.delete("/ideas/{pk}/support", response={200: IdeaOut, **ERRORS}, auth=django_auth,
               summary="Retirer son soutien")
@field_errors
def unsupport(request: HttpRequest, pk: int):
    services.idea_unsupport(actor=request.user, idea=_idea(request, pk))
    return _idea_out(_idea(request, pk))


class ReasonIn(Schema):
    reason: str = Field(max_length=500)


@router.post("/ideas/{pk}/flags", response={201: dict, **ERRORS}, auth=django_auth,
             summary="Signaler une idée aux modérateurs")
@field_errors
def flag(request: HttpRequest, pk: int, payload: ReasonIn):
    made = services.idea_flag(actor=request.user, idea=_idea(request, pk), reason=payload.reason)
    return Status(201, {"id": made.pk})


class ShortlistIn(Schema):
    shortlisted: bool = True


@router.post("/ideas/{pk}/shortlist", response={200: IdeaOut, **ERRORS}, auth=django_auth,
             summary="Retenir une idée (équipe du laboratoire)")
@field_errors
def shortlist(request: HttpRequest, pk: int, payload: ShortlistIn):
    services.idea_shortlist(actor=request.user, idea=_idea(request, pk),
                            shortlisted=payload.shortlisted)
    return _idea_out(_idea(request, pk))


# Profiles and teams ---------------------------------------------------------------------------

class ProfileIn(Schema):
    roles: list[str] = Field(default_factory=list, max_length=10)
    skills: str = Field("", max_length=500)
    bio: str = Field("", max_length=2000)


class ProfileOut(Schema):
    name: str
    roles: list[str]
    skills: str
    bio: str


def _profile_out(p: Any) -> dict[str, Any]:
    return {"name": p.user.display_name or "", "roles": p.roles, "skills": p.skills,
            "bio": p.bio}


@router.put("/profile", response={200: ProfileOut, **ERRORS}, auth=django_auth,
            summary="Déclarer ses compétences et rôles")
@field_errors
def update_profile(request: HttpRequest, payload: ProfileIn):
    return _profile_out(services.profile_update(actor=request.user, **payload.dict()))


@router.get("/profiles", response=list[ProfileOut], auth=django_auth,
            summary="Profils déclarés (filtrer par rôle)")
def profiles(request: HttpRequest, role: str | None = Query(None, max_length=20)):
    return [_profile_out(p) for p in selectors.people_directory(role=role)]


class TeamIn(Schema):
    name: str = Field(max_length=120)
    role: str = Field(max_length=20)
    description: str = Field("", max_length=3000)


class TeamOut(Schema):
    id: int
    idea_id: int
    name: str
    description: str
    members: list[dict[str, Any]]
    tasks: list[dict[str, Any]] | None
    url: str


def _team_out(request: HttpRequest, team: Any) -> dict[str, Any]:
    members = [{"name": m.user.display_name or "", "role": m.role}
               for m in team.members.select_related("user")]
    tasks = None
    if request.user.has_perm("labs.change_team", team):
        tasks = [{"id": t.pk, "title": t.title, "assignee_id": t.assignee_id,
                  "done": t.done_at is not None} for t in team.tasks.all()]
    return {"id": team.pk, "idea_id": team.idea_id, "name": team.name,
            "description": team.description, "members": members, "tasks": tasks,
            "url": team.get_absolute_url()}


def _team(pk: int) -> Any:
    return _or_404(selectors.team_get(pk), "Équipe introuvable.")


@router.post("/ideas/{pk}/teams", response={201: TeamOut, **ERRORS}, auth=django_auth,
             summary="Former une équipe autour d'une idée")
@field_errors
def create_team(request: HttpRequest, pk: int, payload: TeamIn):
    team = services.team_create(actor=request.user, idea=_idea(request, pk), **payload.dict())
    return Status(201, _team_out(request, _team(team.pk)))


@router.get("/teams/{pk}", response={200: TeamOut, 404: ErrorOut},
            summary="Une équipe (ses tâches : pour ses membres)")
def team(request: HttpRequest, pk: int):
    return _team_out(request, _team(pk))


class RoleIn(Schema):
    role: str = Field(max_length=20)


@router.post("/teams/{pk}/members", response={201: TeamOut, **ERRORS}, auth=django_auth,
             summary="Rejoindre une équipe")
@field_errors
def join(request: HttpRequest, pk: int, payload: RoleIn):
    services.team_join(actor=request.user, team=_team(pk), role=payload.role)
    return Status(201, _team_out(request, _team(pk)))


@router.delete("/teams/{pk}/members/me", response={200: TeamOut, **ERRORS}, auth=django_auth,
               summary="Quitter une équipe")
@field_errors
def leave(request: HttpRequest, pk: int):
    services.team_leave(actor=request.user, team=_team(pk))
    return _team_out(request, _team(pk))


class TaskIn(Schema):
    title: str = Field(max_length=200)
    assignee_id: int | None = Id


@router.post("/teams/{pk}/tasks", response={201: TeamOut, **ERRORS}, auth=django_auth,
             summary="Ajouter une tâche (membres de l'équipe)")
@field_errors
def add_task(request: HttpRequest, pk: int, payload: TaskIn):
    services.task_add(actor=request.user, team=_team(pk), **payload.dict())
    return Status(201, _team_out(request, _team(pk)))


class DoneIn(Schema):
    done: bool = True


@router.post("/tasks/{pk}/done", response={200: dict, **ERRORS}, auth=django_auth,
             summary="Marquer une tâche comme faite ou à faire")
@field_errors
def task_done(request: HttpRequest, pk: int, payload: DoneIn):
    task = _or_404(Task.objects.select_related("team").filter(pk=pk).first(),
                   "Tâche introuvable.")
    task = services.task_set_done(actor=request.user, task=task, done=payload.done)
    return {"id": task.pk, "done": task.done_at is not None}


# Events ---------------------------------------------------------------------------------------

class EventIn(Schema):
    title: str = Field(max_length=200)
    starts_at: datetime
    ends_at: datetime
    submissions_close_at: datetime
    capacity: int = Field(ge=1, le=100_000)
    waiting_list_capacity: int = Field(20, ge=0, le=100_000)
    place: str = Field("", max_length=300)
    online_url: str = Field("", max_length=200)
    score_max: int = Field(10, ge=1, le=100)
    description: str = Field("", max_length=10_000)
    challenge_id: int | None = Id


class EventOut(Schema):
    id: int
    lab_id: int
    challenge_id: int | None
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    capacity: int
    confirmed: int
    waiting: int
    my_registration: str | None
    my_waiting_position: int | None
    submissions_close_at: datetime
    score_max: int
    schedule: list[dict[str, Any]]
    mentors: list[dict[str, Any]]
    criteria: list[dict[str, Any]]
    results_published: bool
    url: str


def _event_out(request: HttpRequest, e: Any) -> dict[str, Any]:
    seats = selectors.event_seats(viewer=request.user, event=e)
    return {"id": e.pk, "lab_id": e.lab_id, "challenge_id": e.challenge_id, "title": e.title,
            "starts_at": e.starts_at, "ends_at": e.ends_at, "place": e.place,
            "online_url": e.online_url, "capacity": e.capacity, "confirmed": seats.confirmed,
            "waiting": seats.waiting,
            "my_registration": seats.mine.status if seats.mine else None,
            "my_waiting_position": seats.position,
            "submissions_close_at": e.submissions_close_at, "score_max": e.score_max,
            "schedule": [{"starts_at": s.starts_at, "title": s.title}
                         for s in e.schedule.all()],
            "mentors": [{"name": m.name, "expertise": m.expertise} for m in e.mentors.all()],
            "criteria": [{"id": c.pk, "name": c.name, "weight": c.weight,
                          "description": c.description} for c in e.criteria.all()],
            "results_published": e.results_published_at is not None,
            "url": e.get_absolute_url()}


def _event(pk: int) -> Any:
    return _or_404(selectors.event_get(pk), "Hackathon introuvable.")


@router.post("/labs/{pk}/events", response={201: EventOut, **ERRORS}, auth=django_auth,
             summary="Organiser un hackathon (équipe du laboratoire)")
@field_errors
def create_event(request: HttpRequest, pk: int, payload: EventIn):
    made = services.event_create(actor=request.user, lab=_lab(pk), **payload.dict())
    return Status(201, _event_out(request, _event(made.pk)))


@router.get("/events/{pk}", response={200: EventOut, 404: ErrorOut},
            summary="Un hackathon : dates, lieu, places, programme, mentors, critères")
def event(request: HttpRequest, pk: int):
    return _event_out(request, _event(pk))


@router.post("/events/{pk}/registrations", response={201: EventOut, **ERRORS},
             auth=django_auth, summary="S'inscrire (place, ou liste d'attente si complet)")
@field_errors
def register(request: HttpRequest, pk: int):
    services.event_register(actor=request.user, event=_event(pk))
    return Status(201, _event_out(request, _event(pk)))


@router.delete("/events/{pk}/registrations/me", response={200: EventOut, **ERRORS},
               auth=django_auth,
               summary="Annuler son inscription (la première personne en attente est promue)")
@field_errors
def cancel(request: HttpRequest, pk: int):
    services.registration_cancel(actor=request.user, event=_event(pk))
    return _event_out(request, _event(pk))


class ScheduleIn(Schema):
    starts_at: datetime
    title: str = Field(max_length=200)


@router.post("/events/{pk}/schedule", response={201: EventOut, **ERRORS}, auth=django_auth,
             summary="Ajouter une séquence au programme")
@field_errors
def add_schedule(request: HttpRequest, pk: int, payload: ScheduleIn):
    services.schedule_item_add(actor=request.user, event=_event(pk), **payload.dict())
    return Status(201, _event_out(request, _event(pk)))


class MentorIn(Schema):
    name: str = Field(max_length=200)
    expertise: str = Field(max_length=300)
    email: str = Field("", max_length=254)


@router.post("/events/{pk}/mentors", response={201: EventOut, **ERRORS}, auth=django_auth,
             summary="Ajouter un mentor")
@field_errors
def add_mentor(request: HttpRequest, pk: int, payload: MentorIn):
    services.mentor_add(actor=request.user, event=_event(pk), **payload.dict())
    return Status(201, _event_out(request, _event(pk)))


class CriterionIn(Schema):
    name: str = Field(max_length=200)
    weight: int = Field(ge=1, le=100)
    description: str = Field("", max_length=500)


@router.post("/events/{pk}/criteria", response={201: EventOut, **ERRORS}, auth=django_auth,
             summary="Ajouter un critère pondéré du jury")
@field_errors
def add_criterion(request: HttpRequest, pk: int, payload: CriterionIn):
    services.criterion_add(actor=request.user, event=_event(pk), **payload.dict())
    return Status(201, _event_out(request, _event(pk)))


@router.post("/events/{pk}/jurors", response={201: dict, **ERRORS}, auth=django_auth,
             summary="Ajouter un·e juré·e")
@field_errors
def add_juror(request: HttpRequest, pk: int, payload: EmailIn):
    juror = services.juror_add(actor=request.user, event=_event(pk), email=payload.email)
    return Status(201, {"id": juror.pk})


class SubmissionOut(Schema):
    id: int
    event_id: int
    team_id: int
    team: str
    description: str
    links: list[str]
    files: list[dict[str, Any]]
    updated_at: datetime
    url: str


def _submission_out(s: Any) -> dict[str, Any]:
    return {"id": s.pk, "event_id": s.event_id, "team_id": s.team_id, "team": s.team.name,
            "description": s.description, "links": s.links,
            "files": [{"id": f.pk, "name": f.name, "size": f.size,
                       "content_type": f.content_type} for f in s.files.all()],
            "updated_at": s.updated_at, "url": s.get_absolute_url()}


@router.get("/events/{pk}/submissions", response={200: list[SubmissionOut], 404: ErrorOut},
            auth=django_auth,
            summary="Rendus visibles : les siens, ou tous ceux de l'événement pour son jury")
def submissions(request: HttpRequest, pk: int):
    return [_submission_out(s) for s in selectors.submissions_visible(viewer=request.user,
                                                                      event=_event(pk))]


@router.post("/events/{pk}/teams/{team_pk}/submission",
             response={201: SubmissionOut, **ERRORS}, auth=django_auth,
             summary="Rendre le travail d'une équipe (description, liens, fichiers)")
@field_errors
def submit(request: HttpRequest, pk: int, team_pk: int, description: Form[str],
           links: Form[list[str]] = None, files: File[list[UploadedFile]] = None):
    made = services.submission_save(actor=request.user, event=_event(pk), team=_team(team_pk),
                                    description=description, links=links or [],
                                    files=files or [])
    return Status(201, _submission_out(made))


@router.get("/submissions/{pk}", response={200: SubmissionOut, 404: ErrorOut},
            auth=django_auth, summary="Un rendu (son équipe, le jury de l'événement)")
def submission(request: HttpRequest, pk: int):
    return _submission_out(_or_404(selectors.submission_get(viewer=request.user, pk=pk),
                                   "Rendu introuvable."))


class ScoresIn(Schema):
    values: dict[str, int] = Field(max_length=100)


@router.post("/submissions/{pk}/scores", response={200: dict, **ERRORS}, auth=django_auth,
             summary="Noter un rendu, une note par critère (jury ; pas sa propre équipe)")
@field_errors
def score(request: HttpRequest, pk: int, payload: ScoresIn):
    found = _or_404(selectors.submission_get(viewer=request.user, pk=pk), "Rendu introuvable.")
    services.score_record(actor=request.user, submission=found, values=payload.values)
    return {"scores": {str(k): v for k, v in
                       selectors.juror_scores(viewer=request.user, submission=found).items()}}


class ResultOut(Schema):
    submission_id: int
    team: str
    score: float | None
    rank: int | None
    tied: bool
    jurors: int
    abstentions: int


@router.get("/events/{pk}/results", response={200: list[ResultOut], 403: ErrorOut,
                                               404: ErrorOut},
            summary="Résultats (publiés, ou provisoires pour l'équipe du laboratoire)")
def results(request: HttpRequest, pk: int):
    found = _event(pk)
    if not request.user.has_perm("labs.view_results", found):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("Les résultats ne sont pas encore publiés.")
    return [{"submission_id": r.submission.pk, "team": r.submission.team.name,
             "score": r.score, "rank": r.rank, "tied": r.tied, "jurors": r.jurors,
             "abstentions": r.abstentions} for r in selectors.event_results(found)]


@router.post("/events/{pk}/results", response={200: EventOut, **ERRORS}, auth=django_auth,
             summary="Publier les résultats")
@field_errors
def publish(request: HttpRequest, pk: int):
    services.results_publish(actor=request.user, event=_event(pk))
    return _event_out(request, _event(pk))


# Projects -------------------------------------------------------------------------------------

class ProjectIn(Schema):
    title: str = Field(max_length=200)
    summary: str = Field(max_length=3000)
    team_id: int | None = Id


class ProjectOut(Schema):
    id: int
    lab_id: int
    idea_id: int
    team_id: int | None
    title: str
    summary: str
    stage: str
    stop_reason: str
    pilot_commune: str | None
    action_id: int | None
    funding_requested: Decimal
    funding_obtained: Decimal
    milestones: list[dict[str, Any]]
    partners: list[dict[str, Any]]
    history: list[dict[str, Any]]
    url: str


def _project_out(p: Any) -> dict[str, Any]:
    return {"id": p.pk, "lab_id": p.lab_id, "idea_id": p.idea_id, "team_id": p.team_id,
            "title": p.title, "summary": p.summary, "stage": p.stage,
            "stop_reason": p.stop_reason, "pilot_commune": p.pilot_commune_id,
            "action_id": p.action_id, "funding_requested": p.funding_requested,
            "funding_obtained": p.funding_obtained,
            "milestones": [{"id": m.pk, "title": m.title, "due_on": m.due_on,
                            "done_on": m.done_on} for m in p.milestones.all()],
            "partners": [{"name": x.name, "contribution": x.contribution}
                         for x in p.partners.all()],
            "history": [{"from": h.from_stage, "to": h.to_stage, "note": h.note, "at": h.at}
                        for h in p.history.all()],
            "url": p.get_absolute_url()}


def _project(pk: int) -> Any:
    return _or_404(selectors.project_get(pk), "Projet introuvable.")


@router.get("/projects", response=list[ProjectOut], summary="Projets (pages publiques)")
def projects(request: HttpRequest, lab: int | None = Query(None, ge=1, le=2**62)):
    found = selectors.project_list(lab=selectors.lab_get(lab) if lab else None)
    return [_project_out(p) for p in found.prefetch_related("milestones", "partners",
                                                             "history")]


@router.post("/ideas/{pk}/project", response={201: ProjectOut, **ERRORS}, auth=django_auth,
             summary="Faire d'une idée retenue ou lauréate un projet")
@field_errors
def create_project(request: HttpRequest, pk: int, payload: ProjectIn):
    made = services.project_create(actor=request.user, idea=_idea(request, pk),
                                   **payload.dict())
    return Status(201, _project_out(_project(made.pk)))


@router.get("/projects/{pk}", response={200: ProjectOut, 404: ErrorOut}, summary="Un projet")
def project(request: HttpRequest, pk: int):
    return _project_out(_project(pk))


class StageIn(Schema):
    stage: str = Field(max_length=12)
    note: str = Field("", max_length=3000)
    stop_reason: str = Field("", max_length=3000)
    pilot_commune_code: str = Field("", max_length=5)


@router.post("/projects/{pk}/stage", response={200: ProjectOut, **ERRORS}, auth=django_auth,
             summary="Passer à l'étape suivante, ou arrêter (avec la raison)")
@field_errors
def change_stage(request: HttpRequest, pk: int, payload: StageIn):
    services.project_stage_change(actor=request.user, project=_project(pk), **payload.dict())
    return _project_out(_project(pk))


class ProjectPatch(Schema):
    summary: str | None = Field(None, max_length=3000)
    funding_requested: Decimal | None = Field(None, ge=0, le=Decimal("9999999999"))
    funding_obtained: Decimal | None = Field(None, ge=0, le=Decimal("9999999999"))


@router.patch("/projects/{pk}", response={200: ProjectOut, **ERRORS}, auth=django_auth,
              summary="Mettre à jour le résumé ou le financement")
@field_errors
def update_project(request: HttpRequest, pk: int, payload: ProjectPatch):
    services.project_update(actor=request.user, project=_project(pk), **payload.dict())
    return _project_out(_project(pk))


class MilestoneIn(Schema):
    title: str = Field(max_length=200)
    due_on: date | None = None


@router.post("/projects/{pk}/milestones", response={201: ProjectOut, **ERRORS},
             auth=django_auth, summary="Ajouter un jalon")
@field_errors
def add_milestone(request: HttpRequest, pk: int, payload: MilestoneIn):
    services.milestone_add(actor=request.user, project=_project(pk), **payload.dict())
    return Status(201, _project_out(_project(pk)))


@router.post("/milestones/{pk}/done", response={200: ProjectOut, **ERRORS}, auth=django_auth,
             summary="Marquer un jalon comme atteint (ou non)")
@field_errors
def milestone_done(request: HttpRequest, pk: int, payload: DoneIn):
    found = _or_404(Milestone.objects.select_related("project").filter(pk=pk).first(),
                    "Jalon introuvable.")
    services.milestone_done(actor=request.user, milestone=found, done=payload.done)
    return _project_out(_project(found.project_id))


class PartnerIn(Schema):
    name: str = Field(max_length=200)
    contribution: str = Field("", max_length=300)


@router.post("/projects/{pk}/partners", response={201: ProjectOut, **ERRORS},
             auth=django_auth, summary="Ajouter un partenaire")
@field_errors
def add_partner(request: HttpRequest, pk: int, payload: PartnerIn):
    services.partner_add(actor=request.user, project=_project(pk), **payload.dict())
    return Status(201, _project_out(_project(pk)))
