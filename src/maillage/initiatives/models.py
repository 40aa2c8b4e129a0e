"""Initiatives for access to care, what they achieved, and the testimonies of the people concerned.

An initiative is either entered here by its owners, or linked to an object of another app (a
transport association, a care cooperation, a completed action, a lab project in pilot, a maison
or centre de santé): then `source_app` and `source_id` name that object, unique together, and
`services.initiatives_sync` refreshes the fields the source owns. Testimonies reuse
participation's moderation fields (`Moderated`) and its audit trail of decisions.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.participation.models import Moderated


class InitiativeKind(models.TextChoices):
    MSP = "msp", _("Maison de santé pluriprofessionnelle")
    HEALTH_CENTRE = "centre_sante", _("Centre de santé")
    MOBILE_UNIT = "unite_mobile", _("Unité mobile de soins")
    SOLIDARITY_TRANSPORT = "transport_solidaire", _("Transport solidaire")
    TELECONSULTATION = "teleconsultation", _("Point de téléconsultation")
    PREVENTION = "prevention", _("Campagne de prévention")
    LAB_PROJECT = "projet_labo", _("Projet de laboratoire")
    COOPERATION = "cooperation", _("Coopération de soins (CPTS, réseau)")
    ACTION = "action", _("Action issue d'une concertation")
    OTHER = "autre", _("Autre")


class Theme(models.TextChoices):
    GP = "medecin_traitant", _("Accès à un médecin traitant")
    SPECIALISTS = "specialistes", _("Spécialistes et délais")
    UNSCHEDULED = "soins_non_programmes", _("Soins non programmés et urgences")
    MOBILITY = "mobilite", _("Mobilité vers les soins")
    PREVENTION = "prevention", _("Prévention et dépistage")
    MENTAL_HEALTH = "sante_mentale", _("Santé mentale")
    COORDINATION = "coordination", _("Coordination des soins")
    ATTRACTIVENESS = "installation", _("Installation des professionnels")


class Population(models.TextChoices):
    ALL = "tous", _("Tous publics")
    ELDERLY = "personnes_agees", _("Personnes âgées")
    CHILDREN = "enfants_familles", _("Enfants et familles")
    YOUTH = "jeunes", _("Jeunes")
    PRECARIOUS = "precarite", _("Personnes en situation de précarité")
    DISABILITY = "handicap", _("Personnes en situation de handicap")
    RURAL = "isoles", _("Habitants isolés, zones rurales")


class SourceApp(models.TextChoices):
    NONE = "", _("saisie dans Maillage")
    TRANSPORT = "transport", _("transport solidaire")
    COORDINATION = "coordination", _("réseau de soins")
    PARTICIPATION = "participation", _("action de concertation")
    LABS = "labs", _("laboratoire")
    HEALTHCARE = "healthcare", _("offre de soins (FINESS)")


class Initiative(Moderated):
    title = models.CharField(_("nom de l'initiative"), max_length=200)
    kind = models.CharField(_("type"), max_length=24, choices=InitiativeKind.choices)
    # Blank only for initiatives linked from an app that does not know their theme.
    theme = models.CharField(_("thème"), max_length=24, choices=Theme.choices, blank=True)
    population = models.CharField(_("population servie"), max_length=20,
                                  choices=Population.choices, default=Population.ALL)
    summary = models.TextField(_("présentation"), max_length=5000)
    commune = models.ForeignKey("territories.Commune", on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("commune"))
    run_by = models.CharField(_("porté par"), max_length=200)
    started_on = models.DateField(_("depuis le"), null=True, blank=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    how_to_join = models.TextField(_("comment y participer ou en bénéficier"), max_length=2000,
                                   blank=True)
    lessons = models.TextField(_("ce que nous ferions autrement"), max_length=5000, blank=True)
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                    related_name="owned_initiatives",
                                    verbose_name=_("responsables"))
    source_app = models.CharField(_("application d'origine"), max_length=16,
                                  choices=SourceApp.choices, blank=True, default="")
    source_id = models.CharField(_("identifiant d'origine"), max_length=40, blank=True,
                                 default="")
    source_url = models.CharField(max_length=300, blank=True)
    # Set when the linked object no longer qualifies (association closed, project stopped):
    # the page stays, with its testimonies, but leaves the directory.
    archived_at = models.DateTimeField(null=True, blank=True)
    # Demo content (`maillage demo`): fictive, said so on the page and in the exports, and
    # replaced wholesale when the demo is loaded again.
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("initiative")
        indexes = [models.Index(fields=["kind", "commune"])]
        constraints = [
            models.UniqueConstraint(fields=["source_app", "source_id"],
                                    condition=~Q(source_app=""),
                                    name="initiatives_one_initiative_per_source"),
            models.CheckConstraint(condition=Q(source_app="", source_id="")
                                   | (~Q(source_app="") & ~Q(source_id="")),
                                   name="initiatives_source_app_and_id_together"),
            models.CheckConstraint(condition=Q(kind__in=InitiativeKind.values),
                                   name="initiatives_known_kind"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("initiatives:initiative", args=[self.pk])

    @property
    def is_linked(self) -> bool:
        return bool(self.source_app)


class ResultFigure(models.Model):
    """A figure the initiative gives about itself (declared, not computed by Maillage)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="results")
    label = models.CharField(_("indicateur"), max_length=200)
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("résultat déclaré")

    def __str__(self) -> str:
        return f"{self.label}: {self.value} {self.unit}".strip()


class TestimonyStatus(models.TextChoices):
    PENDING = "pending", _("en attente de modération")
    PUBLISHED = "published", _("publié")
    REJECTED = "rejected", _("refusé par la modération")


def _photo_path(instance: Testimony, filename: str) -> str:
    # The name never comes from the person: the file is re-encoded to JPEG anyway.
    return str(PurePosixPath("initiatives", "temoignages", f"{uuid.uuid4().hex}.jpg"))


class Testimony(Moderated):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE,
                                   related_name="testimonies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="initiative_testimonies")
    body = models.TextField(_("témoignage"), max_length=5000)
    show_name = models.BooleanField(_("afficher mon nom"), default=False)
    photo = models.FileField(_("photo"), upload_to=_photo_path, max_length=200, blank=True)
    photo_description = models.CharField(_("description de la photo"), max_length=300,
                                         blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=TestimonyStatus.choices,
                              default=TestimonyStatus.PENDING)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    rejection_reason = models.TextField(_("motif du refus"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("témoignage")
        constraints = [
            models.CheckConstraint(condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                                   name="initiatives_rejected_testimony_has_reason"),
            models.CheckConstraint(condition=Q(photo="") | ~Q(photo_description=""),
                                   name="initiatives_photo_has_description"),
        ]

    def __str__(self) -> str:
        return self.body[:80]

    def get_absolute_url(self) -> str:
        return f"{self.initiative.get_absolute_url()}#temoignage-{self.pk}"


class ReactionKind(models.TextChoices):
    INSPIRING = "inspiring", _("Inspirant")
    USEFUL = "useful", _("Utile")
    WANT_HERE = "want_here", _("Je le voudrais chez moi")


class Reaction(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE,
                                   related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="initiative_reactions")
    kind = models.CharField(max_length=12, choices=ReactionKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "user", "kind"],
                                    name="initiatives_one_reaction_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.initiative_id}"


class InitiativeFollow(models.Model):
    """Participation's follows cover processes, proposals and communes; initiatives are ours."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="initiative_follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "user"],
                                    name="initiatives_follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.initiative_id}"
