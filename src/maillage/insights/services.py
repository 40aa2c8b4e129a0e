"""Writes of the insights app: starting and executing access runs, loading DREES's reference."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.core.models import TaskProgress
from maillage.core.progress import ProgressCallback, progress_create
from maillage.engines.access import (
    DREES_APL_DECAY,
    PYSAL_E2SFCA_STEPS,
    CutoffDecay,
    DesertClass,
    DesertThresholds,
    GaussianDecay,
    GreatCircleTravelTime,
    ODMatrixTravelTime,
    classify_deserts,
    floating_catchment,
)
from maillage.engines.access.nearest import nearest_supply
from maillage.insights import defaults
from maillage.insights.inputs import (
    AccessDataMissing,
    DemandInput,
    FloatArray,
    SupplyInput,
    demand_for,
    supply_for,
)
from maillage.insights.models import AccessRun, CommuneAccess, Method, ReferenceApl
from maillage.insights.traveltimes import travel_time_description, travel_time_source
from maillage.territories.models import Commune, DataSource, Region
from maillage.territories.selectors import TerritoryRef

logger = logging.getLogger(__name__)

CATCHMENT_MINUTES = {Method.APL: 20.0, Method.E2SFCA: 30.0, Method.TWO_SFCA: 30.0,
                     Method.GAUSSIAN: 30.0}


def _validate(region: str, profession: str, method: str) -> None:
    if not Region.objects.filter(pk=region).exists():
        raise ValidationError(_("Région inconnue : %(code)s") % {"code": region},
                              code="unknown_region")
    if profession not in defaults.PROFESSIONS:
        raise ValidationError(
            _("Profession inconnue : %(p)s (attendu : %(known)s)")
            % {"p": profession, "known": ", ".join(defaults.PROFESSIONS)},
            code="unknown_profession",
        )
    if method not in Method.values:
        raise ValidationError(_("Méthode inconnue : %(m)s") % {"m": method},
                              code="unknown_method")


def access_run_create(
    *, actor: User | None, region: str, profession: str, method: str = Method.APL,
    speed_kmh: float | None = None, label: str = "",
) -> AccessRun:
    """Record a run (not yet computed); `actor` None is the command line (an operator)."""
    _validate(region, profession, method)
    if actor is not None and not actor.has_perm(
        "insights.add_accessrun", TerritoryRef("region", region)
    ):
        raise PermissionDenied(_("Vous ne pouvez pas lancer de calcul sur cette région."))
    speed = defaults.CALIBRATED_SPEED_KMH if speed_kmh is None else float(speed_kmh)
    if not 5 <= speed <= 130:
        raise ValidationError(_("Vitesse hors bornes (5 à 130 km/h) : %(s)s") % {"s": speed},
                              code="bad_speed")
    return AccessRun.objects.create(
        region_id=region, profession=profession, method=method, label=label,
        created_by=actor if actor and actor.pk else None,
        parameters={"speed_kmh": speed, "detour_factor": defaults.DETOUR_FACTOR,
                    "catchment_minutes": CATCHMENT_MINUTES[Method(method)]},
    )


def access_run_start(
    *, actor: User, region: str, profession: str, method: str = Method.APL,
    speed_kmh: float | None = None, label: str = "",
) -> AccessRun:
    """Create a run and queue its computation as a background task."""
    run = access_run_create(actor=actor, region=region, profession=profession, method=method,
                            speed_kmh=speed_kmh, label=label)
    progress = progress_create(
        title=_("Calcul d'accessibilité — %(p)s, région %(r)s")
        % {"p": defaults.PROFESSIONS[profession].label, "r": region},
        owner=actor,
    )
    AccessRun.objects.filter(pk=run.pk).update(progress=progress)
    from maillage.insights.tasks import access_run_task

    result = access_run_task.enqueue(run_id=run.pk, progress_key=str(progress.key))
    TaskProgress.objects.filter(pk=progress.pk).update(task_result_id=str(result.id))
    run.refresh_from_db()
    return run


def _decay(method: str):
    if method == Method.APL:
        return DREES_APL_DECAY
    if method == Method.E2SFCA:
        return PYSAL_E2SFCA_STEPS
    if method == Method.GAUSSIAN:
        return GaussianDecay(30.0)
    return CutoffDecay(30.0)


def access_run_execute(run: AccessRun, progress: ProgressCallback | None = None) -> AccessRun:
    """Compute a run and store its results; on failure the run says why and earlier runs stay.

    Raises AccessDataMissing or the engine's AccessInputError after recording the failure.
    """
    report = progress or (lambda step, done, total: None)
    AccessRun.objects.filter(pk=run.pk).update(state=AccessRun.State.RUNNING)
    try:
        summary = _compute_and_store(run, report)
    except Exception as exc:
        from maillage.insights.errors import describe

        AccessRun.objects.filter(pk=run.pk).update(
            state=AccessRun.State.FAILED, error=describe(exc), finished_at=timezone.now()
        )
        run.refresh_from_db()
        raise
    run.refresh_from_db()
    logger.debug("Access run %s: %s", run.pk, summary)
    return run


@dataclass(frozen=True, eq=False)
class ComputedAccess:
    """A run's figures before they are stored (also used by the calibration)."""

    demand: DemandInput
    supply: SupplyInput
    accessibility: FloatArray
    classes: npt.NDArray[np.int8]  # for the région's communes only
    thresholds: DesertThresholds
    mean: float
    population_by_class: dict[DesertClass, float]
    share_priority: float
    nearest_km: FloatArray
    nearest_minutes: FloatArray
    unserved_supply: float


