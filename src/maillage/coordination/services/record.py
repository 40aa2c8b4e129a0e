"""Writes of the shared record: messages, documents, teleconsultations, questionnaires."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
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
def teleconsultation_report(*, actor: User, visit: Teleconsultation, report: str) -> Document:
    """The professional's report goes to the record and to the médecin traitant's messages."""
    pathway = visit.pathway
    _require_on_pathway(actor, "coordination.record_pathway", pathway, _("téléconsultation"))
    if actor.pk != visit.professional_id:
        raise PermissionDenied(_("Seul·e le ou la professionnel·le de la téléconsultation "
                                 "rédige son compte rendu."))
    if not report.strip():
        raise ValidationError({"report": _("Le compte rendu est vide.")})
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
    access_record(actor=actor, pathway=pathway, action=Action.CREATE,
                  what=_("compte rendu de téléconsultation"))
    return document




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
    if questionnaire.loinc:
        _observation_store(actor=actor, pathway=pathway, code=questionnaire.loinc,
                           label=questionnaire.title, value=response.score, unit="{score}",
                           effective_at=now)
    access_record(actor=actor, pathway=pathway, action=Action.UPDATE, what=_("questionnaires"))
    return response

