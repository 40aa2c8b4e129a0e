"""Signalements, moderation, processes and phases, proposals, consultations."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.insights.defaults import PROFESSIONS
from maillage.participation.blueprints import BLUEPRINTS
from maillage.participation.models import (
    CHOICE_KINDS,
    Answer,
    Choice,
    Comment,
    Consultation,
    ConsultationParticipation,
    Feature,
    Flag,
    Moderated,
    ModerationEvent,
    Phase,
    PhaseType,
    Process,
    Proposal,
    ProposalStatus,
    Question,
    QuestionKind,
    Response,
    Signalement,
    SignalementCategory,
    Support,
)
from maillage.participation.phases import phase_state, phase_state_forget
from maillage.participation.services.common import _commune, _deny, _text
from maillage.territories.models import Commune, Departement, Epci, Region
from maillage.territories.selectors import TerritoryRef

logger = logging.getLogger(__name__)


# Signalements ---------------------------------------------------------------------------------

@transaction.atomic
def signalement_create(
    *, actor: User, commune_code: str, category: str, profession: str = "", text: str = "",
    anonymous: bool = False,
) -> Signalement:
    """A resident reports a difficulty reaching care in a commune."""
    if not actor.has_perm("participation.add_signalement"):
        raise _deny(_("Confirmez votre adresse e-mail pour déposer un signalement."))
    errors: dict[str, str] = {}
    if category not in SignalementCategory.values:
        errors["category"] = _("Choisissez une difficulté dans la liste.")
    if profession and profession not in PROFESSIONS:
        errors["profession"] = _("Profession inconnue : %(p)s.") % {"p": profession}
    if errors:
        raise ValidationError(errors, code="invalid")
    commune = _commune(commune_code)
    created = Signalement.objects.create(
        author=actor, commune=commune, category=category, profession=profession,
        text=_text(text, "text", limit=2000), anonymous=bool(anonymous),
    )
    from maillage.participation.services.commune_news import signalement_announce

    signalement_announce(created)
    return created


# Moderation -----------------------------------------------------------------------------------

def _content_type(content: Moderated) -> ContentType:
    return ContentType.objects.get_for_model(type(content))


def content_flag(*, actor: User, content: Moderated, reason: str) -> Flag:
    """Anyone logged in reports content to the moderators of its territory."""
    if not actor.has_perm("participation.flag_content", content):
        raise _deny(_("Vous ne pouvez pas signaler ce contenu."))
    reason = _text(reason, "reason", limit=500, required=True)
    try:
        with transaction.atomic():
            return Flag.objects.create(content_type=_content_type(content),
                                       object_id=content.pk, reporter=actor, reason=reason)
    except IntegrityError as exc:
        raise ValidationError(
            {"reason": _("Vous avez déjà signalé ce contenu ; les modérateurs l'examinent.")},
            code="already_flagged") from exc


@transaction.atomic
def content_hide(*, actor: User, content: Moderated, reason: str) -> ModerationEvent:
    """A moderator of the content's territory hides it with a reason; the author is told."""
    if not actor.has_perm("participation.moderate_content", content):
        raise _deny(_("Vous ne modérez pas ce territoire."))
    reason = _text(reason, "reason", limit=2000, required=True)
    if content.is_hidden:
        raise ValidationError({"reason": _("Ce contenu est déjà masqué.")}, code="hidden")
    now = timezone.now()
    type(content).objects.filter(pk=content.pk).update(
        hidden_at=now, hidden_reason=reason, hidden_by=actor)
    content.hidden_at, content.hidden_reason, content.hidden_by = now, reason, actor
    event = _moderation_event(actor, content, ModerationEvent.Action.HIDE, reason)
    author = getattr(content, "author", None)
    if author is not None and author.email:
        transaction.on_commit(lambda: _tell_author(author, content, reason))
    return event


@transaction.atomic
def content_restore(*, actor: User, content: Moderated, reason: str) -> ModerationEvent:
    if not actor.has_perm("participation.moderate_content", content):
        raise _deny(_("Vous ne modérez pas ce territoire."))
    reason = _text(reason, "reason", limit=2000, required=True)
    if not content.is_hidden:
        raise ValidationError({"reason": _("Ce contenu n'est pas masqué.")}, code="visible")
    type(content).objects.filter(pk=content.pk).update(
        hidden_at=None, hidden_reason="", hidden_by=None)
    content.hidden_at, content.hidden_reason, content.hidden_by = None, "", None
    return _moderation_event(actor, content, ModerationEvent.Action.RESTORE, reason)


