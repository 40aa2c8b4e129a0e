"""Writes of labs: one function per use case, taking the acting user, checking the right on the
object, in one transaction. Bad input raises ValidationError keyed by field name and stores
nothing; a missing right raises PermissionDenied.

Reused from participation, not rewritten: an idea is a participation proposal in the lab's
process (`proposal_create`), so comments (`comment_create`), supports (`proposal_support`) and
moderation (`content_flag`, the moderators' queue) are participation's; a pilot is tracked by a
participation action (`action_create`); notifications go through participation's `notify`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import Organisation, User
from maillage.labs.models import (
    STAGE_ORDER,
    Challenge,
    ChallengeStatus,
    Criterion,
    Event,
    Idea,
    Juror,
    Lab,
    LabKind,
    LabStaff,
    Mentor,
    Milestone,
    Partner,
    ProfileRole,
    Project,
    Registration,
    RegistrationStatus,
    ScheduleItem,
    Score,
    SkillProfile,
    Stage,
    StageChange,
    Submission,
    SubmissionFile,
    Task,
    Team,
    TeamMember,
)
from maillage.participation import services as participation
from maillage.participation.models import PhaseType, SignalementCategory
from maillage.participation.services.notifications import notify
from maillage.territories.selectors import (
    TerritoryNotFound,
    TerritoryRef,
    commune_get,
    departement_get,
    region_get,
    territory_contains,
)

# Submissions: what a team may attach (checked by extension and by the file's first bytes).
ALLOWED_FILES = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".zip": ("application/zip", (b"PK\x03\x04",)),
    ".odp": ("application/vnd.oasis.opendocument.presentation", (b"PK\x03\x04",)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
              (b"PK\x03\x04",)),
}
MAX_FILES = 5
MAX_LINKS = 10
# How long the lab's ideas process stays open (its single "propositions" phase).
LAB_PROCESS_DAYS = 3 * 365


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _plain(value: Any) -> str:
    """The text without NUL characters, which PostgreSQL refuses in text and in queries."""
    return (str(value) if value is not None else "").replace("\x00", "")


def _text(value: Any, field_name: str, *, limit: int, required: bool = True) -> str:
    value = _plain(value).strip()
    if required and not value:
        raise ValidationError({field_name: _("Ce champ est obligatoire.")}, code="required")
    if len(value) > limit:
        raise ValidationError(
            {field_name: _("%(n)s caractères au plus (%(got)s saisis).")
             % {"n": limit, "got": len(value)}}, code="too_long")
    return value


def _aware(value: Any) -> Any:
    """A naive date-time (from a form or the API) is read in the current time zone."""
    if isinstance(value, datetime) and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


def _when(value: datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def _territory(level: str, code: str, field_name: str = "territory_code"
               ) -> tuple[TerritoryRef, str, str]:
    """(reference, name, région code) of a région, département or commune."""
    getters = {"region": region_get, "departement": departement_get, "commune": commune_get}
    if level not in getters:
        raise ValidationError({"territory_level": _("Choisissez région, département ou "
                                                    "commune.")}, code="invalid")
    try:
        found = getters[level]((code or "").strip())
    except TerritoryNotFound as exc:
        raise ValidationError({field_name: str(exc)}, code="unknown_territory") from exc
    region = found.pk if level == "region" else found.region_id
    return TerritoryRef(level, found.pk), found.name, region


def _staff_ids(lab: Lab) -> set[int]:
    return set(LabStaff.objects.filter(lab=lab).values_list("user_id", flat=True))


def _team_ids(team: Team) -> set[int]:
    return set(TeamMember.objects.filter(team=team).values_list("user_id", flat=True))


def _user_by_email(email: str, field_name: str) -> User:
    user = User.objects.filter(email__iexact=_plain(email).strip()).first()
    if user is None:
        raise ValidationError({field_name: _("Aucun compte n'a l'adresse %(e)s.")
                               % {"e": email}}, code="unknown_user")
    return user


# Labs and challenges ------------------------------------------------------------------------

@transaction.atomic
def lab_create(*, actor: User, name: str, kind: str, territory_level: str,
               territory_code: str, description: str = "", organisation_id: int | None = None,
               is_demo: bool = False) -> Lab:
    """An organiser of the territory opens a lab; it gets its own participation process, in
    which its ideas are proposals, and the organiser becomes its first staff member."""
    territory, territory_name, _region = _territory(territory_level, territory_code)
    if not actor.has_perm("labs.add_lab", territory):
        raise _deny(_("Seul·e un·e analyste ou administrateur·rice du territoire ouvre un "
                      "laboratoire."))
    name = _text(name, "name", limit=200)
    if kind not in LabKind.values:
        raise ValidationError({"kind": _("Choisissez le type de porteur dans la liste.")},
                              code="invalid")
    organisation = None
    if organisation_id:
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            raise ValidationError({"organisation_id": _("Organisation inconnue.")},
                                  code="invalid")
    process = participation.process_create(
        actor=actor, title=_("Idées du laboratoire « %(n)s »") % {"n": name},
        territory=territory, organiser_name=name, is_published=True, is_demo=is_demo,
        summary=_("Les idées proposées aux défis du laboratoire, à commenter et soutenir."))
    now = timezone.now()
    participation.phase_add(actor=actor, process=process, spec=participation.PhaseSpec(
        type=PhaseType.PROPOSALS, starts_at=now - timedelta(minutes=1),
        ends_at=now + timedelta(days=LAB_PROCESS_DAYS), title=_("Idées des défis")))
    lab = Lab.objects.create(
        name=name, kind=kind,
        description=_text(description, "description", limit=10_000, required=False),
        organisation=organisation, territory_level=territory.level,
        territory_code=territory.code, territory_name=territory_name, process=process,
        created_by=actor, is_demo=is_demo)
    LabStaff.objects.create(lab=lab, user=actor)
    return lab


@transaction.atomic
def lab_staff_add(*, actor: User, lab: Lab, email: str) -> LabStaff:
    if not actor.has_perm("labs.change_lab", lab):
        raise _deny(_("Vous ne faites pas partie de l'équipe de ce laboratoire."))
    user = _user_by_email(email, "email")
    staff, _created = LabStaff.objects.get_or_create(lab=lab, user=user)
    return staff


@transaction.atomic
def challenge_create(*, actor: User, lab: Lab, title: str, description: str,
                     territory_level: str, territory_code: str, ideas_close_at: datetime,
                     category: str = "", profession: str = "generaliste",
                     commune_codes: list[str] = ()) -> Challenge:
    """The lab's staff publish a challenge on a territory within the lab's."""
    if not actor.has_perm("labs.add_challenge", lab):
        raise _deny(_("Seule l'équipe du laboratoire publie ses défis."))
    ideas_close_at = _aware(ideas_close_at)
    territory, territory_name, region = _territory(territory_level, territory_code)
    errors: dict[str, str] = {}
    if not territory_contains(TerritoryRef(lab.territory_level, lab.territory_code), territory):
        errors["territory_code"] = _("Ce territoire n'est pas dans celui du laboratoire "
                                     "(%(t)s).") % {"t": lab.territory_name}
    if category and category not in SignalementCategory.values:
        errors["category"] = _("Difficulté inconnue : %(c)s") % {"c": category}
    if not isinstance(ideas_close_at, datetime) or ideas_close_at <= timezone.now():
        errors["ideas_close_at"] = _("La date limite des idées doit être dans le futur.")
    codes = sorted({c.strip().upper() for c in commune_codes if c and c.strip()})
    communes = []
    for code in codes:
        try:
            commune = commune_get(code)
        except TerritoryNotFound:
            errors["commune_codes"] = _("Code INSEE inconnu : %(c)s") % {"c": code}
            break
        if not territory_contains(territory, TerritoryRef("commune", commune.pk)):
            errors["commune_codes"] = _("%(c)s n'est pas dans le territoire du défi.") % {
                "c": commune.name}
            break
        communes.append(commune)
    if errors:
        raise ValidationError(errors, code="invalid")
    challenge = Challenge.objects.create(
        lab=lab, title=_text(title, "title", limit=200),
        description=_text(description, "description", limit=10_000),
        territory_level=territory.level, territory_code=territory.code,
        territory_name=territory_name, region_id=region, category=category,
        profession=_text(profession, "profession", limit=40), ideas_close_at=ideas_close_at,
        created_by=actor)
    challenge.communes.set(communes)
    return challenge


@transaction.atomic
def challenge_close(*, actor: User, challenge: Challenge) -> Challenge:
    if not actor.has_perm("labs.change_challenge", challenge):
        raise _deny(_("Seule l'équipe du laboratoire gère ses défis."))
    challenge.status = ChallengeStatus.CLOSED
    challenge.save(update_fields=["status"])
    return challenge


# Ideas: participation proposals -------------------------------------------------------------

@transaction.atomic
def idea_submit(*, actor: User, challenge: Challenge, title: str, body: str,
                commune_code: str | None = None, is_demo: bool = False) -> Idea:
    """Anyone verified submits an idea while the challenge is open; the lab's staff hear."""
    if not actor.has_perm("labs.add_idea", challenge):
        if challenge.status != ChallengeStatus.OPEN or challenge.ideas_close_at <= timezone.now():
            raise ValidationError(
                {"challenge": _("Ce défi ne reçoit plus d'idées (date limite : %(d)s).")
                 % {"d": _when(challenge.ideas_close_at)}}, code="closed")
        raise _deny(_("Confirmez votre adresse e-mail pour proposer une idée."))
    proposal = participation.proposal_create(
        actor=actor, process=challenge.lab.process, title=_plain(title), body=_plain(body),
        commune_code=_plain(commune_code) if commune_code else None, is_demo=is_demo)
    idea = Idea.objects.create(challenge=challenge, proposal=proposal)
    notify(user_ids=_staff_ids(challenge.lab) - {actor.pk},
           title=_("Nouvelle idée pour « %(c)s » : %(t)s")
           % {"c": challenge.title, "t": proposal.title}, url=idea.get_absolute_url())
    return idea


