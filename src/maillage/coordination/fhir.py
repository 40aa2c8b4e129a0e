"""FHIR R4 import and export of pathways, validated with fhir.resources' R4B models.

Import reads a patient's Bundle (transaction, batch or collection: Synthea's, or our own export)
into a pathway of a cooperation; export writes a pathway as a collection Bundle (Patient,
Organization, Practitioner, CareTeam, CarePlan, Task, Consent, Condition, Encounter,
Observation, Communication, DocumentReference (metadata only), Appointment,
QuestionnaireResponse, AuditEvent (the access log), Flag).
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError as PydanticValidationError

from maillage.accounts.models import Organisation, User
from maillage.coordination import services
from maillage.coordination.audit import Action, access_record
from maillage.coordination.models import (
    CareTask,
    Condition,
    Consent,
    Encounter,
    Observation,
    Pathway,
    PathwayTemplate,
    Patient,
)

IMPORTED_TYPES = ("Patient", "Condition", "Encounter", "Observation", "CarePlan", "Task")
BUNDLE_TYPES = ("transaction", "batch", "collection")
NAMESPACE = uuid.UUID("3f1c1c1e-6d0b-4d0e-9a49-6d61696c6c61")  # fixed: stable resource ids


class BundleInvalid(ValidationError):
    """A bundle that cannot be imported; the message names the file and the faulty element."""


@dataclass
class ImportSummary:
    pathway: Pathway
    created: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    ignored: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = [f"{kind}: {n}" for kind, n in sorted(self.created.items())]
        if self.skipped:
            out.append(_("déjà présents : %(l)s") % {"l": ", ".join(
                f"{k} {n}" for k, n in sorted(self.skipped.items()))})
        if self.ignored:
            out.append(_("non repris : %(l)s") % {"l": ", ".join(
                f"{k} {n}" for k, n in sorted(self.ignored.items()))})
        return out


def bundle_parse(raw: bytes | str | dict[str, Any], *, name: str = "bundle") -> Bundle:
    """Parse and validate a Bundle; raises BundleInvalid naming the file and the element."""
    if isinstance(raw, dict):
        data = raw
    else:
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            where = f", ligne {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
            raise BundleInvalid(_("%(name)s%(where)s : JSON invalide (%(e)s)")
                                % {"name": name, "where": where, "e": exc}) from exc
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise BundleInvalid(_("%(name)s : ce n'est pas une ressource FHIR Bundle.")
                            % {"name": name})
    try:
        bundle = Bundle.model_validate(data)
    except PydanticValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])} : {error['msg']}"
            for error in exc.errors()[:5])
        raise BundleInvalid(_("%(name)s : le Bundle n'est pas du FHIR R4 valide — %(p)s")
                            % {"name": name, "p": problems}) from exc
    if bundle.type not in BUNDLE_TYPES:
        raise BundleInvalid(_("%(name)s : type de Bundle « %(t)s » non pris en charge "
                              "(transaction, batch ou collection).")
                            % {"name": name, "t": bundle.type})
    patients = [e for e in bundle.entry or [] if e.resource
                and e.resource.__resource_type__ == "Patient"]
    if len(patients) != 1:
        raise BundleInvalid(_("%(name)s : le Bundle doit contenir exactement un Patient "
                              "(trouvé : %(n)s).") % {"name": name, "n": len(patients)})
    return bundle


def _coding(concept: Any) -> tuple[str, str, str]:
    """(system, code, label) of a CodeableConcept's first coding."""
    if concept is None:
        return "", "", ""
    coding = (concept.coding or [None])[0]
    label = concept.text or (coding.display if coding else "") or ""
    if coding is None:
        return "", "", label
    return coding.system or "", coding.code or "", label or coding.code or ""


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, datetime.min.time())
    else:
        moment = parse_datetime(str(value))
        if moment is None and parse_date(str(value)):
            moment = datetime.combine(parse_date(str(value)), datetime.min.time())
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _day(value: Any) -> date | None:
    moment = _moment(value)
    return timezone.localdate(moment) if moment else None


def _source_id(entry: Any) -> str:
    resource = entry.resource
    return (resource.id and f"{resource.__resource_type__}/{resource.id}") or entry.fullUrl or ""


