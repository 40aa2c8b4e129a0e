"""Priority votes: a pairwise "wiki survey", or a classic ballot (ranked choice, points)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.participation.models.common import Moderated
from maillage.participation.models.processes import Phase, Process


class PriorityVote(models.Model):
    class Kind(models.TextChoices):
        PAIRWISE = "pairwise", _("Comparaisons deux à deux (ajoutez vos idées)")
        RANKED = "ranked", _("Classement (vote alternatif)")
        POINTS = "points", _("Répartition de points (budget)")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="priority_votes")
    # Open while this phase is active (its type must enable voting).
    phase = models.ForeignKey(Phase, on_delete=models.RESTRICT, related_name="priority_votes")
    kind = models.CharField(_("type de vote"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("question"), max_length=200)
    description = models.TextField(_("présentation"), blank=True)
    budget = models.PositiveIntegerField(_("points à répartir"), null=True, blank=True)
    allow_new_options = models.BooleanField(_("les habitants peuvent ajouter des idées"),
                                            default=True)
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("vote de priorités")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="points") | models.Q(budget__gt=0),
                name="participation_points_vote_has_budget"),
            models.CheckConstraint(condition=models.Q(kind__in=["pairwise", "ranked", "points"]),
                                   name="participation_priority_known_kind"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:priority", args=[self.pk])


class PriorityOption(Moderated):
    vote = models.ForeignKey(PriorityVote, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("besoin ou solution"), max_length=200)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["vote", "pk"]
        verbose_name = _("option")
        constraints = [
            models.UniqueConstraint(fields=["vote", "label"],
                                    name="participation_option_unique_label"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def author_id(self) -> int | None:  # for the moderation predicates
        return self.added_by_id

    @property
    def author(self):  # the user told when their idea is hidden
        return self.added_by

    def get_absolute_url(self) -> str:
        return self.vote.get_absolute_url()


class PairwiseChoice(models.Model):
    """One person's choice between two options; a person compares a given pair once."""

    vote = models.ForeignKey(PriorityVote, on_delete=models.CASCADE, related_name="choices")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    winner = models.ForeignKey(PriorityOption, on_delete=models.CASCADE, related_name="+")
    loser = models.ForeignKey(PriorityOption, on_delete=models.CASCADE, related_name="+")
    # The pair in a fixed order, so that (a, b) and (b, a) are the same pair for the constraint.
    pair_low = models.PositiveBigIntegerField()
    pair_high = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(pair_low__lt=models.F("pair_high")),
                                   name="participation_pair_ordered"),
            models.UniqueConstraint(fields=["vote", "voter", "pair_low", "pair_high"],
                                    name="participation_one_choice_per_pair_and_person"),
        ]

    def __str__(self) -> str:
        return f"{self.winner_id} > {self.loser_id}"


class Ballot(models.Model):
    """A ranked or points ballot: one per person and vote, enforced by the database."""

    vote = models.ForeignKey(PriorityVote, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    ranking = models.JSONField(default=list, blank=True)  # option ids, first to last
    points = models.JSONField(default=dict, blank=True)  # option id (str) → points
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "voter"],
                                    name="participation_one_ballot_per_person"),
        ]

    def __str__(self) -> str:
        return f"ballot #{self.pk} in {self.vote_id}"
