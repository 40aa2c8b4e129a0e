"""Proposals in a process, their supports (one per person) and threaded comments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.participation.models.common import Moderated
from maillage.participation.models.processes import Process


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Déposée")
    EVALUATING = "evaluating", _("À l'étude")
    ACCEPTED = "accepted", _("Retenue")
    REJECTED = "rejected", _("Non retenue")
    IMPLEMENTED = "implemented", _("Réalisée")


class Proposal(Moderated):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="proposals",
    )
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("description"), max_length=5000)
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("commune concernée"),
    )
    status = models.CharField(_("statut"), max_length=12, choices=ProposalStatus.choices,
                              default=ProposalStatus.SUBMITTED)
    answer = models.TextField(_("réponse officielle"), blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)
    created_at = models.DateTimeField(_("déposée le"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposition")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ProposalStatus.values),
                                   name="participation_proposal_known_status"),
            # A proposal is never turned down without saying why.
            models.CheckConstraint(
                condition=~models.Q(status=ProposalStatus.REJECTED) | ~models.Q(answer=""),
                name="participation_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:proposal", args=[self.pk])


class Support(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    # Null once the supporter's account is deleted: the support still counts.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="proposal_supports",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("soutien")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"],
                                    name="participation_one_support_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.proposal_id}"


class Comment(Moderated):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="proposal_comments",
    )
    body = models.TextField(_("commentaire"), max_length=3000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("commentaire")
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")),
                                   name="participation_comment_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} on {self.proposal_id}"

    def get_absolute_url(self) -> str:
        return f"{self.proposal.get_absolute_url()}#commentaire-{self.pk}"