def idea_comment(*, actor: User, idea: Idea, body: str, parent_id: int | None = None) -> Any:
    """A comment on an idea is a participation comment on its proposal."""
    parent = None
    if parent_id:
        parent = idea.proposal.comments.filter(pk=parent_id).first()
        if parent is None:
            raise ValidationError({"parent": _("Commentaire inconnu.")}, code="bad_parent")
    with transaction.atomic():
        comment = participation.comment_create(actor=actor, proposal=idea.proposal,
                                               body=_plain(body), parent=parent)
        author = idea.proposal.author_id
        if author and author != actor.pk:
            notify(user_ids=[author], title=_("Nouveau commentaire sur votre idée « %(t)s »")
                   % {"t": idea.proposal.title}, body=comment.body,
                   url=idea.get_absolute_url())
    return comment


def idea_support(*, actor: User, idea: Idea) -> Any:
    return participation.proposal_support(actor=actor, proposal=idea.proposal)


def idea_unsupport(*, actor: User, idea: Idea) -> None:
    participation.proposal_unsupport(actor=actor, proposal=idea.proposal)


def idea_flag(*, actor: User, idea: Idea, reason: str) -> Any:
    """Report an idea to participation's moderators of the lab's territory."""
    return participation.content_flag(actor=actor, content=idea.proposal, reason=_plain(reason))