def _template_for(conditions: list[Any],
                  cooperation: Organisation | None = None) -> PathwayTemplate | None:
    """The template recognising one of the conditions: the cooperation's own first."""
    from django.db.models import Q

    codes = {(c.system, c.code) for c in conditions}
    allowed = Q(cooperation=None) | Q(cooperation=cooperation) if cooperation else Q(
        cooperation=None)
    for template in PathwayTemplate.objects.filter(allowed).order_by(
            F("cooperation").asc(nulls_last=True), "pk"):
        for known in template.condition_codes:
            if (known.get("system"), known.get("code")) in codes:
                return template
    return None


@transaction.atomic
def bundle_import(*, actor: User | None, cooperation: Organisation,
                  raw: bytes | str | dict[str, Any], consent_method: str,
                  name: str = "bundle", coordinator: User | None = None) -> ImportSummary:
    """Import a patient's Bundle into a pathway of the cooperation, all or nothing.

    `actor` None is the command line (an operator), which names the pathway's `coordinator`.
    A second import of the same bundle adds nothing (resources are matched by their id).
    """
    bundle = bundle_parse(raw, name=name)
    entries = [e for e in bundle.entry or [] if e.resource is not None]
    patient_entry = next(e for e in entries if e.resource.__resource_type__ == "Patient")
    source = _source_id(patient_entry)
    enroller = actor or coordinator
    if enroller is None:
        raise ValidationError(_("Indiquez la coordinatrice ou le coordinateur du parcours."))
    patient = Patient.objects.filter(source_identifier=source).first() if source else None
    pathway = (Pathway.objects.filter(patient=patient, cooperation=cooperation).first()
               if patient else None)
    if pathway is None:
        resource = patient_entry.resource
        human = (resource.name or [None])[0]
        fields = {
            "family_name": (human.family if human else "") or _("(sans nom)"),
            "given_name": " ".join(human.given or []) if human else "",
            "birth_date": resource.birthDate,
            "sex": resource.gender if resource.gender in Patient.Sex.values else "unknown",
            "source_identifier": source,
        }
        pathway = services.pathway_enrol(
            actor=enroller, cooperation=cooperation, patient=patient,
            patient_fields=None if patient else fields, consent_method=consent_method)
    elif actor is not None:
        services._require_on_pathway(actor, "coordination.change_pathway", pathway,
                                     _("import FHIR"))
    summary = ImportSummary(pathway)
    known = {
        "Condition": set(pathway.conditions.values_list("source_identifier", flat=True)),
        "Encounter": set(pathway.encounters.values_list("source_identifier", flat=True)),
        "Observation": set(pathway.observations.values_list("source_identifier", flat=True)),
    }
    conditions, encounters, observations, tasks = [], [], [], []
    known_tasks = set(pathway.tasks.values_list("source_identifier", flat=True))
    for index, entry in enumerate(entries):
        resource = entry.resource
        kind = resource.__resource_type__
        if kind not in IMPORTED_TYPES:
            summary.ignored[kind] += 1
            continue
        if kind == "Patient":
            continue
        sid = _source_id(entry)
        if sid and sid in known.get(kind, ()):
            summary.skipped[kind] += 1
            continue
        where = f"{name}, entry[{index}] ({kind})"
        if kind == "Condition":
            system, code, label = _coding(resource.code)
            conditions.append(Condition(
                pathway=pathway, system=system[:100], code=code[:40], label=label[:300] or code,
                onset=_day(resource.onsetDateTime), resolved=_day(resource.abatementDateTime),
                source_identifier=sid))
        elif kind == "Encounter":
            klass = resource.class_fhir.code if resource.class_fhir else ""
            start = _moment(resource.period.start if resource.period else None)
            if start is None:
                raise BundleInvalid(_("%(w)s : période sans début.") % {"w": where})
            encounters.append(Encounter(
                pathway=pathway, kind=klass if klass in Encounter.Kind.values else "AMB",
                label=(_coding((resource.type or [None])[0])[2])[:200], started_at=start,
                ended_at=_moment(resource.period.end), source_identifier=sid))
        elif kind == "Observation":
            system, code, label = _coding(resource.code)
            moment = _moment(resource.effectiveDateTime or resource.issued)
            if moment is None:
                summary.ignored["Observation (sans date)"] += 1
                continue
            quantity = resource.valueQuantity
            text = ""
            if resource.valueCodeableConcept is not None:
                text = _coding(resource.valueCodeableConcept)[2]
            elif resource.valueString:
                text = resource.valueString
            elif resource.component:
                text = "; ".join(
                    f"{_coding(c.code)[2]} {c.valueQuantity.value} {c.valueQuantity.unit or ''}"
                    .strip() for c in resource.component if c.valueQuantity is not None)
            observations.append(Observation(
                pathway=pathway, system=system[:100] or "http://loinc.org", code=code[:40],
                label=label[:300] or code,
                value=float(quantity.value) if quantity and quantity.value is not None else None,
                unit=((quantity.unit or quantity.code or "") if quantity else "")[:40],
                text=text[:300], effective_at=moment, source_identifier=sid))
        elif kind == "CarePlan":
            tasks += _careplan_tasks(pathway, resource, sid, known_tasks, summary)
        elif kind == "Task":
            task = _task_from(pathway, resource, sid, known_tasks, where)
            if task is None:
                summary.skipped["Task"] += 1
            else:
                tasks.append(task)
    Condition.objects.bulk_create(conditions)
    Encounter.objects.bulk_create(encounters)
    Observation.objects.bulk_create(observations)
    CareTask.objects.bulk_create(tasks)
    summary.created.update({"Patient": 0 if patient else 1, "Condition": len(conditions),
                            "Encounter": len(encounters), "Observation": len(observations),
                            "Task": len(tasks)})
    if pathway.template_id is None:
        template = _template_for(list(pathway.conditions.all()), cooperation)
        if template is not None:
            Pathway.objects.filter(pk=pathway.pk).update(template=template)
            pathway.template = template
    access_record(actor=actor, pathway=pathway, action=Action.CREATE, what=_("import FHIR"),
                  reason=name[:200])
    return summary


