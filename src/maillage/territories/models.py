"""France's administrative geography: régions, départements, EPCI and communes (INSEE COG)."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# INSEE's 19 five-year age bands (0-4 … 85-89, 90+), the bands DREES weights in the APL.
AGE_BANDS: tuple[str, ...] = (*(f"{a}-{a + 4}" for a in range(0, 90, 5)), "90+")


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=120)
    boundary = models.JSONField(_("contour simplifié (GeoJSON)"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("région")
        verbose_name_plural = _("régions")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("territories:region", args=[self.code])


class Departement(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=120)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    boundary = models.JSONField(_("contour simplifié (GeoJSON)"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("territories:departement", args=[self.code])


class Epci(models.Model):
    """Établissement public de coopération intercommunale, identified by its SIREN."""

    code = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("nature"), max_length=10)
    population = models.PositiveIntegerField(_("population totale"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")

    def __str__(self) -> str:
        return self.name


class Commune(models.Model):
    code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    # Lower-case, accent-free, "saint" → "st" form of the name: see territories.text.
    search_name = models.CharField(max_length=200, db_index=True, editable=False)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, related_name="communes"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        Epci, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    population = models.PositiveIntegerField(_("population légale"), null=True, blank=True)
    # Population per AGE_BANDS band where a file gives it (INSEE), else null.
    population_by_age = models.JSONField(_("population par tranche d'âge"), null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    boundary = models.JSONField(_("contour simplifié (GeoJSON)"), null=True, blank=True)
    # A lighter outline (~100 m) for maps of many communes; see importers.map_outline.
    map_boundary = models.JSONField(_("contour pour les cartes"), null=True, blank=True,
                                    editable=False)
    former_codes = models.JSONField(_("anciens codes INSEE"), default=list, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        indexes = [models.Index(fields=["region", "search_name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("territories:commune", args=[self.code])

    @property
    def share_75_plus(self) -> float | None:
        if not self.population_by_age:
            return None
        total = sum(self.population_by_age.values())
        older = sum(self.population_by_age.get(band, 0) for band in AGE_BANDS[15:])
        return older / total if total else None


class PostalCode(models.Model):
    code = models.CharField(_("code postal"), max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_codes")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "commune"], name="unique_postal_code_commune")
        ]

    def __str__(self) -> str:
        return self.code


class DataSource(models.Model):
    """One imported file: where it came from, its version and checksum, what it loaded."""

    name = models.CharField(_("jeu de données"), max_length=100)
    file_name = models.CharField(_("fichier"), max_length=300)
    origin = models.CharField(_("origine"), max_length=500)
    version = models.CharField(_("version"), max_length=100)
    licence = models.CharField(_("licence"), max_length=200)
    attribution = models.CharField(_("attribution"), max_length=300)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("lignes lues"))
    scope = models.CharField(_("périmètre"), max_length=50, blank=True)
    imported_at = models.DateTimeField(_("importé le"), auto_now=True)

    class Meta:
        ordering = ["name", "file_name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "file_name", "scope"], name="unique_source")
        ]
        verbose_name = _("source de données")
        verbose_name_plural = _("sources de données")

    def __str__(self) -> str:
        return f"{self.name} — {self.file_name} ({self.version})"