@transaction.atomic
def idea_shortlist(*, actor: User, idea: Idea, shortlisted: bool = True) -> Idea:
    if not actor.has_perm("labs.shortlist_idea", idea):
        raise _deny(_("Seule l'équipe du laboratoire retient des idées."))
    if shortlisted and idea.proposal.is_hidden:
        raise ValidationError({"idea": _("Une idée masquée par la modération ne peut pas être "
                                         "retenue.")}, code="hidden")
    idea.shortlisted_at = timezone.now() if shortlisted else None
    idea.shortlisted_by = actor if shortlisted else None
    idea.save(update_fields=["shortlisted_at", "shortlisted_by"])
    if shortlisted and idea.proposal.author_id:
        notify(user_ids=[idea.proposal.author_id],
               title=_("Votre idée « %(t)s » est retenue par le laboratoire")
               % {"t": idea.proposal.title}, url=idea.get_absolute_url())
    return idea


# Profiles, teams, tasks -----------------------------------------------------------------------

def _roles(values: list[str], field_name: str = "roles") -> list[str]:
    unknown = [v for v in values if v not in ProfileRole.values]
    if unknown:
        raise ValidationError({field_name: _("Rôle inconnu : %(r)s") % {"r": ", ".join(unknown)}},
                              code="invalid")
    return sorted(set(values))


@transaction.atomic
def profile_update(*, actor: User, roles: list[str], skills: str = "", bio: str = ""
                   ) -> SkillProfile:
    if not actor.has_perm("labs.change_profile"):
        raise _deny(_("Confirmez votre adresse e-mail pour déclarer vos compétences."))
    profile, _created = SkillProfile.objects.get_or_create(user=actor)
    profile.roles = _roles(list(roles))
    profile.skills = _text(skills, "skills", limit=500, required=False)
    profile.bio = _text(bio, "bio", limit=2000, required=False)
    profile.save()
    return profile


def _role(value: str) -> str:
    if value not in ProfileRole.values:
        raise ValidationError({"role": _("Choisissez votre rôle dans l'équipe.")},
                              code="invalid")
    return value


@transaction.atomic
def team_create(*, actor: User, idea: Idea, name: str, role: str, description: str = ""
                ) -> Team:
    """A verified person forms a team around a visible idea and is its first member."""
    if not actor.has_perm("labs.add_team", idea):
        raise _deny(_("Confirmez votre adresse e-mail pour former une équipe."))
    if idea.proposal.is_hidden:
        raise ValidationError({"idea": _("Cette idée est masquée par la modération.")},
                              code="hidden")
    name = _text(name, "name", limit=120)
    role = _role(role)
    if Team.objects.filter(idea=idea, name__iexact=name).exists():
        raise ValidationError({"name": _("Une équipe porte déjà ce nom pour cette idée.")},
                              code="duplicate")
    try:
        with transaction.atomic():
            team = Team.objects.create(idea=idea, name=name, created_by=actor,
                                       description=_text(description, "description",
                                                         limit=3000, required=False))
    except IntegrityError as exc:
        raise ValidationError({"name": _("Une équipe porte déjà ce nom pour cette idée.")},
                              code="duplicate") from exc
    TeamMember.objects.create(team=team, user=actor, role=role)
    return team


