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
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import Organisation, RoleAssignment, User
from maillage.mobilization.models import (
    AuthorityKind,
    Campaign,
    CampaignCommune,
    CampaignDelivery,
    CampaignEvent,
    CampaignMessage,
    CampaignOptOut,
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


def _closed_notice(petition: Petition, count: int) -> None:
    if petition.author_id:
        notify(user_ids=[petition.author_id],
               title=_("Votre pétition « %(t)s » est close : %(n)s signature(s)")
               % {"t": petition.title, "n": count},
               url=petition.get_absolute_url(),
               body=_("Vous pouvez télécharger la liste des signatures pour la remettre à "
                      "%(who)s.") % {"who": petition.authority_name})


@transaction.atomic
def petition_close(*, actor: User, petition: Petition) -> Petition:
    """The organiser (or a moderator of the territory) closes an open petition early."""
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if not actor.has_perm("mobilization.close_petition", petition):
        raise _deny(_("Seul·e l'organisateur·rice ou un·e modérateur·rice du territoire clôt "
                      "une pétition ouverte."))
    petition.status, petition.closed_at = PetitionStatus.CLOSED, timezone.now()
    petition.save(update_fields=["status", "closed_at"])
    _closed_notice(petition, petition.signatures.count())
    return petition


def petitions_close_expired(*, now: datetime | None = None) -> int:
    """Close the published petitions whose deadline has passed; tell each organiser."""
    moment = now or timezone.now()
    closed = 0
    for pk in Petition.objects.filter(status=PetitionStatus.PUBLISHED,
                                      deadline__lte=moment).values_list("pk", flat=True):
        with transaction.atomic():
            petition = Petition.objects.select_for_update().get(pk=pk)
            if petition.status != PetitionStatus.PUBLISHED or petition.deadline > moment:
                continue
            petition.status, petition.closed_at = PetitionStatus.CLOSED, moment
            petition.save(update_fields=["status", "closed_at"])
            _closed_notice(petition, petition.signatures.count())
            closed += 1
    return closed


def answer_delay_days() -> int:
    """Days the authority has to answer once the threshold is reached (then reminded)."""
    return int(getattr(settings, "MAILLAGE_PETITION_ANSWER_DAYS", 30))


def petition_answer_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the authority of each petition awaiting an answer past the delay (then every
    delay again); returns the petitions reminded."""
    moment = now or timezone.now()
    due = moment - timedelta(days=answer_delay_days())
    reminded = 0
    waiting = (Petition.objects.filter(threshold_reached_at__lte=due, answered_at__isnull=True,
                                       hidden_at__isnull=True)
               .exclude(status=PetitionStatus.REJECTED)
               .filter(Q(answer_reminded_at__isnull=True) | Q(answer_reminded_at__lte=due)))
    for pk in waiting.values_list("pk", flat=True):
        with transaction.atomic():
            petition = Petition.objects.select_for_update().get(pk=pk)
            if petition.answered_at is not None:
                continue
            days = (moment - petition.threshold_reached_at).days
            notify(user_ids=authority_user_ids(petition),
                   title=_("Rappel : la pétition « %(t)s » attend votre réponse officielle "
                           "depuis %(d)s jours") % {"t": petition.title, "d": days},
                   url=petition.get_absolute_url())
            Petition.objects.filter(pk=pk).update(answer_reminded_at=moment)
            reminded += 1
    return reminded


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


@transaction.atomic
def campaign_create_for_communes(*, actor: User, region: str, title: str, theme: str, body: str,
                                 organiser_name: str, commune_codes: list[str],
                                 criteria: dict[str, Any]) -> Campaign:
    """A campaign targeted at communes chosen elsewhere (the planning app's priority index),
    ``criteria`` saying how they were chosen. Same rights and checks as ``campaign_create``."""
    from maillage.territories.models import Commune

    territory, _name = territory_resolve("region", region, "region")
    if not actor.has_perm("mobilization.add_campaign", territory):
        raise _deny(_("Les coordinateurs, analystes et administrateurs de la région lancent "
                      "les campagnes."))
    if theme not in CampaignTheme.values:
        raise ValidationError({"theme": _("Choisissez un thème dans la liste.")}, code="invalid")
    wanted = list(dict.fromkeys(commune_codes))
    codes = set(Commune.objects.filter(region_id=territory.code, code__in=wanted)
                .values_list("code", flat=True))
    if not wanted or len(codes) != len(wanted):
        raise ValidationError({"commune_codes": _("Choisissez des communes de la région.")},
                              code="no_target")
    campaign = Campaign.objects.create(
        title=_text(title, "title", limit=200), theme=theme, body=_text(body, "body",
                                                                        limit=20_000),
        organiser_name=_text(organiser_name, "organiser_name", limit=200),
        region_id=territory.code, criteria={**criteria, "communes": wanted}, created_by=actor)
    CampaignCommune.objects.bulk_create(
        [CampaignCommune(campaign=campaign, commune_id=c) for c in wanted])
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



# Campaign messages and unsubscribing ----------------------------------------------------------

UNSUBSCRIBE_SALT = "maillage.mobilization.campaign-unsubscribe"


def unsubscribe_token(user_id: int) -> str:
    """A signed token naming the person: the link in every message works without logging in."""
    from django.core import signing

    return signing.dumps(user_id, salt=UNSUBSCRIBE_SALT)


def _site_url(site_url: str) -> str:
    return (site_url or getattr(settings, "MAILLAGE_SITE_URL", "")).rstrip("/")[:200]


@transaction.atomic
def campaign_message_send(*, actor: User, campaign: Campaign, subject: str, body: str,
                          site_url: str = "") -> CampaignMessage:
    """E-mail a message to the verified residents of the campaign's target communes.

    Who opted out is left out; each recipient is recorded once (the database says so), and the
    e-mails leave in the background once this commits, each with a one-click unsubscribe link.
    """
    from maillage.mobilization.selectors import campaign_recipients

    if not actor.has_perm("mobilization.send_campaign_message", campaign):
        raise _deny(_("Seul·es les organisateurs d'une campagne publiée envoient ses "
                      "messages."))
    subject = _text(subject, "subject", limit=200)
    body = _text(body, "body", limit=5000)
    since = timezone.now() - timedelta(days=1)
    _rate_limit(CampaignMessage.objects.filter(campaign=campaign, created_at__gte=since).count(),
                "MAILLAGE_CAMPAIGN_MESSAGES_PER_DAY", 1, "subject")
    recipients = campaign_recipients(campaign)
    if not recipients:
        raise ValidationError({"body": _("Aucun·e habitant·e vérifié·e des communes ciblées ne "
                                         "reçoit les messages de campagne.")},
                              code="no_recipient")
    message = CampaignMessage.objects.create(campaign=campaign, subject=subject, body=body,
                                             site_url=_site_url(site_url), created_by=actor)
    CampaignDelivery.objects.bulk_create(
        [CampaignDelivery(message=message, user_id=user_id, commune_id=commune)
         for user_id, commune in recipients], batch_size=1000)

    def enqueue() -> None:
        from maillage.mobilization.tasks import campaign_message_deliver_task

        campaign_message_deliver_task.enqueue(message.pk)

    transaction.on_commit(enqueue)
    return message


def campaign_message_deliver(message_id: int, batch: int = 200) -> int:
    """Send the e-mails of a message not yet sent; returns how many left. Resumable: a crash
    leaves `sent_at` empty for the rest, and a second run sends only those."""
    from django.core.mail import EmailMessage, get_connection
    from django.urls import reverse

    message = CampaignMessage.objects.select_related("campaign").get(pk=message_id)
    base = message.site_url
    campaign_url = base + message.campaign.get_absolute_url()
    sent = 0
    while True:
        waiting = list(CampaignDelivery.objects.filter(
            message=message, sent_at__isnull=True, failed=False, user__isnull=False)
            .select_related("user")[:batch])
        if not waiting:
            return sent
        # Someone who unsubscribed after the message was written gets nothing.
        opted_out = set(CampaignOptOut.objects.filter(
            user_id__in=[d.user_id for d in waiting]).values_list("user_id", flat=True))
        CampaignDelivery.objects.filter(pk__in=[d.pk for d in waiting
                                                if d.user_id in opted_out]).delete()
        emails, done = [], []
        for delivery in waiting:
            if delivery.user_id in opted_out:
                continue
            link = base + reverse("mobilization:unsubscribe",
                                  args=[unsubscribe_token(delivery.user_id)])
            text = "\n\n".join([
                message.body, _("En savoir plus : %(url)s") % {"url": campaign_url},
                _("Vous recevez ce message parce que vous habitez une commune ciblée par la "
                  "campagne « %(c)s » (%(o)s). Ne plus recevoir les messages de campagne : "
                  "%(link)s") % {"c": message.campaign.title,
                                 "o": message.campaign.organiser_name, "link": link}])
            emails.append(EmailMessage(
                f"Maillage : {message.subject}", text, settings.DEFAULT_FROM_EMAIL,
                [delivery.user.email],
                headers={"List-Unsubscribe": f"<{link}>",
                         "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}))
            done.append(delivery.pk)
        try:
            get_connection().send_messages(emails)
        except Exception:
            import logging

            logging.getLogger(__name__).exception("Campaign message %s: sending failed",
                                                  message_id)
            CampaignDelivery.objects.filter(pk__in=done).update(failed=True)
            continue
        CampaignDelivery.objects.filter(pk__in=done).update(sent_at=timezone.now())
        sent += len(done)


def campaign_unsubscribe(*, token: str) -> User:
    """Stop campaign messages for the person the signed token names (idempotent)."""
    from django.core import signing

    try:
        user_id = signing.loads(token or "", salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise ValidationError({"token": _("Ce lien de désinscription n'est pas valable.")},
                              code="invalid") from exc
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise ValidationError({"token": _("Ce lien de désinscription n'est pas valable.")},
                              code="invalid")
    CampaignOptOut.objects.get_or_create(user=user)
    return user


def campaign_messages_preference_set(*, actor: User, receive: bool) -> bool:
    """A logged-in person chooses whether to receive campaign messages; returns the choice."""
    if not getattr(actor, "is_authenticated", False):
        raise _deny(_("Connectez-vous pour choisir."))
    if receive:
        CampaignOptOut.objects.filter(user=actor).delete()
    else:
        CampaignOptOut.objects.get_or_create(user=actor)
    return bool(receive)
