"""The shared record around a pathway: messages, versioned documents, teleconsultations."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    """A secure message in the patient's thread (FHIR Communication)."""

    pathway = models.ForeignKey("coordination.Pathway", on_delete=models.CASCADE,
                                related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    body = models.TextField(_("message"), max_length=5000)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("message")

    def __str__(self) -> str:
        return f"{self.author} {self.sent_at:%Y-%m-%d %H:%M}"


def _document_storage_resolve():
    from pathlib import Path

    from django.core.files.storage import (
        FileSystemStorage,
        InvalidStorageError,
        default_storage,
        storages,
    )

    try:
        return storages["coordination"]
    except InvalidStorageError:
        pass
    if isinstance(default_storage, FileSystemStorage):
        root = getattr(settings, "VAR_DIR", None) or Path(settings.MEDIA_ROOT).parent
        return FileSystemStorage(location=Path(root) / "private")
    return default_storage


class _DocumentStorage(LazyObject):
    def _setup(self) -> None:
        self._wrapped = _document_storage_resolve()


_document_storage = _DocumentStorage()


@receiver(setting_changed)
def _document_storage_reset(*, setting: str, **kwargs: object) -> None:
    if setting in ("STORAGES", "MEDIA_ROOT", "VAR_DIR"):
        _document_storage._wrapped = empty


def document_storage():
    """The `coordination` storage when one is configured (STORAGES), else a private folder.

    Files are never under a URL the web server serves: when the default storage is the
    file system (MEDIA_ROOT, which a front server may publish), documents go to a sibling
    `private/` folder instead. They leave only through the document view, after the check.
    The storage is resolved lazily, when a file is first stored, not when models load.
    """
    return _document_storage


def _document_path(instance: Document, filename: str) -> str:
    # Opaque names: nothing about the patient in the storage path.
    return f"coordination/documents/{uuid.uuid4().hex}"


class Document(models.Model):
    """A typed document; a new version points to the one it replaces (FHIR DocumentReference)."""

    class Kind(models.TextChoices):
        REPORT = "report", _("compte rendu")
        LAB_RESULT = "lab", _("résultat de biologie")
        PRESCRIPTION = "prescription", _("ordonnance")
        LETTER = "letter", _("courrier")
        CARE_PLAN = "plan", _("plan personnalisé de santé")
        OTHER = "other", _("autre")

    pathway = models.ForeignKey("coordination.Pathway", on_delete=models.CASCADE,
                                related_name="documents")
    kind = models.CharField(_("type"), max_length=15, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(upload_to=_document_path, storage=document_storage, max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    version = models.PositiveSmallIntegerField(default=1)
    replaces = models.OneToOneField("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="replaced_by")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document")

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Teleconsultation(models.Model):
    """A teleconsultation appointment in a Jitsi Meet room with an unguessable name."""

    pathway = models.ForeignKey("coordination.Pathway", on_delete=models.CASCADE,
                                related_name="teleconsultations")
    professional = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    starts_at = models.DateTimeField(_("début"))
    minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=20)
    room = models.CharField(max_length=64, unique=True, editable=False)
    patient_consented = models.BooleanField(_("consentement à la téléconsultation"))
    report = models.TextField(_("compte rendu"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("téléconsultation")

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class Questionnaire(models.Model):
    """A patient questionnaire: outcomes (PROM) or experience (PREM), scored by summing."""

    class Kind(models.TextChoices):
        PROM = "prom", _("résultats de santé perçus (PROM)")
        PREM = "prem", _("expérience du parcours (PREM)")

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("type"), max_length=4, choices=Kind.choices)
    loinc = models.CharField(_("code LOINC du score"), max_length=20, blank=True)
    items = models.JSONField(
        _("questions"), help_text=_("[{link_id, text, options: [{value, label}]}]"))
    max_score = models.PositiveSmallIntegerField(_("score maximal"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["title"]
        verbose_name = _("questionnaire")

    def __str__(self) -> str:
        return self.title


class QuestionnaireResponse(models.Model):
    """A questionnaire sent to the patient along the pathway, then answered and scored."""

    class Status(models.TextChoices):
        REQUESTED = "in-progress", _("envoyé")
        COMPLETED = "completed", _("rempli")

    pathway = models.ForeignKey("coordination.Pathway", on_delete=models.CASCADE,
                                related_name="questionnaire_responses")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT,
                                      related_name="responses")
    task = models.ForeignKey("coordination.CareTask", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="questionnaire_responses",
                             help_text=_("La tâche du plan que la réponse réalise."))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    answers = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("réponse à un questionnaire")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="completed") | models.Q(score__isnull=False),
                name="completed_response_has_score"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} ({self.get_status_display()})"
