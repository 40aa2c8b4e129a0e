"""Social-innovation labs and health hackathons: challenges, ideas, teams, events, projects.

Ideas are participation proposals (in the lab's own participation process), so comments,
supports and moderation are participation's; a project in pilot links to a participation
action so that its effect is evaluated like any action.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

TERRITORY_LEVELS = [("region", _("Région")), ("departement", _("Département")),
                    ("commune", _("Commune"))]


class LabKind(models.TextChoices):
    REGION = "region", _("Région ou collectivité")
    CPTS = "cpts", _("CPTS")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Autre")


class Lab(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("porté par"), max_length=12, choices=LabKind.choices)
    description = models.TextField(_("présentation"), blank=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("organisation"))
    territory_level = models.CharField(_("niveau du territoire"), max_length=12,
                                       choices=TERRITORY_LEVELS)
    territory_code = models.CharField(_("code du territoire"), max_length=9)
    territory_name = models.CharField(_("territoire"), max_length=200)
    # The participation process in which the lab's ideas are proposals (comments, supports).
    # Deleting the process (as participation's demo reset does) deletes the lab with it.
    process = models.OneToOneField("participation.Process", on_delete=models.CASCADE,
                                   related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("laboratoire")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("labs:lab", args=[self.pk])


class LabStaff(models.Model):
    """The people who run a lab: they publish its challenges, shortlist, run its events."""

    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="labs_staff")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lab", "user"],
                                               name="labs_staff_once")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.lab_id}"


class ChallengeStatus(models.TextChoices):
    OPEN = "open", _("ouvert aux idées")
    CLOSED = "closed", _("clos")


class Challenge(models.Model):
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="challenges")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description du défi"))
    territory_level = models.CharField(_("niveau du territoire"), max_length=12,
                                       choices=TERRITORY_LEVELS)
    territory_code = models.CharField(_("code du territoire"), max_length=9)
    territory_name = models.CharField(_("territoire"), max_length=200)
    region = models.ForeignKey("territories.Region", on_delete=models.PROTECT,
                               related_name="+")
    # The evidence shown on the page: signalements of this category, access for this profession.
    category = models.CharField(_("difficulté signalée"), max_length=20, blank=True)
    profession = models.CharField(_("profession"), max_length=40, default="generaliste")
    communes = models.ManyToManyField("territories.Commune", blank=True, related_name="+",
                                      verbose_name=_("communes concernées"))
    ideas_close_at = models.DateTimeField(_("idées reçues jusqu'au"))
    status = models.CharField(_("état"), max_length=8, choices=ChallengeStatus.choices,
                              default=ChallengeStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("défi")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("labs:challenge", args=[self.pk])


class Idea(models.Model):
    """An idea for a challenge; its text, author, comments and supports are the proposal's."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="ideas")
    proposal = models.OneToOneField("participation.Proposal", on_delete=models.CASCADE,
                                    related_name="+")
    shortlisted_at = models.DateTimeField(_("retenue le"), null=True, blank=True)
    shortlisted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("idée")

    def __str__(self) -> str:
        return self.proposal.title

    def get_absolute_url(self) -> str:
        return reverse("labs:idea", args=[self.pk])

    @property
    def is_shortlisted(self) -> bool:
        return self.shortlisted_at is not None


class ProfileRole(models.TextChoices):
    HEALTH_PROFESSIONAL = "health_professional", _("Professionnel·le de santé")
    DEVELOPER = "developer", _("Développeur·euse")
    DESIGNER = "designer", _("Designer")
    PATIENT_PARTNER = "patient_partner", _("Patient·e partenaire")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Autre")


class SkillProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="labs_profile")
    roles = models.JSONField(_("rôles"), default=list)
    skills = models.CharField(_("compétences"), max_length=500, blank=True)
    bio = models.TextField(_("présentation"), max_length=2000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {', '.join(self.roles)}"


class Team(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("nom de l'équipe"), max_length=120)
    description = models.TextField(_("présentation"), max_length=3000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("équipe")
        constraints = [models.UniqueConstraint(fields=["idea", "name"],
                                               name="labs_team_name_per_idea")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("labs:team", args=[self.pk])


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="labs_teams")
    role = models.CharField(_("rôle"), max_length=20, choices=ProfileRole.choices)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["team", "user"],
                                               name="labs_member_once")]

    def __str__(self) -> str:
        return f"{self.user_id} ∈ {self.team_id}"


