"""Petitions and signatures, forums and debates, awareness campaigns.

Citizen content reuses participation's moderation fields (`Moderated`: hidden with a reason,
never deleted) so that reports and decisions go through participation's services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.participation.models import Moderated

TERRITORY_LEVELS = [("region", _("Région")), ("departement", _("Département")),
                    ("commune", _("Commune"))]


# Petitions ------------------------------------------------------------------------------------

class AuthorityKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    DEPARTEMENT = "departement", _("Département")
    REGION = "region", _("Région")
    ARS = "ars", _("Agence régionale de santé")


class PetitionStatus(models.TextChoices):
    PENDING = "pending", _("en attente de modération")
    PUBLISHED = "published", _("ouverte aux signatures")
    REJECTED = "rejected", _("refusée par la modération")
    CLOSED = "closed", _("close")


class Petition(Moderated):
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("texte de la pétition"))
    authority_kind = models.CharField(_("autorité interpellée"), max_length=12,
                                      choices=AuthorityKind.choices)
    authority_name = models.CharField(_("nom de l'autorité"), max_length=200)
    # The organisation whose members answer (optional: analysts of the territory answer too).
    authority_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("organisation destinataire"))
    territory_level = models.CharField(_("niveau du territoire"), max_length=12,
                                       choices=TERRITORY_LEVELS)
    territory_code = models.CharField(_("code du territoire"), max_length=9)
    territory_name = models.CharField(_("territoire"), max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="mobilization_petitions")
    threshold = models.PositiveIntegerField(_("seuil de signatures"))
    deadline = models.DateTimeField(_("date limite"))
    status = models.CharField(_("statut"), max_length=10, choices=PetitionStatus.choices,
                              default=PetitionStatus.PENDING)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    rejection_reason = models.TextField(_("motif du refus"), blank=True)
    threshold_reached_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("réponse officielle"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    # When the authority was last reminded that an official answer is awaited.
    answer_reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pétition")
        constraints = [
            models.CheckConstraint(condition=Q(threshold__gte=1),
                                   name="mobilization_petition_threshold_positive"),
            models.CheckConstraint(condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                                   name="mobilization_petition_answer_has_text"),
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                                   name="mobilization_petition_rejection_has_reason"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mobilization:petition", args=[self.pk])


class Signature(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="signatures")
    # Null once the signatory's account is deleted: the signature still counts.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="mobilization_signatures")
    # Copied at signing: the list handed to the authority must not change afterwards.
    name = models.CharField(_("nom"), max_length=200, blank=True)
    commune = models.ForeignKey("territories.Commune", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    show_publicly = models.BooleanField(_("afficher mon nom et ma commune"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("signature")
        constraints = [
            models.UniqueConstraint(fields=["petition", "user"],
                                    name="mobilization_one_signature_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.petition_id}"


# Forums and debates ---------------------------------------------------------------------------

class Topic(models.TextChoices):
    GENERAL = "general", _("Accès aux soins en général")
    GP = "medecin_traitant", _("Trouver un médecin traitant")
    SPECIALISTS = "specialistes", _("Spécialistes et délais")
    EMERGENCIES = "urgences", _("Urgences et soins non programmés")
    TRANSPORT = "transport", _("Transport vers les soins")
    PREVENTION = "prevention", _("Prévention et dépistage")


class ThreadKind(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    QUESTION = "question", _("Question")
    DEBATE = "debate", _("Débat pour / contre")


class Side(models.TextChoices):
    NONE = "", _("—")
    FOR = "for", _("Pour")
    AGAINST = "against", _("Contre")


class ForumThread(Moderated):
    territory_level = models.CharField(_("niveau du territoire"), max_length=12,
                                       choices=TERRITORY_LEVELS)
    territory_code = models.CharField(_("code du territoire"), max_length=9)
    territory_name = models.CharField(_("territoire"), max_length=200)
    topic = models.CharField(_("thème"), max_length=20, choices=Topic.choices)
    kind = models.CharField(_("format"), max_length=12, choices=ThreadKind.choices,
                            default=ThreadKind.DISCUSSION)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("message"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="mobilization_threads")
    best_post = models.ForeignKey("Post", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-last_activity_at", "-pk"]
        verbose_name = _("discussion")
        indexes = [models.Index(fields=["territory_level", "territory_code", "topic"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mobilization:thread", args=[self.pk])


class Post(Moderated):
    thread = models.ForeignKey(ForumThread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="mobilization_posts")
    body = models.TextField(_("message"))
    quoted = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("message cité"))
    side = models.CharField(_("camp"), max_length=8, choices=Side.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")

    def __str__(self) -> str:
        return self.body[:80]

    def get_absolute_url(self) -> str:
        return f"{self.thread.get_absolute_url()}#message-{self.pk}"


class ReactionKind(models.TextChoices):
    AGREE = "agree", _("D'accord")
    THANKS = "thanks", _("Merci")
    USEFUL = "useful", _("Utile")


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="mobilization_reactions")
    kind = models.CharField(max_length=10, choices=ReactionKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"],
                                    name="mobilization_one_reaction_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.post_id}"


class ThreadFollow(models.Model):
    """Participation's follows cover processes, proposals and communes; threads are ours."""

    thread = models.ForeignKey(ForumThread, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="mobilization_thread_follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"],
                                    name="mobilization_follow_thread_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.thread_id}"


