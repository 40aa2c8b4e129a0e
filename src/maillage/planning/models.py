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
    # A draft is private to its author's organisation (or, without one, to the région's
    # analysts) until it is published, at the latest when it is put to the people.
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)

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
        MOBILE_UNIT = "mobile_unit", _("Unité mobile (tournée hebdomadaire)")
        TRANSPORT_OFFER = "transport_offer", _("Offre de transport (solidaire, ligne de bus)")

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    commune = models.ForeignKey("territories.Commune", on_delete=models.PROTECT,
                                related_name="+")
    fte = models.FloatField(_("équivalents temps plein"), default=1.0)
    # Mobile units and teleconsultation points: weekly hours of presence (supply pro-rated).
    hours_per_week = models.FloatField(_("heures par semaine"), null=True, blank=True)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    # Signed supply in the base run's unit when it is known exactly (a projected retirement
    # removes the counted activity of the GPs concerned); else fte × the default per FTE.
    supply_amount = models.FloatField(_("offre (unité du calcul)"), null=True, blank=True)
    # Mobile unit: its weekly stops, [{"stop": code, "day": 0-6, "start": h, "end": h}].
    schedule = models.JSONField(_("tournée hebdomadaire"), default=list, blank=True)
    # Transport offer: the communes whose members ride to `commune`, and the minutes saved.
    origins = models.JSONField(_("communes desservies"), default=list, blank=True)
    minutes_saved = models.FloatField(_("minutes gagnées"), null=True, blank=True)
    member_share = models.FloatField(_("part de la population concernée"), null=True,
                                     blank=True)

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


class SitingRun(models.Model):
    """A best-site optimisation: k new sites for a profession among candidate communes."""

    class Objective(models.TextChoices):
        LIFTED = "lifted", _("Habitants sortis de la zone d'intervention prioritaire")
        COVERING = "covering", _("Habitants à moins de T minutes d'un site (non encore couverts)")

    class State(models.TextChoices):
        QUEUED = "queued", _("en attente")
        RUNNING = "running", _("en cours")
        SUCCEEDED = "succeeded", _("terminée")
        FAILED = "failed", _("échouée")

    region = models.ForeignKey("territories.Region", on_delete=models.PROTECT,
                               related_name="siting_runs")
    profession = models.CharField(_("profession"), max_length=40)
    objective = models.CharField(_("objectif"), max_length=10, choices=Objective.choices,
                                 default=Objective.LIFTED)
    k = models.PositiveSmallIntegerField(_("nombre de sites"))
    site_fte = models.FloatField(_("équivalents temps plein par site"), default=2.0)
    max_minutes = models.FloatField(_("temps de trajet couvert (minutes)"), default=15.0)
    min_population = models.PositiveIntegerField(_("population minimale d'une commune candidate"),
                                                 default=0)
    # Communes given by the analyst (existing buildings); empty = every commune of the région.
    candidate_codes = models.JSONField(_("communes candidates"), default=list, blank=True)
    base_run = models.ForeignKey("insights.AccessRun", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    progress = models.ForeignKey("core.TaskProgress", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    error = models.TextField(blank=True)
    # Chosen sites with their gain, objective, bound, gap, method, seconds.
    result = models.JSONField(default=dict, blank=True)
    scenario = models.ForeignKey(Scenario, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="siting_runs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(k__gte=1) & Q(k__lte=50),
                                   name="planning_siting_k_range"),
            models.CheckConstraint(condition=Q(site_fte__gt=0) & Q(site_fte__lte=100),
                                   name="planning_siting_fte_range"),
            models.CheckConstraint(condition=Q(max_minutes__gt=0) & Q(max_minutes__lte=120),
                                   name="planning_siting_minutes_range"),
        ]
        verbose_name = _("recherche d'implantations")
        verbose_name_plural = _("recherches d'implantations")

    def __str__(self) -> str:
        return f"{self.k} sites — {self.region_id} {self.profession}"

    def get_absolute_url(self) -> str:
        return reverse("planning:siting_run", args=[self.pk])


class ScenarioBallot(models.Model):
    """Scenarios put to the people as the options of a participation priority vote."""

    vote = models.OneToOneField("participation.PriorityVote", on_delete=models.CASCADE,
                                related_name="scenario_ballot")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("vote sur des scénarios")

    def __str__(self) -> str:
        return str(self.vote_id)

    def get_absolute_url(self) -> str:
        return reverse("planning:ballot", args=[self.pk])


class ScenarioOption(models.Model):
    """One option of a scenario vote, with the effect shown to voters frozen at publication."""

    ballot = models.ForeignKey(ScenarioBallot, on_delete=models.CASCADE, related_name="options")
    # None: the "change nothing" option offered beside a single scenario.
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="vote_options")
    option = models.OneToOneField("participation.PriorityOption", on_delete=models.CASCADE,
                                  related_name="scenario_option")
    expected = models.JSONField(default=dict, blank=True)
    base_run = models.ForeignKey("insights.AccessRun", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["ballot", "scenario"],
                                               name="planning_option_scenario_once")]

    def __str__(self) -> str:
        return f"{self.ballot_id}: {self.scenario_id}"


class ScenarioAction(models.Model):
    """A decided scenario as a tracked action, with what it was expected to do."""

    action = models.OneToOneField("participation.Action", on_delete=models.CASCADE,
                                  related_name="scenario_link")
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="actions")
    ballot = models.ForeignKey(ScenarioBallot, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="actions")
    # The scenario's totals and per-commune effect when the decision was taken:
    # {"summary": {...}, "communes": {code: [before, after, class_before, class_after, pop]}}.
    expected = models.JSONField(default=dict, blank=True)
    base_run = models.ForeignKey("insights.AccessRun", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    # The run that measures the effect, when the analyst names one; else the latest APL run
    # finished after the action was reported done.
    after_run = models.ForeignKey("insights.AccessRun", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")
    # Consultations of the action's process that ask users about the service (their scale
    # questions are its feedback scores), beside those linked to the action itself.
    feedback_consultations = models.ManyToManyField(
        "participation.Consultation", blank=True, related_name="+",
        verbose_name=_("consultations d'avis des usagers"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("action issue d'un scénario")

    def __str__(self) -> str:
        return f"{self.scenario_id} → {self.action_id}"

    def get_absolute_url(self) -> str:
        return reverse("planning:evaluation", args=[self.pk])


class ScreeningAction(models.Model):
    """A pathway-screening drive of a care cooperation, targeted at the communes first in the
    priority index (targeted prevention). The screening act is one activity of a coordination
    pathway template (e.g. the depression screening of the type 2 diabetes pathway)."""

    region = models.ForeignKey("territories.Region", on_delete=models.PROTECT, related_name="+")
    profession = models.CharField(_("profession"), max_length=40, default="generaliste")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("présentation"), blank=True)
    cooperation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("coopération"))
    template = models.ForeignKey("coordination.PathwayTemplate", on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("parcours"))
    activity_code = models.SlugField(_("activité de dépistage"), max_length=60)
    # The target communes, highest index first, and how they were chosen (weights, top, run).
    communes = models.JSONField(_("communes ciblées"), default=list)
    criteria = models.JSONField(_("critères de ciblage"), default=dict, blank=True)
    starts_on = models.DateField(_("début"), null=True, blank=True)
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("action de dépistage ciblée")
        constraints = [models.CheckConstraint(
            condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True)
            | Q(ends_on__gte=models.F("starts_on")), name="planning_screening_dates")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("planning:screening", args=[self.pk])