class Task(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("tâche"), max_length=200)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("confiée à"))
    done_at = models.DateTimeField(_("faite le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done_at", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title


# Hackathon events ------------------------------------------------------------------------------

class Event(models.Model):
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="events")
    challenge = models.ForeignKey(Challenge, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="events")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("présentation"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    online_url = models.URLField(_("lien de participation en ligne"), blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    waiting_list_capacity = models.PositiveIntegerField(_("places en liste d'attente"),
                                                        default=20)
    submissions_close_at = models.DateTimeField(_("rendus acceptés jusqu'au"))
    score_max = models.PositiveSmallIntegerField(_("note maximale par critère"), default=10)
    results_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("hackathon")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="labs_event_ends_after_start"),
            models.CheckConstraint(condition=~Q(place="") | ~Q(online_url=""),
                                   name="labs_event_place_or_online"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="labs_event_capacity"),
            models.CheckConstraint(condition=Q(score_max__gte=1), name="labs_event_score_max"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("labs:event", args=[self.pk])


class ScheduleItem(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="schedule")
    starts_at = models.DateTimeField(_("heure"))
    title = models.CharField(_("séquence"), max_length=200)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class Mentor(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="mentors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="labs_mentoring")
    name = models.CharField(_("nom"), max_length=200)
    expertise = models.CharField(_("expertise"), max_length=300)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("inscrit·e")
    WAITING = "waiting", _("en liste d'attente")
    CANCELLED = "cancelled", _("annulée")


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="labs_registrations")
    status = models.CharField(_("état"), max_length=10, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "user"],
                                    condition=~Q(status="cancelled"),
                                    name="labs_one_live_registration"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.event_id} ({self.status})"


class Submission(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="submissions")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="submissions")
    description = models.TextField(_("description"), max_length=5000)
    links = models.JSONField(_("liens"), default=list)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["event", "team"],
                                               name="labs_one_submission_per_team")]

    def __str__(self) -> str:
        return f"{self.team} @ {self.event_id}"

    def get_absolute_url(self) -> str:
        return reverse("labs:submission", args=[self.pk])


def _submission_path(instance: SubmissionFile, filename: str) -> str:
    return f"labs/submissions/{instance.submission_id}/{filename}"


class SubmissionFile(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_submission_path, max_length=200)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("critère"), max_length=200)
    description = models.CharField(_("précisions"), max_length=500, blank=True)
    weight = models.PositiveSmallIntegerField(_("poids"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1), name="labs_criterion_weight"),
            models.UniqueConstraint(fields=["event", "name"], name="labs_criterion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (×{self.weight})"


class Juror(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="jurors")
    # Null once the juror's account is deleted: their notes still count in the results.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="labs_juries")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"],
                                               name="labs_juror_once")]

    def __str__(self) -> str:
        return f"{self.user_id} juge {self.event_id}"


class Score(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="scores")
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("note"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "juror", "criterion"],
                                               name="labs_one_score_per_criterion")]

    def __str__(self) -> str:
        return f"{self.juror_id}/{self.submission_id}/{self.criterion_id}: {self.value}"


# Projects ----------------------------------------------------------------------------------------

class Stage(models.TextChoices):
    IDEA = "idea", _("Idée")
    PROTOTYPE = "prototype", _("Prototype")
    PILOT = "pilot", _("Expérimentation dans une commune")
    EVALUATION = "evaluation", _("Évaluation")
    DEPLOYMENT = "deployment", _("Déploiement")
    STOPPED = "stopped", _("Arrêté")


STAGE_ORDER = [Stage.IDEA, Stage.PROTOTYPE, Stage.PILOT, Stage.EVALUATION, Stage.DEPLOYMENT]


class Project(models.Model):
    lab = models.ForeignKey(Lab, on_delete=models.CASCADE, related_name="projects")
    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="project")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="projects")
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"), max_length=3000)
    stage = models.CharField(_("étape"), max_length=12, choices=Stage.choices,
                             default=Stage.IDEA)
    stop_reason = models.TextField(_("raison de l'arrêt"), blank=True)
    pilot_commune = models.ForeignKey("territories.Commune", on_delete=models.PROTECT,
                                      null=True, blank=True, related_name="+",
                                      verbose_name=_("commune d'expérimentation"))
    # The participation action that tracks the pilot (its updates, its evaluation).
    action = models.ForeignKey("participation.Action", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    funding_requested = models.DecimalField(_("financement demandé (€)"), max_digits=12,
                                            decimal_places=2, default=0)
    funding_obtained = models.DecimalField(_("financement obtenu (€)"), max_digits=12,
                                           decimal_places=2, default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("projet")
        constraints = [
            models.CheckConstraint(condition=~Q(stage="stopped") | ~Q(stop_reason=""),
                                   name="labs_stopped_project_has_reason"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values),
                                   name="labs_project_known_stage"),
            models.CheckConstraint(condition=Q(funding_requested__gte=0)
                                   & Q(funding_obtained__gte=0),
                                   name="labs_project_funding_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("labs:project", args=[self.pk])


class StageChange(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="history")
    from_stage = models.CharField(max_length=12, choices=Stage.choices)
    to_stage = models.CharField(max_length=12, choices=Stage.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                           blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_stage} → {self.to_stage}"


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("jalon"), max_length=200)
    due_on = models.DateField(_("prévu le"), null=True, blank=True)
    done_on = models.DateField(_("atteint le"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Partner(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("partenaire"), max_length=200)
    contribution = models.CharField(_("apport"), max_length=300, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
