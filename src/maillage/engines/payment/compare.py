"""All models side by side on one population, per year and per professional group.

>>> from maillage.engines.payment.population import synthetic_population
>>> comparison = simulate(synthetic_population(500, seed=3), Scenario())
>>> list(comparison.team_by_year)
['fee_for_service', 'peps', 'ipep', 'episode', 'mssp']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from maillage.engines.payment.models import (
    ModelResult,
    episode_bundle,
    fee_for_service,
    ipep_bonus,
    mssp_shared_savings,
    peps_capitation,
)
from maillage.engines.payment.parameters import Scenario
from maillage.engines.payment.population import FloatArray, IntArray, Population

MODELS: dict[str, Callable[[Population, object], ModelResult]] = {
    "fee_for_service": fee_for_service,  # type: ignore[dict-item]
    "peps": peps_capitation,  # type: ignore[dict-item]
    "ipep": ipep_bonus,  # type: ignore[dict-item]
    "episode": episode_bundle,  # type: ignore[dict-item]
    "mssp": mssp_shared_savings,  # type: ignore[dict-item]
}


@dataclass(frozen=True, eq=False)
class Comparison:
    years: IntArray
    patients_by_year: IntArray
    results: dict[str, ModelResult]
    team_by_year: dict[str, FloatArray]  # (years,)
    payer_by_year: dict[str, FloatArray]  # (years,)
    group_by_year: dict[str, FloatArray]  # (years, groups)


def run_model(population: Population, scenario: Scenario, model: str) -> ModelResult:
    return MODELS[model](population, getattr(scenario, model))


def simulate(population: Population, scenario: Scenario,
             models: Sequence[str] = tuple(MODELS)) -> Comparison:
    """Apply every model and add up per year (team revenue, payer cost, each group)."""
    years, index = population.years()
    y = len(years)
    results = {m: run_model(population, scenario, m) for m in models}
    team, payer, groups = {}, {}, {}
    for m, r in results.items():
        groups[m] = np.stack([np.bincount(index, weights=r.by_group[:, g], minlength=y)
                              for g in range(r.by_group.shape[1])], axis=1)
        team[m] = groups[m].sum(axis=1)
        payer[m] = np.bincount(index, weights=r.payer_cost, minlength=y)
    return Comparison(years, np.bincount(index, minlength=y), results, team, payer, groups)


def sensitivity(population: Population, scenario: Scenario, model: str, parameter: str,
                values: Sequence[float]) -> tuple[FloatArray, FloatArray]:
    """Team revenue and payer cost (all years) of one model as one parameter varies."""
    team, payer = [], []
    for value in values:
        changed = replace(getattr(scenario, model), **{parameter: value})
        result = MODELS[model](population, changed)
        team.append(result.team_revenue.sum())
        payer.append(result.payer_cost.sum())
    return np.asarray(team), np.asarray(payer)