_TASK_STATUS = {"completed": CareTask.Status.COMPLETED, "cancelled": CareTask.Status.CANCELLED,
                "stopped": CareTask.Status.CANCELLED, "entered-in-error":
                CareTask.Status.CANCELLED, "failed": CareTask.Status.CANCELLED}


def _careplan_tasks(pathway: Pathway, plan: Any, sid: str, known: set[str],
                    summary: ImportSummary) -> list[CareTask]:
    """Each activity of an imported CarePlan becomes a task over the plan's period."""
    start = _day(plan.period.start if plan.period else None) or timezone.localdate()
    end = _day(plan.period.end if plan.period else None)
    tasks = []
    for i, activity in enumerate(plan.activity or []):
        detail = activity.detail
        if detail is None:
            continue
        marker = f"{sid}#{i}"
        if marker in known:
            summary.skipped["Task"] += 1
            continue
        status = _TASK_STATUS.get(detail.status, CareTask.Status.REQUESTED)
        if plan.status in ("completed", "revoked") and status == CareTask.Status.REQUESTED:
            status = (CareTask.Status.COMPLETED if plan.status == "completed"
                      else CareTask.Status.CANCELLED)
        due_by = end or start + timedelta(days=365)
        if status == CareTask.Status.REQUESTED:
            # An activity still in progress in the source system has no deadline there: give
            # it a year from the import rather than raise an alert for a years-old plan.
            due_by = max(due_by, timezone.localdate() + timedelta(days=365))
        tasks.append(CareTask(
            pathway=pathway, title=(_coding(detail.code)[2] or _("Activité importée"))[:200],
            profession="autre", due_from=start, due_by=max(due_by, start), status=status,
            done_on=(end or start) if status == CareTask.Status.COMPLETED else None,
            source_identifier=marker))
    return tasks


def _task_from(pathway: Pathway, task: Any, sid: str, known: set[str],
               where: str) -> CareTask | None:
    if sid in known:
        return None
    period = task.restriction.period if task.restriction else None
    start = _day(period.start if period else None) or _day(task.authoredOn)
    end = _day(period.end if period else None) or start
    if start is None:
        raise BundleInvalid(_("%(w)s : fenêtre d'échéance absente (restriction.period).")
                            % {"w": where})
    status = {"completed": CareTask.Status.COMPLETED, "cancelled": CareTask.Status.CANCELLED,
              }.get(task.status, CareTask.Status.REQUESTED)
    profession = next((c.code for c in (task.code.coding or []) if c.system == PROFESSION_SYSTEM),
                      "autre") if task.code else "autre"
    return CareTask(
        pathway=pathway, title=(task.description or _("Tâche importée"))[:200],
        profession=profession if profession in dict(CareTask._meta.get_field(
            "profession").choices) else "autre",
        due_from=start, due_by=max(end, start), status=status,
        done_on=_day(task.lastModified) or end if status == CareTask.Status.COMPLETED else None,
        source_identifier=sid)


