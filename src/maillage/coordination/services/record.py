"""Writes of the shared record: messages, documents, teleconsultations, questionnaires."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.coordination.audit import Action, access_record
from maillage.coordination.models import (
    CareTask,
    Document,
    Encounter,
    Message,
    Pathway,
    Questionnaire,
    QuestionnaireResponse,
    Teleconsultation,
)
from maillage.coordination.services.common import (
    DOCUMENT_MAX_BYTES,
    DOCUMENT_TYPES,
    _require_on_pathway,
)
from maillage.coordination.services.pathways import _observation_store
from maillage.core.links import absolute_url

# — Shared record: messages, documents, teleconsultations ———————————————————————————————————


@transaction.atomic
def message_send(*, actor: User, pathway: Pathway, body: str) -> Message:
    _require_on_pathway(actor, "coordination.message_pathway", pathway, _("messages"))
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Le message est vide.")})
    if len(body) > 5000:
        raise ValidationError({"body": _("Le message dépasse 5 000 caractères.")})
    message = Message.objects.create(pathway=pathway, author=actor, body=body)
    access_record(actor=actor, pathway=pathway, action=Action.CREATE, what=_("messages"))
    return message


def _sniff_type(upload: UploadedFile) -> str:
    """The declared type, if allowed and matching the file's first bytes."""
    head = upload.read(8)
    upload.seek(0)
    declared = (upload.content_type or "").split(";")[0].strip()
    if declared not in DOCUMENT_TYPES:
        raise ValidationError({"file": _(
            "Type de document refusé : seuls PDF, PNG, JPEG et texte sont acceptés.")})
    magic = DOCUMENT_TYPES[declared]
    if (magic is not None and not head.startswith(magic)) or (magic is None and b"\x00" in head):
        raise ValidationError({"file": _(
            "Le contenu du fichier ne correspond pas à son type déclaré.")})
    return declared


@transaction.atomic
def document_upload(*, actor: User, pathway: Pathway, kind: str, title: str,
                    upload: UploadedFile, replaces: Document | None = None) -> Document:
    """Store a typed document; a new version of an earlier one keeps the history."""
    _require_on_pathway(actor, "coordination.record_pathway", pathway, _("documents"))
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": _("Type de document inconnu.")})
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError({"file": _("Le document dépasse 10 Mo.")})
    content_type = _sniff_type(upload)
    if replaces is not None and (replaces.pathway_id != pathway.pk
                                 or hasattr(replaces, "replaced_by")):
        raise ValidationError({"replaces": _("On ne remplace que la dernière version d'un "
                                             "document de ce parcours.")})
    document = Document(pathway=pathway, kind=kind, title=title.strip()[:200] or kind,
                        content_type=content_type, size=upload.size, uploaded_by=actor,
                        version=replaces.version + 1 if replaces else 1, replaces=replaces)
    document.file.save("document", upload, save=False)
    document.save()
    access_record(actor=actor, pathway=pathway, action=Action.CREATE, what=_("documents"))
    return document


@transaction.atomic
def teleconsultation_book(*, actor: User, pathway: Pathway, starts_at: datetime,
                          minutes: int = 20, patient_consented: bool) -> Teleconsultation:
    _require_on_pathway(actor, "coordination.record_pathway", pathway, _("téléconsultation"))
    if not patient_consented:
        raise ValidationError({"patient_consented": _(
            "Le consentement du patient à la téléconsultation doit être recueilli.")})
    if not 5 <= minutes <= 120:
        raise ValidationError({"minutes": _("Durée entre 5 et 120 minutes.")})
    # 128 bits of randomness: the room name cannot be guessed and says nothing of the patient.
    room = f"maillage-{secrets.token_hex(16)}"
    visit = Teleconsultation.objects.create(
        pathway=pathway, professional=actor, starts_at=starts_at, minutes=minutes, room=room,
        patient_consented=True)
    access_record(actor=actor, pathway=pathway, action=Action.CREATE, what=_("téléconsultation"))
    return visit


