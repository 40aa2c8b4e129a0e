"""Writes of mobilization: one function per use case, taking the acting user, checking the right
on the object, in one transaction. Bad input raises ValidationError keyed by field name; a missing
right raises PermissionDenied.

Notifications go through participation's `notify` (in the app, e-mail at once or in the digest);
reports go through participation's `content_flag`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import Organisation, RoleAssignment, User
from maillage.mobilization.models import (
    AuthorityKind,
    Campaign,
    CampaignCommune,
    CampaignEvent,
    CampaignTheme,
    CampaignView,
    EventRegistration,
    ForumThread,
    Petition,
    PetitionStatus,
    Post,
    Reaction,
    ReactionKind,
    Side,
    Signature,
    ThreadFollow,
    ThreadKind,
    Topic,
)
from maillage.mobilization.rules import ANALYST_ROLES, MODERATOR_ROLES
from maillage.participation.services import content_flag
from maillage.participation.services.notifications import notify
from maillage.territories.selectors import (
    TerritoryNotFound,
    TerritoryRef,
    commune_get,
    departement_get,
    region_get,
    territory_contains,
)


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


def _rate_limit(count: int, setting: str, default: int, field_name: str) -> None:
    """Refuse when a person wrote too much in the last ten minutes (read at call time)."""
    limit = getattr(settings, setting, default)
    if count >= limit:
        raise ValidationError(
            {field_name: _("Trop d'envois en peu de temps : réessayez dans quelques minutes.")},
            code="rate_limited")


def _recent() -> datetime:
    return timezone.now() - timedelta(minutes=10)


def territory_resolve(level: str, code: str, field_name: str = "territory_code"
                      ) -> tuple[TerritoryRef, str]:
    """(reference, name) of a région, département or commune; a field error if unknown."""
    getters = {"region": region_get, "departement": departement_get, "commune": commune_get}
    if level not in getters:
        raise ValidationError({"territory_level": _("Choisissez région, département ou "
                                                    "commune.")}, code="invalid")
    try:
        found = getters[level]((code or "").strip())
    except TerritoryNotFound as exc:
        raise ValidationError({field_name: str(exc)}, code="unknown_territory") from exc
    return TerritoryRef(level, found.pk), found.name


# Petitions ------------------------------------------------------------------------------------

@transaction.atomic
def petition_create(
    *, actor: User, title: str, body: str, authority_kind: str, authority_name: str,
    territory_level: str, territory_code: str, threshold: int, deadline: datetime,
    authority_organisation_id: int | None = None,
) -> Petition:
    """A verified resident of the territory starts a petition; it waits for moderation."""
    territory, name = territory_resolve(territory_level, territory_code)
    if not actor.has_perm("mobilization.add_petition", territory):
        raise _deny(_("Seul·e un·e habitant·e vérifié·e du territoire peut lancer une pétition "
                      "(adresse e-mail confirmée et commune de résidence dans le territoire)."))
    errors: dict[str, str] = {}
    if authority_kind not in AuthorityKind.values:
        errors["authority_kind"] = _("Choisissez l'autorité dans la liste.")
    if not isinstance(threshold, int) or not 1 <= threshold <= 10_000_000:
        errors["threshold"] = _("Un nombre entier de signatures, au moins 1.")
    if not isinstance(deadline, datetime) or deadline <= timezone.now():
        errors["deadline"] = _("La date limite doit être dans le futur.")
    elif deadline > timezone.now() + timedelta(days=366):
        errors["deadline"] = _("Une pétition dure au plus un an.")
    organisation = None
    if authority_organisation_id:
        organisation = Organisation.objects.filter(pk=authority_organisation_id).first()
        if organisation is None:
            errors["authority_organisation_id"] = _("Organisation inconnue.")
    if errors:
        raise ValidationError(errors, code="invalid")
    _rate_limit(Petition.objects.filter(author=actor, created_at__gte=_recent()).count(),
                "MAILLAGE_PETITIONS_PER_10_MINUTES", 3, "title")
    petition = Petition.objects.create(
        title=_text(title, "title", limit=200), body=_text(body, "body", limit=10_000),
        authority_kind=authority_kind,
        authority_name=_text(authority_name, "authority_name", limit=200),
        authority_organisation=organisation, territory_level=territory.level,
        territory_code=territory.code, territory_name=name, author=actor,
        threshold=threshold, deadline=deadline,
    )
    notify(user_ids=_role_holders(MODERATOR_ROLES, territory),
           title=_("Pétition à modérer : %(t)s") % {"t": petition.title},
           url=petition.get_absolute_url())
    return petition


@transaction.atomic
def petition_moderate(*, actor: User, petition: Petition, approve: bool, reason: str = ""
                      ) -> Petition:
    """A moderator of the territory publishes a pending petition, or refuses it with a reason."""
    if not actor.has_perm("mobilization.moderate_petition", petition):
        raise _deny(_("Vous ne modérez pas ce territoire."))
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if petition.status != PetitionStatus.PENDING:
        raise ValidationError({"status": _("Cette pétition a déjà été modérée.")},
                              code="moderated")
    petition.moderated_at, petition.moderated_by = timezone.now(), actor
    if approve:
        petition.status = PetitionStatus.PUBLISHED
    else:
        petition.status = PetitionStatus.REJECTED
        petition.rejection_reason = _text(reason, "reason", limit=2000)
    petition.save(update_fields=["status", "moderated_at", "moderated_by", "rejection_reason"])
    if petition.author_id:
        title = (_("Votre pétition « %(t)s » est publiée") if approve
                 else _("Votre pétition « %(t)s » n'a pas été publiée")) % {"t": petition.title}
        notify(user_ids=[petition.author_id], title=title, url=petition.get_absolute_url(),
               body=petition.rejection_reason)
    return petition


def _role_holders(roles: frozenset[str], territory: TerritoryRef) -> set[int]:
    """Ids of the users holding one of `roles` in a territory containing `territory`."""
    ids = set()
    for assignment in RoleAssignment.objects.filter(role__in=roles, organisation__isnull=True):
        scope = TerritoryRef(assignment.territory_level, assignment.territory_code)
        if territory_contains(scope, territory):
            ids.add(assignment.user_id)
    return ids


def authority_user_ids(petition: Petition) -> set[int]:
    """Who answers for the authority: its organisation's members, the territory's analysts."""
    territory = TerritoryRef(petition.territory_level, petition.territory_code)
    ids = _role_holders(ANALYST_ROLES, territory)
    if petition.authority_organisation_id:
        ids |= set(RoleAssignment.objects.filter(
            organisation_id=petition.authority_organisation_id).values_list("user_id", flat=True))
    return ids


def petition_sign(*, actor: User, petition: Petition, show_publicly: bool = False) -> Signature:
    """One signature per verified person, enforced by the database.

    The petition row is locked while signing, so the count read to detect the threshold is
    exact and the authority is notified once. Counts are always derived from the rows.
    """
    try:
        with transaction.atomic():
            locked = Petition.objects.select_for_update().get(pk=petition.pk)
            if not actor.has_perm("mobilization.sign_petition", locked):
                raise _deny(_("Cette pétition n'est pas ouverte aux signatures, ou votre "
                              "adresse e-mail n'est pas confirmée."))
            if Signature.objects.filter(petition=locked, user=actor).exists():
                raise ValidationError({"petition": _("Vous avez déjà signé cette pétition.")},
                                      code="already_signed")
            _rate_limit(Signature.objects.filter(user=actor, created_at__gte=_recent()).count(),
                        "MAILLAGE_SIGNATURES_PER_10_MINUTES", 20, "petition")
            signature = Signature.objects.create(
                petition=locked, user=actor, name=actor.display_name or actor.get_full_name(),
                commune_id=actor.home_commune_id, show_publicly=bool(show_publicly))
            count = Signature.objects.filter(petition=locked).count()
            if locked.threshold_reached_at is None and count >= locked.threshold:
                locked.threshold_reached_at = timezone.now()
                locked.save(update_fields=["threshold_reached_at"])
                notify(user_ids=authority_user_ids(locked),
                       title=_("Pétition « %(t)s » : seuil de %(n)s signatures atteint, une "
                               "réponse officielle est attendue")
                       % {"t": locked.title, "n": locked.threshold},
                       url=locked.get_absolute_url())
            return signature
    except IntegrityError as exc:
        # The same person signing twice at the same instant: the constraint kept one.
        raise ValidationError({"petition": _("Vous avez déjà signé cette pétition.")},
                              code="already_signed") from exc


@transaction.atomic
def petition_answer(*, actor: User, petition: Petition, answer: str) -> Petition:
    """The addressed authority publishes its official answer; every signatory is told."""
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if not actor.has_perm("mobilization.answer_petition", petition):
        raise _deny(_("Seule l'autorité interpellée répond, une fois le seuil atteint et une "
                      "seule fois."))
    petition.answer = _text(answer, "answer", limit=20_000)
    petition.answered_at, petition.answered_by = timezone.now(), actor
    petition.save(update_fields=["answer", "answered_at", "answered_by"])
    signatories = set(petition.signatures.exclude(user=None).values_list("user_id", flat=True))
    if petition.author_id:
        signatories.add(petition.author_id)
    notify(user_ids=signatories,
           title=_("Réponse officielle à la pétition « %(t)s »") % {"t": petition.title},
           url=petition.get_absolute_url(), body=petition.answer[:2000])
    return petition


# Moderation of forum content (adapter over participation) -------------------------------------

def content_report(*, actor: User, content: ForumThread | Post, reason: str) -> Any:
    """Report a thread or message to the moderators: participation's `content_flag`."""
    return content_flag(actor=actor, content=content, reason=reason)