def access_compute(
    *, region: str, profession: str, method: str, speed_kmh: float,
    detour_factor: float = defaults.DETOUR_FACTOR, progress: ProgressCallback | None = None,
) -> ComputedAccess:
    """Accessibility of every commune of the région (with its halo as context)."""
    report = progress or (lambda step, done, total: None)
    steps = 5
    report(_("Lecture des communes"), 0, steps)
    demand = demand_for(region)
    source = travel_time_source(speed_kmh=speed_kmh, detour_factor=detour_factor)
    halo_left_out = 0
    if isinstance(source, ODMatrixTravelTime):
        # A user's matrix covers the région and what they chose around it: neighbouring
        # communes it lacks are left out (and said so); the région's own must all be there.
        keep = demand.in_region | np.isin(np.asarray(demand.codes), sorted(source.codes))
        halo_left_out = int((~keep).sum())
        demand = demand.restricted(keep)
    report(_("Lecture de l'offre de soins"), 1, steps)
    supply = supply_for(profession, demand)
    if supply.amount.sum() <= 0:
        raise AccessDataMissing(
            _("Aucune offre chargée pour « %(p)s » autour de la région %(r)s : importez-la "
              "d'abord (maillage import_supply …).") % {"p": profession, "r": region}
        )
    if halo_left_out:
        supply.defaults_used.append(
            _("%(n)s communes voisines de la région absentes de la matrice de temps de trajet "
              "laissées de côté (leur population et leur offre ne comptent pas)")
            % {"n": halo_left_out})
    report(_("Temps de trajet"), 2, steps)
    decay = _decay(method)
    sites = demand.locations.take(supply.site_index)
    times = source.matrix(demand.locations, sites, max_minutes=decay.max_minutes)
    report(_("Calcul de l'accessibilité"), 3, steps)
    result = floating_catchment(
        times.weights(decay), demand.standardised_population, supply.amount
    )
    spec = defaults.PROFESSIONS[profession]
    accessibility = result.accessibility * (1.0 if spec.drees_thresholds else defaults.PER_100K)
    mask = demand.in_region
    if spec.drees_thresholds:
        thresholds = DesertThresholds()
    else:
        mean = float(np.average(accessibility[mask],
                                weights=np.maximum(demand.standardised_population[mask], 1e-9)))
        thresholds = DesertThresholds(priority=defaults.RELATIVE_PRIORITY * mean,
                                      complementary=defaults.RELATIVE_COMPLEMENTARY * mean)
    deserts = classify_deserts(
        accessibility[mask], demand.population[mask], demand.standardised_population[mask],
        thresholds,
    )
    nearest_km = nearest_supply(demand.locations, sites, supply.amount)
    # Minutes to the nearest site: always the great-circle model (an estimate with any source).
    estimate = GreatCircleTravelTime(detour_factor=detour_factor, speed_kmh=speed_kmh)
    return ComputedAccess(
        demand=demand, supply=supply, accessibility=accessibility, classes=deserts.classes,
        thresholds=thresholds, mean=deserts.mean_apl,
        population_by_class=deserts.population_by_class,
        share_priority=deserts.share_priority, nearest_km=nearest_km,
        nearest_minutes=estimate.minutes_for_km(nearest_km),
        unserved_supply=float(result.unserved_supply),
    )


