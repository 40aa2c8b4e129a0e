"""Best-site optimisation: where should k new sites of a profession go in a région?

Runs the access engine's site selection (DESIGN.md, "Site selection"; engines/access/siting.py)
over candidate communes on the latest APL run's catchment model, as a background task with
progress. Two objectives:

- ``lifted``: the population lifted out of the zone d'intervention prioritaire (APL below the
  run's priority threshold) when each chosen site adds ``site_fte`` full-time equivalents;
- ``covering``: the population within ``max_minutes`` of a chosen site, not counting people
  already within that time of existing supply.

Small cases are solved exactly (HiGHS MIP through scipy); large ones by a greedy whose gap to
an upper bound (LP relaxation, or the submodular bound for covering) is reported. The result
becomes a scenario (new sites) in one click, whose effect ``scenario_compute`` then computes.
"""

from __future__ import annotations

import logging
import time

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.core.models import TaskProgress
from maillage.core.progress import ProgressCallback, progress_create
from maillage.engines.access import (
    DREES_APL_DECAY,
    AccessError,
    SitingResult,
    lifted_population_gains,
    maximal_covering,
    maximal_lifted_population,
)
from maillage.insights import defaults
from maillage.insights import selectors as insights
from maillage.insights.models import Method
from maillage.planning.models import Scenario, ScenarioChange, SitingRun
from maillage.planning.services import (
    scenario_base,
    scenario_change_add,
    scenario_compute,
    scenario_create,
)
from maillage.territories.models import Commune, Region
from maillage.territories.selectors import TerritoryRef

logger = logging.getLogger(__name__)

#: Seconds HiGHS may spend on the exact MIP or on the LP relaxation (the bound) of one run.
SOLVER_TIME_LIMIT = 25.0
#: Large cases: seconds of exact MIP after the greedy, for a better answer and a tighter bound.
REFINE_SECONDS = 20.0
MAX_SITES = 50
FACILITY_KINDS = ("msp", "centre_sante", "hopital")


def _check_analyst(actor: User | None, region: str) -> None:
    if actor is not None and not actor.has_perm("territories.analyse_territory",
                                                TerritoryRef("region", region)):
        raise PermissionDenied(_("Seuls les analystes de cette région cherchent des "
                                 "implantations."))


def siting_candidates(*, region: str, min_population: int = 0,
                      codes: list[str] | None = None) -> list[str]:
    """Candidate communes: those given (existing buildings) or every commune of the région
    with coordinates, keeping those with at least ``min_population`` inhabitants."""
    communes = Commune.objects.filter(region_id=region, latitude__isnull=False)
    if codes:
        wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
        found = set(communes.filter(pk__in=wanted).values_list("code", flat=True))
        missing = [c for c in wanted if c not in found]
        if missing:
            raise ValidationError({"candidate_codes": _(
                "Communes candidates inconnues, sans coordonnées ou hors de la région : "
                "%(c)s.") % {"c": ", ".join(missing[:20])}})
        communes = communes.filter(pk__in=wanted)
    if min_population:
        communes = communes.filter(population__gte=min_population)
    return sorted(communes.values_list("code", flat=True))