@transaction.atomic
def content_hide(*, actor: User, content: ForumThread | Post, reason: str) -> None:
    """A moderator of the territory hides a thread or a message with a reason.

    Participation's `content_hide` checks its own rule, which only knows participation's
    objects; the decision is recorded in its audit trail through its helper.
    """
    from maillage.participation.models import ModerationEvent
    from maillage.participation.services.core import _moderation_event

    if not actor.has_perm("mobilization.moderate_content", content):
        raise _deny(_("Vous ne modérez pas ce territoire."))
    reason = _text(reason, "reason", limit=2000)
    if content.is_hidden:
        raise ValidationError({"reason": _("Ce contenu est déjà masqué.")}, code="hidden")
    now = timezone.now()
    type(content).objects.filter(pk=content.pk).update(hidden_at=now, hidden_reason=reason,
                                                       hidden_by=actor)
    content.hidden_at, content.hidden_reason, content.hidden_by = now, reason, actor
    _moderation_event(actor, content, ModerationEvent.Action.HIDE, reason)
    if content.author_id:
        notify(user_ids=[content.author_id], title=_("Votre message a été masqué"),
               url=content.get_absolute_url(), body=reason)


@transaction.atomic
def content_restore(*, actor: User, content: ForumThread | Post, reason: str) -> None:
    from maillage.participation.models import ModerationEvent
    from maillage.participation.services.core import _moderation_event

    if not actor.has_perm("mobilization.moderate_content", content):
        raise _deny(_("Vous ne modérez pas ce territoire."))
    reason = _text(reason, "reason", limit=2000)
    if not content.is_hidden:
        raise ValidationError({"reason": _("Ce contenu n'est pas masqué.")}, code="visible")
    type(content).objects.filter(pk=content.pk).update(hidden_at=None, hidden_reason="",
                                                       hidden_by=None)
    content.hidden_at, content.hidden_reason, content.hidden_by = None, "", None
    _moderation_event(actor, content, ModerationEvent.Action.RESTORE, reason)


