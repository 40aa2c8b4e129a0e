"""HTTP API of the payment simulator: populations (upload, list, delete), simulate, export."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.responses import Status
from ninja.security import django_auth
from pydantic import Field

from maillage.accounts.models import Organisation
from maillage.engines.payment import GROUPS, PARAMETER_CLASSES, synthetic_population
from maillage.financing import exports, pathways, selectors, services
from maillage.financing.forms import MAX_UPLOAD_BYTES
from maillage.financing.importers import PopulationFileError, template_csv
from maillage.financing.models import Population
from maillage.financing.simulation import (
    MODEL_LABELS,
    PERCENTILES,
    Report,
    build_report,
    parameter_rows,
    scenario_from,
)

router = Router(tags=["financement des équipes"])


class PopulationOut(Schema):
    id: int
    name: str
    organisation: int
    source: str
    seed: int | None
    patients: int
    rows: int
    years: list[int]
    created_at: datetime

    @staticmethod
    def resolve_organisation(obj: Population) -> int:
        return obj.organisation_id


class ParameterOut(Schema):
    key: str
    label: str
    value: Any
    default: Any
    source: str
    assumption: bool
    unit: str


class SimulationIn(Schema):
    parameters: dict[str, Any] = Field(
        default_factory=dict,
        description="Valeurs à changer, clés « modèle.paramètre » (voir GET /parameters)")
    sensitivity: str | None = Field(None, description="« modèle.paramètre » à faire varier")


class SyntheticIn(SimulationIn):
    patients: int = Field(2000, ge=1, le=services.TRIAL_MAX_PATIENTS)
    seed: int = Field(42, ge=0, le=2**31 - 1)
    years: int = Field(1, ge=1, le=5)


class GenerateIn(Schema):
    organisation: int
    patients: int = Field(2000, ge=1, le=services.MAX_SYNTHETIC_PATIENTS)
    seed: int = Field(42, ge=0, le=2**31 - 1)
    years: int = Field(1, ge=1, le=services.MAX_SYNTHETIC_YEARS)
    name: str = Field("", max_length=200)


class FromPathwaysIn(Schema):
    organisation: int = Field(description="La coopération (organisation) que vous coordonnez")
    year: int = Field(ge=2000, le=2100, description="Année (la dernière si plusieurs)")
    years: int = Field(1, ge=1, le=5, description="Nombre d'années jusqu'à `year` incluse")
    name: str = Field("", max_length=200)


class ErrorOut(Schema):
    detail: str


class FileErrorOut(Schema):
    detail: str
    errors: list[str]


def _parameters_out(rows) -> list[dict[str, Any]]:
    return [{"key": p.key, "label": p.label, "value": _plain(p.value),
             "default": _plain(p.default), "source": p.source, "assumption": p.assumption,
             "unit": p.unit} for p in rows]


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _data(payload: SimulationIn) -> dict[str, str]:
    """The API's JSON values as the form's strings; a refused value is a 400, not a default."""
    known = {f"{m}.{f}" for m, cls in PARAMETER_CLASSES.items()
             for f in cls.__dataclass_fields__}
    unknown = sorted(set(payload.parameters) - known)
    if unknown:
        raise HttpError(400, f"Paramètre(s) inconnu(s) : {', '.join(unknown)}.")
    data: dict[str, str] = {"parametres": "1"}
    for row in parameter_rows(scenario_from({})[0]):
        value = payload.parameters.get(row.key, row.default)
        if isinstance(row.default, bool):
            if not isinstance(value, bool):
                raise HttpError(400, f"« {row.key} » : true ou false attendu.")
            if value:
                data[row.key] = "on"
        elif row.key in payload.parameters:
            data[row.key] = (" ".join(str(v) for v in value) if isinstance(value, list)
                             else str(value))
    if payload.sensitivity:
        data["sensibilite"] = payload.sensitivity
    _scenario, errors = scenario_from(data)
    if errors:
        raise HttpError(400, " ".join(errors))
    return data


def _report_out(report: Report) -> dict[str, Any]:
    c = report.comparison
    if report.errors:
        raise HttpError(400, " ".join(report.errors))
    distribution = {r["model"]: dict(zip([f"p{p}" for p in PERCENTILES], r["values"],
                                         strict=True)) | {"mean": r["mean"]}
                    for r in report.distribution_rows()}
    models = {
        m: {"label": str(MODEL_LABELS[m]),
            "team_by_year": c.team_by_year[m].tolist(),
            "payer_by_year": c.payer_by_year[m].tolist(),
            "groups_by_year": {g: c.group_by_year[m][:, i].tolist()
                               for i, g in enumerate(GROUPS)},
            "team_rules_by_year": {k: v.tolist() for k, v in r.per_year.items()},
            "team_per_patient": distribution[m]}
        for m, r in c.results.items()
    }
    sensitivity = None
    if report.sensitivity is not None:
        s = report.sensitivity
        sensitivity = {"parameter": s.key, "label": s.label, "values": s.values,
                       "team": s.team, "payer": s.payer}
    return {"years": report.years, "patients_by_year": c.patients_by_year.tolist(),
            "models": models, "parameters": _parameters_out(report.parameters),
            "estimated_reference": report.estimated_reference, "sensitivity": sensitivity}


def _population(request: HttpRequest, pk: int, perm: str) -> Population:
    return selectors.population_get(actor=request.user, pk=pk, perm=perm)


@router.get("/parameters", response=list[ParameterOut],
            summary="Paramètres des modèles : défaut, source, hypothèse")
def parameters(request: HttpRequest):
    return _parameters_out(parameter_rows(scenario_from({})[0]))


@router.get("/template.csv", summary="Modèle de fichier de population (en-tête exact)")
def template(request: HttpRequest) -> HttpResponse:
    return HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")


@router.post("/synthetic/simulate", summary="Simuler sur une population synthétique (rien "
                                            "n'est enregistré)")
def simulate_synthetic(request: HttpRequest, payload: SyntheticIn) -> dict[str, Any]:
    population = synthetic_population(payload.patients, seed=payload.seed, years=payload.years)
    return _report_out(build_report(population, _data(payload)))


@router.get("/populations", response=list[PopulationOut], auth=django_auth,
            summary="Populations de mes organisations")
def list_populations(request: HttpRequest):
    return list(selectors.populations_for(request.user))


@router.post("/populations", response={200: PopulationOut, 201: PopulationOut,
                                       400: FileErrorOut}, auth=django_auth,
             summary="Déposer une population (CSV, multipart) ; même fichier → même population")
def upload(request: HttpRequest, organisation: Form[int], file: File[UploadedFile],
           name: Form[str] = ""):
    if file.size and file.size > MAX_UPLOAD_BYTES:
        raise HttpError(400, "Fichier trop volumineux (50 Mo au plus).")
    target = _organisation(request, organisation)
    try:
        population, created = services.population_upload(
            actor=request.user, organisation=target, name=name, content=file.read())
    except PopulationFileError as exc:
        return Status(400, {"detail": "Fichier refusé : rien n'a été enregistré.",
                            "errors": exc.errors})
    return Status(201 if created else 200, population)


@router.post("/populations/synthetic", response={200: PopulationOut, 201: PopulationOut},
             auth=django_auth, summary="Enregistrer une population synthétique")
def generate(request: HttpRequest, payload: GenerateIn):
    target = _organisation(request, payload.organisation)
    population, created = services.population_generate(
        actor=request.user, organisation=target, patients=payload.patients, seed=payload.seed,
        years=payload.years, name=payload.name)
    return Status(201 if created else 200, population)


@router.post("/populations/from-pathways",
             response={200: PopulationOut, 201: PopulationOut, 400: ErrorOut, 403: ErrorOut},
             auth=django_auth,
             summary="Utiliser les parcours de la coopération, anonymisés (coordination)")
def from_pathways(request: HttpRequest, payload: FromPathwaysIn):
    """Only a coordinator of the cooperation; pathways with active consent; refused below
    10 patients. Each patient exported gets one entry in their access log."""
    target = _organisation(request, payload.organisation)
    try:
        population, created = pathways.population_from_pathways(
            actor=request.user, organisation=target, year=payload.year, years=payload.years,
            name=payload.name)
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc) or "Accès refusé."})
    except ValidationError as exc:
        return Status(400, {"detail": " ".join(exc.messages)})
    return Status(201 if created else 200, population)


def _organisation(request: HttpRequest, pk: int) -> Organisation:
    organisation = selectors.organisations_for(request.user).filter(pk=pk).first()
    if organisation is None:
        raise HttpError(403, "Vous n'êtes pas membre de cette organisation.")
    return organisation


@router.get("/populations/{pk}", response=PopulationOut, auth=django_auth)
def get_population(request: HttpRequest, pk: int):
    return _population(request, pk, "financing.view_population")


@router.delete("/populations/{pk}", response={204: None}, auth=django_auth,
               summary="Supprimer une population")
def delete_population(request: HttpRequest, pk: int):
    population = _population(request, pk, "financing.view_population")
    services.population_delete(actor=request.user, population=population)
    return Status(204, None)


@router.post("/populations/{pk}/simulate", auth=django_auth,
             summary="Comparer les modèles (par année, par groupe, par patient)")
def simulate_population(request: HttpRequest, pk: int, payload: SimulationIn
                        ) -> dict[str, Any]:
    population = _population(request, pk, "financing.simulate_population")
    return _report_out(build_report(selectors.population_arrays(population), _data(payload)))


@router.post("/populations/{pk}/export.{fmt}", auth=django_auth,
             summary="Exporter une simulation (csv ou pdf)")
def export_population(request: HttpRequest, pk: int, fmt: str, payload: SimulationIn
                      ) -> HttpResponse:
    if fmt not in ("csv", "pdf"):
        raise HttpError(404, "Format inconnu (csv ou pdf).")
    population = _population(request, pk, "financing.export_population")
    report = build_report(selectors.population_arrays(population), _data(payload))
    if fmt == "csv":
        return HttpResponse(exports.report_csv(report, population.name),
                            content_type="text/csv; charset=utf-8")
    return HttpResponse(exports.report_pdf(report, population.name),
                        content_type="application/pdf")
