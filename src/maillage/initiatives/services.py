"""Writes of initiatives: one function per use case, taking the acting user, checking the right
on the object, in one transaction. Bad input raises ValidationError keyed by field name (nothing
is stored); a missing right raises PermissionDenied.

Notifications go through participation's `notify`; moderation decisions are written to
participation's audit trail (`ModerationEvent`), as mobilization does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import Organisation, RoleAssignment, User
from maillage.initiatives.models import (
    Initiative,
    InitiativeFollow,
    InitiativeKind,
    Population,
    Reaction,
    ReactionKind,
    ResultFigure,
    SourceApp,
    Testimony,
    TestimonyStatus,
    Theme,
)
from maillage.initiatives.photos import photo_clean
from maillage.participation.services.notifications import followers, notify
from maillage.territories.models import Commune

logger = logging.getLogger(__name__)

# Fields a linked initiative takes from its source at each sync: editing them here would be
# overwritten, so owners change them in the source app.
SOURCE_FIELDS = ("title", "kind", "commune", "run_by")


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _text(value: Any, field_name: str, *, limit: int, required: bool = True) -> str:
    value = (str(value) if value is not None else "").strip()
    if required and not value:
        raise ValidationError({field_name: _("Ce champ est obligatoire.")}, code="required")
    if len(value) > limit:
        raise ValidationError(
            {field_name: _("%(n)s caractères au plus (%(got)s saisis).")
             % {"n": limit, "got": len(value)}}, code="too_long")
    return value


def _commune(code: Any) -> Commune:
    code = (str(code) if code is not None else "").strip().upper()
    if not code:
        raise ValidationError({"commune": _("Indiquez la commune.")}, code="required")
    found = Commune.objects.filter(pk=code).first()
    if found is None:
        raise ValidationError(
            {"commune": _("Aucune commune n'a le code INSEE %(code)s.") % {"code": code}},
            code="unknown_commune")
    return found


# Declared results ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResultSpec:
    label: str
    value: Decimal
    unit: str = ""
    year: int | None = None


def results_parse(text: str) -> list[ResultSpec]:
    """Parse "indicateur ; valeur ; unité ; année" lines; the error names the line and part."""
    specs, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) < 2 or len(parts) > 4 or not parts[0]:
            errors.append(_("Ligne %(n)s : écrivez « indicateur ; valeur ; unité ; année » "
                            "(unité et année facultatives).") % {"n": number})
            continue
        label, raw = parts[0], parts[1].replace("\u202f", "").replace(" ", "").replace(",", ".")
        try:
            value = Decimal(raw)
            if not value.is_finite() or abs(value) >= Decimal("1e12"):
                raise InvalidOperation
        except InvalidOperation:
            errors.append(_("Ligne %(n)s : la valeur « %(v)s » n'est pas un nombre.")
                          % {"n": number, "v": parts[1]})
            continue
        year = None
        if len(parts) == 4 and parts[3]:
            if not parts[3].isdigit() or not 1900 <= int(parts[3]) <= 2100:
                errors.append(_("Ligne %(n)s : l'année « %(y)s » doit s'écrire sur quatre "
                                "chiffres.") % {"n": number, "y": parts[3]})
                continue
            year = int(parts[3])
        if len(label) > 200 or (len(parts) > 2 and len(parts[2]) > 40):
            errors.append(_("Ligne %(n)s : indicateur (200 caractères) ou unité (40) trop "
                            "long.") % {"n": number})
            continue
        specs.append(ResultSpec(label, value.quantize(Decimal("0.01")),
                                parts[2] if len(parts) > 2 else "", year))
    if len(specs) > 30:
        errors.append(_("30 résultats au plus."))
    if errors:
        raise ValidationError({"results": errors}, code="invalid_results")
    return specs


def _results_store(initiative: Initiative, specs: Iterable[ResultSpec]) -> None:
    initiative.results.all().delete()
    ResultFigure.objects.bulk_create([
        ResultFigure(initiative=initiative, label=s.label, value=s.value, unit=s.unit,
                     year=s.year, position=i) for i, s in enumerate(specs)])


# Initiatives ------------------------------------------------------------------------------------

def _clean_fields(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    """Validate every given field at once, so that the person sees all errors together."""
    limits = {"title": (200, True), "summary": (5000, True), "run_by": (200, True),
              "contact": (300, False), "how_to_join": (2000, False), "lessons": (5000, False)}
    choices = {"kind": InitiativeKind, "theme": Theme, "population": Population}
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        try:
            if name in limits:
                limit, required = limits[name]
                cleaned[name] = _text(value, name, limit=limit, required=required)
            elif name in choices:
                if value not in choices[name].values:
                    raise ValidationError({name: _("Choisissez dans la liste.")},
                                          code="invalid")
                cleaned[name] = value
            elif name == "commune":
                cleaned[name] = _commune(value)
            elif name == "started_on":
                if value is not None and not isinstance(value, date):
                    raise ValidationError({name: _("Une date attendue.")}, code="invalid")
                if value is not None and value > timezone.localdate():
                    raise ValidationError({name: _("La date de début ne peut pas être dans le "
                                                   "futur.")}, code="future")
                cleaned[name] = value
            elif name == "results":
                cleaned[name] = results_parse(value) if isinstance(value, str) else list(value)
            else:
                raise TypeError(f"unknown initiative field {name}")
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if not partial:
        for name in ("title", "kind", "theme", "summary", "commune", "run_by"):
            if name not in values:
                errors.setdefault(name, []).append(_("Ce champ est obligatoire."))
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def initiative_create(*, actor: User, title: str, kind: str, theme: str, summary: str,
                      commune: str, run_by: str, population: str = Population.ALL,
                      started_on: date | None = None, contact: str = "", how_to_join: str = "",
                      lessons: str = "", results: str | list[ResultSpec] = "",
                      is_demo: bool = False) -> Initiative:
    """A person with a confirmed e-mail address describes an initiative and becomes its owner.

    Followers of the commune (participation's follows) are told. `is_demo` is for the demo
    loader only (never offered on the page or the API).
    """
    if not actor.has_perm("initiatives.add_initiative"):
        raise _deny(_("Confirmez votre adresse e-mail pour décrire une initiative."))
    cleaned = _clean_fields(
        {"title": title, "kind": kind, "theme": theme, "summary": summary, "commune": commune,
         "run_by": run_by, "population": population, "started_on": started_on,
         "contact": contact, "how_to_join": how_to_join, "lessons": lessons,
         "results": results}, partial=False)
    specs = cleaned.pop("results")
    initiative = Initiative.objects.create(created_by=actor, is_demo=bool(is_demo), **cleaned)
    initiative.owners.add(actor)
    _results_store(initiative, specs)
    notify(user_ids=followers(communes=[initiative.commune_id]) - {actor.pk},
           title=_("Nouvelle initiative à %(c)s : %(t)s")
           % {"c": initiative.commune.name, "t": initiative.title},
           url=initiative.get_absolute_url())
    return initiative


@transaction.atomic
def initiative_update(*, actor: User, initiative: Initiative, **values: Any) -> Initiative:
    """Only the owners change an initiative; its followers hear of it."""
    if not actor.has_perm("initiatives.change_initiative", initiative):
        raise _deny(_("Seul·es les responsables de l'initiative la modifient."))
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    if initiative.is_linked:
        locked = [name for name in SOURCE_FIELDS if name in values
                  and str(values[name]) != str(getattr(initiative, f"{name}_id"
                                                       if name == "commune" else name))]
        if locked:
            raise ValidationError({name: _("Ce champ vient de l'application d'origine (%(app)s) "
                                           "et s'y modifie.")
                                   % {"app": initiative.get_source_app_display()}
                                   for name in locked}, code="source_field")
    cleaned = _clean_fields(values, partial=True)
    specs = cleaned.pop("results", None)
    for name, value in cleaned.items():
        setattr(initiative, name, value)
    initiative.save()
    if specs is not None:
        _results_store(initiative, specs)
    notify(user_ids=set(initiative.follows.values_list("user_id", flat=True)) - {actor.pk},
           title=_("Initiative mise à jour : %(t)s") % {"t": initiative.title},
           url=initiative.get_absolute_url())
    return initiative


@transaction.atomic
def initiative_owner_add(*, actor: User, initiative: Initiative, email: str) -> User:
    """An owner shares the editing with another person who has an account."""
    if not actor.has_perm("initiatives.change_initiative", initiative):
        raise _deny(_("Seul·es les responsables de l'initiative la modifient."))
    email = _text(email, "email", limit=254)
    other = User.objects.filter(email__iexact=email).first()
    if other is None:
        raise ValidationError({"email": _("Aucun compte n'utilise l'adresse %(e)s.")
                               % {"e": email}}, code="unknown_user")
    initiative.owners.add(other)
    return other


def _moderation_record(actor: User, content: Any, action: str, reason: str) -> None:
    from maillage.participation.services.core import _moderation_event

    _moderation_event(actor, content, action, reason)


@transaction.atomic
def initiative_hide(*, actor: User, initiative: Initiative, reason: str) -> Initiative:
    """A moderator of the territory hides an initiative with a reason (never deleted)."""
    from maillage.participation.models import ModerationEvent

    if not actor.has_perm("initiatives.moderate_initiative", initiative):
        raise _deny(_("Vous ne modérez pas ce territoire."))
    reason = _text(reason, "reason", limit=2000)
    if initiative.is_hidden:
        raise ValidationError({"reason": _("Cette initiative est déjà masquée.")},
                              code="hidden")
    initiative.hidden_at, initiative.hidden_reason, initiative.hidden_by = (
        timezone.now(), reason, actor)
    initiative.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    _moderation_record(actor, initiative, ModerationEvent.Action.HIDE, reason)
    notify(user_ids=set(initiative.owners.values_list("pk", flat=True)),
           title=_("Votre initiative « %(t)s » a été masquée") % {"t": initiative.title},
           url=initiative.get_absolute_url(), body=reason)
    return initiative


@transaction.atomic
def initiative_restore(*, actor: User, initiative: Initiative, reason: str) -> Initiative:
    from maillage.participation.models import ModerationEvent

    if not actor.has_perm("initiatives.moderate_initiative", initiative):
        raise _deny(_("Vous ne modérez pas ce territoire."))
    reason = _text(reason, "reason", limit=2000)
    if not initiative.is_hidden:
        raise ValidationError({"reason": _("Cette initiative n'est pas masquée.")},
                              code="visible")
    initiative.hidden_at, initiative.hidden_reason, initiative.hidden_by = None, "", None
    initiative.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    _moderation_record(actor, initiative, ModerationEvent.Action.RESTORE, reason)
    return initiative


# Testimonies ------------------------------------------------------------------------------------

def testimony_create(*, actor: User, initiative: Initiative, body: str, show_name: bool = False,
                     photo: Any = None, photo_description: str = "") -> Testimony:
    """A verified person testifies; the testimony waits for a moderator of the territory.

    The photo is checked and re-encoded before anything is written; the file is removed again
    if the database write fails, so bad input leaves nothing behind.
    """
    if not actor.has_perm("initiatives.add_testimony", initiative):
        raise _deny(_("Confirmez votre adresse e-mail pour témoigner."))
    errors: dict[str, list[str]] = {}
    cleaned_photo = None
    try:
        body = _text(body, "body", limit=5000)
    except ValidationError as exc:
        errors |= exc.message_dict
    if photo:
        try:
            photo_description = _text(photo_description, "photo_description", limit=300)
        except ValidationError:
            errors["photo_description"] = [_("Décrivez la photo en quelques mots (pour les "
                                             "personnes qui ne la voient pas).")]
        try:
            cleaned_photo = photo_clean(photo)
        except ValidationError as exc:
            errors |= exc.message_dict
    else:
        photo_description = ""
    if errors:
        raise ValidationError(errors)
    testimony = Testimony(initiative=initiative, author=actor, body=body,
                          show_name=bool(show_name), photo_description=photo_description)
    try:
        with transaction.atomic():
            if cleaned_photo is not None:
                testimony.photo.save("photo.jpg", cleaned_photo, save=False)
            testimony.save()
            moderators = _moderators_of(initiative)
            notify(user_ids=moderators - {actor.pk},
                   title=_("Témoignage à modérer : %(t)s") % {"t": initiative.title},
                   url=reverse("initiatives:moderation"))
    except Exception:
        if testimony.photo:
            testimony.photo.delete(save=False)
        raise
    return testimony


def _moderators_of(initiative: Initiative) -> set[int]:
    from maillage.initiatives.rules import MODERATOR_ROLES
    from maillage.territories.selectors import TerritoryRef, territory_contains

    target = TerritoryRef("commune", initiative.commune_id)
    ids = set()
    for a in RoleAssignment.objects.filter(role__in=MODERATOR_ROLES, organisation__isnull=True):
        if a.territory_level and territory_contains(
                TerritoryRef(a.territory_level, a.territory_code), target):
            ids.add(a.user_id)
    return ids


@transaction.atomic
def testimony_moderate(*, actor: User, testimony: Testimony, approve: bool, reason: str = ""
                       ) -> Testimony:
    """A moderator of the territory publishes a pending testimony, or refuses it with a reason.

    The author is told either way; on publication the initiative's owners and followers are.
    """
    from maillage.participation.models import ModerationEvent

    if not actor.has_perm("initiatives.moderate_testimony", testimony):
        raise _deny(_("Vous ne modérez pas ce territoire."))
    testimony = (Testimony.objects.select_for_update().select_related("initiative")
                 .get(pk=testimony.pk))
    if testimony.status != TestimonyStatus.PENDING:
        raise ValidationError({"status": _("Ce témoignage a déjà été modéré.")},
                              code="moderated")
    testimony.moderated_at, testimony.moderated_by = timezone.now(), actor
    if approve:
        testimony.status = TestimonyStatus.PUBLISHED
    else:
        testimony.status = TestimonyStatus.REJECTED
        testimony.rejection_reason = _text(reason, "reason", limit=2000)
        _moderation_record(actor, testimony, ModerationEvent.Action.HIDE,
                           testimony.rejection_reason)
    testimony.save(update_fields=["status", "moderated_at", "moderated_by", "rejection_reason"])
    initiative = testimony.initiative
    if testimony.author_id:
        title = (_("Votre témoignage sur « %(t)s » est publié") if approve
                 else _("Votre témoignage sur « %(t)s » n'a pas été publié")) % {
                     "t": initiative.title}
        notify(user_ids=[testimony.author_id], title=title, url=testimony.get_absolute_url(),
               body=testimony.rejection_reason)
    if approve:
        audience = (set(initiative.follows.values_list("user_id", flat=True))
                    | set(initiative.owners.values_list("pk", flat=True)))
        notify(user_ids=audience - {testimony.author_id},
               title=_("Nouveau témoignage : %(t)s") % {"t": initiative.title},
               url=testimony.get_absolute_url())
    return testimony


# Reactions and follows ------------------------------------------------------------------------

def initiative_react(*, actor: User, initiative: Initiative, kind: str) -> bool:
    """Toggle a reaction; returns whether it is now set."""
    if kind not in ReactionKind.values:
        raise ValidationError({"kind": _("Réaction inconnue.")}, code="invalid")
    if not actor.has_perm("initiatives.react_initiative", initiative):
        raise _deny(_("Confirmez votre adresse e-mail pour réagir."))
    with transaction.atomic():
        deleted, _rows = Reaction.objects.filter(initiative=initiative, user=actor,
                                                 kind=kind).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                Reaction.objects.create(initiative=initiative, user=actor, kind=kind)
        except IntegrityError:
            pass
    return True


def initiative_follow(*, actor: User, initiative: Initiative, follow: bool = True) -> bool:
    """Follow (or stop following) an initiative: its updates and new testimonies."""
    if not actor.has_perm("initiatives.follow_initiative", initiative):
        raise _deny(_("Connectez-vous pour suivre."))
    if not follow:
        InitiativeFollow.objects.filter(initiative=initiative, user=actor).delete()
        return False
    try:
        with transaction.atomic():
            InitiativeFollow.objects.create(initiative=initiative, user=actor)
    except IntegrityError:
        pass
    return True


# Initiatives created elsewhere ------------------------------------------------------------------
#
# A sync (rather than a read-through selector) because a linked initiative needs a row of its
# own: testimonies, reactions, follows, owners' lessons and results attach to it, and the
# directory filters, maps, exports and feeds query one table. The source reference is unique,
# so a re-run refreshes the fields the source owns and never creates a second initiative.

@dataclass(frozen=True)
class Linked:
    source_app: str
    source_id: str
    title: str
    kind: str
    commune_id: str
    run_by: str
    summary: str
    theme: str = ""
    started_on: date | None = None
    source_url: str = ""
    owner_ids: frozenset[int] = frozenset()


@dataclass
class SyncSummary:
    created: int = 0
    updated: int = 0
    archived: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def _url(name: str, pk: Any) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _organisation_owners(organisation: Organisation) -> frozenset[int]:
    return frozenset(RoleAssignment.objects.filter(organisation=organisation)
                     .values_list("user_id", flat=True))


def _from_transport(region: str | None) -> list[Linked]:
    from maillage.transport.selectors import solidarity_transport_associations

    found = []
    for association in solidarity_transport_associations():
        served = sorted(association.transport_settings.served_communes.all(),
                        key=lambda c: c.code)
        commune = association.commune or (served[0] if served else None)
        if commune is None or (region and commune.region_id != region):
            continue
        found.append(Linked(
            SourceApp.TRANSPORT, str(association.pk), association.name,
            InitiativeKind.SOLIDARITY_TRANSPORT, commune.code, association.name,
            _("Transport solidaire par des chauffeurs bénévoles vers les rendez-vous de soins "
              "(%(n)s communes desservies).") % {"n": len(served) or 1},
            Theme.MOBILITY, association.created_at.date(),
            _url("transport:association", association.pk), _organisation_owners(association)))
    return found


def _network_commune(organisation: Organisation) -> Commune | None:
    """Where a cooperation without a commune of its own works: its members' first commune
    (members by name), else the first commune of its services."""
    from maillage.coordination.selectors import network_of

    network = network_of(organisation)
    for entry in network:
        if entry["organisation"].commune is not None:
            return entry["organisation"].commune
    for entry in network:
        for service in entry["services"]:
            if getattr(service, "commune", None) is not None:
                return service.commune
    return None


def _from_coordination(region: str | None) -> list[Linked]:
    from maillage.coordination.selectors import cooperations

    kinds = {Organisation.Kind.MSP: InitiativeKind.MSP,
             Organisation.Kind.HEALTH_CENTRE: InitiativeKind.HEALTH_CENTRE}
    found = []
    for organisation in cooperations().select_related("commune"):
        # A CPTS is often registered without a commune: it is placed where its network is.
        commune = organisation.commune or _network_commune(organisation)
        if commune is None or (region and commune.region_id != region):
            continue
        kind = kinds.get(organisation.kind, InitiativeKind.COOPERATION)
        found.append(Linked(
            SourceApp.COORDINATION, str(organisation.pk), organisation.name, kind, commune.code,
            organisation.name,
            _("%(kind)s coordonnant %(n)s structures du réseau régional de soins.")
            % {"kind": organisation.get_kind_display(), "n": organisation.members + 1},
            Theme.COORDINATION, organisation.created_at.date(),
            _url("coordination:cooperation", organisation.pk),
            _organisation_owners(organisation)))
    return found


def _from_participation(region: str | None) -> list[Linked]:
    from maillage.participation.selectors import actions_done

    found = []
    for action in actions_done():
        communes = sorted(action.communes.all(), key=lambda c: c.code)
        code = communes[0].code if communes else (
            action.process.territory_code if action.process.territory_level == "commune"
            else "")
        commune = communes[0] if communes else Commune.objects.filter(pk=code).first()
        if commune is None or (region and commune.region_id != region):
            continue
        found.append(Linked(
            SourceApp.PARTICIPATION, str(action.pk), action.title, InitiativeKind.ACTION,
            commune.code, action.responsible_body,
            action.description or _("Action décidée dans la concertation « %(p)s ».")
            % {"p": action.process.title},
            "", action.starts_on, action.get_absolute_url()))
    return found


def _from_labs(region: str | None) -> list[Linked] | None:
    """Lab projects in pilot or beyond; None when the labs app offers no project selector."""
    try:
        from maillage.labs import selectors as labs_selectors
        from maillage.labs.models import Stage
    except ImportError:
        return None
    project_list: Callable[..., Any] | None = getattr(labs_selectors, "project_list", None)
    if project_list is None:
        return None
    found = []
    for project in project_list().filter(
            stage__in=[Stage.PILOT, Stage.EVALUATION, Stage.DEPLOYMENT]):
        commune = project.pilot_commune
        if commune is None or (region and commune.region_id != region):
            continue
        found.append(Linked(
            SourceApp.LABS, str(project.pk), project.title, InitiativeKind.LAB_PROJECT,
            commune.code, project.lab.name, project.summary, "", project.created_at.date(),
            _url("labs:project", project.pk),
            frozenset({project.created_by_id}) if project.created_by_id else frozenset()))
    return found


def _from_healthcare(region: str | None) -> list[Linked]:
    from maillage.healthcare.models import FacilityKind
    from maillage.healthcare.selectors import facilities_of_kinds

    kinds = {FacilityKind.MSP: InitiativeKind.MSP,
             FacilityKind.CENTRE_SANTE: InitiativeKind.HEALTH_CENTRE}
    return [Linked(SourceApp.HEALTHCARE, f.finess, f.name, kinds[f.kind], f.commune_id, f.name,
                   _("%(label)s (FINESS %(finess)s).")
                   % {"label": f.category_label or f.get_kind_display(), "finess": f.finess},
                   Theme.GP)
            for f in facilities_of_kinds(kinds=list(kinds), region=region)]


SOURCES: dict[str, Callable[[str | None], list[Linked] | None]] = {
    SourceApp.TRANSPORT: _from_transport,
    SourceApp.COORDINATION: _from_coordination,
    SourceApp.PARTICIPATION: _from_participation,
    SourceApp.LABS: _from_labs,
    SourceApp.HEALTHCARE: _from_healthcare,
}


@transaction.atomic
def initiatives_sync(*, region: str | None = None, sources: Iterable[str] | None = None
                     ) -> SyncSummary:
    """Create or refresh the initiatives linked to other apps' objects (idempotent).

    A system job (command, demo): it reads other apps through their selectors only. A linked
    initiative whose source no longer qualifies is archived, never deleted; its owners' own
    fields (theme, summary, lessons, results, contact) are kept across refreshes.
    """
    summary = SyncSummary()
    for app in (sources or SOURCES):
        items = SOURCES[app](region)
        if items is None:
            summary.skipped.append(app)
            continue
        summary.by_source[app] = len(items)
        seen = set()
        for item in items:
            seen.add(item.source_id)
            initiative = Initiative.objects.filter(source_app=app,
                                                   source_id=item.source_id).first()
            owned = {"title": item.title[:200], "kind": item.kind,
                     "commune_id": item.commune_id, "run_by": item.run_by[:200],
                     "source_url": item.source_url}
            if initiative is None:
                initiative = Initiative.objects.create(
                    source_app=app, source_id=item.source_id, summary=item.summary[:5000],
                    theme=item.theme, started_on=item.started_on, **owned)
                summary.created += 1
            else:
                changed = [k for k, v in owned.items() if getattr(initiative, k) != v]
                if initiative.archived_at is not None:
                    initiative.archived_at = None
                    changed.append("archived_at")
                for name in changed:
                    if name != "archived_at":
                        setattr(initiative, name, owned[name])
                if changed:
                    initiative.save(update_fields=[*changed, "updated_at"])
                    summary.updated += 1
            if item.owner_ids:
                initiative.owners.add(*item.owner_ids)
        gone = Initiative.objects.filter(source_app=app, archived_at__isnull=True).exclude(
            source_id__in=seen)
        if region:
            gone = gone.filter(commune__region_id=region)
        summary.archived += gone.update(archived_at=timezone.now())
    return summary
