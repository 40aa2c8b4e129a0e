"""Reads of the care cooperation, with the same rights as the writes; reads of a patient's data
are written to the access log."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from maillage.accounts.models import PROFESSIONAL_ROLES, Organisation
from maillage.accounts.rules import roles_of
from maillage.coordination.audit import Action, access_record, access_record_many
from maillage.coordination.models import (
    AccessLogEntry,
    Alert,
    CareTask,
    Document,
    HealthcareService,
    NetworkMembership,
    NetworkProfessional,
    Pathway,
    PathwayTemplate,
    Patient,
    QuestionnaireResponse,
)
from maillage.coordination.rules import can
from maillage.territories.models import Commune

EARTH_RADIUS_KM = 6371.0


COMMUNE_HEAVY_FIELDS = ("boundary", "map_boundary", "population_by_age", "former_codes")


def _km(a: Commune, b: Commune) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    p1, p2 = math.radians(a.latitude), math.radians(b.latitude)
    dp, dl = p2 - p1, math.radians(b.longitude - a.longitude)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


# — Directory (public) ————————————————————————————————————————————————————————————————————————


@dataclass(frozen=True)
class ServiceHit:
    service: HealthcareService
    distance_km: float | None


def directory_search(*, query: str = "", near: Commune | None = None, radius_km: float = 30.0,
                     category: str = "", limit: int = 100) -> list[ServiceHit]:
    """Who does what near a commune: active services matching the words, nearest first."""
    services = (HealthcareService.objects.filter(active=True)
                .select_related("organisation", "commune")
                .defer(*(f"commune__{f}" for f in COMMUNE_HEAVY_FIELDS))
                .prefetch_related("professionals"))
    if category:
        services = services.filter(category=category)
    for word in query.split():
        services = services.filter(
            Q(name__icontains=word) | Q(description__icontains=word)
            | Q(organisation__name__icontains=word) | Q(eligibility__icontains=word)
            | Q(professionals__name__icontains=word)).distinct()
    hits = []
    for service in services[:2000]:
        distance = _km(near, service.commune) if near is not None else None
        if near is not None and (distance is None or distance > radius_km):
            continue
        hits.append(ServiceHit(service, distance))
    hits.sort(key=lambda h: (h.distance_km if h.distance_km is not None else 0,
                             h.service.name))
    return hits[:limit]


def directory_map(hits: list[ServiceHit], near: Commune | None = None) -> dict[str, Any]:
    """The hits as GeoJSON points at their commune (several services of one commune share a
    point: the popup lists them), and the searched commune; each links to its table row."""
    by_commune: dict[str, list[HealthcareService]] = {}
    for hit in hits:
        by_commune.setdefault(hit.service.commune_id, []).append(hit.service)
    features = []
    for services in by_commune.values():
        commune = services[0].commune
        if commune.latitude is None or commune.longitude is None:
            continue
        features.append({"type": "Feature", "geometry": {
            "type": "Point", "coordinates": [commune.longitude, commune.latitude]},
            "properties": {"name": ", ".join(s.name for s in services[:3])
                           + (" …" if len(services) > 3 else ""),
                           "code": commune.name, "url": f"#service-{services[0].pk}"}})
    if near is not None and near.latitude is not None and near.longitude is not None:
        features.append({"type": "Feature", "geometry": {
            "type": "Point", "coordinates": [near.longitude, near.latitude]},
            "properties": {"name": _("Commune recherchée"), "code": near.name,
                           "fill": "#e1000f"}})
    return {"type": "FeatureCollection", "features": features}


def cooperations() -> QuerySet[Organisation]:
    return (Organisation.objects.filter(Q(kind=Organisation.Kind.CPTS)
                                        | Q(network_members__isnull=False))
            .distinct().annotate(members=Count("network_members", distinct=True)))


def cooperation_get(pk: int) -> Organisation:
    found = cooperations().filter(pk=pk).first()
    if found is None:
        raise Http404(_("Coopération inconnue."))
    return found


def network_of(cooperation: Organisation) -> list[dict[str, Any]]:
    """The cooperation and its members, each with its services and professionals."""
    ids = [cooperation.pk, *NetworkMembership.objects.filter(cooperation=cooperation)
           .values_list("member_id", flat=True)]
    organisations = (Organisation.objects.filter(pk__in=ids).select_related("commune")
                     .prefetch_related(
                         Prefetch("care_services",
                                  HealthcareService.objects.filter(active=True)
                                  .select_related("commune")),
                         Prefetch("network_professionals",
                                  NetworkProfessional.objects.prefetch_related("services"))))
    return [{"organisation": o, "services": list(o.care_services.all()),
             "professionals": list(o.network_professionals.all())}
            for o in sorted(organisations, key=lambda o: (o.pk != cooperation.pk, o.name))]


def templates_available(cooperation: Organisation | None = None) -> QuerySet[PathwayTemplate]:
    """Templates a pathway of the cooperation may follow: the shared ones and its own."""
    allowed = Q(cooperation=None)
    if cooperation is not None:
        allowed |= Q(cooperation=cooperation)
    return (PathwayTemplate.objects.filter(allowed).select_related("cooperation")
            .order_by(F("cooperation").asc(nulls_first=True), "name"))


def template_get(code: str) -> PathwayTemplate:
    found = (PathwayTemplate.objects.select_related("cooperation", "derived_from")
             .prefetch_related("activities").filter(code=code).first())
    if found is None:
        raise Http404(_("Modèle de parcours inconnu."))
    return found


# — Patients' data ————————————————————————————————————————————————————————————————————————————


def _pathways() -> QuerySet[Pathway]:
    # The commune's outlines and age table are large JSON: decoding them for every row of a
    # list of 2,000 pathways cost over a second. Pathways only need the commune's name.
    return (Pathway.objects.select_related("patient", "patient__commune", "template",
                                           "cooperation", "coordinator")
            .defer(*(f"patient__commune__{f}" for f in COMMUNE_HEAVY_FIELDS),
                   "template__condition_codes"))


def pathway_get(*, actor: Any, key: Any, what: str, reason: str = "",
                action: str = Action.READ) -> Pathway:
    """A pathway the actor may see, logged; anyone else gets a 404 (and the attempt is logged)."""
    pathway = _pathways().filter(key=key).first()
    if pathway is None:
        raise Http404(_("Parcours introuvable."))
    allowed = can(actor, "coordination.view_pathway", pathway)
    if getattr(actor, "is_authenticated", False):
        access_record(actor=actor, pathway=pathway, action=action, what=what, reason=reason,
                      allowed=allowed)
    if not allowed:
        raise Http404(_("Parcours introuvable."))
    return pathway


def pathways_visible_to(actor: Any) -> QuerySet[Pathway]:
    """The pathways the actor may open (no log: callers log what they show)."""
    if not getattr(actor, "is_authenticated", False):
        return Pathway.objects.none()
    own = Q(patient__user=actor)
    if any(a.role in PROFESSIONAL_ROLES for a in roles_of(actor)):
        # Same rule as `rules.pathway_access`: only professional roles (MFA) see others' data.
        own |= Q(consents__status="active") & (Q(coordinator=actor) | Q(team__user=actor))
    return _pathways().filter(own).distinct()


def _with_open_alerts(actor: Any, at_risk_only: bool = False) -> QuerySet[Pathway]:
    """The actor's pathways, those with the most open alerts first, then by name."""
    found = pathways_visible_to(actor).annotate(
        open_alerts=Count("alerts", filter=Q(alerts__status="open"), distinct=True))
    if at_risk_only:
        found = found.filter(open_alerts__gt=0)
    return found.order_by("-open_alerts", "patient__family_name", "patient__given_name", "pk")