# Forums and debates ---------------------------------------------------------------------------

@transaction.atomic
def thread_create(*, actor: User, territory_level: str, territory_code: str, topic: str,
                  kind: str, title: str, body: str) -> ForumThread:
    if not actor.has_perm("mobilization.add_thread"):
        raise _deny(_("Confirmez votre adresse e-mail pour ouvrir une discussion."))
    territory, name = territory_resolve(territory_level, territory_code)
    errors = {}
    if topic not in Topic.values:
        errors["topic"] = _("Choisissez un thème dans la liste.")
    if kind not in ThreadKind.values:
        errors["kind"] = _("Choisissez un format dans la liste.")
    if errors:
        raise ValidationError(errors, code="invalid")
    _rate_limit(ForumThread.objects.filter(author=actor, created_at__gte=_recent()).count()
                + Post.objects.filter(author=actor, created_at__gte=_recent()).count(),
                "MAILLAGE_POSTS_PER_10_MINUTES", 20, "body")
    thread = ForumThread.objects.create(
        territory_level=territory.level, territory_code=territory.code, territory_name=name,
        topic=topic, kind=kind, title=_text(title, "title", limit=200),
        body=_text(body, "body", limit=10_000), author=actor)
    ThreadFollow.objects.create(thread=thread, user=actor)
    return thread