# — Export ——————————————————————————————————————————————————————————————————————————————————

PROFESSION_SYSTEM = "https://maillage.example/fhir/CodeSystem/profession"


def _uid(kind: str, pk: Any) -> str:
    # A patient's FHIR id is their opaque key, so that the read API and exports agree.
    if kind == "Patient":
        return f"urn:uuid:{pk}"
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}/{pk}')}"


def _entry(kind: str, pk: Any, resource: dict[str, Any]) -> dict[str, Any]:
    url = _uid(kind, pk)
    return {"fullUrl": url, "resource": {"resourceType": kind, "id": url.rsplit(":", 1)[1],
                                         **resource}}


def _iso(moment: datetime | date | None) -> str | None:
    return moment.isoformat() if moment else None


def patient_entry(patient: Patient) -> dict[str, Any]:
    return _entry("Patient", patient.key, {
        "identifier": [{"system": "urn:maillage:patient", "value": str(patient.key)}],
        "name": [{"family": patient.family_name, "given": patient.given_name.split()}],
        "gender": patient.sex,
        **({"birthDate": patient.birth_date.isoformat()} if patient.birth_date else {}),
    })


def patients_bundle(patients: list[Patient]) -> dict[str, Any]:
    """A searchset Bundle of Patient resources (the caller checks rights and logs)."""
    data = {"resourceType": "Bundle", "type": "searchset", "total": len(patients),
            "entry": [{**patient_entry(p), "search": {"mode": "match"}} for p in patients]}
    Bundle.model_validate(data)
    return data