def pathways_list(*, actor: Any, reason: str = "") -> list[Pathway]:
    """All the actor's pathways with their open alerts; each patient shown gets a log entry."""
    pathways = list(_with_open_alerts(actor))
    access_record_many(actor=actor, pathways=pathways, action=Action.READ,
                       what=_("liste des parcours"), reason=reason)
    return pathways


@dataclass(frozen=True)
class PathwaySlice:
    rows: list[Pathway]
    total: int
    offset: int
    limit: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.rows) < self.total


def pathways_slice(*, actor: Any, offset: int = 0, limit: int = 50, at_risk_only: bool = False,
                   reason: str = "") -> PathwaySlice:
    """One page of the actor's pathways (at risk first); only the patients shown are logged."""
    found = _with_open_alerts(actor, at_risk_only)
    rows = list(found[offset:offset + limit])
    access_record_many(actor=actor, pathways=rows, action=Action.READ,
                       what=_("liste des parcours"), reason=reason)
    return PathwaySlice(rows, found.count(), offset, limit)


def patients_visible(*, actor: Any, reason: str = "") -> list[Patient]:
    """The patients of the actor's pathways, once each (each pathway shown is logged)."""
    seen: dict[int, Patient] = {}
    for pathway in pathways_list(actor=actor, reason=reason):
        seen.setdefault(pathway.patient_id, pathway.patient)
    return list(seen.values())