def siting_run_create(
    *, actor: User | None, region: str, profession: str, k: int,
    objective: str = SitingRun.Objective.LIFTED, site_fte: float = 2.0,
    max_minutes: float = 15.0, min_population: int = 0,
    candidate_codes: list[str] | None = None, with_facility: bool = False,
) -> SitingRun:
    """Check the request and record it (the computation is :func:`siting_run_execute`).

    ``with_facility`` keeps the candidates hosting an MSP, a centre de santé or a hospital
    (FINESS); the resulting list is stored as the run's candidates."""
    if not Region.objects.filter(pk=region).exists():
        raise ValidationError({"region": _("Région inconnue : %(c)s") % {"c": region}})
    _check_analyst(actor, region)
    errors: dict[str, str] = {}
    if profession not in defaults.PROFESSIONS:
        errors["profession"] = _("Profession inconnue : %(p)s") % {"p": profession}
    if objective not in SitingRun.Objective.values:
        errors["objective"] = _("Objectif inconnu : %(o)s") % {"o": objective}
    try:
        k = int(k)
    except (TypeError, ValueError):
        k = 0
    if not 1 <= k <= MAX_SITES:
        errors["k"] = _("Le nombre de sites va de 1 à %(n)s.") % {"n": MAX_SITES}
    try:
        site_fte, max_minutes = float(site_fte), float(max_minutes)
    except (TypeError, ValueError):
        site_fte = max_minutes = float("nan")
    if not 0 < site_fte <= 100:
        errors["site_fte"] = _("Les équivalents temps plein par site vont de 0 à 100.")
    if not 0 < max_minutes <= 120:
        errors["max_minutes"] = _("Le temps de trajet couvert va de 0 à 120 minutes.")
    try:
        min_population = int(min_population or 0)
    except (TypeError, ValueError):
        min_population = -1
    if min_population < 0:
        errors["min_population"] = _("La population minimale est un entier positif.")
    if errors:
        raise ValidationError(errors)
    if with_facility:
        # "existing buildings": communes that already host an MSP, a centre de santé or a
        # hospital (FINESS), within the analyst's list when there is one
        from maillage.healthcare.selectors import facilities_of_kinds

        hosting = sorted(set(facilities_of_kinds(
            kinds=list(FACILITY_KINDS), region=region).values_list("commune_id", flat=True)))
        if candidate_codes:
            hosting = [c for c in hosting if c in set(candidate_codes)]
        if not hosting:
            raise ValidationError({"with_facility": _(
                "Aucune commune candidate n'accueille d'établissement (MSP, centre de santé, "
                "hôpital) dans les données FINESS chargées.")})
        candidate_codes = hosting
    candidates = siting_candidates(region=region, min_population=min_population,
                                   codes=candidate_codes)
    if len(candidates) < k:
        raise ValidationError({"k": _(
            "Seulement %(n)s communes candidates pour %(k)s sites : élargissez les candidates "
            "ou baissez la population minimale.") % {"n": len(candidates), "k": k}})
    run = insights.latest_run(region, profession, Method.APL)
    if run is None:
        raise ValidationError(
            _("Aucun calcul d'accessibilité (APL) réussi pour cette région et cette profession :"
              " lancez-en un depuis le tableau de bord de l'accès."))
    return SitingRun.objects.create(
        region_id=region, profession=profession, objective=objective, k=k, site_fte=site_fte,
        max_minutes=max_minutes, min_population=min_population,
        candidate_codes=list(dict.fromkeys(candidate_codes or [])), base_run=run,
        created_by=actor if actor and actor.pk else None)


def siting_run_start(*, actor: User, **request: object) -> SitingRun:
    """Record the request and queue its computation as a background task with progress."""
    run = siting_run_create(actor=actor, **request)  # type: ignore[arg-type]
    progress = progress_create(
        title=_("Recherche de %(k)s implantations — %(p)s, région %(r)s") % {
            "k": run.k, "p": defaults.PROFESSIONS[run.profession].label, "r": run.region_id},
        owner=actor)
    SitingRun.objects.filter(pk=run.pk).update(progress=progress)
    from maillage.planning.tasks import siting_run_task

    result = siting_run_task.enqueue(run_id=run.pk, progress_key=str(progress.key))
    TaskProgress.objects.filter(pk=progress.pk).update(task_result_id=str(result.id))
    run.refresh_from_db()
    return run


def _noop(step: str, done: int, total: int) -> None:
    return None


def siting_run_execute(run: SitingRun, progress: ProgressCallback | None = None) -> SitingRun:
    """Solve the site selection and store the chosen sites, the gain, the bound and the gap.

    A failure is recorded on the run (state, message) and re-raised.
    """
    report = progress or _noop
    SitingRun.objects.filter(pk=run.pk).update(state=SitingRun.State.RUNNING, error="")
    try:
        result = _solve(run, report)
    except Exception as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        SitingRun.objects.filter(pk=run.pk).update(
            state=SitingRun.State.FAILED, error=message, finished_at=timezone.now())
        raise
    SitingRun.objects.filter(pk=run.pk).update(
        state=SitingRun.State.SUCCEEDED, result=result, finished_at=timezone.now())
    run.refresh_from_db()
    return run