def team_join(*, actor: User, team: Team, role: str) -> TeamMember:
    if not actor.has_perm("labs.join_team", team):
        raise _deny(_("Confirmez votre adresse e-mail pour rejoindre une équipe."))
    role = _role(role)
    try:
        with transaction.atomic():
            member = TeamMember.objects.create(team=team, user=actor, role=role)
    except IntegrityError as exc:
        raise ValidationError({"team": _("Vous faites déjà partie de cette équipe.")},
                              code="already_member") from exc
    notify(user_ids=_team_ids(team) - {actor.pk},
           title=_("%(p)s rejoint l'équipe « %(t)s »")
           % {"p": actor.display_name or _("Une personne"), "t": team.name},
           url=team.get_absolute_url())
    return member


@transaction.atomic
def team_leave(*, actor: User, team: Team) -> None:
    deleted, _detail = TeamMember.objects.filter(team=team, user=actor).delete()
    if not deleted:
        raise ValidationError({"team": _("Vous ne faites pas partie de cette équipe.")},
                              code="not_member")
    actor.__dict__.get("_maillage_labs_teams", {}).pop(team.pk, None)


@transaction.atomic
def team_update(*, actor: User, team: Team, name: str, description: str = "") -> Team:
    if not actor.has_perm("labs.change_team", team):
        raise _deny(_("Seuls les membres de l'équipe modifient sa page."))
    name = _text(name, "name", limit=120)
    if Team.objects.filter(idea=team.idea, name__iexact=name).exclude(pk=team.pk).exists():
        raise ValidationError({"name": _("Une équipe porte déjà ce nom pour cette idée.")},
                              code="duplicate")
    team.name = name
    team.description = _text(description, "description", limit=3000, required=False)
    team.save(update_fields=["name", "description"])
    return team


@transaction.atomic
def task_add(*, actor: User, team: Team, title: str, assignee_id: int | None = None) -> Task:
    if not actor.has_perm("labs.change_team", team):
        raise _deny(_("Seuls les membres de l'équipe gèrent ses tâches."))
    title = _text(title, "title", limit=200)
    if assignee_id and assignee_id not in _team_ids(team):
        raise ValidationError({"assignee_id": _("On ne confie une tâche qu'à un membre de "
                                                "l'équipe.")}, code="not_member")
    return Task.objects.create(team=team, title=title, assignee_id=assignee_id or None)


@transaction.atomic
def task_set_done(*, actor: User, task: Task, done: bool) -> Task:
    if not actor.has_perm("labs.change_team", task.team):
        raise _deny(_("Seuls les membres de l'équipe gèrent ses tâches."))
    task.done_at = timezone.now() if done else None
    task.save(update_fields=["done_at"])
    return task


# Hackathon events ---------------------------------------------------------------------------

@transaction.atomic
def event_create(*, actor: User, lab: Lab, title: str, starts_at: datetime, ends_at: datetime,
                 capacity: int, submissions_close_at: datetime, place: str = "",
                 online_url: str = "", waiting_list_capacity: int = 20, score_max: int = 10,
                 description: str = "", challenge_id: int | None = None) -> Event:
    if not actor.has_perm("labs.add_event", lab):
        raise _deny(_("Seule l'équipe du laboratoire organise ses hackathons."))
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    submissions_close_at = _aware(submissions_close_at)
    errors: dict[str, str] = {}
    place = _plain(place).strip()
    online_url = _plain(online_url).strip()
    if not place and not online_url:
        errors["place"] = _("Indiquez un lieu, un lien en ligne, ou les deux.")
    if online_url:
        try:
            URLValidator(schemes=["https", "http"])(online_url)
        except ValidationError:
            errors["online_url"] = _("Adresse web invalide : %(u)s") % {"u": online_url}
    if not isinstance(starts_at, datetime) or not isinstance(ends_at, datetime):
        errors["starts_at"] = _("Indiquez le début et la fin.")
    elif ends_at <= starts_at:
        errors["ends_at"] = _("La fin doit suivre le début.")
    elif not isinstance(submissions_close_at, datetime) or not (
            starts_at <= submissions_close_at <= ends_at + timedelta(days=30)):
        errors["submissions_close_at"] = _("La date limite des rendus suit le début (au plus "
                                           "30 jours après la fin).")
    if not isinstance(capacity, int) or not 1 <= capacity <= 100_000:
        errors["capacity"] = _("Un nombre de places entier, au moins 1.")
    if not isinstance(waiting_list_capacity, int) or not 0 <= waiting_list_capacity <= 100_000:
        errors["waiting_list_capacity"] = _("Un nombre entier, 0 pour aucune liste d'attente.")
    if not isinstance(score_max, int) or not 1 <= score_max <= 100:
        errors["score_max"] = _("La note maximale est un entier de 1 à 100.")
    challenge = None
    if challenge_id:
        challenge = Challenge.objects.filter(pk=challenge_id, lab=lab).first()
        if challenge is None:
            errors["challenge_id"] = _("Ce défi n'est pas un défi du laboratoire.")
    if errors:
        raise ValidationError(errors, code="invalid")
    return Event.objects.create(
        lab=lab, challenge=challenge, title=_text(title, "title", limit=200),
        description=_text(description, "description", limit=10_000, required=False),
        starts_at=starts_at, ends_at=ends_at, place=_text(place, "place", limit=300,
                                                          required=False),
        online_url=online_url, capacity=capacity, waiting_list_capacity=waiting_list_capacity,
        submissions_close_at=submissions_close_at, score_max=score_max, created_by=actor)