def patient_pathway_get(*, actor: Any, patient_key: Any, what: str, reason: str = "",
                        action: str = Action.READ) -> Pathway:
    """A pathway of the patient that the actor may open, logged like `pathway_get`.

    Anyone else gets the same 404 whether the patient exists or not; an attempt on an existing
    patient is written to their access log as refused, which only the patient reads.
    """
    pathway = pathways_visible_to(actor).filter(patient__key=patient_key).first()
    if pathway is None:
        patient = Patient.objects.filter(key=patient_key).first() if _is_uuid(
            patient_key) else None
        if patient is not None and getattr(actor, "is_authenticated", False):
            access_record(actor=actor, patient=patient, action=action, what=what,
                          reason=reason, allowed=False)
        raise Http404(_("Patient introuvable."))
    return pathway_get(actor=actor, key=pathway.key, what=what, reason=reason, action=action)


def _is_uuid(value: Any) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def pathway_record(pathway: Pathway) -> dict[str, Any]:
    """Everything shown on a pathway's page (call after `pathway_get`, which checks and logs)."""
    return {
        "team": list(pathway.team.select_related("user", "organisation")),
        "tasks": list(pathway.tasks.select_related("owner", "done_by", "activity")),
        "alerts": list(pathway.alerts.select_related("task", "resolved_by")),
        "consents": list(pathway.consents.select_related("recorded_by", "withdrawn_by")),
        "encounters": list(pathway.encounters.all()[:50]),
        "observations": list(pathway.observations.all()[:50]),
        "conditions": list(pathway.conditions.all()),
        "thread": list(pathway.messages.select_related("author")),
        "documents": list(pathway.documents.select_related("uploaded_by", "replaced_by")),
        "teleconsultations": list(pathway.teleconsultations.select_related("professional")),
        "questionnaires": list(pathway.questionnaire_responses.select_related(
            "questionnaire")),
    }


def document_get(*, actor: Any, pk: int) -> Document:
    document = Document.objects.select_related("pathway").filter(pk=pk).first()
    if document is None:
        raise Http404(_("Document introuvable."))
    pathway_get(actor=actor, key=document.pathway.key, what=_("document"))
    return document


def access_log_of(*, actor: Any) -> list[AccessLogEntry]:
    """« Qui a consulté mon dossier » : the entries about the actor as a patient."""
    patient = Patient.objects.filter(user=actor).first() if getattr(
        actor, "is_authenticated", False) else None
    if patient is None:
        return []
    return list(patient.access_log.select_related("pathway", "pathway__template")[:500])


@dataclass(frozen=True)
class CohortRow:
    pathway: str
    commune: str
    patients: int
    at_risk: int