def _solve(run: SitingRun, report: ProgressCallback) -> dict[str, object]:
    started = time.perf_counter()
    report(_("Lecture de l'offre et de la population"), 0, 4)
    codes = siting_candidates(region=run.region_id, min_population=run.min_population,
                              codes=run.candidate_codes or None)
    if len(codes) < run.k:
        raise ValidationError(_("Moins de communes candidates que de sites demandés."))
    base = scenario_base(region=run.region_id, profession=run.profession)
    demand = base.demand
    rows = np.asarray([base.row(c) for c in codes], dtype=np.int64)
    # people of the halo (other régions) count for nothing: the région plans for its own
    population = np.where(demand.in_region, demand.population, 0.0)
    site_supply = run.site_fte * base.supply_per_fte
    threshold = base.thresholds.priority / base.scale
    report(_("Temps de trajet vers les communes candidates"), 1, 4)
    radius = (DREES_APL_DECAY.max_minutes if run.objective == SitingRun.Objective.LIFTED
              else run.max_minutes)
    times = base.source.matrix(demand.locations, demand.locations.take(rows),
                               max_minutes=radius)
    report(_("Optimisation (HiGHS)"), 2, 4)
    try:
        if run.objective == SitingRun.Objective.LIFTED:
            result = maximal_lifted_population(
                base.model, times, DREES_APL_DECAY, site_supply, run.k, threshold,
                population=population, time_limit=SOLVER_TIME_LIMIT,
                refine_seconds=REFINE_SECONDS)
            gains = lifted_population_gains(base.model, times, DREES_APL_DECAY, site_supply)
            under = base.model.accessibility < threshold

            def alone(c: int) -> float:
                col = np.asarray(gains[:, c].todense()).reshape(-1)
                return float(population[under & (base.model.accessibility + col >= threshold)]
                             .sum())
        else:
            existing = base.source.matrix(
                demand.locations, demand.locations.take(base.supply.site_index),
                max_minutes=run.max_minutes)
            covered = np.zeros(demand.population.size, dtype=bool)
            covered[existing.rows] = True
            result = maximal_covering(times, population, run.k, run.max_minutes,
                                      already_covered=covered, time_limit=SOLVER_TIME_LIMIT)
            within = times.within(run.max_minutes)

            def alone(c: int) -> float:
                reached = within.rows[within.cols == c]
                return float(population[reached][~covered[reached]].sum())
    except AccessError as exc:
        raise ValidationError(str(exc)) from exc
    report(_("Enregistrement"), 3, 4)
    return _result_record(run, base, codes, result, alone, population, threshold,
                          time.perf_counter() - started)


def _result_record(run, base, codes, result: SitingResult, alone, population, threshold,
                   seconds: float) -> dict[str, object]:
    chosen_codes = [codes[int(c)] for c in result.chosen]
    names = dict(Commune.objects.filter(pk__in=chosen_codes).values_list("code", "name"))
    priority = base.model.accessibility < threshold
    return {
        "chosen": [{"order": n, "code": codes[int(c)], "name": names.get(codes[int(c)], ""),
                    "population": float(base.demand.population[base.row(codes[int(c)])]),
                    "gain_alone": alone(int(c))}
                   for n, c in enumerate(result.chosen, start=1)],
        "objective": result.objective,
        "bound": None if not np.isfinite(result.bound) else result.bound,
        "gap": None if not np.isfinite(result.gap) else result.gap,
        "method": result.method,
        "candidates": len(codes),
        "seconds": round(seconds, 3),
        "site_supply": run.site_fte * base.supply_per_fte,
        "unit": base.run.unit,
        "threshold": base.thresholds.priority,
        "population_priority_before": float(population[priority].sum()),
        "population_region": float(population.sum()),
        "base_run": base.run.pk,
    }


def siting_run_to_scenario(*, actor: User | None, run: SitingRun,
                           compute: bool = True) -> Scenario:
    """A scenario opening the chosen sites (``site_fte`` each), computed at once, to refine by
    hand. Asking twice returns the scenario already made."""
    _check_analyst(actor, run.region_id)
    if run.state != SitingRun.State.SUCCEEDED:
        raise ValidationError(_("La recherche d'implantations n'est pas terminée."))
    if run.scenario_id is not None:
        return run.scenario  # type: ignore[return-value]
    chosen = run.result.get("chosen", [])
    names = ", ".join(site["name"] or site["code"] for site in chosen)
    with transaction.atomic():
        locked = SitingRun.objects.select_for_update().get(pk=run.pk)
        if locked.scenario_id is not None:
            return locked.scenario  # type: ignore[return-value]
        scenario = scenario_create(
            actor=actor, region=run.region_id, profession=run.profession,
            name=_("%(k)s nouveaux sites (recherche n°%(n)s)") % {"k": len(chosen), "n": run.pk},
            description=_("Sites choisis par la recherche d'implantations n°%(n)s (%(o)s) : "
                          "%(s)s.") % {"n": run.pk, "o": run.get_objective_display(),
                                       "s": names})
        for site in chosen:
            scenario_change_add(actor=actor, scenario=scenario,
                                kind=ScenarioChange.Kind.NEW_SITE, commune=site["code"],
                                fte=run.site_fte,
                                label=_("Site n°%(o)s de la recherche") % {"o": site["order"]})
        SitingRun.objects.filter(pk=run.pk).update(scenario=scenario)
    if compute:
        try:
            scenario = scenario_compute(actor=actor, scenario=scenario)
        except ValidationError:
            logger.warning("Scenario %s from siting run %s not computed", scenario.pk, run.pk)
    run.refresh_from_db()
    return scenario