@transaction.atomic
def post_create(*, actor: User, thread: ForumThread, body: str, quoted_id: int | None = None,
                side: str = "") -> Post:
    """A reply, possibly quoting another message; in a debate, on the for or against side."""
    if not actor.has_perm("mobilization.reply_thread", thread):
        raise _deny(_("Confirmez votre adresse e-mail pour répondre."))
    errors = {}
    quoted = None
    if quoted_id:
        quoted = Post.objects.filter(pk=quoted_id, thread=thread, hidden_at__isnull=True).first()
        if quoted is None:
            errors["quoted_id"] = _("Le message cité n'existe pas dans cette discussion.")
    side = side or ""
    if thread.kind == ThreadKind.DEBATE and side not in (Side.FOR, Side.AGAINST):
        errors["side"] = _("Dans un débat, choisissez « pour » ou « contre ».")
    elif thread.kind != ThreadKind.DEBATE and side:
        errors["side"] = _("Seuls les débats ont des camps.")
    if errors:
        raise ValidationError(errors, code="invalid")
    _rate_limit(ForumThread.objects.filter(author=actor, created_at__gte=_recent()).count()
                + Post.objects.filter(author=actor, created_at__gte=_recent()).count(),
                "MAILLAGE_POSTS_PER_10_MINUTES", 20, "body")
    post = Post.objects.create(thread=thread, author=actor, body=_text(body, "body",
                                                                       limit=10_000),
                               quoted=quoted, side=side)
    ForumThread.objects.filter(pk=thread.pk).update(last_activity_at=timezone.now())
    followers = set(thread.follows.values_list("user_id", flat=True)) - {actor.pk}
    notify(user_ids=followers, title=_("Nouvelle réponse : %(t)s") % {"t": thread.title},
           url=post.get_absolute_url())
    return post


def post_react(*, actor: User, post: Post, kind: str) -> bool:
    """Toggle a reaction; returns whether it is now set."""
    if kind not in ReactionKind.values:
        raise ValidationError({"kind": _("Réaction inconnue.")}, code="invalid")
    if not actor.has_perm("mobilization.react_post", post):
        raise _deny(_("Confirmez votre adresse e-mail pour réagir."))
    with transaction.atomic():
        deleted, _rows = Reaction.objects.filter(post=post, user=actor, kind=kind).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                Reaction.objects.create(post=post, user=actor, kind=kind)
        except IntegrityError:
            pass
    return True


@transaction.atomic
def thread_best_answer(*, actor: User, thread: ForumThread, post: Post | None) -> ForumThread:
    if not actor.has_perm("mobilization.choose_best_answer", thread):
        raise _deny(_("Seul·e l'auteur·rice de la question choisit la meilleure réponse."))
    if post is not None and (post.thread_id != thread.pk or post.is_hidden):
        raise ValidationError({"post_id": _("Ce message ne répond pas à cette question.")},
                              code="invalid")
    thread.best_post = post
    thread.save(update_fields=["best_post"])
    return thread


def thread_follow(*, actor: User, thread: ForumThread, follow: bool = True) -> bool:
    if not getattr(actor, "is_authenticated", False):
        raise _deny(_("Connectez-vous pour suivre."))
    if not actor.has_perm("mobilization.view_thread", thread):
        raise _deny(_("Discussion inconnue."))
    if not follow:
        ThreadFollow.objects.filter(thread=thread, user=actor).delete()
        return False
    try:
        with transaction.atomic():
            ThreadFollow.objects.create(thread=thread, user=actor)
    except IntegrityError:
        pass
    return True