@transaction.atomic
def teleconsultation_report(*, actor: User, visit: Teleconsultation, report: str,
                            now: datetime | None = None) -> Document:
    """The professional's report goes to the record and to the médecin traitant's messages.

    Written once, after the start of the visit; a correction is a new version of the document.
    """
    pathway = visit.pathway
    _require_on_pathway(actor, "coordination.record_pathway", pathway, _("téléconsultation"))
    if actor.pk != visit.professional_id:
        raise PermissionDenied(_("Seul·e le ou la professionnel·le de la téléconsultation "
                                 "rédige son compte rendu."))
    if not report.strip():
        raise ValidationError({"report": _("Le compte rendu est vide.")})
    if (now or timezone.now()) < visit.starts_at:
        raise ValidationError({"report": _(
            "Le compte rendu se rédige après la téléconsultation, pas avant son début.")})
    # The row is locked so that a double submission cannot file two reports, two encounters,
    # two messages: the second one waits here, then sees the first one's report.
    if Teleconsultation.objects.select_for_update().get(pk=visit.pk).report:
        raise ValidationError({"report": _(
            "Le compte rendu de cette téléconsultation est déjà déposé : pour le corriger, "
            "déposez une nouvelle version du document dans le dossier.")})
    from django.core.files.base import ContentFile

    visit.report = report.strip()
    visit.save(update_fields=["report"])
    Encounter.objects.create(pathway=pathway, kind=Encounter.Kind.VIRTUAL,
                             label=_("Téléconsultation"), started_at=visit.starts_at,
                             ended_at=visit.starts_at + timedelta(minutes=visit.minutes),
                             recorded_by=actor)
    content = ContentFile(visit.report.encode("utf-8"), name="report.txt")
    document = Document(pathway=pathway, kind=Document.Kind.REPORT,
                        title=_("Compte rendu de téléconsultation du %(d)s")
                        % {"d": timezone.localtime(visit.starts_at).strftime("%d/%m/%Y")},
                        content_type="text/plain", size=content.size, uploaded_by=actor)
    document.file.save("report", content, save=False)
    document.save()
    gp = pathway.team.filter(is_referring_doctor=True).select_related("user").first()
    note = _("Compte rendu de téléconsultation déposé dans le dossier")
    if gp is not None:
        note += _(" ; transmis au médecin traitant, %(gp)s.") % {"gp": gp.user}
    Message.objects.create(pathway=pathway, author=actor, body=note)
    if gp is not None and gp.user_id != actor.pk:
        link = pathway.get_absolute_url()
        transaction.on_commit(lambda: _report_notify(gp.user, link))
    access_record(actor=actor, pathway=pathway, action=Action.CREATE,
                  what=_("compte rendu de téléconsultation"))
    return document


def _report_notify(user: User, link: str) -> None:
    """Tell the médecin traitant that a report waits, without any health data (opaque link)."""
    from django.core.mail import send_mail

    if not user.is_active or not user.email:
        return
    send_mail(_("Maillage : nouveau compte rendu de téléconsultation"),
              _("Un compte rendu de téléconsultation a été déposé dans le dossier d'un "
                "parcours dont vous êtes le médecin traitant. Connectez-vous pour le lire :\n"
                "%(link)s") % {"link": absolute_url(link)},
              None, [user.email], fail_silently=True)




# — Patient questionnaires (PROMs, PREMs) ——————————————————————————————————————————————————————

QUESTIONNAIRES_FILE = Path(__file__).parent.parent / "data" / "questionnaires.json"