# Awareness campaigns --------------------------------------------------------------------------

class CampaignTheme(models.TextChoices):
    SCREENING = "depistage", _("Dépistage")
    VACCINATION = "vaccination", _("Vaccination")
    FIND_GP = "medecin_traitant", _("Trouver un médecin traitant")
    OTHER = "autre", _("Autre")


class Campaign(models.Model):
    title = models.CharField(_("titre"), max_length=200)
    theme = models.CharField(_("thème"), max_length=20, choices=CampaignTheme.choices)
    body = models.TextField(_("présentation"))
    organiser_name = models.CharField(_("organisé par"), max_length=200)
    region = models.ForeignKey("territories.Region", on_delete=models.PROTECT, related_name="+")
    # How the target communes were chosen (indicators and thresholds), shown on the page.
    criteria = models.JSONField(_("critères de ciblage"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    is_published = models.BooleanField(_("publiée"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("campagne de sensibilisation")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("mobilization:campaign", args=[self.pk])


class CampaignCommune(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    commune = models.ForeignKey("territories.Commune", on_delete=models.CASCADE,
                                related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "commune"],
                                    name="mobilization_campaign_commune_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} → {self.commune_id}"


class CampaignView(models.Model):
    """One page view, with the viewer's commune when known (no person is recorded)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="views")
    commune = models.ForeignKey("territories.Commune", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.created_at:%Y-%m-%d}"


class CampaignEvent(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("titre"), max_length=200)
    place = models.CharField(_("lieu"), max_length=300)
    commune = models.ForeignKey("territories.Commune", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    starts_at = models.DateTimeField(_("début"))
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class EventRegistration(models.Model):
    event = models.ForeignKey(CampaignEvent, on_delete=models.CASCADE,
                              related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="mobilization_registrations")
    commune = models.ForeignKey("territories.Commune", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"],
                                    name="mobilization_register_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id}"


class CampaignMessage(models.Model):
    """A message of a campaign, e-mailed to the residents of its target communes."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="messages")
    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(_("message"))
    # Where the links in the e-mails point (the site the organiser used).
    site_url = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message de campagne")

    def __str__(self) -> str:
        return self.subject


class CampaignDelivery(models.Model):
    """One recipient of one message; `sent_at` once the e-mail left (sending is resumable)."""

    message = models.ForeignKey(CampaignMessage, on_delete=models.CASCADE,
                                related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    commune = models.ForeignKey("territories.Commune", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    failed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user"],
                                    name="mobilization_deliver_message_once"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.user_id}"


class CampaignOptOut(models.Model):
    """A person who no longer wants campaign messages (from the link in every message)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="mobilization_campaign_opt_out")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user_id}"
