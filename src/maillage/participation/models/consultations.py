"""Consultations (surveys): questions of several types, one answer per person."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.participation.models.common import Moderated
from maillage.participation.models.processes import Phase, Process


class Consultation(models.Model):
    process = models.ForeignKey(Process, on_delete=models.CASCADE,
                                related_name="consultations")
    # Open exactly while this phase is active (its type must enable answering).
    # RESTRICT: a phase holding a questionnaire is not deleted alone, but goes with its process.
    phase = models.ForeignKey(Phase, on_delete=models.RESTRICT, related_name="consultations")
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("présentation"), blank=True)
    # Anonymous: the answers are stored apart from who answered (who answered is kept only to
    # allow one answer per person).
    anonymous = models.BooleanField(_("réponses anonymes"), default=True)
    results_public = models.BooleanField(_("résultats publics en direct"), default=True)
    is_demo = models.BooleanField(_("contenu de démonstration"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consultation")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:consultation", args=[self.pk])


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Choix unique")
    MULTIPLE = "multiple", _("Choix multiple")
    SCALE = "scale", _("Échelle")
    RANKING = "ranking", _("Classement")
    TEXT = "text", _("Texte libre")
    COMMUNE = "commune", _("Commune")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.RANKING})


class Question(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="questions")
    position = models.PositiveSmallIntegerField(_("ordre"))
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("aide"), max_length=500, blank=True)
    required = models.BooleanField(_("obligatoire"), default=True)
    scale_min = models.SmallIntegerField(default=1)
    scale_max = models.SmallIntegerField(default=5)
    scale_min_label = models.CharField(max_length=60, blank=True)
    scale_max_label = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["consultation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "position"],
                                    name="participation_question_position"),
            models.CheckConstraint(condition=models.Q(scale_max__gt=models.F("scale_min")),
                                   name="participation_scale_bounds"),
            models.CheckConstraint(condition=models.Q(kind__in=QuestionKind.values),
                                   name="participation_question_known_kind"),
        ]

    def __str__(self) -> str:
        return self.text


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(_("libellé"), max_length=200)

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"],
                                    name="participation_choice_position"),
        ]

    def __str__(self) -> str:
        return self.label


class ConsultationParticipation(models.Model):
    """That a person has answered: one row per person, enforced by the database."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="participations")
    # Null once the person's account is deleted: the answer still counts.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="consultation_participations",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "user"],
                                    name="participation_one_answer_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.consultation_id}"


class Response(models.Model):
    """One person's set of answers. `respondent` is set only for identified consultations."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE,
                                     related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    # Anonymous answers carry the day only, so that the time does not link them to a person.
    submitted_on = models.DateField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"response #{self.pk} to {self.consultation_id}"


class Answer(Moderated):
    """One answer to one question. Free-text answers are published with the results, so they
    are moderated like any other contribution."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+")
    # Multiple choice: the chosen ids; ranking: the ids from first to last.
    choice_ids = models.JSONField(default=list, blank=True)
    number = models.SmallIntegerField(null=True, blank=True)
    text = models.TextField(max_length=3000, blank=True)
    commune = models.ForeignKey("territories.Commune", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"],
                                    name="participation_one_answer_per_question"),
        ]

    def __str__(self) -> str:
        if self.text:
            return self.text[:80]
        return f"{self.question_id}: {self.choice_id or self.choice_ids or self.number}"

    def get_absolute_url(self) -> str:
        return reverse("participation:consultation_texts",
                       args=[self.question.consultation_id, self.question_id])

    @property
    def author(self):  # the person told when their answer is hidden: identified answers only
        return self.response.respondent

    @property
    def author_id(self) -> int | None:
        return self.response.respondent_id