@transaction.atomic
def content_flags_dismiss(*, actor: User, content: Moderated, reason: str) -> ModerationEvent:
    """A moderator finds the reports unfounded: they are closed, the content stays."""
    if not actor.has_perm("participation.moderate_content", content):
        raise _deny(_("Vous ne modérez pas ce territoire."))
    reason = _text(reason, "reason", limit=2000, required=True)
    return _moderation_event(actor, content, ModerationEvent.Action.DISMISS, reason)


def _moderation_event(actor: User, content: Moderated, action: str, reason: str
                      ) -> ModerationEvent:
    content_type = _content_type(content)
    Flag.objects.filter(content_type=content_type, object_id=content.pk,
                        resolved_at__isnull=True).update(resolved_at=timezone.now())
    return ModerationEvent.objects.create(content_type=content_type, object_id=content.pk,
                                          moderator=actor, action=action, reason=reason)


def _tell_author(author: User, content: Moderated, reason: str) -> None:
    try:
        send_mail(
            _("Maillage : votre contribution a été masquée"),
            _("Bonjour,\n\nUn·e modérateur·rice a masqué votre contribution « %(what)s ».\n"
              "Motif : %(reason)s\n\nElle reste conservée et vous pouvez la consulter. Pour "
              "toute question, répondez aux modérateurs depuis la page de la charte de "
              "participation.\n") % {"what": str(content)[:80], "reason": reason},
            settings.DEFAULT_FROM_EMAIL, [author.email], fail_silently=False,
        )
    except Exception:  # the decision stands even if the e-mail cannot be sent
        logger.exception("Could not tell %s that their content was hidden", author.pk)


# Processes and phases -------------------------------------------------------------------------

_TERRITORY_MODELS = {"region": Region, "departement": Departement, "epci": Epci,
                     "commune": Commune}


def _territory_name(territory: TerritoryRef) -> str:
    model = _TERRITORY_MODELS.get(territory.level)
    found = model.objects.filter(pk=territory.code).first() if model else None
    if found is None:
        raise ValidationError(
            {"territory": _("Territoire inconnu : %(t)s") % {"t": territory}},
            code="unknown_territory")
    return found.name


@dataclass(frozen=True)
class PhaseSpec:
    type: str
    starts_at: datetime
    ends_at: datetime
    title: str = ""
    description: str = ""


@transaction.atomic
def process_create(
    *, actor: User, title: str, territory: TerritoryRef, organiser_name: str,
    summary: str = "", description: str = "", blueprint: str | None = None,
    starts_on: date | None = None, is_published: bool = False, is_demo: bool = False,
) -> Process:
    """Open a process for a territory, with the phases of a blueprint if one is given."""
    if territory.level == "france":
        raise ValidationError({"territory": _("Choisissez un territoire précis.")},
                              code="no_territory")
    name = _territory_name(territory)
    if not actor.has_perm("participation.add_process", territory):
        raise _deny(_("Vous n'organisez pas de concertation sur ce territoire."))
    if blueprint is not None and blueprint not in BLUEPRINTS:
        raise ValidationError({"blueprint": _("Modèle inconnu : %(b)s") % {"b": blueprint}},
                              code="unknown_blueprint")
    process = Process.objects.create(
        title=_text(title, "title", limit=200, required=True),
        summary=_text(summary, "summary", limit=400), description=description.strip(),
        territory_level=territory.level, territory_code=territory.code, territory_name=name,
        organiser_name=_text(organiser_name, "organiser_name", limit=200, required=True),
        is_published=is_published, is_demo=is_demo, created_by=actor,
    )
    if blueprint is not None:
        start = starts_on or timezone.localdate()
        for step, starts_at, ends_at in BLUEPRINTS[blueprint].schedule(start):
            Phase.objects.create(process=process, type=step.type, title=str(step.title),
                                 starts_at=starts_at, ends_at=ends_at)
    return process


@transaction.atomic
def process_update(*, actor: User, process: Process, **changes: Any) -> Process:
    if not actor.has_perm("participation.change_process", process):
        raise _deny(_("Vous n'organisez pas cette concertation."))
    allowed = {"title": 200, "summary": 400, "organiser_name": 200}
    for name, value in changes.items():
        if name in allowed:
            setattr(process, name, _text(value, name, limit=allowed[name],
                                         required=name != "summary"))
        elif name == "description":
            process.description = (value or "").strip()
        elif name == "is_published":
            process.is_published = bool(value)
        else:
            raise ValidationError({name: _("Champ non modifiable.")}, code="read_only")
    process.save()
    return process


