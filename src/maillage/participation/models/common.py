"""What every piece of citizen content shares: moderation (hide with a reason, audited)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Moderated(models.Model):
    """Content a moderator may hide. Hidden content is never deleted: it stays auditable."""

    hidden_at = models.DateTimeField(_("masqué le"), null=True, blank=True)
    hidden_reason = models.TextField(_("motif du masquage"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("masqué par"),
    )

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Flag(models.Model):
    """Someone reports a piece of content to the moderators."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    reason = models.CharField(_("motif"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signalement à la modération")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            # One open report per person and piece of content (a second one adds nothing).
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reporter"],
                condition=models.Q(resolved_at__isnull=True),
                name="participation_one_open_flag_per_reporter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} #{self.object_id}: {self.reason[:40]}"


class ModerationEvent(models.Model):
    """The audit trail of moderation: who hid or restored what, when and why."""

    class Action(models.TextChoices):
        HIDE = "hide", _("masqué")
        RESTORE = "restore", _("rétabli")
        DISMISS = "dismiss", _("signalement écarté")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("motif"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("décision de modération")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.content_type.model} #{self.object_id}"
