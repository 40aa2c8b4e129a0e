"""Opinion maps (Pol.is-class conversations): statements, one vote per person, computed maps.

A conversation asks one question; residents vote agree / disagree / pass on short statements,
one at a time, and may add their own, which moderators accept before anyone votes on them. A
background task computes the opinion map (`maillage.engines.opinion`) after votes and stores
it as an `OpinionMapSnapshot`: groups, their characteristic statements, consensus and bridging
statements, and the 2-D positions (never who is who).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.participation.models.common import Moderated
from maillage.participation.models.processes import Phase, Process

STATEMENT_MAX_LENGTH = 280


class Conversation(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE,
                                related_name="conversations")
    # Open while this phase is active (its type must enable opinion maps).
    phase = models.ForeignKey(Phase, on_delete=models.RESTRICT, related_name="conversations")
    title = models.CharField(_("question posée"), max_length=200)
    description = models.TextField(_("présentation"), blank=True)
    allow_statements = models.BooleanField(
        _("les participants peuvent proposer des affirmations"), default=True)
    # The seed of every random choice of the computation: same votes, same map.
    seed = models.PositiveIntegerField(default=0, editable=False)
    # Where imported data comes from (shown wherever it appears, e.g. a CC BY attribution).
    source = models.TextField(_("source des données"), blank=True)
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a computation of the map is queued, cleared when it is stored.
    map_queued_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("carte d'opinion")
        verbose_name_plural = _("cartes d'opinion")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:opinion", args=[self.pk])


class StatementStatus(models.TextChoices):
    PENDING = "pending", _("en attente de modération")
    ACCEPTED = "accepted", _("acceptée")
    REJECTED = "rejected", _("refusée")


class Statement(Moderated):
    """A short statement. Seed statements are accepted; participants' ones wait for a moderator.

    Refusing a statement hides it (the shared moderation: reason kept, author told)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="statements")
    text = models.CharField(_("affirmation"), max_length=STATEMENT_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    is_seed = models.BooleanField(_("affirmation de départ"), default=False)
    status = models.CharField(_("statut"), max_length=10, choices=StatementStatus.choices,
                              default=StatementStatus.PENDING)
    moderated_at = models.DateTimeField(null=True, blank=True)
    # The comment id of an imported Pol.is conversation.
    external_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation", "pk"]
        verbose_name = _("affirmation")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=StatementStatus.values),
                                   name="participation_statement_known_status"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_votable(self) -> bool:
        return self.status == StatementStatus.ACCEPTED and not self.is_hidden

    def get_absolute_url(self) -> str:
        return self.conversation.get_absolute_url()


class VoteValue(models.IntegerChoices):
    AGREE = 1, _("D'accord")
    DISAGREE = -1, _("Pas d'accord")
    PASS = 0, _("Je passe / je ne sais pas")


class StatementVote(models.Model):
    """A participant's current vote on a statement: one per person and statement (the database
    says so); changing one's mind updates it, and `StatementVoteEvent` keeps the history.

    `participant` is an opaque pseudonym (a user's, or an imported Pol.is voter's): the map is
    computed on pseudonyms and never shows who voted what."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    participant = models.CharField(max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    value = models.SmallIntegerField(choices=VoteValue.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["conversation", "participant"])]
        constraints = [
            models.UniqueConstraint(fields=["statement", "participant"],
                                    name="participation_one_vote_per_statement_and_person"),
            models.CheckConstraint(condition=models.Q(value__in=[-1, 0, 1]),
                                   name="participation_statement_vote_known_value"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.value:+d} #{self.statement_id}"


class StatementVoteEvent(models.Model):
    """Every vote cast, in order (the latest counts; earlier ones stay for the record)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+")
    participant = models.CharField(max_length=40)
    value = models.SmallIntegerField(choices=VoteValue.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.participant} {self.value:+d} #{self.statement_id}"


class OpinionMapSnapshot(models.Model):
    """A computed opinion map. `summary` is what pages show (JSON: groups, statements, points
    without identities); `state` is the engine's map, kept to pass on to the next computation
    (so that the number of groups does not flicker)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                      related_name="snapshots")
    computed_at = models.DateTimeField()
    n_votes = models.PositiveIntegerField()
    n_participants = models.PositiveIntegerField()
    summary = models.JSONField(default=dict)
    state = models.BinaryField(editable=False, blank=True, default=b"")

    class Meta:
        ordering = ["-computed_at", "-pk"]
        get_latest_by = "computed_at"

    def __str__(self) -> str:
        return f"map of {self.conversation_id} at {self.computed_at:%Y-%m-%d %H:%M}"