def _compute_and_store(run: AccessRun, report: ProgressCallback) -> dict[str, object]:
    parameters = run.parameters
    computed = access_compute(
        region=run.region_id, profession=run.profession, method=run.method,
        speed_kmh=parameters["speed_kmh"], detour_factor=parameters["detour_factor"],
        progress=report,
    )
    demand, supply = computed.demand, computed.supply
    report(_("Enregistrement des résultats"), 4, 5)
    supply_at_commune = np.bincount(supply.site_index, weights=supply.amount,
                                    minlength=len(demand.codes))
    region_indices = np.flatnonzero(demand.in_region)
    rows = []
    for position, i in enumerate(region_indices):
        share = demand.share_75_plus[i]
        rows.append(CommuneAccess(
            run=run, commune_id=demand.codes[i],
            accessibility=float(computed.accessibility[i]),
            desert_class=int(computed.classes[position]),
            population=float(demand.population[i]),
            standardised_population=float(demand.standardised_population[i]),
            share_75_plus=None if np.isnan(share) else float(share),
            supply=float(supply_at_commune[i]),
            nearest_km=_finite(computed.nearest_km[i]),
            nearest_minutes=_finite(computed.nearest_minutes[i]),
        ))
    summary = {
        "communes": len(rows),
        "mean": computed.mean,
        "population_by_class": {DesertClass(c).name.lower(): v
                                for c, v in computed.population_by_class.items()},
        "population_75_by_class": _population_75_by_class(demand, region_indices,
                                                          computed.classes),
        "share_priority": computed.share_priority,
        "thresholds": asdict(computed.thresholds),
        "supply_total": float(supply_at_commune[region_indices].sum()),
        "halo_communes": int((~demand.in_region).sum()),
        "unserved_supply": computed.unserved_supply,
    }
    provenance = {
        "supply_sources": supply.sources,
        "defaults": supply.defaults_used + _demand_defaults(demand, run.profession),
        "standardisation": demand.standardisation,
        "travel_time": travel_time_description(
            speed_kmh=parameters["speed_kmh"], detour_factor=parameters["detour_factor"]),
        "territories": list(
            DataSource.objects.filter(name__startswith="COG").order_by()
            .values_list("version", flat=True).distinct()
        ),
        "territory_sources": _territory_sources(),
    }
    with transaction.atomic():
        CommuneAccess.objects.bulk_create(rows, batch_size=1000)
        AccessRun.objects.filter(pk=run.pk).update(
            state=AccessRun.State.SUCCEEDED, summary=summary, provenance=provenance,
            finished_at=timezone.now(), error="",
        )
    report(_("Terminé"), 5, 5)
    return summary


def _territory_sources() -> list[dict[str, str]]:
    """The territory files a run rests on (communes, centres, boundaries), once each."""
    seen: dict[tuple[str, str, str, str], dict[str, str]] = {}
    rows = (DataSource.objects.exclude(name="APL DREES").order_by("name")
            .values_list("name", "version", "licence", "attribution"))
    for name, version, licence, attribution in rows:
        # The COG files (régions, départements, communes, EPCI) share one origin and licence.
        label = _("Code officiel géographique") if name.startswith("COG") else name
        seen.setdefault((str(label), version, licence, attribution), {
            "name": str(label), "version": version, "licence": licence,
            "attribution": attribution})
    return list(seen.values())


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _population_75_by_class(demand, region_indices, classes) -> dict[str, float]:
    share = demand.share_75_plus[region_indices]
    known = ~np.isnan(share)
    old = np.where(known, share, 0.0) * demand.population[region_indices]
    totals = np.bincount(classes, weights=old, minlength=len(DesertClass))
    return {DesertClass(c).name.lower(): float(totals[c]) for c in DesertClass} | {
        "communes_with_age_data": int(known.sum())}


def _demand_defaults(demand, profession: str) -> list[str]:
    notes = []
    standardised = (demand.standardisation.get("drees_workbook")
                    or demand.standardisation.get("age_bands"))
    if standardised and profession != "generaliste":
        # DREES publishes its age weights for GPs only (workbook, sheet "Paramètres").
        notes.append(_("pondérations par âge de la consommation de soins de médecine générale "
                       "(DREES) appliquées faute de pondérations propres à cette profession"))
    if demand.standardisation.get("drees_workbook"):
        notes.append(_("population standardisée par l'âge reprise du classeur APL de la DREES "
                       "pour %(n)s communes") % {"n": demand.standardisation["drees_workbook"]})
    if demand.standardisation.get("none"):
        notes.append(_("population non standardisée (structure par âge inconnue) pour %(n)s "
                       "communes") % {"n": demand.standardisation["none"]})
    return notes


@transaction.atomic
def reference_apl_import(*, workbook_path: str, progress: ProgressCallback | None = None
                         ) -> tuple[int, int]:
    """Load DREES's APL workbook as the reference layer; idempotent. Returns (year, rows)."""
    from maillage.insights.drees_workbook import read_drees_apl_workbook

    workbook = read_drees_apl_workbook(workbook_path)
    rows = [
        ReferenceApl(year=workbook.year, commune_code=r.code, commune_name=r.name, apl=r.apl,
                     apl_65=r.apl_65, standardised_population=r.standardised_population,
                     population=r.population)
        for r in workbook.rows
    ]
    ReferenceApl.objects.filter(year=workbook.year).exclude(
        commune_code__in=[r.commune_code for r in rows]
    ).delete()
    ReferenceApl.objects.bulk_create(
        rows, batch_size=2000, update_conflicts=True, unique_fields=["year", "commune_code"],
        update_fields=["commune_name", "apl", "apl_65", "standardised_population", "population"],
    )
    DataSource.objects.update_or_create(
        name="APL DREES", file_name=workbook.file_name, scope=str(workbook.year),
        defaults={"origin": workbook_path, "version": f"APL {workbook.year}",
                  "licence": "Licence Ouverte / Etalab 2.0",
                  "attribution": "DREES, indicateur d'accessibilité potentielle localisée (APL)",
                  "sha256": workbook.sha256, "rows": len(rows)},
    )
    return workbook.year, len(rows)


def communes_loaded(region: str) -> int:
    return Commune.objects.filter(region_id=region).count()
