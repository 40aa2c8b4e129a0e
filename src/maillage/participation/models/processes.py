"""Participatory processes and their dated phases; what each phase type enables."""

from __future__ import annotations

import enum

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import TerritoryLevel


class Feature(enum.StrEnum):
    """What a person may do in a process; a phase type enables a set of them."""

    PROPOSE = "propose"
    COMMENT = "comment"
    SUPPORT = "support"
    ANSWER_SURVEY = "answer_survey"
    VOTE = "vote"
    FOLLOW_ACTIONS = "follow_actions"
    OPINION = "opinion"  # vote on the statements of an opinion map, add statements


class PhaseType(models.TextChoices):
    DIAGNOSTIC = "diagnostic", _("Diagnostic")
    PROPOSALS = "proposals", _("Propositions")
    VOTE = "vote", _("Vote")
    IMPLEMENTATION = "implementation", _("Mise en œuvre")
    EVALUATION = "evaluation", _("Évaluation")


# The single place that says what each phase enables: permissions read it, through the
# active phase, so what a person may do follows the calendar.
PHASE_FEATURES: dict[str, frozenset[Feature]] = {
    PhaseType.DIAGNOSTIC: frozenset({Feature.ANSWER_SURVEY, Feature.COMMENT, Feature.OPINION}),
    PhaseType.PROPOSALS: frozenset({Feature.PROPOSE, Feature.SUPPORT, Feature.COMMENT}),
    PhaseType.VOTE: frozenset({Feature.VOTE, Feature.COMMENT}),
    PhaseType.IMPLEMENTATION: frozenset({Feature.FOLLOW_ACTIONS, Feature.COMMENT}),
    PhaseType.EVALUATION: frozenset({Feature.ANSWER_SURVEY, Feature.FOLLOW_ACTIONS,
                                     Feature.COMMENT, Feature.OPINION}),
}


class Process(models.Model):
    """A participatory process (concertation) opened by an organiser for a territory."""

    title = models.CharField(_("titre"), max_length=200)
    summary = models.CharField(_("résumé"), max_length=400, blank=True)
    description = models.TextField(_("description"), blank=True)
    territory_level = models.CharField(
        _("niveau du territoire"), max_length=12,
        choices=[c for c in TerritoryLevel.choices if c[0] != TerritoryLevel.FRANCE],
    )
    territory_code = models.CharField(_("code du territoire"), max_length=9)
    territory_name = models.CharField(_("territoire"), max_length=200)
    organiser_name = models.CharField(
        _("organisateur"), max_length=200,
        help_text=_("Ex. : Région Occitanie, CPTS Cœur de Lozère, commune de Mende."),
    )
    is_published = models.BooleanField(_("publiée"), default=False)
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("concertation")
        verbose_name_plural = _("concertations")
        indexes = [models.Index(fields=["territory_level", "territory_code"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:process", args=[self.pk])


class Phase(models.Model):
    """A dated phase of a process, [starts_at, ends_at). Phases of a process never overlap."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    type = models.CharField(_("type"), max_length=20, choices=PhaseType.choices)
    title = models.CharField(_("titre"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    # When followers were told that the phase began (see notifications_phase_started).
    announced_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["process", "starts_at"]
        verbose_name = _("phase")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="participation_phase_ends_after_start"),
            # Overlap itself is refused by phase_add/phase_update under a lock on the process
            # (SQLite has no exclusion constraint); two phases cannot even start together.
            models.UniqueConstraint(fields=["process", "starts_at"],
                                    name="participation_phase_unique_start"),
        ]

    def __str__(self) -> str:
        return self.title or self.get_type_display()

    @property
    def features(self) -> frozenset[Feature]:
        return PHASE_FEATURES[self.type]

    @property
    def label(self) -> str:
        return self.title or str(self.get_type_display())