def _check_phase(process: Process, spec: PhaseSpec, *, exclude: int | None = None) -> None:
    errors = {}
    if spec.type not in PhaseType.values:
        errors["type"] = _("Type de phase inconnu : %(t)s") % {"t": spec.type}
    if spec.ends_at <= spec.starts_at:
        errors["ends_at"] = _("La fin doit suivre le début.")
    if errors:
        raise ValidationError(errors, code="invalid")
    clash = (Phase.objects.filter(process=process, starts_at__lt=spec.ends_at,
                                  ends_at__gt=spec.starts_at)
             .exclude(pk=exclude).first())
    if clash is not None:
        raise ValidationError(
            {"starts_at": _("Cette période chevauche la phase « %(p)s » (%(a)s → %(b)s).")
             % {"p": clash.label, "a": timezone.localtime(clash.starts_at).strftime("%d/%m/%Y"),
                "b": timezone.localtime(clash.ends_at).strftime("%d/%m/%Y")}},
            code="overlap")


def _lock(process: Process) -> None:
    # Serialises phase changes of one process, so two concurrent edits cannot both pass the
    # overlap check (SQLite serialises writers anyway).
    Process.objects.select_for_update().filter(pk=process.pk).first()


@transaction.atomic
def phase_add(*, actor: User, process: Process, spec: PhaseSpec) -> Phase:
    """Add a dated phase; it may not overlap another phase of the process."""
    if not actor.has_perm("participation.change_process", process):
        raise _deny(_("Vous n'organisez pas cette concertation."))
    _lock(process)
    _check_phase(process, spec)
    phase = Phase.objects.create(process=process, type=spec.type, title=spec.title,
                                 description=spec.description, starts_at=spec.starts_at,
                                 ends_at=spec.ends_at)
    phase_state_forget(process)
    return phase


@transaction.atomic
def phase_update(*, actor: User, phase: Phase, spec: PhaseSpec) -> Phase:
    process = phase.process
    if not actor.has_perm("participation.change_process", process):
        raise _deny(_("Vous n'organisez pas cette concertation."))
    _lock(process)
    _check_phase(process, spec, exclude=phase.pk)
    for name in ("type", "title", "description", "starts_at", "ends_at"):
        setattr(phase, name, getattr(spec, name))
    phase.save()
    phase_state_forget(process)
    return phase


# Proposals, supports, comments ----------------------------------------------------------------

@transaction.atomic
def proposal_create(*, actor: User, process: Process, title: str, body: str,
                    commune_code: str | None = None, is_demo: bool = False) -> Proposal:
    if not actor.has_perm("participation.add_proposal", process):
        raise _deny(_("Les propositions ne sont pas ouvertes dans la phase en cours, ou votre "
                      "adresse e-mail n'est pas confirmée."))
    title = _text(title, "title", limit=200, required=True)
    body = _text(body, "body", limit=5000, required=True)
    commune = _commune(commune_code, required=False)
    if commune is not None and not _in_process(process, commune):
        raise ValidationError({"commune": _("%(c)s n'est pas dans le territoire de la "
                                            "concertation.") % {"c": commune.name}},
                              code="outside")
    created = Proposal.objects.create(process=process, author=actor, title=title, body=body,
                                      commune=commune, is_demo=is_demo)
    from maillage.participation.services.commune_news import proposal_announce

    proposal_announce(created)
    return created


def _in_process(process: Process, commune: Commune) -> bool:
    from maillage.territories.selectors import territory_contains

    return territory_contains(TerritoryRef(process.territory_level, process.territory_code),
                              TerritoryRef("commune", commune.code))


@transaction.atomic
def proposal_update(*, actor: User, proposal: Proposal, title: str, body: str) -> Proposal:
    if not actor.has_perm("participation.change_proposal", proposal):
        raise _deny(_("Vous ne pouvez plus modifier cette proposition (délai dépassé, réponse "
                      "déjà donnée ou phase close)."))
    proposal.title = _text(title, "title", limit=200, required=True)
    proposal.body = _text(body, "body", limit=5000, required=True)
    proposal.save(update_fields=["title", "body", "updated_at"])
    return proposal


def proposal_support(*, actor: User, proposal: Proposal) -> Support:
    """One support per verified resident, enforced by the database."""
    if not actor.has_perm("participation.support_proposal", proposal):
        raise _deny(_("Vous ne pouvez pas soutenir cette proposition : il faut une adresse "
                      "e-mail confirmée, une commune de résidence dans le territoire et une "
                      "phase ouverte aux soutiens."))
    try:
        with transaction.atomic():
            return Support.objects.create(proposal=proposal, user=actor)
    except IntegrityError as exc:
        raise ValidationError({"proposal": _("Vous soutenez déjà cette proposition.")},
                              code="already_supported") from exc