def pathway_bundle(pathway: Pathway) -> dict[str, Any]:
    """The pathway as a FHIR R4 collection Bundle (the caller checks rights and logs)."""
    patient = pathway.patient
    patient_ref = {"reference": _uid("Patient", patient.key)}
    entries = [patient_entry(patient)]
    organisations = {pathway.cooperation}
    team = list(pathway.team.select_related("user", "organisation"))
    organisations |= {m.organisation for m in team if m.organisation}
    for org in organisations:
        entries.append(_entry("Organization", org.pk, {"name": org.name, "active": True}))
    people = {m.user for m in team}
    if pathway.coordinator:
        people.add(pathway.coordinator)
    for person in people:
        entries.append(_entry("Practitioner", person.pk, {"name": [{"text": str(person)}]}))
    care_team_ref = {"reference": _uid("CareTeam", pathway.pk)}
    entries.append(_entry("CareTeam", pathway.pk, {
        "status": "active" if pathway.status == Pathway.Status.ACTIVE else "suspended",
        "subject": patient_ref,
        "managingOrganization": [{"reference": _uid("Organization", pathway.cooperation.pk)}],
        "participant": [{
            "role": [{"coding": [{"system": PROFESSION_SYSTEM, "code": m.profession}],
                      "text": (_("médecin traitant") if m.is_referring_doctor
                               else m.get_profession_display())}],
            "member": {"reference": _uid("Practitioner", m.user.pk), "display": str(m.user)},
            **({"onBehalfOf": {"reference": _uid("Organization", m.organisation.pk)}}
               if m.organisation else {}),
        } for m in team],
    }))
    tasks = list(pathway.tasks.select_related("owner"))
    plan = {
        "status": {"active": "active", "suspended": "on-hold", "closed": "completed"}[
            pathway.status],
        "intent": "plan", "subject": patient_ref, "careTeam": [care_team_ref],
        "title": str(pathway.template or _("Parcours de soins")),
        "activity": [{"reference": {"reference": _uid("Task", t.pk)}} for t in tasks],
    }
    if pathway.template:
        plan["instantiatesUri"] = [pathway.template.source_url]
    if pathway.start_date:
        plan["period"] = {"start": pathway.start_date.isoformat()}
    entries.append(_entry("CarePlan", pathway.pk, plan))
    for t in tasks:
        resource = {
            "status": t.status, "intent": "plan", "description": t.title,
            "code": {"coding": [{"system": PROFESSION_SYSTEM, "code": t.profession}],
                     "text": t.get_profession_display()},
            "for": patient_ref, "basedOn": [{"reference": _uid("CarePlan", pathway.pk)}],
            "restriction": {"period": {"start": t.due_from.isoformat(),
                                       "end": t.due_by.isoformat()}},
        }
        if t.owner_id:
            resource["owner"] = {"reference": _uid("Practitioner", t.owner_id)}
        if t.done_on:
            resource["lastModified"] = f"{t.done_on.isoformat()}T12:00:00+00:00"
        entries.append(_entry("Task", t.pk, resource))
    for c in pathway.consents.all():
        entries.append(_entry("Consent", c.pk, {
            "status": c.status,
            "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                  "code": "patient-privacy"}]},
            "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
            "patient": patient_ref, "dateTime": _iso(c.recorded_at),
            "policyRule": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                "code": "OPTIN"}]},
            "provision": {"type": "permit", "actor": [{
                "role": {"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                    "code": "IRCP"}]},
                "reference": care_team_ref}]},
        }))
    for c in pathway.conditions.all():
        entries.append(_entry("Condition", c.pk, {
            "subject": patient_ref,
            "code": {"coding": [{"system": c.system or None, "code": c.code or None,
                                 "display": c.label}], "text": c.label},
            **({"onsetDateTime": c.onset.isoformat()} if c.onset else {}),
            **({"abatementDateTime": c.resolved.isoformat()} if c.resolved else {}),
        }))
    for e in pathway.encounters.all():
        entries.append(_entry("Encounter", e.pk, {
            "status": "finished" if e.ended_at else "in-progress",
            "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                      "code": e.kind},
            "type": [{"text": e.label or e.get_kind_display()}],
            "subject": patient_ref,
            "period": {"start": _iso(e.started_at),
                       **({"end": _iso(e.ended_at)} if e.ended_at else {})},
        }))
    for o in pathway.observations.all():
        resource = {"status": "final", "subject": patient_ref,
                    "code": {"coding": [{"system": o.system, "code": o.code,
                                         "display": o.label}], "text": o.label},
                    "effectiveDateTime": _iso(o.effective_at)}
        if o.value is not None:
            resource["valueQuantity"] = {"value": o.value, **({"unit": o.unit} if o.unit else {})}
        elif o.text:
            resource["valueString"] = o.text
        entries.append(_entry("Observation", o.pk, resource))
    for m in pathway.messages.select_related("author"):
        entries.append(_entry("Communication", m.pk, {
            "status": "completed", "subject": patient_ref, "sent": _iso(m.sent_at),
            **({"sender": {"display": str(m.author)}} if m.author else {}),
            "payload": [{"contentString": m.body}]}))
    for d in pathway.documents.all():
        entries.append(_entry("DocumentReference", d.pk, {
            "status": "superseded" if hasattr(d, "replaced_by") else "current",
            "type": {"text": d.get_kind_display()}, "subject": patient_ref,
            "date": _iso(d.uploaded_at),
            "content": [{"attachment": {"contentType": d.content_type, "title": d.title,
                                        "size": d.size}}]}))
    for v in pathway.teleconsultations.select_related("professional"):
        entries.append(_entry("Appointment", v.pk, {
            "status": "fulfilled" if v.report else "booked",
            "serviceType": [{"text": _("Téléconsultation")}],
            "start": _iso(v.starts_at),
            "end": _iso(v.starts_at + timedelta(minutes=v.minutes)),
            "participant": [
                {"actor": patient_ref, "status": "accepted"},
                {"actor": {"reference": _uid("Practitioner", v.professional_id),
                           "display": str(v.professional)}, "status": "accepted"}],
        }))
        if v.professional_id not in {p.pk for p in people}:
            entries.append(_entry("Practitioner", v.professional_id,
                                  {"name": [{"text": str(v.professional)}]}))
            people.add(v.professional)
    for r in pathway.questionnaire_responses.select_related("questionnaire"):
        labels = {item["link_id"]: {int(o["value"]): o["label"] for o in item["options"]}
                  for item in r.questionnaire.items}
        resource = {"status": r.status, "subject": patient_ref,
                    "questionnaire": questionnaire_url(r.questionnaire.code),
                    "authored": _iso(r.answered_at or r.sent_at),
                    "item": [{"linkId": link, "answer": [{"valueCoding": _answer_coding(
                        r.questionnaire.code, value, labels.get(link, {}).get(value))}]}
                        for link, value in sorted(r.answers.items(), key=lambda a: int(a[0]))]}
        entries.append(_entry("QuestionnaireResponse", r.pk, resource))
    for entry in audit_entries(pathway):
        entries.append(entry)
    for a in pathway.alerts.filter(status="open"):
        entries.append(_entry("Flag", a.pk, {
            "status": "active", "code": {"text": f"{a.get_kind_display()} — {a.detail}"},
            "subject": patient_ref, "period": {"start": a.raised_on.isoformat()}}))
    data = {"resourceType": "Bundle", "type": "collection",
            "timestamp": timezone.now().isoformat(), "entry": entries}
    # Exports must validate: a failure here is our bug, not the user's.
    Bundle.model_validate(_drop_none(data))
    return _drop_none(data)


ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"