@transaction.atomic
def schedule_item_add(*, actor: User, event: Event, starts_at: datetime, title: str
                      ) -> ScheduleItem:
    if not actor.has_perm("labs.change_event", event):
        raise _deny(_("Seule l'équipe du laboratoire modifie ce hackathon."))
    starts_at = _aware(starts_at)
    if not isinstance(starts_at, datetime) or not event.starts_at <= starts_at <= event.ends_at:
        raise ValidationError({"starts_at": _("L'heure doit être pendant le hackathon "
                                              "(%(a)s → %(b)s).")
                               % {"a": _when(event.starts_at), "b": _when(event.ends_at)}},
                              code="outside")
    return ScheduleItem.objects.create(event=event, starts_at=starts_at,
                                       title=_text(title, "title", limit=200))


@transaction.atomic
def mentor_add(*, actor: User, event: Event, name: str, expertise: str, email: str = ""
               ) -> Mentor:
    if not actor.has_perm("labs.change_event", event):
        raise _deny(_("Seule l'équipe du laboratoire modifie ce hackathon."))
    user = _user_by_email(email, "email") if email else None
    return Mentor.objects.create(event=event, user=user, name=_text(name, "name", limit=200),
                                 expertise=_text(expertise, "expertise", limit=300))


def _scoring_started(event: Event) -> bool:
    return Score.objects.filter(criterion__event=event).exists()


@transaction.atomic
def criterion_add(*, actor: User, event: Event, name: str, weight: int, description: str = ""
                  ) -> Criterion:
    if not actor.has_perm("labs.change_event", event):
        raise _deny(_("Seule l'équipe du laboratoire modifie ce hackathon."))
    if _scoring_started(event):
        raise ValidationError({"name": _("Le jury a commencé à noter : les critères ne "
                                         "changent plus.")}, code="scoring_started")
    if not isinstance(weight, int) or not 1 <= weight <= 100:
        raise ValidationError({"weight": _("Le poids est un entier de 1 à 100.")},
                              code="invalid")
    name = _text(name, "name", limit=200)
    if Criterion.objects.filter(event=event, name__iexact=name).exists():
        raise ValidationError({"name": _("Ce critère existe déjà.")}, code="duplicate")
    return Criterion.objects.create(event=event, name=name, weight=weight,
                                    description=_text(description, "description", limit=500,
                                                      required=False))


@transaction.atomic
def juror_add(*, actor: User, event: Event, email: str) -> Juror:
    if not actor.has_perm("labs.change_event", event):
        raise _deny(_("Seule l'équipe du laboratoire compose le jury."))
    user = _user_by_email(email, "email")
    juror, _created = Juror.objects.get_or_create(event=event, user=user)
    return juror


def event_register(*, actor: User, event: Event) -> Registration:
    """Register for an event: a seat while any is free, else the waiting list, else refused.

    The event row is locked while counting, so two people cannot take the last seat at once.
    """
    try:
        with transaction.atomic():
            locked = Event.objects.select_for_update().get(pk=event.pk)
            if not actor.has_perm("labs.register_event", locked):
                if locked.starts_at <= timezone.now():
                    raise ValidationError({"event": _("Les inscriptions sont closes : le "
                                                      "hackathon a commencé.")}, code="closed")
                raise _deny(_("Confirmez votre adresse e-mail pour vous inscrire."))
            live = Registration.objects.filter(event=locked).exclude(
                status=RegistrationStatus.CANCELLED)
            if live.filter(user=actor).exists():
                raise ValidationError({"event": _("Vous êtes déjà inscrit·e à ce hackathon.")},
                                      code="already_registered")
            confirmed = live.filter(status=RegistrationStatus.CONFIRMED).count()
            waiting = live.filter(status=RegistrationStatus.WAITING).count()
            if confirmed < locked.capacity:
                status = RegistrationStatus.CONFIRMED
            elif waiting < locked.waiting_list_capacity:
                status = RegistrationStatus.WAITING
            else:
                raise ValidationError(
                    {"event": _("Complet : les %(n)s places et la liste d'attente (%(w)s) sont "
                                "prises.") % {"n": locked.capacity,
                                              "w": locked.waiting_list_capacity}},
                    code="full")
            return Registration.objects.create(event=locked, user=actor, status=status)
    except IntegrityError as exc:
        raise ValidationError({"event": _("Vous êtes déjà inscrit·e à ce hackathon.")},
                              code="already_registered") from exc