# Awareness campaigns --------------------------------------------------------------------------

@transaction.atomic
def campaign_create(*, actor: User, region: str, title: str, theme: str, body: str,
                    organiser_name: str, desert_classes: list[int] | None = None,
                    min_share_75: float | None = None, min_signalements: int | None = None,
                    profession: str = "generaliste") -> Campaign:
    """A campaign targeted at the communes of a région matching every given indicator."""
    from maillage.mobilization.selectors import communes_matching

    territory, _name = territory_resolve("region", region, "region")
    if not actor.has_perm("mobilization.add_campaign", territory):
        raise _deny(_("Les coordinateurs, analystes et administrateurs de la région lancent "
                      "les campagnes."))
    if theme not in CampaignTheme.values:
        raise ValidationError({"theme": _("Choisissez un thème dans la liste.")}, code="invalid")
    criteria = {"desert_classes": sorted(set(desert_classes or [])),
                "min_share_75": min_share_75, "min_signalements": min_signalements,
                "profession": profession}
    codes = communes_matching(region=territory.code, **criteria)
    if not codes:
        raise ValidationError({"desert_classes": _("Aucune commune ne répond à ces critères.")},
                              code="no_target")
    campaign = Campaign.objects.create(
        title=_text(title, "title", limit=200), theme=theme, body=_text(body, "body",
                                                                        limit=20_000),
        organiser_name=_text(organiser_name, "organiser_name", limit=200),
        region_id=territory.code, criteria=criteria, created_by=actor)
    CampaignCommune.objects.bulk_create(
        [CampaignCommune(campaign=campaign, commune_id=c) for c in codes])
    return campaign


def campaign_view_record(*, viewer: Any, campaign: Campaign) -> None:
    """Count a page view, by the viewer's commune when known (nobody is recorded)."""
    CampaignView.objects.create(campaign=campaign,
                                commune_id=getattr(viewer, "home_commune_id", None))


@transaction.atomic
def event_create(*, actor: User, campaign: Campaign, title: str, place: str,
                 starts_at: datetime, commune_code: str = "", capacity: int | None = None
                 ) -> CampaignEvent:
    if not actor.has_perm("mobilization.change_campaign", campaign):
        raise _deny(_("Vous n'organisez pas cette campagne."))
    commune = None
    if commune_code:
        try:
            commune = commune_get(commune_code)
        except TerritoryNotFound as exc:
            raise ValidationError({"commune_code": str(exc)}, code="unknown") from exc
    if not isinstance(starts_at, datetime) or starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("La date doit être dans le futur.")},
                              code="invalid")
    if capacity is not None and capacity < 1:
        raise ValidationError({"capacity": _("Au moins une place.")}, code="invalid")
    return CampaignEvent.objects.create(
        campaign=campaign, title=_text(title, "title", limit=200),
        place=_text(place, "place", limit=300), commune=commune, starts_at=starts_at,
        capacity=capacity)


def event_register(*, actor: User, event: CampaignEvent) -> EventRegistration:
    if not actor.has_perm("mobilization.register_event", event):
        raise _deny(_("Confirmez votre adresse e-mail ; l'événement doit être à venir."))
    try:
        with transaction.atomic():
            locked = CampaignEvent.objects.select_for_update().get(pk=event.pk)
            if EventRegistration.objects.filter(event=locked, user=actor).exists():
                raise ValidationError({"event": _("Vous êtes déjà inscrit·e.")},
                                      code="registered")
            if (locked.capacity is not None
                    and locked.registrations.count() >= locked.capacity):
                raise ValidationError({"event": _("Il n'y a plus de place.")}, code="full")
            return EventRegistration.objects.create(event=locked, user=actor,
                                                    commune_id=actor.home_commune_id)
    except IntegrityError as exc:
        raise ValidationError({"event": _("Vous êtes déjà inscrit·e.")},
                              code="registered") from exc