@transaction.atomic
def questionnaires_load(path: Path | str = QUESTIONNAIRES_FILE) -> int:
    """Load (or refresh) the questionnaires; each question shares the questionnaire's scale."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data["questionnaires"]:
            options = item["scale"]
            Questionnaire.objects.update_or_create(code=item["code"], defaults={
                "title": item["title"], "kind": item["kind"], "loinc": item.get("loinc", ""),
                "max_score": item["max_score"], "source": item["source"],
                "items": [{"link_id": str(i + 1), "text": text, "options": options}
                          for i, text in enumerate(item["questions"])]})
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise ValidationError(_("%(file)s : fichier de questionnaires illisible (%(e)s)")
                              % {"file": path.name, "e": exc}) from exc
    return len(data["questionnaires"])


@transaction.atomic
def questionnaire_send(*, actor: User, pathway: Pathway,
                       questionnaire: Questionnaire) -> QuestionnaireResponse:
    _require_on_pathway(actor, "coordination.record_pathway", pathway, _("questionnaires"))
    if pathway.questionnaire_responses.filter(
            questionnaire=questionnaire, status=QuestionnaireResponse.Status.REQUESTED).exists():
        raise ValidationError({"questionnaire": _("Ce questionnaire attend déjà une réponse.")})
    response = QuestionnaireResponse.objects.create(pathway=pathway, questionnaire=questionnaire,
                                                    sent_by=actor)
    access_record(actor=actor, pathway=pathway, action=Action.CREATE, what=_("questionnaires"))
    return response


@transaction.atomic
def questionnaire_answer(*, actor: User, response: QuestionnaireResponse,
                         answers: dict[str, Any], now: datetime | None = None
                         ) -> QuestionnaireResponse:
    """The patient answers every question; the score is the sum of the chosen values."""
    pathway = response.pathway
    if pathway.patient.user_id != getattr(actor, "pk", None):
        raise Http404(_("Questionnaire introuvable."))
    if response.status != QuestionnaireResponse.Status.REQUESTED:
        raise ValidationError(_("Ce questionnaire a déjà été rempli."))
    clean: dict[str, int] = {}
    errors: dict[str, str] = {}
    for item in response.questionnaire.items:
        allowed = {int(o["value"]) for o in item["options"]}
        try:
            value = int(answers.get(item["link_id"], ""))
        except (TypeError, ValueError):
            value = None
        if value not in allowed:
            errors[f"q{item['link_id']}"] = _("Choisissez une réponse.")
        else:
            clean[item["link_id"]] = value
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    response.answers = clean
    response.score = sum(clean.values())
    response.status = QuestionnaireResponse.Status.COMPLETED
    response.answered_at = now
    response.save()
    questionnaire = response.questionnaire
    task = response.task
    if task is not None and task.status != CareTask.Status.REQUESTED:
        task = None
    if task is not None:
        # The answer is what the plan's activity asked for: the task is done.
        task.status = CareTask.Status.COMPLETED
        task.done_on = timezone.localdate(now)
        task.done_by = actor
        task.note = _("Questionnaire rempli par le patient (score %(s)s / %(m)s).") % {
            "s": response.score, "m": questionnaire.max_score}
        task.save()
    if questionnaire.loinc:
        _observation_store(actor=actor, pathway=pathway, code=questionnaire.loinc,
                           label=questionnaire.title, value=response.score, unit="{score}",
                           effective_at=now, task=task)
    access_record(actor=actor, pathway=pathway, action=Action.UPDATE, what=_("questionnaires"))
    return response


@dataclass(frozen=True)
class DispatchSummary:
    sent: int
    patients_told: int


@transaction.atomic
def questionnaires_dispatch(*, today: date) -> DispatchSummary:
    """Send the plan's questionnaires whose activity window is open (run daily).

    A task of an activity naming a questionnaire gets one response request when its window
    opens, if the patient has an account and the consent is active; the patient's answer then
    completes the task. The patient is told by e-mail, without any health data.
    """
    known = dict(Questionnaire.objects.values_list("code", "pk"))
    tasks = (CareTask.objects
             .filter(status=CareTask.Status.REQUESTED, due_from__lte=today, due_by__gte=today,
                     activity__questionnaire__in=known, pathway__status=Pathway.Status.ACTIVE,
                     pathway__consents__status="active", pathway__patient__user__isnull=False,
                     questionnaire_responses__isnull=True)
             .select_related("activity", "pathway", "pathway__patient").distinct())
    sent = 0
    to_tell: dict[int, set[str]] = {}
    for task in tasks:
        pathway = task.pathway
        code = task.activity.questionnaire
        waiting = pathway.questionnaire_responses.filter(
            questionnaire_id=known[code], status=QuestionnaireResponse.Status.REQUESTED).first()
        if waiting is not None:
            # Already sent by hand: that answer will do for the task.
            if waiting.task_id is None:
                QuestionnaireResponse.objects.filter(pk=waiting.pk).update(task=task)
            continue
        QuestionnaireResponse.objects.create(pathway=pathway, questionnaire_id=known[code],
                                             task=task)
        access_record(actor=None, pathway=pathway, action=Action.CREATE,
                      what=_("questionnaires"), reason=_("envoi prévu au plan de soins"))
        sent += 1
        to_tell.setdefault(pathway.patient.user_id, set()).add(pathway.get_absolute_url())
    transaction.on_commit(lambda: _questionnaires_notify(to_tell))
    return DispatchSummary(sent, len(to_tell))


def _questionnaires_notify(to_tell: dict[int, set[str]]) -> None:
    from django.core.mail import send_mail

    for user in User.objects.filter(pk__in=to_tell, is_active=True):
        links = sorted(to_tell[user.pk])
        send_mail(_("Maillage : un questionnaire vous attend"),
                  _("Votre équipe de soins vous propose un questionnaire. Connectez-vous pour "
                    "y répondre :\n%(links)s")
                  % {"links": "\n".join(absolute_url(link) for link in links)},
                  None, [user.email], fail_silently=True)

