"""The supply of care: practitioners and their practice sites, counts per commune, facilities.

Every row points to the `SupplySource` (one imported file) it came from, so that each result
built on it can name its sources and repeat their caveats.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Profession(models.TextChoices):
    GENERALISTE = "generaliste", _("médecin généraliste")
    SPECIALISTE = "specialiste", _("médecin spécialiste")
    INFIRMIER = "infirmier", _("infirmier")
    MASSEUR_KINESITHERAPEUTE = "masseur_kinesitherapeute", _("masseur-kinésithérapeute")
    CHIRURGIEN_DENTISTE = "chirurgien_dentiste", _("chirurgien-dentiste")
    SAGE_FEMME = "sage_femme", _("sage-femme")
    # Pharmacies are facilities (officines); the access engine treats them as supply too.
    PHARMACIE = "pharmacie", _("pharmacie")


class SourceKind(models.TextChoices):
    RPPS = "rpps", _("Annuaire Santé (RPPS)")
    BPE = "bpe", _("INSEE, base permanente des équipements")
    FINESS = "finess", _("FINESS géolocalisé")
    ACTIVITY_CSV = "activity_csv", _("activité fournie (CSV)")
    SIRENE_COUNTS = "sirene_counts", _("établissements SIRENE par commune")
    SAE = "sae", _("DREES, SAE")


class SupplySource(models.Model):
    """One imported file: where it came from, its version, checksum, licence and caveat."""

    name = models.CharField(_("jeu de données"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=SourceKind.choices)
    file_name = models.CharField(_("fichier"), max_length=300)
    origin = models.CharField(_("origine"), max_length=500)
    version = models.CharField(_("version"), max_length=100, blank=True)
    licence = models.CharField(_("licence"), max_length=200)
    attribution = models.CharField(_("attribution"), max_length=300)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(_("lignes lues"))
    scope = models.CharField(_("périmètre"), max_length=50, blank=True)
    # SIRENE counts establishments, not practitioners: results built on it must say so.
    is_stand_in = models.BooleanField(_("substitut provisoire"), default=False)
    caveat = models.TextField(_("mise en garde"), blank=True)
    imported_at = models.DateTimeField(_("importé le"), auto_now=True)

    class Meta:
        ordering = ["kind", "file_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "file_name", "scope"], name="unique_supply_source"
            )
        ]
        verbose_name = _("source de l'offre de soins")
        verbose_name_plural = _("sources de l'offre de soins")

    def __str__(self) -> str:
        return f"{self.name} — {self.file_name} ({self.version})"


class PracticeMode(models.TextChoices):
    LIBERAL = "liberal", _("libéral")
    SALARIE = "salarie", _("salarié")
    MIXTE = "mixte", _("mixte")
    BENEVOLE = "benevole", _("bénévole")


class Practitioner(models.Model):
    """One practitioner at one practice site (a row of the RPPS extract)."""

    rpps = models.CharField(_("identifiant RPPS / ADELI"), max_length=12)
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    specialty = models.CharField(_("savoir-faire"), max_length=200, blank=True)
    practice_mode = models.CharField(
        _("mode d'exercice"), max_length=10, choices=PracticeMode.choices, blank=True
    )
    # SIRET or FINESS of the site, else the Annuaire Santé's technical structure identifier.
    site_id = models.CharField(_("identifiant du site"), max_length=50, blank=True)
    site_name = models.CharField(_("site"), max_length=300, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="practitioners"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"), null=True, blank=True)
    # Yearly consultations + visits at this site; null when unknown (not open data).
    activity = models.PositiveIntegerField(_("activité annuelle"), null=True, blank=True)
    # DREES imputes 5,400 consultations to a liberal GP without liberal activity the year before.
    is_new_installation = models.BooleanField(_("nouvelle installation"), default=False)
    source = models.ForeignKey(SupplySource, on_delete=models.CASCADE, related_name="practitioners")

    class Meta:
        ordering = ["rpps", "site_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rpps", "site_id", "profession"], name="unique_practitioner_site"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="practitioner_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="practitioner_longitude_range",
            ),
        ]
        indexes = [models.Index(fields=["profession", "commune"])]
        verbose_name = _("professionnel de santé (site d'exercice)")
        verbose_name_plural = _("professionnels de santé (sites d'exercice)")

    def __str__(self) -> str:
        return f"{self.rpps} — {self.get_profession_display()} ({self.commune_id})"


class SupplyCount(models.Model):
    """A count per commune and profession from an aggregate file (BPE, SIRENE)."""

    source = models.ForeignKey(SupplySource, on_delete=models.CASCADE, related_name="counts")
    # The source's kind, repeated so that the database enforces one count per kind.
    source_kind = models.CharField(_("type de source"), max_length=20, choices=SourceKind.choices)
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="supply_counts"
    )
    # SIRENE gives "1.0": a float, but never negative, NaN or infinite (1e12 excludes inf).
    count = models.FloatField(_("effectif"))

    class Meta:
        ordering = ["commune_id", "profession"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "profession", "commune"], name="unique_supply_count"
            ),
            models.CheckConstraint(
                condition=Q(count__gte=0) & Q(count__lte=1e12), name="supply_count_finite"
            ),
        ]
        verbose_name = _("effectif par commune")
        verbose_name_plural = _("effectifs par commune")

    def __str__(self) -> str:
        return f"{self.commune_id} {self.profession} = {self.count:g}"


class FacilityKind(models.TextChoices):
    HOPITAL = "hopital", _("établissement de santé")
    MSP = "msp", _("maison de santé pluriprofessionnelle")
    CENTRE_SANTE = "centre_sante", _("centre de santé")
    PHARMACIE = "pharmacie", _("pharmacie d'officine")
    AUTRE = "autre", _("autre")


class Facility(models.Model):
    """A FINESS establishment (hospital, MSP, centre de santé, pharmacy…)."""

    finess = models.CharField(_("FINESS établissement"), max_length=9, unique=True)
    legal_finess = models.CharField(_("FINESS entité juridique"), max_length=9, blank=True)
    name = models.CharField(_("raison sociale"), max_length=300)
    category_code = models.CharField(_("catégorie FINESS"), max_length=4)
    category_label = models.CharField(_("libellé de la catégorie"), max_length=200, blank=True)
    kind = models.CharField(_("nature"), max_length=20, choices=FacilityKind.choices)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="facilities"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    source = models.ForeignKey(SupplySource, on_delete=models.CASCADE, related_name="facilities")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="facility_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="facility_longitude_range",
            ),
        ]
        indexes = [models.Index(fields=["kind", "commune"])]
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")

    def __str__(self) -> str:
        return f"{self.name} ({self.finess})"


class ActivityRecord(models.Model):
    """Yearly consultations supplied by a user, for one practitioner (RPPS) or one commune."""

    source = models.ForeignKey(
        SupplySource, on_delete=models.CASCADE, related_name="activity_records"
    )
    profession = models.CharField(_("profession"), max_length=30, choices=Profession.choices)
    year = models.PositiveSmallIntegerField(_("année"))
    consultations = models.PositiveIntegerField(_("consultations et visites par an"))
    rpps = models.CharField(_("identifiant RPPS"), max_length=12, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, null=True, blank=True,
        related_name="activity_records",
    )

    class Meta:
        ordering = ["year", "rpps", "commune_id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(rpps="") & Q(commune__isnull=False))
                | (~Q(rpps="") & Q(commune__isnull=True)),
                name="activity_for_practitioner_or_commune",
            ),
            models.UniqueConstraint(
                fields=["rpps", "profession", "year"], condition=~Q(rpps=""),
                name="unique_activity_practitioner",
            ),
            models.UniqueConstraint(
                fields=["commune", "profession", "year"], condition=Q(commune__isnull=False),
                name="unique_activity_commune",
            ),
        ]
        verbose_name = _("activité déclarée")
        verbose_name_plural = _("activités déclarées")

    def __str__(self) -> str:
        who = self.rpps or self.commune_id
        return f"{who} {self.profession} {self.year}: {self.consultations}"