def questionnaire_url(code: str) -> str:
    return f"urn:maillage:questionnaire:{code}"


def _answer_coding(code: str, value: int, label: str | None) -> dict[str, Any]:
    """An answer as a Coding of the questionnaire's scale, its score as the ordinal value."""
    return {"system": f"{questionnaire_url(code)}:echelle", "code": str(value),
            "display": label,
            "extension": [{"url": ORDINAL_VALUE, "valueDecimal": value}]}


def questionnaire_resource(questionnaire: Any) -> dict[str, Any]:
    """A questionnaire (PROM, PREM) as a FHIR Questionnaire: choice items, scored options."""
    return _entry("Questionnaire", questionnaire.code, {
        "url": questionnaire_url(questionnaire.code), "name": "".join(
            part.capitalize() for part in questionnaire.code.split("-")),
        "title": questionnaire.title, "status": "active", "subjectType": ["Patient"],
        "description": questionnaire.source,
        "code": ([{"system": "http://loinc.org", "code": questionnaire.loinc}]
                 if questionnaire.loinc else None),
        "item": [{"linkId": item["link_id"], "text": item["text"], "type": "choice",
                  "required": True,
                  "answerOption": [{"valueCoding": _answer_coding(
                      questionnaire.code, int(o["value"]), o["label"])}
                      for o in item["options"]]}
                 for item in questionnaire.items],
    })


_AUDIT_ACTIONS = {"R": "R", "C": "C", "U": "U", "D": "D", "E": "E"}


def audit_entries(pathway: Pathway) -> list[dict[str, Any]]:
    """The access log of the pathway (and the patient's refused attempts) as AuditEvents.

    Like the log itself, an event names the kind of data touched, never its content.
    """
    from django.db.models import Q

    from maillage.coordination.models import AccessLogEntry

    patient_ref = {"reference": _uid("Patient", pathway.patient.key)}
    log = pathway.patient.access_log.filter(Q(pathway=pathway) | Q(pathway__isnull=True))
    out = []
    for e in log.order_by("at", "pk"):
        allowed = e.outcome == AccessLogEntry.Outcome.ALLOWED
        out.append(_entry("AuditEvent", e.pk, {
            "type": {"system": "http://terminology.hl7.org/CodeSystem/audit-event-type",
                     "code": "rest", "display": "RESTful Operation"},
            "action": _AUDIT_ACTIONS.get(e.action, "E"),
            "recorded": _iso(e.at),
            # 0: success; 4: minor failure (the access was refused).
            "outcome": "0" if allowed else "4",
            **({"outcomeDesc": str(e.get_outcome_display())} if not allowed else {}),
            **({"purposeOfEvent": [{"text": e.reason}]} if e.reason else {}),
            "agent": [{"who": {"display": e.actor_label}, "requestor": True}],
            "source": {"observer": {"display": "Maillage"}},
            "entity": [{"what": patient_ref, "description": e.what}],
        }))
    return out


def operation_outcome(code: str, diagnostics: str, severity: str = "error") -> dict[str, Any]:
    """A FHIR OperationOutcome; `diagnostics` must never name or describe a patient."""
    return {"resourceType": "OperationOutcome",
            "issue": [{"severity": severity, "code": code, "diagnostics": diagnostics}]}


