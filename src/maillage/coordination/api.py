"""HTTP API of the care cooperation: the directory, templates, pathways, tasks, alerts, messages,
consent, the access log and FHIR. The same services and rights as the pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal, TypeVar
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError
from ninja.security import django_auth

from maillage.accounts.models import User
from maillage.coordination import fhir, selectors, services, teleconsultation
from maillage.coordination.models import (
    Alert,
    CareTask,
    CareTeamMember,
    Consent,
    Document,
    NetworkProfessional,
    PathwayTemplate,
    Teleconsultation,
)
from maillage.coordination.rules import can
from maillage.territories.selectors import commune_search

router = Router(tags=["coopération des soins"])
T = TypeVar("T")


def _fields(call: Callable[[], T]) -> T:
    """Run a service; its validation errors become a JSON 400 naming the fields."""
    try:
        return call()
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        raise HttpError(400, "; ".join(f"{k} : {' '.join(v)}" if k != "__all__"
                                       else " ".join(v) for k, v in errors.items())) from exc


# — Directory ——————————————————————————————————————————————————————————————————————————————————


class ServiceOut(Schema):
    id: int
    name: str
    category: str
    organisation: str
    commune: str
    commune_code: str
    address: str
    eligibility: str
    referral: str
    telephone: str
    accepts_new_patients: bool
    distance_km: float | None = None
    professionals: list[str]


def _service(service, distance: float | None = None) -> dict[str, Any]:
    return {"id": service.pk, "name": service.name, "category": service.category,
            "organisation": service.organisation.name, "commune": service.commune.name,
            "commune_code": service.commune_id, "address": service.address,
            "eligibility": service.eligibility, "referral": service.referral,
            "telephone": service.telephone,
            "accepts_new_patients": service.accepts_new_patients, "distance_km": distance,
            "professionals": [f"{p.name} ({p.get_profession_display()})"
                              for p in service.professionals.all()]}


@router.get("/directory/services", response=list[ServiceOut],
            summary="Qui fait quoi près d'une commune (public)")
def directory(request: HttpRequest, q: str = Query("", max_length=100),
              commune: str = Query("", max_length=100),
              radius_km: float = Query(30, gt=0, le=200),
              category: str = Query("", max_length=30)):
    near = None
    if commune:
        found = commune_search(commune, limit=1)
        if not found:
            raise HttpError(400, "commune : commune introuvable.")
        near = found[0]
    return [_service(h.service, h.distance_km) for h in selectors.directory_search(
        query=q, near=near, radius_km=radius_km, category=category)]


class ServiceIn(Schema):
    name: str = Field(..., max_length=200)
    category: str
    commune_code: str = Field(..., max_length=5)
    description: str = ""
    address: str = ""
    eligibility: str = ""
    referral: str = ""
    telephone: str = ""
    accepts_new_patients: bool = True


@router.post("/organisations/{pk}/services", response={201: ServiceOut}, auth=django_auth,
             summary="Ajouter un service à sa structure (membres de la structure)")
def service_create(request: HttpRequest, pk: int, payload: ServiceIn):
    from maillage.accounts.models import Organisation

    organisation = get_object_or_404(Organisation, pk=pk)
    data = payload.dict()
    data["commune_id"] = data.pop("commune_code")
    service = _fields(lambda: services.service_save(actor=request.user,
                                                    organisation=organisation, **data))
    return Status(201, _service(service))


@router.put("/organisations/{pk}/services/{service_id}", response=ServiceOut, auth=django_auth,
            summary="Modifier un service de sa structure")
def service_update(request: HttpRequest, pk: int, service_id: int, payload: ServiceIn):
    from maillage.accounts.models import Organisation
    from maillage.coordination.models import HealthcareService

    organisation = get_object_or_404(Organisation, pk=pk)
    service = get_object_or_404(HealthcareService, pk=service_id, organisation=organisation)
    data = payload.dict()
    data["commune_id"] = data.pop("commune_code")
    return _service(_fields(lambda: services.service_save(
        actor=request.user, organisation=organisation, service=service, **data)))


class ProfessionalIn(Schema):
    name: str = Field(..., max_length=200)
    profession: str
    role: str = Field("", max_length=200)
    user_email: str | None = None
    rpps: str | None = Field(None, max_length=12, description="lien vers l'annuaire santé")
    service_ids: list[int] = []


class ProfessionalOut(Schema):
    id: int
    name: str
    profession: str
    role: str
    organisation: str
    linked_to_directory: bool


@router.post("/organisations/{pk}/professionals", response={201: ProfessionalOut},
             auth=django_auth, summary="Inscrire un·e professionnel·le de sa structure")
def professional_create(request: HttpRequest, pk: int, payload: ProfessionalIn):
    from maillage.accounts.models import Organisation
    from maillage.healthcare.models import Practitioner

    organisation = get_object_or_404(Organisation, pk=pk)
    user = None
    if payload.user_email:
        user = User.objects.filter(email=payload.user_email.lower()).first()
        if user is None:
            raise HttpError(400, "user_email : aucun compte avec cette adresse.")
    practitioner = None
    if payload.rpps:
        practitioner = Practitioner.objects.filter(rpps=payload.rpps).first()
        if practitioner is None:
            raise HttpError(400, "rpps : identifiant absent de l'annuaire chargé.")
    created = _fields(lambda: services.professional_save(
        actor=request.user, organisation=organisation, service_ids=payload.service_ids,
        name=payload.name, profession=payload.profession, role=payload.role,
        user_id=user.pk if user else None,
        practitioner_id=practitioner.pk if practitioner else None))
    return Status(201, {"id": created.pk, "name": created.name,
                        "profession": created.profession, "role": created.role,
                        "organisation": organisation.name,
                        "linked_to_directory": created.practitioner_id is not None})


@router.put("/organisations/{pk}/professionals/{professional_id}", response=ProfessionalOut,
            auth=django_auth, summary="Modifier la fiche d'un·e professionnel·le de sa structure")
def professional_update(request: HttpRequest, pk: int, professional_id: int,
                        payload: ProfessionalIn):
    from maillage.accounts.models import Organisation
    from maillage.healthcare.models import Practitioner

    organisation = get_object_or_404(Organisation, pk=pk)
    entry = get_object_or_404(NetworkProfessional, pk=professional_id, organisation=organisation)
    user = None
    if payload.user_email:
        user = User.objects.filter(email=payload.user_email.lower()).first()
        if user is None:
            raise HttpError(400, "user_email : aucun compte avec cette adresse.")
    practitioner = None
    if payload.rpps:
        practitioner = Practitioner.objects.filter(rpps=payload.rpps).first()
        if practitioner is None:
            raise HttpError(400, "rpps : identifiant absent de l'annuaire chargé.")
    saved = _fields(lambda: services.professional_save(
        actor=request.user, organisation=organisation, professional=entry,
        service_ids=payload.service_ids, name=payload.name, profession=payload.profession,
        role=payload.role, user_id=user.pk if user else None,
        practitioner_id=practitioner.pk if practitioner else None))
    return {"id": saved.pk, "name": saved.name, "profession": saved.profession,
            "role": saved.role, "organisation": organisation.name,
            "linked_to_directory": saved.practitioner_id is not None}


class NetworkOrganisationOut(Schema):
    id: int
    name: str
    kind: str
    is_cooperation: bool
    services: list[ServiceOut]
    professionals: list[ProfessionalOut]


class NetworkOut(Schema):
    id: int
    name: str
    members: list[NetworkOrganisationOut]


@router.get("/cooperations/{pk}", response=NetworkOut,
            summary="Le réseau d'une coopération : structures, services, professionnels (public)")
def network(request: HttpRequest, pk: int):
    coop = selectors.cooperation_get(pk)
    return {"id": coop.pk, "name": coop.name, "members": [{
        "id": row["organisation"].pk, "name": row["organisation"].name,
        "kind": row["organisation"].kind, "is_cooperation": row["organisation"].pk == coop.pk,
        "services": [_service(s) for s in row["services"]],
        "professionals": [{"id": p.pk, "name": p.name, "profession": p.profession,
                           "role": p.role, "organisation": row["organisation"].name,
                           "linked_to_directory": p.practitioner_id is not None}
                          for p in row["professionals"]],
    } for row in selectors.network_of(coop)]}


class MemberIn(Schema):
    organisation: int
    finess: str | None = Field(None, max_length=9)


@router.post("/cooperations/{pk}/members", response={201: dict}, auth=django_auth,
             summary="Ajouter une structure membre au réseau (coordination)")
def member_add(request: HttpRequest, pk: int, payload: MemberIn):
    from maillage.accounts.models import Organisation
    from maillage.healthcare.models import Facility

    cooperation = get_object_or_404(Organisation, pk=pk)
    member = get_object_or_404(Organisation, pk=payload.organisation)
    facility = None
    if payload.finess:
        facility = Facility.objects.filter(finess=payload.finess).first()
        if facility is None:
            raise HttpError(400, "finess : établissement absent du fichier FINESS chargé.")
    membership = _fields(lambda: services.network_member_add(
        actor=request.user, cooperation=cooperation, member=member,
        facility_id=facility.pk if facility else None))
    return Status(201, {"cooperation": cooperation.pk, "member": membership.member_id})


class ActivityOut(Schema):
    code: str
    name: str
    profession: str
    first_due_days: int
    interval_days: int | None
    window_days: int
    condition: str
    loinc: str
    questionnaire: str
    rationale: str


class TemplateOut(Schema):
    code: str
    name: str
    condition_label: str
    source_title: str
    source_url: str
    source_date: str
    discharge_follow_up_days: int
    version: int
    cooperation: int | None = Field(None, description="vide : modèle partagé")
    derived_from: str | None = None
    activities: list[ActivityOut]

    @staticmethod
    def resolve_activities(obj: PathwayTemplate) -> list[Any]:
        return list(obj.activities.all())

    @staticmethod
    def resolve_cooperation(obj: PathwayTemplate) -> int | None:
        return obj.cooperation_id

    @staticmethod
    def resolve_derived_from(obj: PathwayTemplate) -> str | None:
        return obj.derived_from.code if obj.derived_from_id else None


@router.get("/templates", response=list[TemplateOut], summary="Modèles de parcours (public)")
def templates(request: HttpRequest, cooperation: int | None = None):
    """Every template, or with `cooperation` those its pathways may follow (shared + own)."""
    found = (selectors.templates_available(selectors.cooperation_get(cooperation))
             if cooperation is not None else PathwayTemplate.objects.all())
    return list(found.select_related("derived_from").prefetch_related("activities"))


# — Pathways ——————————————————————————————————————————————————————————————————————————————————


class PatientIn(Schema):
    family_name: str = Field(..., max_length=150)
    given_name: str = Field(..., max_length=150)
    birth_date: date | None = None
    sex: str = "unknown"
    commune_code: str | None = None


class EnrolIn(Schema):
    cooperation: int
    patient: PatientIn
    template: str | None = None
    consent_method: Consent.Method
    start_date: date | None = None


class TaskOut(Schema):
    id: int
    title: str
    profession: str
    owner: str | None
    due_from: date
    due_by: date
    status: str
    done_on: date | None

    @staticmethod
    def resolve_owner(obj: CareTask) -> str | None:
        return str(obj.owner) if obj.owner_id else None


class AlertOut(Schema):
    id: int
    kind: str
    detail: str
    raised_on: date
    status: str
    resolved_on: date | None
    resolution: str


class PathwaySummary(Schema):
    key: UUID
    patient: str
    template: str | None
    status: str


class EncounterOut(Schema):
    id: int
    kind: str
    label: str
    started_at: datetime
    ended_at: datetime | None


class ObservationOut(Schema):
    id: int
    code: str
    label: str
    value: float | None
    unit: str
    text: str
    effective_at: datetime


class DocumentOut(Schema):
    id: int
    kind: str
    title: str
    content_type: str
    size: int
    version: int
    replaces: int | None
    current: bool
    uploaded_at: datetime

    @staticmethod
    def resolve_replaces(obj: Document) -> int | None:
        return obj.replaces_id

    @staticmethod
    def resolve_current(obj: Document) -> bool:
        return not hasattr(obj, "replaced_by")


class TeleconsultationOut(Schema):
    id: int
    starts_at: datetime
    minutes: int
    professional: str
    has_report: bool

    @staticmethod
    def resolve_professional(obj: Teleconsultation) -> str:
        return str(obj.professional)

    @staticmethod
    def resolve_has_report(obj: Teleconsultation) -> bool:
        return bool(obj.report)


class ResponseOut(Schema):
    id: int
    questionnaire: str
    status: str
    score: int | None

    @staticmethod
    def resolve_questionnaire(obj) -> str:
        return obj.questionnaire.code


class MemberOut(Schema):
    id: int
    user: str
    profession: str
    organisation: str | None
    is_referring_doctor: bool


class PathwayOut(PathwaySummary):
    consent: str
    start_date: date | None
    team: list[MemberOut]
    tasks: list[TaskOut]
    alerts: list[AlertOut]
    encounters: list[EncounterOut]
    observations: list[ObservationOut]
    documents: list[DocumentOut]
    teleconsultations: list[TeleconsultationOut]
    questionnaires: list[ResponseOut]


def _summary(pathway) -> dict[str, Any]:
    return {"key": pathway.key, "patient": str(pathway.patient),
            "template": pathway.template.code if pathway.template else None,
            "status": pathway.status}


def _detail(pathway) -> dict[str, Any]:
    record = selectors.pathway_record(pathway)
    return {**_summary(pathway), "consent": fhir.consent_status(pathway),
            "start_date": pathway.start_date,
            "team": [{"id": m.pk, "user": str(m.user), "profession": m.profession,
                      "organisation": str(m.organisation) if m.organisation else None,
                      "is_referring_doctor": m.is_referring_doctor} for m in record["team"]],
            "tasks": record["tasks"], "alerts": record["alerts"],
            "encounters": record["encounters"], "observations": record["observations"],
            "documents": record["documents"], "teleconsultations": record["teleconsultations"],
            "questionnaires": record["questionnaires"]}


def _pathway(request: HttpRequest, key: UUID, what: str = "dossier du parcours"):
    return selectors.pathway_get(actor=request.user, key=key, what=what,
                                 reason=request.headers.get("X-Access-Reason", "")[:200])


@router.get("/pathways", response=list[PathwaySummary], auth=django_auth,
            summary="Mes parcours (patient, équipe de soins, coordination)")
def pathways(request: HttpRequest, response: HttpResponse,
             offset: int = Query(0, ge=0, le=10_000_000),
             limit: int = Query(100, ge=1, le=500), at_risk: bool = False):
    """The most at risk first; the total is in the `X-Total-Count` header."""
    found = selectors.pathways_slice(actor=request.user, offset=offset, limit=limit,
                                     at_risk_only=at_risk)
    response["X-Total-Count"] = str(found.total)
    return [_summary(p) for p in found.rows]


@router.post("/pathways", response={201: PathwayOut}, auth=django_auth,
             summary="Inscrire un patient, consentement recueilli (coordination)")
def enrol(request: HttpRequest, payload: EnrolIn):
    cooperation = selectors.cooperation_get(payload.cooperation)
    template = None
    if payload.template:
        template = PathwayTemplate.objects.filter(code=payload.template).first()
        if template is None:
            raise HttpError(400, "template : modèle inconnu.")
    patient = payload.patient.dict()
    patient["commune_id"] = patient.pop("commune_code")
    pathway = _fields(lambda: services.pathway_enrol(
        actor=request.user, cooperation=cooperation, template=template,
        patient_fields=patient, consent_method=payload.consent_method,
        start_date=payload.start_date))
    return Status(201, _detail(pathway))


@router.get("/pathways/{key}", response=PathwayOut, auth=django_auth,
            summary="Un parcours : équipe, plan, alertes (journalisé)")
def pathway(request: HttpRequest, key: UUID):
    return _detail(_pathway(request, key))


class TeamIn(Schema):
    email: str
    profession: str
    is_referring_doctor: bool = False


@router.post("/pathways/{key}/team", response={201: PathwayOut}, auth=django_auth,
             summary="Ajouter un·e professionnel·le du réseau à l'équipe (coordination)")
def team_add(request: HttpRequest, key: UUID, payload: TeamIn):
    found = _pathway(request, key)
    user = User.objects.filter(email=payload.email.lower()).first()
    if user is None:
        raise HttpError(400, "email : aucun compte avec cette adresse.")
    _fields(lambda: services.care_team_add(
        actor=request.user, pathway=found, user=user, profession=payload.profession,
        is_referring_doctor=payload.is_referring_doctor))
    return Status(201, _detail(found))


class PlanIn(Schema):
    template: str | None = None
    start_date: date | None = None
    risk_grade: int | None = None


@router.post("/pathways/{key}/plan", response={201: list[TaskOut]}, auth=django_auth,
             summary="Créer le plan depuis le modèle (coordination)")
def plan(request: HttpRequest, key: UUID, payload: PlanIn):
    found = _pathway(request, key)
    template = (PathwayTemplate.objects.filter(code=payload.template).first()
                if payload.template else None)
    if payload.template and template is None:
        raise HttpError(400, "template : modèle inconnu.")
    return Status(201, _fields(lambda: services.care_plan_instantiate(
        actor=request.user, pathway=found, template=template, start_date=payload.start_date,
        risk_grade=payload.risk_grade)))


class TaskIn(Schema):
    title: str = Field(..., max_length=200)
    profession: str
    due_from: date
    due_by: date
    owner_email: str | None = None


@router.post("/pathways/{key}/tasks", response={201: TaskOut}, auth=django_auth,
             summary="Adapter le plan : ajouter une tâche (coordination)")
def task_add(request: HttpRequest, key: UUID, payload: TaskIn):
    found = _pathway(request, key)
    owner = None
    if payload.owner_email:
        owner = User.objects.filter(email=payload.owner_email.lower()).first()
        if owner is None:
            raise HttpError(400, "owner : doit faire partie de l'équipe de soins.")
    data = payload.dict(exclude={"owner_email"})
    return Status(201, _fields(lambda: services.task_add(actor=request.user, pathway=found,
                                                         owner=owner, **data)))


class TaskDoneIn(Schema):
    done_on: date
    note: str = Field("", max_length=5000)
    value: float | None = None
    unit: str = Field("", max_length=40)
    encounter_kind: str | None = None


@router.post("/tasks/{pk}/complete", response=TaskOut, auth=django_auth,
             summary="Noter une tâche comme faite, avec son résultat (équipe de soins)")
def task_complete(request: HttpRequest, pk: int, payload: TaskDoneIn):
    task = get_object_or_404(CareTask.objects.select_related("pathway"), pk=pk)
    _pathway(request, task.pathway.key)
    return _fields(lambda: services.task_complete(actor=request.user, task=task,
                                                  **payload.dict()))


class EncounterIn(Schema):
    kind: str
    started_at: datetime
    ended_at: datetime | None = None
    label: str = Field("", max_length=200)


@router.post("/pathways/{key}/encounters", response={201: dict}, auth=django_auth,
             summary="Enregistrer une consultation ou une hospitalisation (équipe de soins)")
def encounter(request: HttpRequest, key: UUID, payload: EncounterIn):
    found = _pathway(request, key)
    created = _fields(lambda: services.encounter_record(actor=request.user, pathway=found,
                                                        **payload.dict()))
    return Status(201, {"id": created.pk, "kind": created.kind})


class ResolveIn(Schema):
    resolution: str = Field(..., max_length=500)


@router.post("/alerts/{pk}/resolve", response=AlertOut, auth=django_auth,
             summary="Résoudre une alerte de rupture, en disant comment")
def alert_resolve(request: HttpRequest, pk: int, payload: ResolveIn):
    alert = get_object_or_404(Alert.objects.select_related("pathway"), pk=pk)
    _pathway(request, alert.pathway.key)
    return _fields(lambda: services.alert_resolve(actor=request.user, alert=alert,
                                                  resolution=payload.resolution))


class MessageIn(Schema):
    body: str = Field(..., max_length=5000)


class MessageOut(Schema):
    id: int
    author: str | None
    body: str
    sent_at: datetime


def _message(m) -> dict[str, Any]:
    return {"id": m.pk, "author": str(m.author) if m.author else None, "body": m.body,
            "sent_at": m.sent_at}


@router.get("/pathways/{key}/messages", response=list[MessageOut], auth=django_auth,
            summary="Fil de messages du patient (journalisé)")
def messages(request: HttpRequest, key: UUID):
    found = _pathway(request, key, what="messages")
    return [_message(m) for m in found.messages.select_related("author")]


@router.post("/pathways/{key}/messages", response={201: MessageOut}, auth=django_auth,
             summary="Écrire dans le fil du patient")
def message_send(request: HttpRequest, key: UUID, payload: MessageIn):
    found = _pathway(request, key, what="messages")
    return Status(201, _message(_fields(lambda: services.message_send(
        actor=request.user, pathway=found, body=payload.body))))


@router.post("/pathways/{key}/consent/withdraw", response=PathwaySummary, auth=django_auth,
             summary="Retirer le consentement (patient ou coordination) : l'accès cesse")
def consent_withdraw(request: HttpRequest, key: UUID):
    found = _pathway(request, key, what="consentement")
    _fields(lambda: services.consent_withdraw(actor=request.user, pathway=found))
    return _summary(found)


class TeleconsultationIn(Schema):
    starts_at: datetime
    minutes: int = Field(20, ge=5, le=120)
    patient_consented: bool


@router.post("/pathways/{key}/teleconsultations", response={201: TeleconsultationOut},
             auth=django_auth, summary="Programmer une téléconsultation (équipe de soins)")
def teleconsultation_book(request: HttpRequest, key: UUID, payload: TeleconsultationIn):
    found = _pathway(request, key, what="téléconsultation")
    return Status(201, _fields(lambda: services.teleconsultation_book(
        actor=request.user, pathway=found, **payload.dict())))


@router.get("/teleconsultations/{pk}/link", response=dict, auth=django_auth,
            summary="Mon lien vers la salle (dans le créneau ; JWT si le serveur l'exige)")
def teleconsultation_link(request: HttpRequest, pk: int):
    visit = get_object_or_404(Teleconsultation.objects.select_related("pathway__patient"),
                              pk=pk)
    _pathway(request, visit.pathway.key, what="téléconsultation")
    return {"url": teleconsultation.join_url(actor=request.user, visit=visit)}


class AccessOut(Schema):
    at: datetime
    who: str
    action: str
    what: str
    reason: str
    outcome: str


@router.get("/me/access-log", response=list[AccessOut], auth=django_auth,
            summary="Qui a consulté mon dossier")
def access_log(request: HttpRequest):
    return [{"at": e.at, "who": e.actor_label, "action": e.get_action_display(),
             "what": e.what, "reason": e.reason, "outcome": e.outcome}
            for e in selectors.access_log_of(actor=request.user)]


class CohortOut(Schema):
    pathway: str
    commune: str
    patients: int
    at_risk: int


@router.get("/cooperations/{pk}/cohort", response=list[CohortOut], auth=django_auth,
            summary="Patients à risque de rupture par parcours et par commune")
def cohort(request: HttpRequest, pk: int):
    coop = selectors.cooperation_get(pk)
    if not can(request.user, "coordination.view_cohort", coop):
        raise HttpError(404, "Coopération inconnue.")
    return [r.__dict__ for r in selectors.cohort(actor=request.user, cooperation=coop)]


class QuestionnaireIn(Schema):
    code: str


@router.post("/pathways/{key}/questionnaires", response={201: ResponseOut}, auth=django_auth,
             summary="Envoyer un questionnaire (PROM, PREM) au patient (équipe de soins)")
def questionnaire_send(request: HttpRequest, key: UUID, payload: QuestionnaireIn):
    from maillage.coordination.models import Questionnaire

    found = _pathway(request, key, what="questionnaires")
    questionnaire = Questionnaire.objects.filter(code=payload.code).first()
    if questionnaire is None:
        raise HttpError(400, "code : questionnaire inconnu.")
    return Status(201, _fields(lambda: services.questionnaire_send(
        actor=request.user, pathway=found, questionnaire=questionnaire)))


class AnswersIn(Schema):
    answers: dict[str, int]


@router.post("/questionnaire-responses/{pk}", response=ResponseOut, auth=django_auth,
             summary="Répondre à un questionnaire (le patient)")
def questionnaire_answer(request: HttpRequest, pk: int, payload: AnswersIn):
    from maillage.coordination.models import QuestionnaireResponse

    response = get_object_or_404(
        QuestionnaireResponse.objects.select_related("pathway__patient", "questionnaire"), pk=pk)
    return _fields(lambda: services.questionnaire_answer(actor=request.user, response=response,
                                                         answers=payload.answers))


class TaskChangeIn(Schema):
    owner_email: str | None = None
    due_from: date | None = None
    due_by: date | None = None
    cancel: bool = False


@router.patch("/tasks/{pk}", response=TaskOut, auth=django_auth,
              summary="Adapter une tâche : responsable, fenêtre, annulation (coordination)")
def task_change(request: HttpRequest, pk: int, payload: TaskChangeIn):
    task = get_object_or_404(CareTask.objects.select_related("pathway"), pk=pk)
    _pathway(request, task.pathway.key)
    owner = None
    if payload.owner_email:
        owner = User.objects.filter(email=payload.owner_email.lower()).first()
        if owner is None:
            raise HttpError(400, "owner : doit faire partie de l'équipe de soins.")
    return _fields(lambda: services.task_update(
        actor=request.user, task=task, owner=owner, due_from=payload.due_from,
        due_by=payload.due_by, cancel=payload.cancel))


@router.delete("/pathways/{key}/team/{member_id}", response={204: None}, auth=django_auth,
               summary="Retirer un membre de l'équipe de soins (coordination)")
def team_remove(request: HttpRequest, key: UUID, member_id: int):
    found = _pathway(request, key, what="équipe de soins")
    member = get_object_or_404(CareTeamMember, pk=member_id, pathway=found)
    member.pathway = found
    _fields(lambda: services.care_team_remove(actor=request.user, member=member))
    return Status(204, None)


class ObservationIn(Schema):
    code: str = Field(..., max_length=40, description="code LOINC")
    label: str = Field(..., max_length=300)
    value: float | None = None
    unit: str = Field("", max_length=40)
    text: str = Field("", max_length=300)
    effective_at: datetime


@router.post("/pathways/{key}/observations", response={201: ObservationOut}, auth=django_auth,
             summary="Enregistrer un résultat structuré (équipe de soins)")
def observation(request: HttpRequest, key: UUID, payload: ObservationIn):
    found = _pathway(request, key, what="résultat")
    return Status(201, _fields(lambda: services.observation_record(
        actor=request.user, pathway=found, **payload.dict())))


@router.get("/pathways/{key}/documents", response=list[DocumentOut], auth=django_auth,
            summary="Documents partagés du parcours, toutes versions (journalisé)")
def documents(request: HttpRequest, key: UUID):
    found = _pathway(request, key, what="documents")
    return list(found.documents.select_related("replaced_by"))


@router.post("/pathways/{key}/documents", response={201: DocumentOut}, auth=django_auth,
             summary="Déposer un document typé, ou une nouvelle version (équipe de soins)")
def document_upload(request: HttpRequest, key: UUID, kind: Form[str], title: Form[str],
                    file: File[UploadedFile], replaces: Form[int | None] = None):
    found = _pathway(request, key, what="documents")
    previous = None
    if replaces is not None:
        previous = found.documents.filter(pk=replaces).first()
        if previous is None:
            raise HttpError(400, "replaces : document inconnu dans ce parcours.")
    return Status(201, _fields(lambda: services.document_upload(
        actor=request.user, pathway=found, kind=kind, title=title, upload=file,
        replaces=previous)))


@router.get("/documents/{pk}", auth=django_auth,
            summary="Télécharger un document (après vérification ; journalisé)")
def document_download(request: HttpRequest, pk: int):
    from django.http import FileResponse

    found = selectors.document_get(actor=request.user, pk=pk)
    response = FileResponse(found.file.open("rb"), content_type=found.content_type,
                            as_attachment=True, filename=f"document-{found.pk}-v{found.version}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


class ReportIn(Schema):
    report: str = Field(..., max_length=20000)


@router.post("/teleconsultations/{pk}/report", response={201: DocumentOut}, auth=django_auth,
             summary="Compte rendu de téléconsultation : au dossier et au médecin traitant")
def teleconsultation_report(request: HttpRequest, pk: int, payload: ReportIn):
    visit = get_object_or_404(Teleconsultation.objects.select_related("pathway"), pk=pk)
    _pathway(request, visit.pathway.key, what="téléconsultation")
    return Status(201, _fields(lambda: services.teleconsultation_report(
        actor=request.user, visit=visit, report=payload.report)))


class ConsentIn(Schema):
    method: Consent.Method = Consent.Method.ONLINE


@router.post("/pathways/{key}/consent", response=PathwaySummary, auth=django_auth,
             summary="Consentir à nouveau au partage (patient, ou noté par la coordination)")
def consent_give(request: HttpRequest, key: UUID, payload: ConsentIn):
    found = _pathway(request, key, what="consentement")
    _fields(lambda: services.consent_give(actor=request.user, pathway=found,
                                          method=payload.method))
    return _summary(found)


class DueTaskOut(TaskOut):
    pathway: UUID

    @staticmethod
    def resolve_pathway(obj: CareTask) -> UUID:
        return obj.pathway.key


@router.get("/me/tasks", response=list[DueTaskOut], auth=django_auth,
            summary="Mes tâches à faire, les retards d'abord")
def my_tasks(request: HttpRequest):
    from django.utils import timezone

    return selectors.tasks_due(actor=request.user, today=timezone.localdate(), log=True)


class ScoreOut(Schema):
    questionnaire: str
    kind: str
    answers: int
    mean_score: float | None
    max_score: int


@router.get("/cooperations/{pk}/questionnaire-scores", response=list[ScoreOut],
            auth=django_auth,
            summary="Scores moyens des questionnaires de la coopération (dès 5 réponses)")
def questionnaire_scores(request: HttpRequest, pk: int):
    coop = selectors.cooperation_get(pk)
    if not can(request.user, "coordination.view_cohort", coop):
        raise HttpError(404, "Coopération inconnue.")
    return [r.__dict__ for r in selectors.questionnaire_scores(cooperation=coop)]


# — FHIR ——————————————————————————————————————————————————————————————————————————————————————


@router.get("/pathways/{key}/fhir", auth=django_auth,
            summary="Le parcours en Bundle FHIR R4 (validé ; journalisé)")
def fhir_export(request: HttpRequest, key: UUID) -> HttpResponse:
    import json

    found = _pathway(request, key, what="export FHIR")
    data = fhir.pathway_export(actor=request.user, pathway=found)
    return HttpResponse(json.dumps(data, ensure_ascii=False),
                        content_type="application/fhir+json; charset=utf-8")


@router.get("/cooperations/{pk}/fhir",
            summary="FHIR : le réseau de la coopération (Organization, Location, "
                    "HealthcareService, PractitionerRole ; public, validé)")
def fhir_network(request: HttpRequest, pk: int) -> HttpResponse:
    from maillage.coordination.fhir_directory import network_bundle

    return _fhir(network_bundle(selectors.cooperation_get(pk)))


@router.get("/templates/fhir",
            summary="FHIR : les modèles de parcours (PlanDefinition, ActivityDefinition)")
def fhir_templates(request: HttpRequest) -> HttpResponse:
    from maillage.coordination.fhir_directory import templates_bundle

    return _fhir(templates_bundle())


class ImportOut(Schema):
    pathway: UUID
    created: dict[str, int]
    skipped: dict[str, int]
    ignored: dict[str, int]


@router.post("/cooperations/{pk}/fhir-import", response={201: ImportOut}, auth=django_auth,
             summary="Importer le Bundle FHIR R4 d'un patient (corps de la requête)")
def fhir_import(request: HttpRequest, pk: int, consent_method: Consent.Method):
    coop = selectors.cooperation_get(pk)
    summary = _fields(lambda: fhir.bundle_import(
        actor=request.user, cooperation=coop, raw=request.body,
        consent_method=consent_method, name="corps de la requête"))
    return Status(201, {"pathway": summary.pathway.key, "created": dict(summary.created),
                        "skipped": dict(summary.skipped), "ignored": dict(summary.ignored)})


# FHIR read API: a care-team member's patients, as FHIR R4 resources.
FHIR_JSON = "application/fhir+json; charset=utf-8"


def _fhir(data: dict[str, Any], status: int = 200) -> HttpResponse:
    import json

    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type=FHIR_JSON,
                        status=status)


def _not_found() -> HttpResponse:
    return _fhir(fhir.operation_outcome("not-found", "Ressource introuvable."), status=404)


@router.get("/fhir/Patient", auth=django_auth,
            summary="FHIR : les patients de mes parcours (Bundle searchset)")
def fhir_patients(request: HttpRequest) -> HttpResponse:
    return _fhir(fhir.patients_bundle(selectors.patients_visible(actor=request.user,
                                                                 reason="FHIR Patient")))


@router.get("/fhir/Patient/{key}", auth=django_auth, summary="FHIR : un patient")
def fhir_patient(request: HttpRequest, key: UUID) -> HttpResponse:
    try:
        return _fhir(fhir.patient_read(actor=request.user, patient_key=key))
    except Http404:
        return _not_found()


@router.get("/fhir/Patient/{key}/$everything", auth=django_auth,
            summary="FHIR : tout le parcours d'un patient (Bundle validé)")
def fhir_everything(request: HttpRequest, key: UUID) -> HttpResponse:
    try:
        return _fhir(fhir.patient_everything(actor=request.user, patient_key=key))
    except Http404:
        return _not_found()


@router.get("/fhir/{resource_type}", auth=django_auth,
            summary="FHIR : une sorte de ressources du parcours d'un patient (Bundle searchset)")
def fhir_search(request: HttpRequest, resource_type: Literal[fhir.SEARCHABLE_TYPES],
                patient: str = Query(..., max_length=80,
                                     description="clé du patient, ou Patient/<clé>")):
    try:
        return _fhir(fhir.patient_search(actor=request.user, patient=patient,
                                         resource_type=resource_type))
    except Http404:
        return _not_found()


class EvaluationOut(Schema):
    level: str
    code: str
    territory: str
    departement: str
    questionnaire: str
    questionnaire_code: str
    kind: str
    answers: int
    mean_score: float
    max_score: int


@router.get("/evaluation", response=list[EvaluationOut],
            summary="Scores des questionnaires patients par territoire, anonymisés (public)")
def evaluation(request: HttpRequest, region: str = Query(..., min_length=2, max_length=3,
                                                         pattern=r"^[0-9]{2,3}$")):
    return [r.__dict__ for r in selectors.territory_evaluation(region=region)]


# — A cooperation's own templates (after /templates/fhir, which `{code}` would shadow) ——


class TemplateIn(Schema):
    derive_from: str | None = Field(
        None, description="code d'un modèle partagé à reprendre (activités et source)")
    code: str = Field("", max_length=40)
    name: str = Field("", max_length=200)
    condition_label: str = Field("", max_length=200)
    source_title: str = Field("", max_length=300)
    source_url: str = Field("", max_length=300)
    source_date: str = Field("", max_length=20)
    discharge_follow_up_days: int = Field(7, ge=1, le=365)


def _template_fields(payload: Schema, exclude: set[str]) -> dict[str, Any]:
    return {k: v for k, v in payload.dict(exclude_unset=True).items() if k not in exclude}


@router.post("/cooperations/{pk}/templates", response={201: TemplateOut}, auth=django_auth,
             summary="Définir un modèle de la coopération : dérivé d'un modèle partagé, ou "
                     "écrit d'après une recommandation citée (coordination)")
def template_create(request: HttpRequest, pk: int, payload: TemplateIn):
    coop = selectors.cooperation_get(pk)
    if payload.derive_from:
        source = PathwayTemplate.objects.filter(code=payload.derive_from).first()
        if source is None:
            raise HttpError(400, "derive_from : modèle inconnu.")
        created = _fields(lambda: services.template_derive(
            actor=request.user, cooperation=coop, source=source, name=payload.name,
            code=payload.code))
    else:
        created = _fields(lambda: services.template_save(
            actor=request.user, cooperation=coop, code=payload.code,
            **_template_fields(payload, {"derive_from", "code"})))
    return Status(201, selectors.template_get(created.code))


class TemplateChangeIn(Schema):
    name: str | None = Field(None, max_length=200)
    condition_label: str | None = Field(None, max_length=200)
    source_title: str | None = Field(None, max_length=300)
    source_url: str | None = Field(None, max_length=300)
    source_date: str | None = Field(None, max_length=20)
    discharge_follow_up_days: int | None = Field(None, ge=1, le=365)


def _own_template(code: str) -> PathwayTemplate:
    found = selectors.template_get(code)
    if found.cooperation_id is None:
        raise HttpError(403, "Un modèle partagé ne se modifie pas : dérivez-en un modèle pour "
                             "votre coopération.")
    return found


@router.patch("/templates/{code}", response=TemplateOut, auth=django_auth,
              summary="Modifier un modèle de sa coopération (coordination)")
def template_change(request: HttpRequest, code: str, payload: TemplateChangeIn):
    found = _own_template(code)
    _fields(lambda: services.template_save(
        actor=request.user, cooperation=found.cooperation, template=found,
        **{k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}))
    return selectors.template_get(code)


class ActivityIn(Schema):
    code: str = Field("", max_length=60)
    name: str = Field(..., max_length=200)
    profession: str
    first_due_days: int = Field(0, ge=0, le=3650)
    interval_days: int | None = Field(None, ge=1, le=3650)
    window_days: int = Field(30, ge=1, le=3650)
    condition: str = ""
    loinc: str = Field("", max_length=20)
    questionnaire: str = Field("", max_length=40, description="code d'un questionnaire")
    rationale: str = Field(..., max_length=500)


@router.post("/templates/{code}/activities", response={201: ActivityOut}, auth=django_auth,
             summary="Ajouter une activité à un modèle de sa coopération (coordination)")
def template_activity_add(request: HttpRequest, code: str, payload: ActivityIn):
    found = _own_template(code)
    return Status(201, _fields(lambda: services.template_activity_save(
        actor=request.user, template=found, code=payload.code,
        **payload.dict(exclude={"code"}))))


@router.put("/templates/{code}/activities/{activity}", response=ActivityOut, auth=django_auth,
            summary="Modifier une activité d'un modèle de sa coopération (coordination)")
def template_activity_change(request: HttpRequest, code: str, activity: str,
                             payload: ActivityIn):
    found = _own_template(code)
    entry = get_object_or_404(found.activities, code=activity)
    return _fields(lambda: services.template_activity_save(
        actor=request.user, template=found, activity=entry,
        **payload.dict(exclude={"code"})))


@router.delete("/templates/{code}/activities/{activity}", response={204: None},
               auth=django_auth,
               summary="Retirer une activité d'un modèle de sa coopération (coordination)")
def template_activity_delete(request: HttpRequest, code: str, activity: str):
    found = _own_template(code)
    entry = get_object_or_404(found.activities, code=activity)
    _fields(lambda: services.template_activity_remove(actor=request.user, activity=entry))
    return Status(204, None)
