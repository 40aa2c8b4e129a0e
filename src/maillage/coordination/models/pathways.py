"""Pathway templates, patients' pathways (consent, care team, tasks), alerts and the access log.

FHIR analogues: PlanDefinition/ActivityDefinition, Patient, EpisodeOfCare + CarePlan, Consent,
CareTeam, Task, Encounter, Condition, Observation, Flag, AuditEvent.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.coordination.models.network import CareProfession


class PathwayTemplate(models.Model):
    """A care pathway for a chronic condition, written from a cited public guideline."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    condition_label = models.CharField(_("affection"), max_length=200)
    condition_codes = models.JSONField(
        _("codes de l'affection (SNOMED CT, CIM-10)"), default=list, blank=True,
        help_text=_("Liste de {system, code} pour reconnaître l'affection dans un import FHIR."),
    )
    source_title = models.CharField(_("source"), max_length=300)
    source_url = models.URLField(_("adresse de la source"), max_length=300)
    source_date = models.CharField(_("date de la source"), max_length=20)
    discharge_follow_up_days = models.PositiveSmallIntegerField(
        _("consultation après une sortie d'hospitalisation, sous (jours)"), default=7
    )
    version = models.PositiveSmallIntegerField(default=1)
    cooperation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
        related_name="pathway_templates", verbose_name=_("coopération"),
        help_text=_("Vide : modèle partagé, chargé depuis les recommandations publiées ; "
                    "sinon, modèle défini par cette coopération."))
    derived_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="derivations",
        verbose_name=_("dérivé du modèle"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("modèle de parcours")

    def __str__(self) -> str:
        return self.name


class ActivityCondition(models.TextChoices):
    ALWAYS = "", _("toujours")
    RISK_GRADE_2 = "risk_grade_2", _("grade de risque podologique 2")
    RISK_GRADE_3 = "risk_grade_3", _("grade de risque podologique 3")
    SCREENING_POSITIVE = "screening_positive", _("dépistage de dépression positif (PHQ-9 ≥ 10)")
    AFTER_DISCHARGE = "after_discharge", _("après une hospitalisation")


class ActivityDefinition(models.Model):
    """One recurring activity of a template: what, by which profession, how often."""

    template = models.ForeignKey(PathwayTemplate, on_delete=models.CASCADE,
                                 related_name="activities")
    code = models.SlugField(max_length=60)
    name = models.CharField(_("activité"), max_length=200)
    profession = models.CharField(_("profession"), max_length=30, choices=CareProfession.choices)
    first_due_days = models.PositiveSmallIntegerField(
        _("première échéance (jours après le début)"), default=0)
    interval_days = models.PositiveSmallIntegerField(
        _("intervalle (jours)"), null=True, blank=True,
        help_text=_("Vide : activité unique ou conditionnelle."))
    window_days = models.PositiveSmallIntegerField(
        _("fenêtre de réalisation (jours)"), default=30)
    condition = models.CharField(
        _("condition"), max_length=20, blank=True, choices=ActivityCondition.choices,
        help_text=_("Activité prévue seulement si cette condition est remplie."))
    loinc = models.CharField(_("code LOINC du résultat attendu"), max_length=20, blank=True)
    questionnaire = models.SlugField(
        _("questionnaire envoyé au patient"), max_length=40, blank=True,
        help_text=_("Code d'un questionnaire (PROM, PREM) envoyé au patient quand la fenêtre "
                    "de l'activité s'ouvre ; sa réponse réalise la tâche."))
    rationale = models.CharField(_("recommandation"), max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["template", "position"]
        verbose_name = _("activité du modèle")
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="unique_activity_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Patient(models.Model):
    """A person followed in a pathway. `user` links to their own account, if they have one."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("femme")
        MALE = "male", _("homme")
        OTHER = "other", _("autre")
        UNKNOWN = "unknown", _("non renseigné")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="patient_record", verbose_name=_("compte du patient"),
    )
    family_name = models.CharField(_("nom"), max_length=150)
    given_name = models.CharField(_("prénom"), max_length=150)
    birth_date = models.DateField(_("date de naissance"), null=True, blank=True)
    sex = models.CharField(_("sexe"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("commune"),
    )
    source_identifier = models.CharField(
        _("identifiant dans le système d'origine"), max_length=200, blank=True,
        help_text=_("Pour rendre un import FHIR idempotent."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        verbose_name = _("patient·e")

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Pathway(models.Model):
    """A patient's care pathway in a cooperation: plan, team, tasks; identified by an opaque key."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("actif")
        SUSPENDED = "suspended", _("suspendu (consentement retiré)")
        CLOSED = "closed", _("clos")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="pathways")
    cooperation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="pathways",
        verbose_name=_("coopération"),
    )
    template = models.ForeignKey(
        PathwayTemplate, on_delete=models.PROTECT, null=True, blank=True,
        related_name="pathways", verbose_name=_("modèle"),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
        related_name="coordinated_pathways", verbose_name=_("coordinateur·rice"),
    )
    status = models.CharField(_("état"), max_length=12, choices=Status.choices,
                              default=Status.ACTIVE)
    start_date = models.DateField(_("début du plan"), null=True, blank=True)
    risk_grade = models.PositiveSmallIntegerField(
        _("grade de risque podologique"), null=True, blank=True,
        help_text=_("0 à 3 (diabète) : règle la fréquence des soins de podologie."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")

    def __str__(self) -> str:
        return f"{self.template or _('parcours')} — {self.patient}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("coordination:pathway", kwargs={"key": self.key})


class Consent(models.Model):
    """The patient's consent to share their data within the pathway (FHIR Consent)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("donné")
        WITHDRAWN = "inactive", _("retiré")

    class Method(models.TextChoices):
        WRITTEN = "written", _("écrit")
        ORAL = "oral", _("oral, noté par le professionnel")
        ONLINE = "online", _("en ligne par le patient")

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="consents")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    method = models.CharField(_("recueil"), max_length=10, choices=Method.choices)
    scope = models.CharField(
        _("portée"), max_length=300,
        default=_("Partage des données du parcours avec l'équipe de soins nommée."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("consentement")
        constraints = [
            models.UniqueConstraint(fields=["pathway"], condition=Q(status="active"),
                                    name="one_active_consent_per_pathway"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.recorded_at:%Y-%m-%d})"


class CareTeamMember(models.Model):
    """A professional of the patient's care team (FHIR CareTeam.participant)."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="care_teams")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    profession = models.CharField(_("profession"), max_length=30, choices=CareProfession.choices)
    is_referring_doctor = models.BooleanField(_("médecin traitant"), default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pathway", "profession"]
        verbose_name = _("membre de l'équipe de soins")
        constraints = [
            models.UniqueConstraint(fields=["pathway", "user"], name="unique_care_team_member"),
            models.UniqueConstraint(fields=["pathway"], condition=Q(is_referring_doctor=True),
                                    name="one_referring_doctor_per_pathway"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_profession_display()})"


class CareTask(models.Model):
    """One occurrence of an activity, with a due window and an owner (FHIR Task)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("à faire")
        COMPLETED = "completed", _("fait")
        CANCELLED = "cancelled", _("annulé")

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="tasks")
    activity = models.ForeignKey(ActivityDefinition, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    title = models.CharField(_("activité"), max_length=200)
    profession = models.CharField(_("profession"), max_length=30, choices=CareProfession.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="care_tasks",
                              verbose_name=_("responsable"))
    due_from = models.DateField(_("à partir du"))
    due_by = models.DateField(_("au plus tard le"))
    status = models.CharField(_("état"), max_length=10, choices=Status.choices,
                              default=Status.REQUESTED)
    done_on = models.DateField(_("réalisé le"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    note = models.TextField(_("compte rendu"), blank=True)
    source_identifier = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_by", "title"]
        verbose_name = _("tâche")
        constraints = [
            models.CheckConstraint(condition=Q(due_from__lte=models.F("due_by")),
                                   name="task_window_ordered"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(done_on__isnull=False),
                name="completed_task_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_by:%Y-%m-%d})"


class Encounter(models.Model):
    """A consultation or a hospital stay (FHIR Encounter)."""

    class Kind(models.TextChoices):
        AMBULATORY = "AMB", _("consultation")
        INPATIENT = "IMP", _("hospitalisation")
        EMERGENCY = "EMER", _("urgences")
        HOME = "HH", _("visite à domicile")
        VIRTUAL = "VR", _("téléconsultation")

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="encounters")
    kind = models.CharField(_("type"), max_length=4, choices=Kind.choices)
    label = models.CharField(_("motif"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("début"))
    ended_at = models.DateTimeField(_("fin (sortie)"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    task = models.ForeignKey(CareTask, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="encounters")
    source_identifier = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("rencontre")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d}"


class Condition(models.Model):
    """A diagnosis on the patient's problem list (FHIR Condition)."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="conditions")
    system = models.CharField(max_length=100, blank=True)
    code = models.CharField(max_length=40, blank=True)
    label = models.CharField(_("affection"), max_length=300)
    onset = models.DateField(_("depuis"), null=True, blank=True)
    resolved = models.DateField(_("résolue le"), null=True, blank=True)
    source_identifier = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["onset"]
        verbose_name = _("affection")

    def __str__(self) -> str:
        return self.label


class Observation(models.Model):
    """A structured result (HbA1c, weight…) recorded by a professional or imported."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="observations")
    task = models.ForeignKey(CareTask, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="observations")
    system = models.CharField(max_length=100, default="http://loinc.org")
    code = models.CharField(_("code"), max_length=40)
    label = models.CharField(_("mesure"), max_length=300)
    value = models.FloatField(_("valeur"), null=True, blank=True)
    unit = models.CharField(_("unité"), max_length=40, blank=True)
    text = models.CharField(_("résultat (texte)"), max_length=300, blank=True)
    effective_at = models.DateTimeField(_("date"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    source_identifier = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-effective_at"]
        verbose_name = _("résultat")

    def __str__(self) -> str:
        return f"{self.label} {self.value if self.value is not None else self.text}"


class Alert(models.Model):
    """A rupture in a pathway, raised to the coordinator and the owner, resolved with a note."""

    class Kind(models.TextChoices):
        OVERDUE = "overdue", _("activité en retard")
        MISSING = "missing", _("activité du modèle absente du plan")
        DISCHARGE = "discharge", _("sortie d'hospitalisation sans consultation de suivi")
        NO_REFERRING_DOCTOR = "no_gp", _("équipe sans médecin traitant")

    class Status(models.TextChoices):
        OPEN = "open", _("ouverte")
        RESOLVED = "resolved", _("résolue")

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    # What the alert is about, so one fact raises one alert however often detection runs.
    subject = models.CharField(max_length=80, blank=True)
    task = models.ForeignKey(CareTask, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="alerts")
    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="alerts")
    detail = models.CharField(_("détail"), max_length=300)
    raised_on = models.DateField(_("levée le"))
    status = models.CharField(_("état"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    resolved_on = models.DateField(_("résolue le"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    resolution = models.CharField(_("comment elle a été résolue"), max_length=500, blank=True)

    class Meta:
        ordering = ["-raised_on"]
        verbose_name = _("alerte de rupture")
        constraints = [
            models.UniqueConstraint(fields=["pathway", "kind", "subject"],
                                    condition=Q(status="open"), name="one_open_alert_per_fact"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.detail}"


class AccessLogEntry(models.Model):
    """Who read or wrote what of a patient's data, when, why, with what outcome (AuditEvent).

    The patient reads these entries on « Qui a consulté mon dossier ». Entries name the kind of
    data touched, never its content.
    """

    class Action(models.TextChoices):
        READ = "R", _("consultation")
        CREATE = "C", _("création")
        UPDATE = "U", _("modification")
        DELETE = "D", _("suppression")
        EXPORT = "E", _("export")

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("autorisé")
        DENIED = "denied", _("refusé")

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="access_log")
    pathway = models.ForeignKey(Pathway, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    actor_label = models.CharField(_("qui"), max_length=200)
    action = models.CharField(_("action"), max_length=1, choices=Action.choices)
    what = models.CharField(_("quoi"), max_length=100)
    reason = models.CharField(_("pourquoi"), max_length=200, blank=True)
    outcome = models.CharField(_("résultat"), max_length=8, choices=Outcome.choices,
                               default=Outcome.ALLOWED)
    at = models.DateTimeField(_("quand"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("accès au dossier")
        verbose_name_plural = _("journal des accès")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()}"
