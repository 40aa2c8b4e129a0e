"""Scenarios of new supply for a territory and their computed effect per commune."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Scenario(models.Model):
    """A set of supply changes for one région and profession, measured against a base run."""

    class State(models.TextChoices):
        DRAFT = "draft", _("à calculer")
        COMPUTED = "computed", _("calculé")
        FAILED = "failed", _("échec du calcul")

    region = models.ForeignKey("territories.Region", on_delete=models.PROTECT,
                               related_name="scenarios")
    profession = models.CharField(_("profession"), max_length=40)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    investment_cost_eur = models.DecimalField(_("coût d'investissement (€)"), max_digits=12,
                                              decimal_places=0, null=True, blank=True)
    yearly_cost_eur = models.DecimalField(_("coût annuel de fonctionnement (€)"),
                                          max_digits=12, decimal_places=0, null=True,
                                          blank=True)
    base_run = models.ForeignKey("insights.AccessRun", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    error = models.TextField(blank=True)
    # Totals of the last computation (population lifted, 75+ reached, mean before/after…).
    summary = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("scénario")
        verbose_name_plural = _("scénarios")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("planning:scenario", args=[self.pk])


class ScenarioChange(models.Model):
    """One change of supply in a commune."""

    class Kind(models.TextChoices):
        NEW_SITE = "new_site", _("Nouvelle maison ou centre de santé")
        EXTRA_FTE = "extra_fte", _("Temps de praticien en plus sur un site existant")
        RETIREMENT = "retirement", _("Départs (retraite) de praticiens")
        MOBILE_UNIT_STOP = "mobile_unit_stop", _("Arrêt d'une unité mobile")
        TELECONSULTATION_POINT = "teleconsultation_point", _("Point de téléconsultation")

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    commune = models.ForeignKey("territories.Commune", on_delete=models.PROTECT,
                                related_name="+")
    fte = models.FloatField(_("équivalents temps plein"), default=1.0)
    # Mobile units and teleconsultation points: weekly hours of presence (supply pro-rated).
    hours_per_week = models.FloatField(_("heures par semaine"), null=True, blank=True)
    label = models.CharField(_("libellé"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(fte__gt=0) & Q(fte__lte=100),
                                   name="planning_change_fte_range"),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True)
                | (Q(hours_per_week__gt=0) & Q(hours_per_week__lte=80)),
                name="planning_change_hours_range"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.commune_id}"


class ScenarioEffect(models.Model):
    """Accessibility of one commune of the région before and after the scenario."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="effects")
    commune = models.ForeignKey("territories.Commune", on_delete=models.CASCADE,
                                related_name="+")
    before = models.FloatField()
    after = models.FloatField()
    class_before = models.PositiveSmallIntegerField()
    class_after = models.PositiveSmallIntegerField()
    population = models.FloatField()
    population_75_plus = models.FloatField(null=True)

    class Meta:
        ordering = ["-after"]
        constraints = [models.UniqueConstraint(fields=["scenario", "commune"],
                                               name="planning_effect_once_per_commune")]

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.before:.3f} → {self.after:.3f}"

    @property
    def difference(self) -> float:
        return self.after - self.before
