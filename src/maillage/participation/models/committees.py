"""Participatory committees, their members, and meetings with agenda, minutes and decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.participation.models.processes import Process


class Committee(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="committees")
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("mission"), blank=True)
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("comité participatif")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("participation:committee", args=[self.pk])


class MemberKind(models.TextChoices):
    CITIZEN = "citizen", _("Habitant·e")
    PROFESSIONAL = "professional", _("Professionnel·le de santé")
    ELECTED = "elected", _("Élu·e")
    OTHER = "other", _("Autre (association, institution)")


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="committee_memberships")
    kind = models.CharField(_("collège"), max_length=12, choices=MemberKind.choices)
    title = models.CharField(_("fonction"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "user"],
                                    name="participation_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.committee_id}"


class Meeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("titre"), max_length=200)
    agenda = models.TextField(_("ordre du jour"))
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=300, blank=True)
    online_url = models.URLField(_("lien de visioconférence"), blank=True)
    capacity = models.PositiveIntegerField(_("places (public)"), null=True, blank=True)
    minutes = models.TextField(_("compte rendu"), blank=True)
    decisions = models.TextField(_("décisions"), blank=True)
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("réunion")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="participation_meeting_ends_after_start"),
            models.CheckConstraint(condition=~models.Q(place="", online_url=""),
                                   name="participation_meeting_has_place_or_link"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:meeting", args=[self.pk])


class MeetingRegistration(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="meeting_registrations")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"],
                                    name="participation_register_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.meeting_id}"