def capability_statement(base_url: str) -> dict[str, Any]:
    """What the read API at /fhir/ serves (validated)."""
    from fhir.resources.R4B.capabilitystatement import CapabilityStatement

    data = {
        "resourceType": "CapabilityStatement", "status": "active",
        "date": timezone.now().date().isoformat(), "kind": "instance",
        "publisher": "Maillage", "fhirVersion": "4.3.0",
        "format": ["application/fhir+json"],
        "implementation": {"description": _("API FHIR de lecture : les patients de vos "
                                             "parcours de soins"), "url": base_url},
        "rest": [{"mode": "server", "security": {
            "cors": False,
            "description": _("Session authentifiée ; seuls le patient, la coordination et "
                             "l'équipe de soins, consentement actif, voient un patient. "
                             "Chaque lecture est journalisée.")},
            "resource": [{
                "type": "Patient",
                "interaction": [{"code": "read"}, {"code": "search-type"}],
                "operation": [{"name": "everything", "definition":
                               "http://hl7.org/fhir/OperationDefinition/Patient-everything"}],
            }, *({"type": kind, "interaction": [{"code": "search-type"}],
                  "searchParam": [{"name": "patient", "type": "reference",
                                   "documentation": _("obligatoire : la clé du patient")}]}
                 for kind in SEARCHABLE_TYPES)]}],
    }
    CapabilityStatement.model_validate(data)
    return data


def patient_read(*, actor: User, patient_key: Any) -> dict[str, Any]:
    """A Patient resource, if the actor may see the patient (logged; Http404 otherwise)."""
    from maillage.coordination.selectors import patient_pathway_get

    pathway = patient_pathway_get(actor=actor, patient_key=patient_key, what="FHIR Patient")
    return patient_entry(pathway.patient)["resource"]


def patient_everything(*, actor: User, patient_key: Any) -> dict[str, Any]:
    """Patient/$everything: the actor's visible pathway of the patient, exported and logged."""
    from maillage.coordination.selectors import patient_pathway_get

    pathway = patient_pathway_get(actor=actor, patient_key=patient_key, what=_("export FHIR"),
                                  action=Action.EXPORT)
    return pathway_bundle(pathway)


# The types of a patient's pathway that `GET /fhir/<type>?patient=<key>` searches. AuditEvent
# stays in $everything only: the access log is the patient's, read on its own page.
SEARCHABLE_TYPES = ("CarePlan", "CareTeam", "Task", "Appointment", "Encounter", "Communication",
                    "Consent", "Condition", "Observation", "DocumentReference",
                    "QuestionnaireResponse", "Flag")


def patient_reference_key(raw: str) -> uuid.UUID | None:
    """The patient key in a search parameter: `<key>`, `Patient/<key>` or `urn:uuid:<key>`."""
    value = raw.strip()
    for prefix in ("Patient/", "urn:uuid:"):
        value = value.removeprefix(prefix)
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def patient_search(*, actor: User, patient: str, resource_type: str) -> dict[str, Any]:
    """`<type>?patient=<reference>`: a searchset of that type in the actor's visible pathway of
    the patient (logged; Http404 for a malformed reference or a patient the actor may not see,
    as for Patient/<key>)."""
    from maillage.coordination.selectors import patient_pathway_get

    if resource_type not in SEARCHABLE_TYPES:
        raise ValueError(resource_type)
    key = patient_reference_key(patient)
    if key is None:
        raise Http404(_("Patient introuvable."))
    pathway = patient_pathway_get(actor=actor, patient_key=key, what=f"FHIR {resource_type}")
    matches = [{**entry, "search": {"mode": "match"}} for entry in pathway_bundle(pathway)["entry"]
               if entry["resource"]["resourceType"] == resource_type]
    data = {"resourceType": "Bundle", "type": "searchset", "total": len(matches),
            "entry": matches}
    Bundle.model_validate(data)
    return data


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def pathway_export(*, actor: User | None, pathway: Pathway) -> dict[str, Any]:
    """Export a pathway; `actor` None is the command line. The export is logged."""
    if actor is not None:
        from maillage.coordination.selectors import pathway_get

        pathway = pathway_get(actor=actor, key=pathway.key, what=_("export FHIR"),
                              action=Action.EXPORT)
    else:
        access_record(actor=None, pathway=pathway, action=Action.EXPORT,
                      what=_("export FHIR"))
    return pathway_bundle(pathway)


def consent_status(pathway: Pathway) -> str:
    return Consent.Status.ACTIVE if pathway.consents.filter(
        status=Consent.Status.ACTIVE).exists() else Consent.Status.WITHDRAWN
