"""Following a process, a proposal or a commune; notifications in the app and by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from maillage.participation.models.processes import Process
from maillage.participation.models.proposals import Proposal


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="participation_follows")
    process = models.ForeignKey(Process, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="follows")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="follows")
    commune = models.ForeignKey("territories.Commune", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Exactly one thing is followed.
            models.CheckConstraint(
                condition=(Q(process__isnull=False, proposal__isnull=True, commune__isnull=True)
                           | Q(process__isnull=True, proposal__isnull=False,
                               commune__isnull=True)
                           | Q(process__isnull=True, proposal__isnull=True,
                               commune__isnull=False)),
                name="participation_follow_one_target"),
            models.UniqueConstraint(fields=["user", "process"], condition=Q(process__isnull=False),
                                    name="participation_follow_process_once"),
            models.UniqueConstraint(fields=["user", "proposal"],
                                    condition=Q(proposal__isnull=False),
                                    name="participation_follow_proposal_once"),
            models.UniqueConstraint(fields=["user", "commune"], condition=Q(commune__isnull=False),
                                    name="participation_follow_commune_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.process_id or self.proposal_id or self.commune_id}"


class EmailFrequency(models.TextChoices):
    NEVER = "never", _("Jamais (notifications dans Maillage seulement)")
    IMMEDIATE = "immediate", _("À chaque nouvelle")
    DAILY = "daily", _("Un résumé par jour")


class NotificationSettings(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="participation_notification_settings")
    email = models.CharField(_("e-mails"), max_length=10, choices=EmailFrequency.choices,
                             default=EmailFrequency.DAILY)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="participation_notifications")
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title