def cohort(*, actor: Any, cooperation: Organisation | None = None) -> list[CohortRow]:
    """Patients and patients at risk of rupture (an open alert), by pathway and by commune.

    Only the actor's own pathways count (those they coordinate or care for): aggregates do not
    leak other teams' patients.
    """
    pathways = pathways_visible_to(actor).filter(status=Pathway.Status.ACTIVE)
    if cooperation is not None:
        pathways = pathways.filter(cooperation=cooperation)
    at_risk = set(Alert.objects.filter(pathway__in=pathways, status=Alert.Status.OPEN)
                  .values_list("pathway_id", flat=True))
    totals: Counter[tuple[str, str]] = Counter()
    risky: Counter[tuple[str, str]] = Counter()
    for pathway in pathways:
        key = (pathway.template.name if pathway.template else _("sans modèle"),
               pathway.patient.commune.name if pathway.patient.commune else _("non renseignée"))
        totals[key] += 1
        risky[key] += pathway.pk in at_risk
    return [CohortRow(k[0], k[1], n, risky[k]) for k, n in sorted(totals.items())]


def tasks_due(*, actor: Any, today: date, log: bool = False) -> list[CareTask]:
    """The actor's open tasks, the late ones first; with `log`, each pathway shown is logged
    (the pathways page logs its list itself)."""
    visible = pathways_visible_to(actor).filter(status=Pathway.Status.ACTIVE)
    tasks = list(CareTask.objects.filter(pathway__in=visible, owner=actor,
                                         status=CareTask.Status.REQUESTED)
                 .select_related("pathway", "pathway__patient").order_by("due_by")[:200])
    if log:
        for pathway in {t.pathway_id: t.pathway for t in tasks}.values():
            access_record(actor=actor, pathway=pathway, action=Action.READ,
                          what=_("tâches à faire"))
    return tasks


# Below this many answers a mean would say too much about a few patients: it is not shown.
MIN_ANSWERS_SHOWN = 5


@dataclass(frozen=True)
class ScoreRow:
    questionnaire: str
    kind: str
    answers: int
    mean_score: float | None
    max_score: int


def questionnaire_scores(*, cooperation: Organisation) -> list[ScoreRow]:
    """Mean questionnaire scores over the cooperation's pathways, anonymised by aggregation."""
    from django.db.models import Avg

    rows = (QuestionnaireResponse.objects
            .filter(pathway__cooperation=cooperation, status="completed",
                    pathway__consents__status="active")  # withdrawal takes answers out
            .values("questionnaire__title", "questionnaire__kind", "questionnaire__max_score")
            .annotate(n=Count("pk"), mean=Avg("score")).order_by("questionnaire__title"))
    return [ScoreRow(r["questionnaire__title"], r["questionnaire__kind"], r["n"],
                     r["mean"] if r["n"] >= MIN_ANSWERS_SHOWN else None,
                     r["questionnaire__max_score"]) for r in rows]


# — The territory's service evaluation (public) ————————————————————————————————————————————————


@dataclass(frozen=True)
class EvaluationRow:
    level: str  # "region", "departement" or "commune"
    code: str
    territory: str
    departement: str  # the département's code ("" for the région's row)
    questionnaire: str
    questionnaire_code: str
    kind: str
    answers: int
    mean_score: float
    max_score: int


def _suppress(cells: dict[Any, tuple[int, int]], parent_shown: bool) -> set[Any]:
    """Which child cells of a shown parent may be shown (k-anonymity with complementary hiding).

    `cells` maps a child to (answers, patients). A cell is shown only from MIN_ANSWERS_SHOWN
    answers by as many distinct patients; and since the parent's total minus the shown cells
    gives the hidden ones' sum, more cells are hidden (the smallest first) until the hidden
    ones together hold at least MIN_ANSWERS_SHOWN answers, or nothing is left to subtract.
    """
    if not parent_shown:
        return set()
    k = MIN_ANSWERS_SHOWN
    shown = {c for c, (n, people) in cells.items() if n >= k and people >= k}
    hidden = sum(cells[c][0] for c in cells if c not in shown)
    while shown and 0 < hidden < k:
        smallest = min(shown, key=lambda c: (cells[c][0], str(c)))
        shown.discard(smallest)
        hidden += cells[smallest][0]
    return shown


