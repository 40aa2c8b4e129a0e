"""HTTP API of the planning app: the same use cases as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from maillage.participation.api.common import ErrorOut, field_errors
from maillage.planning import selectors, services
from maillage.planning.models import Scenario, ScenarioChange

router = Router(tags=["planning"])


class ScenarioIn(Schema):
    region: str = Field(max_length=3)
    profession: str = Field(max_length=40)
    name: str = Field(max_length=200)
    description: str = Field("", max_length=5000)
    investment_cost_eur: float | None = Field(None, ge=0, lt=1e12)
    yearly_cost_eur: float | None = Field(None, ge=0, lt=1e12)


class ChangeIn(Schema):
    kind: ScenarioChange.Kind
    commune: str = Field(max_length=5)
    fte: float = Field(1.0, gt=0, le=100)
    hours_per_week: float | None = Field(None, gt=0, le=80)
    label: str = Field("", max_length=200)


class ChangeOut(Schema):
    id: int
    kind: str
    commune: str
    fte: float
    hours_per_week: float | None
    label: str


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
                           hours_per_week=c.hours_per_week, label=c.label)
                 for c in scenario.changes.all()],
    )


def _scenario(pk: int) -> Scenario:
    scenario = selectors.scenario_get(pk)
    if scenario is None:
        raise Http404("Scénario introuvable.")
    return scenario


@router.get("/scenarios", response=list[ScenarioOut], summary="Les scénarios (d'une région)")
def scenarios(request: HttpRequest, region: str | None = Query(None, max_length=3)):
    return [_out(s) for s in selectors.scenarios_for(region).prefetch_related("changes")[:200]]


@router.post("/scenarios", auth=django_auth,
             response={201: ScenarioOut, 400: ErrorOut, 403: ErrorOut},
             summary="Créer un scénario (analystes de la région)")
@field_errors
def create(request: HttpRequest, payload: ScenarioIn):
    return Status(201, _out(services.scenario_create(actor=request.user, **payload.dict())))


@router.get("/scenarios/{pk}", response={200: ScenarioOut, 404: ErrorOut},
            summary="Un scénario et son effet calculé")
def scenario(request: HttpRequest, pk: int):
    return _out(_scenario(pk))


@router.post("/scenarios/{pk}/changes", auth=django_auth,
             response={201: ScenarioOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Ajouter un changement d'offre")
@field_errors
def add_change(request: HttpRequest, pk: int, payload: ChangeIn):
    data = payload.dict()
    data["kind"] = str(payload.kind.value)
    services.scenario_change_add(actor=request.user, scenario=_scenario(pk), **data)
    return Status(201, _out(_scenario(pk)))


@router.post("/scenarios/{pk}/compute", auth=django_auth,
             response={200: ScenarioOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Calculer l'effet (delta du modèle de bassins)")
@field_errors
def compute(request: HttpRequest, pk: int):
    return _out(services.scenario_compute(actor=request.user, scenario=_scenario(pk)))


@router.get("/scenarios/{pk}/effects", response={200: list[EffectOut], 404: ErrorOut},
            summary="Accessibilité avant / après des communes touchées")
def effects(request: HttpRequest, pk: int):
    return [EffectOut(commune=e.commune_id, name=e.commune.name, before=e.before, after=e.after,
                      difference=e.difference, class_before=e.class_before,
                      class_after=e.class_after, population=e.population,
                      population_75_plus=e.population_75_plus)
            for e in selectors.scenario_effects(_scenario(pk))]


@router.get("/compare", response=list[dict[str, Any]],
            summary="Comparer des scénarios côte à côte")
def compare(request: HttpRequest, ids: list[int] = Query(..., max_length=10)):  # noqa: B008
    rows = selectors.scenarios_compare(list(selectors.scenarios_for().filter(pk__in=ids)))
    return [{k: (v.pk if k == "scenario" else v) for k, v in row.items()} for row in rows]
