"""Patient populations of a care team, kept for its organisation only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Population(models.Model):
    """A pseudonymised population (uploaded or synthetic) that the payment models run on.

    Only the arrays the formulas need are stored (compressed numpy, no patient identifier);
    they belong to the organisation and are never written to logs.
    """

    class Source(models.TextChoices):
        UPLOAD = "upload", _("fichier déposé")
        SYNTHETIC = "synthetic", _("population synthétique")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="financing_populations",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("nom"), max_length=200)
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices)
    seed = models.PositiveIntegerField(_("graine"), null=True, blank=True)
    # Identifies the file (or the generator's settings): a re-upload returns the same population.
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("lignes (patients × années)"))
    patients = models.PositiveIntegerField(_("patients"))
    years = models.JSONField(_("années"), default=list)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("déposée par"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("population")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "sha256"],
                                    name="unique_population_per_organisation"),
            models.CheckConstraint(condition=models.Q(rows__gt=0), name="population_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("financing:population", args=[self.pk])
