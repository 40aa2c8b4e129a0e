"""Payment-model formulas: fee-for-service, Peps capitation, Ipep bonus, episode bundle, MSSP.

Pure numpy, never Django. A population is arrays (one row per patient and year); each model
is one function; :func:`simulate` runs them all and adds up per year and professional group.

>>> population = synthetic_population(1000, seed=42, years=2)
>>> comparison = simulate(population, Scenario())
>>> comparison.years.tolist()
[2024, 2025]
>>> bool(comparison.team_by_year["peps"][0] <= 1.2 * comparison.group_by_year[
...     "fee_for_service"][0, :2].sum() + comparison.group_by_year["peps"][0, 2:].sum() + 1e-6)
True
"""

from maillage.engines.payment.compare import MODELS, Comparison, sensitivity, simulate
from maillage.engines.payment.models import (
    ModelResult,
    episode_bundle,
    fee_for_service,
    ipep_bonus,
    mssp_shared_savings,
    peps_capitation,
    team_quality,
)
from maillage.engines.payment.parameters import (
    PARAMETER_CLASSES,
    EpisodeParameters,
    FeeForServiceParameters,
    IpepParameters,
    MsspParameters,
    ParameterInfo,
    PepsParameters,
    Scenario,
    describe,
)
from maillage.engines.payment.population import (
    AGE_BANDS,
    ALD_CODES,
    EPISODES,
    GROUPS,
    PROFESSIONS,
    SEXES,
    Population,
    PopulationError,
    reference_spending,
    synthetic_population,
)

__all__ = [
    "AGE_BANDS", "ALD_CODES", "EPISODES", "GROUPS", "MODELS", "PARAMETER_CLASSES",
    "PROFESSIONS", "SEXES", "Comparison", "EpisodeParameters", "FeeForServiceParameters",
    "IpepParameters", "ModelResult", "MsspParameters", "ParameterInfo", "PepsParameters",
    "Population", "PopulationError", "Scenario", "describe", "episode_bundle",
    "fee_for_service", "ipep_bonus", "mssp_shared_savings", "peps_capitation",
    "reference_spending", "sensitivity", "simulate", "synthetic_population", "team_quality",
]