@transaction.atomic
def proposal_unsupport(*, actor: User, proposal: Proposal) -> None:
    if not phase_state(proposal.process).allows(Feature.SUPPORT):
        raise _deny(_("La phase des soutiens est close."))
    deleted, _detail = Support.objects.filter(proposal=proposal, user=actor).delete()
    if not deleted:
        raise ValidationError({"proposal": _("Vous ne soutenez pas cette proposition.")},
                              code="not_supported")


@transaction.atomic
def proposal_answer(*, actor: User, proposal: Proposal, status: str, answer: str) -> Proposal:
    """The organiser's official answer and status; a rejection always says why."""
    if not actor.has_perm("participation.answer_proposal", proposal):
        raise _deny(_("Seuls les organisateurs de la concertation répondent officiellement."))
    if status not in ProposalStatus.values:
        raise ValidationError({"status": _("Statut inconnu : %(s)s") % {"s": status}},
                              code="unknown_status")
    answer = _text(answer, "answer", limit=5000,
                   required=status in {ProposalStatus.REJECTED, ProposalStatus.ACCEPTED})
    proposal.status, proposal.answer = status, answer
    proposal.answered_at, proposal.answered_by = timezone.now(), actor
    proposal.save(update_fields=["status", "answer", "answered_at", "answered_by",
                                 "updated_at"])
    from maillage.participation.services.notifications import followers, notify

    notify(user_ids=followers(proposals=[proposal], processes=[proposal.process])
           | ({proposal.author_id} if proposal.author_id else set()),
           title=_("Réponse officielle à « %(t)s » : %(s)s")
           % {"t": proposal.title, "s": proposal.get_status_display()},
           body=answer, url=proposal.get_absolute_url())
    return proposal


@transaction.atomic
def comment_create(*, actor: User, proposal: Proposal, body: str,
                   parent: Comment | None = None) -> Comment:
    if not actor.has_perm("participation.comment_proposal", proposal):
        raise _deny(_("Les commentaires ne sont pas ouverts dans la phase en cours, ou votre "
                      "adresse e-mail n'est pas confirmée."))
    body = _text(body, "body", limit=3000, required=True)
    if parent is not None and (parent.proposal_id != proposal.pk or parent.is_hidden):
        raise ValidationError({"parent": _("On ne répond qu'à un commentaire visible de la "
                                           "même proposition.")}, code="bad_parent")
    return Comment.objects.create(proposal=proposal, author=actor, body=body, parent=parent)


# Consultations --------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    text: str
    required: bool = True
    choices: list[str] = field(default_factory=list)
    help_text: str = ""
    scale_min: int = 1
    scale_max: int = 5
    scale_min_label: str = ""
    scale_max_label: str = ""


@transaction.atomic
def consultation_create(
    *, actor: User, process: Process, phase: Phase, title: str, questions: list[QuestionSpec],
    description: str = "", anonymous: bool = True, results_public: bool = True,
    is_demo: bool = False,
) -> Consultation:
    if not actor.has_perm("participation.add_consultation", process):
        raise _deny(_("Vous n'organisez pas cette concertation."))
    if phase.process_id != process.pk:
        raise ValidationError({"phase": _("Cette phase n'appartient pas à la concertation.")},
                              code="foreign_phase")
    if Feature.ANSWER_SURVEY not in phase.features:
        raise ValidationError(
            {"phase": _("Une phase « %(t)s » n'ouvre pas de questionnaire.")
             % {"t": phase.get_type_display()}}, code="phase_without_survey")
    if not questions:
        raise ValidationError({"questions": _("Ajoutez au moins une question.")},
                              code="no_question")
    consultation = Consultation.objects.create(
        process=process, phase=phase, title=_text(title, "title", limit=200, required=True),
        description=description.strip(), anonymous=anonymous, results_public=results_public,
        is_demo=is_demo,
    )
    for position, spec in enumerate(questions, start=1):
        name = f"questions[{position}]"
        if spec.kind not in QuestionKind.values:
            raise ValidationError({name: _("Type de question inconnu : %(k)s") % {"k": spec.kind}},
                                  code="unknown_kind")
        if spec.kind in CHOICE_KINDS and len([c for c in spec.choices if c.strip()]) < 2:
            raise ValidationError({name: _("Au moins deux choix sont nécessaires.")},
                                  code="few_choices")
        if spec.kind == QuestionKind.SCALE and spec.scale_max <= spec.scale_min:
            raise ValidationError({name: _("Le maximum de l'échelle doit dépasser son "
                                           "minimum.")}, code="bad_scale")
        question = Question.objects.create(
            consultation=consultation, position=position, kind=spec.kind,
            text=_text(spec.text, name, limit=500, required=True), help_text=spec.help_text,
            required=spec.required, scale_min=spec.scale_min, scale_max=spec.scale_max,
            scale_min_label=spec.scale_min_label, scale_max_label=spec.scale_max_label,
        )
        if spec.kind in CHOICE_KINDS:
            Choice.objects.bulk_create([
                Choice(question=question, position=i, label=label.strip()[:200])
                for i, label in enumerate((c for c in spec.choices if c.strip()), start=1)
            ])
    return consultation


