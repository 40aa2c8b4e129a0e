"""The care network directory: a cooperation (a CPTS, a DAC…), its members, services and people.

A cooperation is an `accounts.Organisation`; the FHIR analogues are Organization (with
`partOf`), HealthcareService and PractitionerRole.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CareProfession(models.TextChoices):
    """Who does an activity; wider than the supply's professions (psychologists, podiatrists…)."""

    GP = "generaliste", _("Médecin généraliste")
    CARDIOLOGIST = "cardiologue", _("Cardiologue")
    PULMONOLOGIST = "pneumologue", _("Pneumologue")
    DIABETOLOGIST = "endocrinologue", _("Endocrinologue-diabétologue")
    OPHTHALMOLOGIST = "ophtalmologiste", _("Ophtalmologiste ou orthoptiste")
    NEPHROLOGIST = "nephrologue", _("Néphrologue")
    NURSE = "infirmier", _("Infirmier·ère")
    PHARMACIST = "pharmacien", _("Pharmacien·ne")
    PHYSIOTHERAPIST = "masseur_kinesitherapeute", _("Masseur-kinésithérapeute")
    PODIATRIST = "pedicure_podologue", _("Pédicure-podologue")
    DENTIST = "chirurgien_dentiste", _("Chirurgien-dentiste")
    DIETITIAN = "dieteticien", _("Diététicien·ne")
    PSYCHOLOGIST = "psychologue", _("Psychologue")
    LABORATORY = "biologiste", _("Laboratoire de biologie médicale")
    SOCIAL_WORKER = "assistant_social", _("Assistant·e de service social")
    COORDINATOR = "coordinateur", _("Coordinateur·rice de parcours")
    OTHER = "autre", _("Autre")


class NetworkMembership(models.Model):
    """An organisation belonging to a cooperation's network."""

    cooperation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="network_members",
        verbose_name=_("coopération"),
    )
    member = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="network_memberships",
        verbose_name=_("membre"),
    )
    facility = models.ForeignKey(
        "healthcare.Facility", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("établissement (FINESS)"),
    )
    joined_on = models.DateField(_("membre depuis"), auto_now_add=True)

    class Meta:
        ordering = ["cooperation", "member__name"]
        verbose_name = _("membre du réseau")
        constraints = [
            models.UniqueConstraint(fields=["cooperation", "member"], name="unique_network_member"),
            models.CheckConstraint(condition=~models.Q(cooperation=models.F("member")),
                                   name="network_member_not_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.member} ∈ {self.cooperation}"


class ServiceCategory(models.TextChoices):
    GENERAL_PRACTICE = "medecine_generale", _("Médecine générale")
    SPECIALIST = "specialiste", _("Consultation spécialisée")
    NURSING = "soins_infirmiers", _("Soins infirmiers")
    PHARMACY = "pharmacie", _("Pharmacie")
    REHABILITATION = "reeducation", _("Rééducation, kinésithérapie")
    PODIATRY = "podologie", _("Podologie")
    DIETETICS = "dietetique", _("Diététique")
    PSYCHOLOGY = "psychologie", _("Soutien psychologique")
    PATIENT_EDUCATION = "etp", _("Éducation thérapeutique")
    HOSPITAL = "hospitalisation", _("Hospitalisation")
    TELECONSULTATION = "teleconsultation", _("Téléconsultation")
    SOCIAL = "social", _("Accompagnement social")
    TRANSPORT = "transport", _("Transport")
    OTHER = "autre", _("Autre")


class HealthcareService(models.Model):
    """What an organisation offers: what, where, for whom, how to refer (FHIR HealthcareService)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="care_services",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("intitulé"), max_length=200)
    category = models.CharField(_("catégorie"), max_length=30, choices=ServiceCategory.choices)
    description = models.TextField(_("description"), blank=True)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("commune"),
    )
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    eligibility = models.CharField(_("pour qui"), max_length=300, blank=True)
    referral = models.CharField(_("comment orienter"), max_length=300, blank=True)
    telephone = models.CharField(_("téléphone"), max_length=30, blank=True)
    accepts_new_patients = models.BooleanField(_("accepte de nouveaux patients"), default=True)
    active = models.BooleanField(_("actif"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")

    def __str__(self) -> str:
        return self.name


class NetworkProfessional(models.Model):
    """A person working in a member organisation, with a role (FHIR PractitionerRole)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="network_professionals",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="network_roles", verbose_name=_("compte"),
    )
    practitioner = models.ForeignKey(
        "healthcare.Practitioner", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("fiche de l'annuaire santé"),
    )
    name = models.CharField(_("nom"), max_length=200)
    profession = models.CharField(_("profession"), max_length=30, choices=CareProfession.choices)
    role = models.CharField(_("rôle dans la structure"), max_length=200, blank=True)
    services = models.ManyToManyField(HealthcareService, blank=True, related_name="professionals")

    class Meta:
        ordering = ["name"]
        verbose_name = _("professionnel·le du réseau")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_profession_display()})"
