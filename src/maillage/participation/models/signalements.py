"""Signalements: a resident's report of a difficulty reaching care in a commune."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.participation.models.common import Moderated


class SignalementCategory(models.TextChoices):
    NO_GP = "no_gp", _("Aucun médecin traitant n'accepte de nouveaux patients")
    WAITING_TIME = "waiting_time", _("Délai d'attente trop long")
    DISTANCE = "distance", _("Distance trop grande")
    NO_TRANSPORT = "no_transport", _("Pas de moyen de transport")
    COST = "cost", _("Coût (dépassements, avance de frais)")
    OPENING_HOURS = "opening_hours", _("Horaires d'ouverture")
    SPECIALIST = "specialist", _("Spécialiste indisponible")
    BARRIER = "barrier", _("Barrière de langue ou de handicap")
    OTHER = "other", _("Autre")


class Signalement(Moderated):
    # Null once the author's account is deleted: the report still counts, anonymously.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="signalements", verbose_name=_("auteur·rice"),
    )
    # Anonymous towards other citizens only: moderators always see the author.
    anonymous = models.BooleanField(_("rester anonyme"), default=False)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="signalements",
        verbose_name=_("commune"),
    )
    category = models.CharField(_("difficulté"), max_length=20,
                                choices=SignalementCategory.choices)
    # A code of insights.defaults.PROFESSIONS, or "" when not stated.
    profession = models.CharField(_("profession concernée"), max_length=40, blank=True)
    text = models.TextField(_("description"), max_length=2000, blank=True)
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        indexes = [models.Index(fields=["commune", "category"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=SignalementCategory.values),
                name="participation_signalement_known_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} — {self.commune_id} (#{self.pk})"

    def get_absolute_url(self) -> str:
        return reverse("participation:signalement", args=[self.pk])