@transaction.atomic
def registration_cancel(*, actor: User, event: Event) -> Registration | None:
    """Cancel one's registration; a freed seat goes to the first person waiting, who is told.

    Returns the promoted registration, if any.
    """
    locked = Event.objects.select_for_update().get(pk=event.pk)
    mine = (Registration.objects.select_for_update()
            .filter(event=locked, user=actor).exclude(status=RegistrationStatus.CANCELLED)
            .first())
    if mine is None:
        raise ValidationError({"event": _("Vous n'êtes pas inscrit·e à ce hackathon.")},
                              code="not_registered")
    freed = mine.status == RegistrationStatus.CONFIRMED
    mine.status, mine.cancelled_at = RegistrationStatus.CANCELLED, timezone.now()
    mine.save(update_fields=["status", "cancelled_at"])
    if not freed:
        return None
    confirmed = Registration.objects.filter(event=locked,
                                            status=RegistrationStatus.CONFIRMED).count()
    if confirmed >= locked.capacity:
        return None
    first = (Registration.objects.select_for_update()
             .filter(event=locked, status=RegistrationStatus.WAITING)
             .order_by("created_at", "pk").first())
    if first is None:
        return None
    first.status, first.promoted_at = RegistrationStatus.CONFIRMED, timezone.now()
    first.save(update_fields=["status", "promoted_at"])
    notify(user_ids=[first.user_id],
           title=_("Une place s'est libérée : vous êtes inscrit·e à « %(t)s »")
           % {"t": locked.title}, url=locked.get_absolute_url())
    return first


def _links(values: list[str]) -> list[str]:
    links = [_plain(v).strip() for v in values if v and _plain(v).strip()]
    if len(links) > MAX_LINKS:
        raise ValidationError({"links": _("%(n)s liens au plus.") % {"n": MAX_LINKS}},
                              code="too_many")
    check = URLValidator(schemes=["https", "http"])
    for link in links:
        try:
            check(link)
        except ValidationError as exc:
            raise ValidationError({"links": _("Adresse web invalide : %(u)s") % {"u": link}},
                                  code="invalid") from exc
    return links


def max_upload_bytes() -> int:
    return int(getattr(settings, "MAILLAGE_LABS_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))


def _check_file(upload: UploadedFile) -> tuple[str, str]:
    """(clean name, content type) of an allowed file; a field error naming the file if not."""
    name = (_plain(upload.name) or "fichier").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:150]
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in ALLOWED_FILES:
        raise ValidationError(
            {"files": _("« %(f)s » : type de fichier refusé (acceptés : %(ok)s).")
             % {"f": name, "ok": ", ".join(sorted(ALLOWED_FILES))}}, code="file_type")
    if upload.size > max_upload_bytes():
        raise ValidationError(
            {"files": _("« %(f)s » : %(s)s Mo, au plus %(m)s Mo.")
             % {"f": name, "s": round(upload.size / 1048576, 1),
                "m": round(max_upload_bytes() / 1048576, 1)}}, code="file_size")
    content_type, signatures = ALLOWED_FILES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(s) for s in signatures):
        raise ValidationError(
            {"files": _("« %(f)s » : son contenu ne correspond pas à un fichier %(e)s.")
             % {"f": name, "e": extension}}, code="file_content")
    return name, content_type


@transaction.atomic
def submission_save(*, actor: User, event: Event, team: Team, description: str,
                    links: list[str] = (), files: list[UploadedFile] = ()) -> Submission:
    """A team member hands in (or updates) the team's submission before the deadline.

    Every file is checked (type by extension and content, size) before anything is stored.
    """
    if not actor.has_perm("labs.submit_event", team):
        raise _deny(_("Seuls les membres de l'équipe rendent son travail."))
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if timezone.now() > locked.submissions_close_at:
        raise ValidationError(
            {"event": _("La date limite des rendus est passée (%(d)s) : rien n'a été "
                        "enregistré.") % {"d": _when(locked.submissions_close_at)}},
            code="deadline")
    if locked.challenge_id and team.idea.challenge_id != locked.challenge_id:
        raise ValidationError({"team": _("Cette équipe travaille sur un autre défi que celui "
                                         "du hackathon.")}, code="other_challenge")
    if locked.results_published_at is not None:
        raise ValidationError({"event": _("Les résultats sont publiés.")}, code="closed")
    description = _text(description, "description", limit=5000)
    links = _links(list(links))
    existing = Submission.objects.filter(event=locked, team=team).first()
    already = existing.files.count() if existing else 0
    files = list(files)
    if already + len(files) > MAX_FILES:
        raise ValidationError({"files": _("%(n)s fichiers au plus par rendu.")
                               % {"n": MAX_FILES}}, code="too_many")
    checked = [(_check_file(f), f) for f in files]
    if existing is None:
        submission = Submission.objects.create(event=locked, team=team, description=description,
                                               links=links, submitted_by=actor)
    else:
        submission = existing
        submission.description, submission.links = description, links
        submission.submitted_by = actor
        submission.save(update_fields=["description", "links", "submitted_by", "updated_at"])
    for (name, content_type), upload in checked:
        stored = SubmissionFile(submission=submission, name=name, size=upload.size,
                                content_type=content_type)
        stored.file.save(name, upload, save=False)
        stored.save()
    return submission


