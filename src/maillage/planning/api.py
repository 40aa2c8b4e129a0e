"""HTTP API of the planning app: the same use cases as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from maillage.participation.api.common import ErrorOut, field_errors
from maillage.planning import optimisation, selectors, services
from maillage.planning.models import Scenario, ScenarioChange, SitingRun
from maillage.territories.selectors import TerritoryRef

router = Router(tags=["planning"])


class ScenarioIn(Schema):
    region: str = Field(max_length=3)
    profession: str = Field(max_length=40)
    name: str = Field(max_length=200)
    description: str = Field("", max_length=5000)
    investment_cost_eur: float | None = Field(None, ge=0, lt=1e12)
    yearly_cost_eur: float | None = Field(None, ge=0, lt=1e12)


class SlotIn(Schema):
    stop: str = Field(max_length=5, description="Code INSEE de l'arrêt")
    day: int = Field(ge=0, le=6, description="0 = lundi … 6 = dimanche")
    start: float = Field(ge=0, le=24, description="Heure de début (décimale)")
    end: float = Field(ge=0, le=24, description="Heure de fin (décimale)")


class ChangeIn(Schema):
    kind: ScenarioChange.Kind
    commune: str = Field("", max_length=5,
                         description="Commune ; destination d'une offre de transport ; "
                                     "premier arrêt d'une unité mobile par défaut")
    fte: float = Field(1.0, gt=0, le=100)
    hours_per_week: float | None = Field(None, gt=0, le=80)
    label: str = Field("", max_length=200)
    schedule: list[SlotIn] = Field(default_factory=list, max_length=50,
                                   description="Unité mobile : arrêts de la semaine")
    origins: list[str] = Field(default_factory=list, max_length=500,
                               description="Offre de transport : communes desservies")
    minutes_saved: float | None = Field(None, gt=0, le=120)
    member_share: float | None = Field(None, gt=0, le=1)


class ChangeOut(Schema):
    id: int
    kind: str
    commune: str
    fte: float
    hours_per_week: float | None
    label: str
    schedule: list[dict[str, Any]] = []
    origins: list[str] = []
    minutes_saved: float | None = None
    member_share: float | None = None


class ScenarioOut(Schema):
    id: int
    region: str
    profession: str
    name: str
    description: str
    state: str
    investment_cost_eur: float | None
    yearly_cost_eur: float | None
    base_run: int | None
    computed_at: datetime | None
    summary: dict[str, Any]
    changes: list[ChangeOut]


class EffectOut(Schema):
    commune: str
    name: str
    before: float
    after: float
    difference: float
    class_before: int
    class_after: int
    population: float
    population_75_plus: float | None


def _out(scenario: Scenario) -> ScenarioOut:
    return ScenarioOut(
        id=scenario.pk, region=scenario.region_id, profession=scenario.profession,
        name=scenario.name, description=scenario.description, state=scenario.state,
        investment_cost_eur=None if scenario.investment_cost_eur is None
        else float(scenario.investment_cost_eur),
        yearly_cost_eur=None if scenario.yearly_cost_eur is None
        else float(scenario.yearly_cost_eur),
        base_run=scenario.base_run_id, computed_at=scenario.computed_at,
        summary=scenario.summary or {},
        changes=[ChangeOut(id=c.pk, kind=c.kind, commune=c.commune_id, fte=c.fte,
                           hours_per_week=c.hours_per_week, label=c.label,
                           schedule=c.schedule or [], origins=c.origins or [],
                           minutes_saved=c.minutes_saved, member_share=c.member_share)
                 for c in scenario.changes.all()],
    )


def _scenario(pk: int, request: HttpRequest) -> Scenario:
    # A draft the caller may not read is reported as unknown, not as forbidden.
    scenario = selectors.scenario_visible(request.user, pk)
    if scenario is None:
        raise Http404(_("Scénario introuvable."))
    return scenario


@router.get("/scenarios", response=list[ScenarioOut], summary="Les scénarios (d'une région)")
def scenarios(request: HttpRequest, region: str | None = Query(None, max_length=3)):
    return [_out(s) for s in selectors.scenarios_visible(request.user, region)
            .prefetch_related("changes")[:200]]


@router.post("/scenarios", auth=django_auth,
             response={201: ScenarioOut, 400: ErrorOut, 403: ErrorOut},
             summary="Créer un scénario (analystes de la région)")
@field_errors
def create(request: HttpRequest, payload: ScenarioIn):
    return Status(201, _out(services.scenario_create(actor=request.user, **payload.dict())))


@router.get("/scenarios/{pk}", response={200: ScenarioOut, 404: ErrorOut},
            summary="Un scénario et son effet calculé")
def scenario(request: HttpRequest, pk: int):
    return _out(_scenario(pk, request))


@router.post("/scenarios/{pk}/changes", auth=django_auth,
             response={201: ScenarioOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Ajouter un changement d'offre")
@field_errors
def add_change(request: HttpRequest, pk: int, payload: ChangeIn):
    data = payload.dict()
    data["kind"] = str(payload.kind.value)
    services.scenario_change_add(actor=request.user, scenario=_scenario(pk, request), **data)
    return Status(201, _out(_scenario(pk, request)))


@router.post("/scenarios/{pk}/compute", auth=django_auth,
             response={200: ScenarioOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Calculer l'effet (delta du modèle de bassins)")
@field_errors
def compute(request: HttpRequest, pk: int):
    return _out(services.scenario_compute(actor=request.user, scenario=_scenario(pk, request)))


@router.get("/scenarios/{pk}/effects", response={200: list[EffectOut], 404: ErrorOut},
            summary="Accessibilité avant / après des communes touchées")
def effects(request: HttpRequest, pk: int):
    return [EffectOut(commune=e.commune_id, name=e.commune.name, before=e.before, after=e.after,
                      difference=e.difference, class_before=e.class_before,
                      class_after=e.class_after, population=e.population,
                      population_75_plus=e.population_75_plus)
            for e in selectors.scenario_effects(_scenario(pk, request))]


@router.get("/compare", response={200: list[dict[str, Any]], 404: ErrorOut},
            summary="Comparer des scénarios côte à côte",
            description="404 nommant les scénarios introuvables (ou non visibles) s'il y en a.")
def compare(request: HttpRequest, ids: list[int] = Query(..., max_length=10)):  # noqa: B008
    chosen, missing = selectors.scenarios_chosen(request.user, ids)
    if missing:
        return Status(404, ErrorOut(
            detail=_("Scénarios introuvables : %(ids)s.") % {
                "ids": ", ".join(str(i) for i in missing)},
            errors={"ids": [str(i) for i in missing]}))
    rows = selectors.scenarios_compare(chosen)
    return [{k: (v.pk if k == "scenario" else v) for k, v in row.items()} for row in rows]


class SitingIn(Schema):
    region: str = Field(max_length=3)
    profession: str = Field(max_length=40)
    k: int = Field(ge=1, le=50)
    objective: SitingRun.Objective = SitingRun.Objective.LIFTED
    site_fte: float = Field(2.0, gt=0, le=100)
    max_minutes: float = Field(15.0, gt=0, le=120)
    min_population: int = Field(0, ge=0)
    candidate_codes: list[str] = Field(default_factory=list, max_length=40_000)
    with_facility: bool = Field(False, description="Seulement les communes qui accueillent une "
                                "MSP, un centre de santé ou un hôpital (FINESS)")


class SitingOut(Schema):
    id: int
    region: str
    profession: str
    objective: str
    k: int
    site_fte: float
    max_minutes: float
    min_population: int
    candidate_codes: list[str]
    state: str
    error: str
    base_run: int | None
    progress: str | None
    scenario: int | None
    result: dict[str, Any]


def _siting_out(run: SitingRun) -> SitingOut:
    return SitingOut(
        id=run.pk, region=run.region_id, profession=run.profession, objective=run.objective,
        k=run.k, site_fte=run.site_fte, max_minutes=run.max_minutes,
        min_population=run.min_population, candidate_codes=run.candidate_codes or [],
        state=run.state, error=run.error, base_run=run.base_run_id,
        progress=str(run.progress.key) if run.progress else None,
        scenario=run.scenario_id, result=run.result or {})


def _siting_run(request: HttpRequest, pk: int) -> SitingRun:
    run = SitingRun.objects.select_related("progress").filter(pk=pk).first()
    if run is None:
        raise Http404(_("Recherche d'implantations introuvable."))
    if not request.user.has_perm("territories.analyse_territory",
                                 TerritoryRef("region", run.region_id)):
        raise PermissionDenied(_("Réservé aux analystes de la région."))
    return run


@router.post("/siting-runs", auth=django_auth,
             response={202: SitingOut, 400: ErrorOut, 403: ErrorOut},
             summary="Chercher où implanter k nouveaux sites (tâche en arrière-plan)")
@field_errors
def siting_start(request: HttpRequest, payload: SitingIn):
    data = payload.dict()
    data["objective"] = str(payload.objective.value)
    return Status(202, _siting_out(optimisation.siting_run_start(actor=request.user, **data)))


@router.get("/siting-runs/{pk}", auth=django_auth,
            response={200: SitingOut, 403: ErrorOut, 404: ErrorOut},
            summary="Une recherche d'implantations : état, sites choisis, gain, borne, écart")
@field_errors
def siting_get(request: HttpRequest, pk: int):
    return _siting_out(_siting_run(request, pk))


@router.post("/siting-runs/{pk}/scenario", auth=django_auth,
             response={201: ScenarioOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Faire des sites choisis un scénario (calculé)")
@field_errors
def siting_scenario(request: HttpRequest, pk: int):
    scenario = optimisation.siting_run_to_scenario(actor=request.user,
                                                   run=_siting_run(request, pk))
    return Status(201, _out(_scenario(scenario.pk, request)))


class RetirementsIn(Schema):
    age: int = Field(65, ge=50, le=80)
    year: int | None = Field(None, description="Année de projection (défaut : l'année en cours)")


@router.post("/scenarios/{pk}/retirements", auth=django_auth,
             response={201: ScenarioOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Ajouter les départs projetés des professionnels de 65 ans et plus")
@field_errors
def retirements(request: HttpRequest, pk: int, payload: RetirementsIn):
    from maillage.planning import projections

    projections.scenario_retirements_project(actor=request.user,
                                             scenario=_scenario(pk, request),
                                             age=payload.age, year=payload.year)
    return Status(201, _out(_scenario(pk, request)))


# The loop (publish, vote, decide, measure) has its own module, mounted here.
from maillage.planning.loop_api import router as loop_router  # noqa: E402

router.add_router("", loop_router)


class PriorityRowOut(Schema):
    code: str
    name: str
    index: float
    access: float
    elderly: float
    population_rank: float
    voice: float
    votes: float
    apl: float | None
    desert_class: int | None
    share_75_plus: float | None
    population: float
    signalements: int
    per_1000: float | None
    supporters: float


class PriorityOut(Schema):
    region: str
    profession: str
    weights: dict[str, float]
    run_id: int | None
    rows: list[PriorityRowOut]
    silent_deserts: list[str]
    unmeasured_difficulties: list[str]


@router.get("/priority-index", response={200: PriorityOut, 400: ErrorOut},
            summary="Indice de priorité des communes d'une région (poids modifiables)")
@field_errors
def priority_index(request: HttpRequest, region: str = Query(..., max_length=3),
                   profession: str = Query("generaliste", max_length=40),
                   w_access: float | None = None, w_elderly: float | None = None,
                   w_population: float | None = None, w_voice: float | None = None,
                   w_votes: float | None = None):
    from dataclasses import asdict

    from maillage.planning.priority import priority_index as compute

    found = compute(region=region, profession=profession, weights={
        "access": w_access, "elderly": w_elderly, "population": w_population,
        "voice": w_voice, "votes": w_votes})
    return asdict(found)


class WeightsIn(Schema):
    access: float | None = None
    elderly: float | None = None
    population: float | None = None
    voice: float | None = None
    votes: float | None = None


class PriorityCampaignIn(Schema):
    region: str = Field(max_length=3)
    profession: str = Field("generaliste", max_length=40)
    top: int = Field(20, ge=1, le=200, description="Nombre de communes ciblées")
    weights: WeightsIn = Field(default_factory=WeightsIn)
    title: str = Field(max_length=200)
    theme: str = Field(max_length=20)
    body: str = Field(max_length=20_000)
    organiser_name: str = Field(max_length=200)


class CampaignOut(Schema):
    id: int
    title: str
    region: str
    communes: list[str]
    criteria: dict[str, Any]
    url: str


class ScreeningIn(Schema):
    region: str = Field(max_length=3)
    profession: str = Field("generaliste", max_length=40)
    top: int = Field(20, ge=1, le=200)
    weights: WeightsIn = Field(default_factory=WeightsIn)
    cooperation: int
    template: str = Field(max_length=40, description="Code du modèle de parcours")
    activity_code: str = Field(max_length=60)
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5000)
    starts_on: date | None = None
    ends_on: date | None = None


class ScreeningOut(Schema):
    id: int
    title: str
    region: str
    cooperation: int
    template: str
    activity_code: str
    communes: list[str]
    criteria: dict[str, Any]
    starts_on: str | None
    ends_on: str | None


def _screening_out(action: Any) -> ScreeningOut:
    return ScreeningOut(
        id=action.pk, title=action.title, region=action.region_id,
        cooperation=action.cooperation_id, template=action.template.code,
        activity_code=action.activity_code, communes=list(action.communes),
        criteria=action.criteria or {},
        starts_on=action.starts_on.isoformat() if action.starts_on else None,
        ends_on=action.ends_on.isoformat() if action.ends_on else None)


@router.post("/prevention/campaigns", auth=django_auth,
             response={201: CampaignOut, 400: ErrorOut, 403: ErrorOut},
             summary="Campagne de sensibilisation ciblée sur les communes prioritaires")
@field_errors
def prevention_campaign(request: HttpRequest, payload: PriorityCampaignIn):
    from maillage.planning import prevention

    data = payload.dict()
    weights = data.pop("weights")
    campaign = prevention.priority_campaign_create(actor=request.user, weights=weights, **data)
    return Status(201, CampaignOut(
        id=campaign.pk, title=campaign.title, region=campaign.region_id,
        communes=list(campaign.targets.values_list("commune_id", flat=True)),
        criteria=campaign.criteria, url=campaign.get_absolute_url()))


@router.post("/prevention/screenings", auth=django_auth,
             response={201: ScreeningOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Action de dépistage d'un parcours ciblée sur les communes prioritaires")
@field_errors
def prevention_screening(request: HttpRequest, payload: ScreeningIn):
    from maillage.accounts.models import Organisation
    from maillage.coordination.models import PathwayTemplate
    from maillage.planning import prevention

    cooperation = Organisation.objects.filter(pk=payload.cooperation).first()
    template = PathwayTemplate.objects.filter(code=payload.template).first()
    if cooperation is None or template is None:
        raise Http404(_("Coopération ou modèle de parcours introuvable."))
    data = payload.dict()
    weights = data.pop("weights")
    data.pop("cooperation")
    data.pop("template")
    action = prevention.screening_action_create(actor=request.user, cooperation=cooperation,
                                                template=template, weights=weights, **data)
    return Status(201, _screening_out(action))


@router.get("/prevention/screenings", response=list[ScreeningOut],
            summary="Les actions de dépistage ciblées (d'une région)")
def screenings(request: HttpRequest, region: str | None = Query(None, max_length=3)):
    from maillage.planning.models import ScreeningAction

    found = ScreeningAction.objects.select_related("template")
    if region:
        found = found.filter(region_id=region)
    return [_screening_out(a) for a in found[:200]]


@router.get("/prevention/screenings/{pk}", response={200: dict[str, Any], 404: ErrorOut},
            summary="Une action de dépistage : communes ciblées et services à proximité")
def screening(request: HttpRequest, pk: int):
    from maillage.planning import prevention
    from maillage.planning.models import ScreeningAction

    action = ScreeningAction.objects.select_related("template", "cooperation").filter(
        pk=pk).first()
    if action is None:
        raise Http404(_("Action de dépistage introuvable."))
    out = _screening_out(action).dict()
    out["targets"] = [{"code": t.code, "name": t.name, "index": t.index,
                       "services": [{"name": h.service.name,
                                     "organisation": h.service.organisation.name,
                                     "distance_km": h.distance_km} for h in t.services]}
                      for t in prevention.screening_targets(action)]
    return out