def territory_evaluation(*, region: str = "") -> list[EvaluationRow]:
    """Patients' questionnaire scores (PROMs, PREMs) by territory and questionnaire, anonymised.

    Completed answers of consented pathways are averaged per questionnaire for the région, each
    département and each commune of the patients. A row is shown only from MIN_ANSWERS_SHOWN
    answers by as many patients, and rows are hidden so that no hidden row can be recomputed by
    difference with its parent (région → départements → communes): no answer, patient or
    pathway can be derived from the table. Nothing else about the patients is returned.
    """
    from collections import defaultdict

    answers = (QuestionnaireResponse.objects
               .filter(status=QuestionnaireResponse.Status.COMPLETED, score__isnull=False,
                       pathway__patient__commune__isnull=False,
                       pathway__consents__status="active"))  # one active consent at most
    if region:
        answers = answers.filter(pathway__patient__commune__region_id=region)
    rows = answers.values_list(
        "pk", "score", "pathway__patient_id", "questionnaire__code", "questionnaire__title",
        "questionnaire__kind", "questionnaire__max_score",
        "pathway__patient__commune_id", "pathway__patient__commune__name",
        "pathway__patient__commune__departement_id",
        "pathway__patient__commune__departement__name",
        "pathway__patient__commune__region_id", "pathway__patient__commune__region__name")
    # (questionnaire, level, code) -> [scores], {patients}
    scores: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    people: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    names: dict[tuple[str, str], str] = {}
    parents: dict[tuple[str, str], str] = {}
    questionnaires: dict[str, tuple[str, str, int]] = {}
    for (_pk, score, patient, q_code, q_title, q_kind, q_max, commune, commune_name, dep,
         dep_name, reg, reg_name) in rows:
        questionnaires[q_code] = (q_title, q_kind, q_max)
        for level, code, name, parent in (("region", reg, reg_name, ""),
                                          ("departement", dep, dep_name, reg),
                                          ("commune", commune, commune_name, dep)):
            scores[(q_code, level, code)].append(score)
            people[(q_code, level, code)].add(patient)
            names[(level, code)] = name
            parents[(level, code)] = parent
    k = MIN_ANSWERS_SHOWN

    def cell(key: tuple[str, str, str]) -> tuple[int, int]:
        return len(scores[key]), len(people[key])

    shown: set[tuple[str, str, str]] = set()
    for q_code in questionnaires:
        for (q, level, code) in list(scores):
            if q != q_code or level != "region":
                continue
            n, persons = cell((q, level, code))
            region_shown = n >= k and persons >= k
            if region_shown:
                shown.add((q, level, code))
            deps = {key: cell(key) for key in scores if key[0] == q and key[1] == "departement"
                    and parents[(key[1], key[2])] == code}
            shown |= _suppress(deps, region_shown)
            for dep_key in deps:
                communes = {key: cell(key) for key in scores
                            if key[0] == q and key[1] == "commune"
                            and parents[(key[1], key[2])] == dep_key[2]}
                shown |= _suppress(communes, dep_key in shown)
    order = {"region": 0, "departement": 1, "commune": 2}
    result = []
    for key in shown:
        q_code, level, code = key
        title, kind, max_score = questionnaires[q_code]
        values = scores[key]
        dep = "" if level == "region" else (code if level == "departement"
                                           else parents[(level, code)])
        result.append(EvaluationRow(
            level=level, code=code, territory=names[(level, code)], departement=dep,
            questionnaire=title, questionnaire_code=q_code, kind=kind, answers=len(values),
            mean_score=round(sum(values) / len(values), 1), max_score=max_score))
    result.sort(key=lambda r: (r.questionnaire, r.departement, order[r.level], r.territory))
    return result