def _event_of_criteria(event: Event) -> dict[int, Criterion]:
    return {c.pk: c for c in Criterion.objects.filter(event=event)}


@transaction.atomic
def score_record(*, actor: User, submission: Submission, values: dict[int, int]) -> list[Score]:
    """A juror of the event notes a submission, one note per criterion, all on the scale.

    A juror who is a member of the team is in conflict of interest and may not note it.
    """
    event = submission.event
    if not actor.has_perm("labs.score_submission", submission):
        if is_juror_of(actor, event):
            raise _deny(_("Vous êtes membre de cette équipe : conflit d'intérêts, vous ne la "
                          "notez pas."))
        raise _deny(_("Seuls les membres du jury de ce hackathon notent ses rendus."))
    if event.results_published_at is not None:
        raise ValidationError({"values": _("Les résultats sont publiés : les notes ne changent "
                                           "plus.")}, code="closed")
    criteria = _event_of_criteria(event)
    errors: dict[str, str] = {}
    clean: dict[int, int] = {}
    for key, value in dict(values).items():
        try:
            criterion_id = int(key)
        except (TypeError, ValueError):
            criterion_id = -1
        if criterion_id not in criteria:
            errors["values"] = _("Critère inconnu pour ce hackathon : %(c)s") % {"c": key}
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not (
                0 <= value <= event.score_max):
            errors[f"criterion_{criterion_id}"] = _(
                "« %(c)s » : la note est un entier de 0 à %(m)s (reçu : %(v)s).") % {
                "c": criteria[criterion_id].name, "m": event.score_max, "v": value}
            continue
        clean[criterion_id] = value
    missing = [c.name for pk, c in criteria.items() if pk not in clean
               and f"criterion_{pk}" not in errors]
    if missing and not errors:
        errors["values"] = _("Notez chaque critère ; il manque : %(m)s") % {
            "m": ", ".join(missing)}
    if not criteria:
        errors["values"] = _("Le hackathon n'a pas encore de critères.")
    if errors:
        raise ValidationError(errors, code="invalid")
    juror = Juror.objects.get(event=event, user=actor)
    saved = []
    for criterion_id, value in clean.items():
        score, _created = Score.objects.update_or_create(
            submission=submission, juror=juror, criterion_id=criterion_id,
            defaults={"value": value})
        saved.append(score)
    return saved


def is_juror_of(user: Any, event: Event) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and Juror.objects.filter(
        event=event, user=user).exists()


@transaction.atomic
def results_publish(*, actor: User, event: Event) -> Event:
    if not actor.has_perm("labs.change_event", event):
        raise _deny(_("Seule l'équipe du laboratoire publie les résultats."))
    if not Submission.objects.filter(event=event).exists():
        raise ValidationError({"event": _("Aucun rendu à classer.")}, code="empty")
    event.results_published_at = timezone.now()
    event.save(update_fields=["results_published_at"])
    members = TeamMember.objects.filter(team__submissions__event=event).values_list(
        "user_id", flat=True)
    notify(user_ids=set(members), title=_("Résultats du hackathon « %(t)s »")
           % {"t": event.title}, url=event.get_absolute_url())
    return event


# Projects -----------------------------------------------------------------------------------

def _money(value: Any, field_name: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field_name: _("Un montant en euros.")}, code="invalid") from exc
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise ValidationError({field_name: _("Un montant positif en euros.")}, code="invalid")
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def project_create(*, actor: User, idea: Idea, title: str, summary: str,
                   team_id: int | None = None) -> Project:
    """A shortlisted or winning idea becomes a project, at the « idée » stage."""
    lab = idea.challenge.lab
    if not actor.has_perm("labs.add_project", lab):
        raise _deny(_("Seule l'équipe du laboratoire lance des projets."))
    from maillage.labs.selectors import idea_has_won

    if not idea.is_shortlisted and not idea_has_won(idea):
        raise ValidationError({"idea": _("Seule une idée retenue ou lauréate d'un hackathon "
                                         "devient un projet.")}, code="not_selected")
    if Project.objects.filter(idea=idea).exists():
        raise ValidationError({"idea": _("Cette idée est déjà un projet.")}, code="duplicate")
    team = None
    if team_id:
        team = Team.objects.filter(pk=team_id, idea=idea).first()
        if team is None:
            raise ValidationError({"team_id": _("Cette équipe ne porte pas l'idée.")},
                                  code="invalid")
    return Project.objects.create(lab=lab, idea=idea, team=team,
                                  title=_text(title, "title", limit=200),
                                  summary=_text(summary, "summary", limit=3000),
                                  created_by=actor)