def question_field(question: Question) -> str:
    """The name of a question's field in forms and in the API's error messages."""
    return f"q{question.pk}"


def consultation_answer(*, actor: User, consultation: Consultation,
                        answers: dict[str, Any]) -> Response:
    """Record one person's answers: all validated first, then stored together, once.

    `answers` maps question fields ("q<id>") to a choice id (single), a list of choice ids
    (multiple; ranking, first to last), an integer (scale), a text, or an INSEE code (commune).
    """
    if not actor.has_perm("participation.answer_consultation", consultation):
        raise _deny(_("Ce questionnaire n'est pas ouvert, ou il faut une adresse e-mail "
                      "confirmée et une commune de résidence dans le territoire."))
    questions = list(consultation.questions.prefetch_related("choices"))
    known = {question_field(q) for q in questions}
    errors: dict[str, str] = {name: _("Question inconnue dans ce questionnaire.")
                              for name in answers if name not in known}
    rows: list[Answer] = []
    for question in questions:
        name = question_field(question)
        try:
            answer = _parse_answer(question, answers.get(name))
        except ValidationError as exc:
            errors[name] = " ".join(exc.messages)
            continue
        if answer is not None:
            rows.append(answer)
    if errors:
        raise ValidationError(errors, code="invalid")
    try:
        with transaction.atomic():
            ConsultationParticipation.objects.create(consultation=consultation, user=actor)
            response = Response.objects.create(
                consultation=consultation,
                respondent=None if consultation.anonymous else actor,
                submitted_on=timezone.localdate(),
            )
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise ValidationError({"consultation": _("Vous avez déjà répondu à ce questionnaire.")},
                              code="already_answered") from exc
    return response


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _parse_answer(question: Question, value: Any) -> Answer | None:
    if _empty(value):
        if question.required:
            raise ValidationError(_("Cette question est obligatoire."), code="required")
        return None
    choices = {c.pk: c for c in question.choices.all()}
    kind = question.kind
    if kind == QuestionKind.SINGLE:
        choice = choices.get(_as_int(value))
        if choice is None:
            raise ValidationError(_("Choix inconnu."), code="unknown_choice")
        return Answer(question=question, choice=choice)
    if kind in {QuestionKind.MULTIPLE, QuestionKind.RANKING}:
        if not isinstance(value, list | tuple):
            value = [value]
        ids = [_as_int(v) for v in value]
        if any(i not in choices for i in ids):
            raise ValidationError(_("Choix inconnu."), code="unknown_choice")
        if len(set(ids)) != len(ids):
            raise ValidationError(_("Un même choix figure deux fois."), code="duplicate")
        if kind == QuestionKind.RANKING and set(ids) != set(choices):
            raise ValidationError(_("Classez tous les choix, chacun une fois."),
                                  code="incomplete_ranking")
        return Answer(question=question, choice_ids=ids)
    if kind == QuestionKind.SCALE:
        number = _as_int(value)
        if number is None or not question.scale_min <= number <= question.scale_max:
            raise ValidationError(_("Choisissez une valeur de %(a)s à %(b)s.")
                                  % {"a": question.scale_min, "b": question.scale_max},
                                  code="out_of_scale")
        return Answer(question=question, number=number)
    if kind == QuestionKind.TEXT:
        text = str(value).strip()
        if len(text) > 3000:
            raise ValidationError(_("3000 caractères au plus."), code="too_long")
        return Answer(question=question, text=text)
    commune = Commune.objects.filter(pk=str(value).strip().upper()).first()
    if commune is None:
        raise ValidationError(_("Aucune commune n'a le code INSEE %(c)s.") % {"c": value},
                              code="unknown_commune")
    return Answer(question=question, commune=commune)


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
