"""Access runs and their per-commune results; DREES's published APL as a reference layer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Method(models.TextChoices):
    APL = "apl", _("APL (DREES)")
    E2SFCA = "e2sfca", _("E2SFCA (paliers)")
    TWO_SFCA = "2sfca", _("2SFCA")
    GAUSSIAN = "gaussian", _("2SFCA gaussien")


class AccessRun(models.Model):
    """One computation of accessibility for a profession over a territory."""

    class State(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        SUCCEEDED = "succeeded", _("terminé")
        FAILED = "failed", _("échoué")

    region = models.ForeignKey(
        "territories.Region", on_delete=models.PROTECT, related_name="access_runs"
    )
    profession = models.CharField(_("profession"), max_length=40)
    method = models.CharField(_("méthode"), max_length=10, choices=Method.choices)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    # Everything the figures rest on: parameters, defaults used, supply sources and caveats,
    # data versions. Shown on every page and export built on the run.
    parameters = models.JSONField(_("paramètres"), default=dict)
    provenance = models.JSONField(_("sources et hypothèses"), default=dict)
    summary = models.JSONField(_("synthèse"), default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.TextField(_("erreur"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    progress = models.ForeignKey(
        "core.TaskProgress", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calcul d'accessibilité")
        verbose_name_plural = _("calculs d'accessibilité")
        indexes = [models.Index(fields=["region", "profession", "state", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_method_display()} — {self.profession} — {self.region_id} (#{self.pk})"

    def get_absolute_url(self) -> str:
        return reverse("insights:run", args=[self.pk])

    @property
    def unit(self) -> str:
        from maillage.insights.defaults import PROFESSIONS

        profession = PROFESSIONS.get(self.profession)
        return str(profession.unit) if profession else ""


class CommuneAccess(models.Model):
    """A commune's accessibility in one run."""

    run = models.ForeignKey(AccessRun, on_delete=models.CASCADE, related_name="results")
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.CASCADE, related_name="access_results"
    )
    accessibility = models.FloatField(_("accessibilité"))
    desert_class = models.PositiveSmallIntegerField(_("classe"))
    population = models.FloatField(_("population"))
    standardised_population = models.FloatField(_("population standardisée"))
    share_75_plus = models.FloatField(_("part des 75 ans et plus"), null=True, blank=True)
    supply = models.FloatField(_("offre dans la commune"))
    nearest_km = models.FloatField(_("distance au plus proche (km)"), null=True, blank=True)
    nearest_minutes = models.FloatField(_("temps au plus proche (min)"), null=True, blank=True)

    class Meta:
        ordering = ["commune_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "commune"], name="unique_run_commune"),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.accessibility:.2f}"


class ReferenceApl(models.Model):
    """DREES's published APL to general practitioners for one commune and year."""

    year = models.PositiveSmallIntegerField(_("millésime"))
    # A code, not a foreign key: the workbook covers communes that may not be loaded.
    commune_code = models.CharField(_("code INSEE"), max_length=5)
    commune_name = models.CharField(_("commune"), max_length=200)
    apl = models.FloatField(_("APL"))
    apl_65 = models.FloatField(_("APL aux médecins de 65 ans et moins"), null=True, blank=True)
    standardised_population = models.FloatField(_("population standardisée"), null=True)
    population = models.FloatField(_("population totale"), null=True)

    class Meta:
        ordering = ["year", "commune_code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "commune_code"], name="unique_reference_apl"),
        ]
        verbose_name = _("APL de référence (DREES)")

    def __str__(self) -> str:
        return f"{self.commune_code} {self.year}: {self.apl}"
