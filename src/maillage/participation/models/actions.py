"""Accountability: decisions become tracked actions, with updates citizens can follow."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.participation.models.consultations import Consultation
from maillage.participation.models.processes import Process
from maillage.participation.models.proposals import Proposal


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    SUSPENDED = "suspended", _("Suspendue")
    ABANDONED = "abandoned", _("Abandonnée")


class Action(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    responsible_body = models.CharField(_("responsable"), max_length=200)
    status = models.CharField(_("état"), max_length=12, choices=ActionStatus.choices,
                              default=ActionStatus.PLANNED)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    starts_on = models.DateField(_("début prévu"), null=True, blank=True)
    ends_on = models.DateField(_("fin prévue"), null=True, blank=True)
    proposals = models.ManyToManyField(Proposal, blank=True, related_name="actions")
    consultations = models.ManyToManyField(Consultation, blank=True, related_name="actions")
    # The communes whose signalements the action answers.
    communes = models.ManyToManyField("territories.Commune", blank=True, related_name="+")
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["process", "pk"]
        verbose_name = _("action")
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100),
                                   name="participation_action_progress_percent"),
            models.CheckConstraint(condition=models.Q(status__in=ActionStatus.values),
                                   name="participation_action_known_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:action", args=[self.pk])


class ActionUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    text = models.TextField(_("nouvelles"))
    status = models.CharField(_("état"), max_length=12, choices=ActionStatus.choices)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100),
                                   name="participation_update_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.progress} %"