@transaction.atomic
def project_stage_change(*, actor: User, project: Project, stage: str, note: str = "",
                         stop_reason: str = "", pilot_commune_code: str = "") -> Project:
    """Move a project one stage forward, or stop it (saying why). Entering the pilot stage
    names the commune and opens a participation action that tracks and evaluates the pilot."""
    if not actor.has_perm("labs.change_project", project):
        raise _deny(_("Seules l'équipe du laboratoire et celle du projet le font avancer."))
    current = project.stage
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Étape inconnue : %(s)s") % {"s": stage}},
                              code="invalid")
    if current == Stage.STOPPED:
        raise ValidationError({"stage": _("Ce projet est arrêté.")}, code="stopped")
    if stage == Stage.STOPPED:
        project.stop_reason = _text(stop_reason, "stop_reason", limit=3000)
    else:
        position = STAGE_ORDER.index(current)
        if position + 1 >= len(STAGE_ORDER) or STAGE_ORDER[position + 1] != stage:
            expected = (STAGE_ORDER[position + 1].label if position + 1 < len(STAGE_ORDER)
                        else _("aucune"))
            raise ValidationError({"stage": _("Étape suivante attendue : %(e)s.")
                                   % {"e": expected}}, code="order")
    if stage == Stage.PILOT:
        try:
            commune = commune_get((pilot_commune_code or "").strip())
        except TerritoryNotFound as exc:
            raise ValidationError({"pilot_commune_code": _("Indiquez la commune de "
                                                           "l'expérimentation (code INSEE).")},
                                  code="required") from exc
        lab = project.lab
        if not territory_contains(TerritoryRef(lab.territory_level, lab.territory_code),
                                  TerritoryRef("commune", commune.pk)):
            raise ValidationError({"pilot_commune_code": _("%(c)s n'est pas dans le territoire "
                                                           "du laboratoire.")
                                   % {"c": commune.name}}, code="outside")
        project.pilot_commune = commune
        project.action = participation.action_create(
            actor=actor, process=lab.process,
            title=_("Expérimentation : %(t)s") % {"t": project.title},
            responsible_body=lab.name, description=project.summary,
            proposal_ids=[project.idea.proposal_id], commune_codes=[commune.pk],
            starts_on=timezone.localdate(), is_demo=lab.is_demo)
    project.stage = stage
    project.save()
    StageChange.objects.create(project=project, from_stage=current, to_stage=stage,
                               note=_text(note or stop_reason, "note", limit=3000,
                                          required=False), by=actor)
    if project.team_id:
        notify(user_ids=_team_ids(project.team) - {actor.pk},
               title=_("Projet « %(t)s » : %(s)s") % {"t": project.title,
                                                     "s": project.get_stage_display()},
               url=project.get_absolute_url())
    return project


@transaction.atomic
def project_update(*, actor: User, project: Project, summary: str | None = None,
                   funding_requested: Any = None, funding_obtained: Any = None) -> Project:
    if not actor.has_perm("labs.change_project", project):
        raise _deny(_("Seules l'équipe du laboratoire et celle du projet le modifient."))
    if summary is not None:
        project.summary = _text(summary, "summary", limit=3000)
    if funding_requested is not None:
        project.funding_requested = _money(funding_requested, "funding_requested")
    if funding_obtained is not None:
        project.funding_obtained = _money(funding_obtained, "funding_obtained")
    project.save()
    return project


@transaction.atomic
def milestone_add(*, actor: User, project: Project, title: str, due_on: Any = None
                  ) -> Milestone:
    if not actor.has_perm("labs.change_project", project):
        raise _deny(_("Seules l'équipe du laboratoire et celle du projet le modifient."))
    return Milestone.objects.create(project=project, title=_text(title, "title", limit=200),
                                    due_on=due_on or None)


@transaction.atomic
def milestone_done(*, actor: User, milestone: Milestone, done: bool = True) -> Milestone:
    if not actor.has_perm("labs.change_project", milestone.project):
        raise _deny(_("Seules l'équipe du laboratoire et celle du projet le modifient."))
    milestone.done_on = timezone.localdate() if done else None
    milestone.save(update_fields=["done_on"])
    return milestone


@transaction.atomic
def partner_add(*, actor: User, project: Project, name: str, contribution: str = ""
                ) -> Partner:
    if not actor.has_perm("labs.change_project", project):
        raise _deny(_("Seules l'équipe du laboratoire et celle du projet le modifient."))
    return Partner.objects.create(project=project, name=_text(name, "name", limit=200),
                                  contribution=_text(contribution, "contribution", limit=300,
                                                     required=False))
