"""Access engine: travel times, floating-catchment accessibility, APL, deserts, scenarios,
site selection. Pure Python (numpy, scipy, pandas); never imports Django.

Formulas and DREES parameters: ``ACCESS_METHODS.md`` (shared design notes); each default in
code cites its source there or in DREES's workbook ``apl_generalistes_2022.xlsx``, sheet
"Paramètres".

Example: three communes, two GP sites, great-circle travel times, APL and desert classes,
then the effect of a new site.

>>> import numpy as np
>>> from maillage.engines.access import (
...     DREES_APL_DECAY, CatchmentModel, GreatCircleTravelTime, Locations, apl,
...     classify_deserts)
>>> communes = Locations(lat=[45.00, 45.05, 45.30], lon=[4.00, 4.05, 4.40],
...                      codes=["01001", "01002", "01003"])
>>> sites = communes.take([0, 1])              # GP sites in communes 0 and 1
>>> source = GreatCircleTravelTime()           # documented default detour and speed
>>> times = source.matrix(communes, sites, max_minutes=DREES_APL_DECAY.max_minutes)
>>> pop = np.array([1000.0, 500.0, 800.0])     # standardised population
>>> supply = np.array([4000.0, 3600.0])        # capped yearly activity per site
>>> result = apl(times, pop, supply)
>>> np.round(result.accessibility, 3).tolist()
[5.057, 5.086, 0.0]
>>> classify_deserts(result.accessibility, pop, pop).classes.tolist()
[2, 2, 0]
>>> model = CatchmentModel.from_times(times, DREES_APL_DECAY, pop, supply,
...                                   demand_locations=communes, source=source)
>>> delta = model.add_site_at(communes.take([2]), supply=3600.0)
>>> delta.demand_indices.tolist(), np.round(delta.after, 3).tolist()
([2], [4.5])
"""

from .apl import (
    AGE_BANDS,
    AGE_WEIGHTS_2022,
    AGE_WEIGHTS_2023,
    ActivityCaps,
    AplParameters,
    aggregate_supply,
    apl,
    capped_activity,
    standardised_population,
)
from .catchment import (
    AccessResult,
    enhanced_two_step_fca,
    floating_catchment,
    gaussian_two_step_fca,
    two_step_fca,
)
from .decay import (
    DREES_APL_DECAY,
    PYSAL_E2SFCA_STEPS,
    CutoffDecay,
    Decay,
    GaussianDecay,
    GravityDecay,
    StepDecay,
)
from .deserts import (
    DesertClass,
    DesertSummary,
    DesertThresholds,
    classify_deserts,
    territory_mean,
)
from .errors import AccessError, AccessInputError, TravelTimeServiceError
from .nearest import nearest_supply
from .reference import Agreement, agreement, best_scale
from .scenario import AddSite, CatchmentModel, ChangeDemand, ChangeSupply, ScenarioDelta
from .siting import (
    SitingResult,
    lifted_population_gains,
    maximal_covering,
    maximal_lifted_population,
)
from .traveltime import (
    DEFAULT_DETOUR_FACTOR,
    DEFAULT_SPEED_KMH,
    GreatCircleTravelTime,
    Locations,
    ODMatrixTravelTime,
    OSRMTravelTime,
    TravelTimeMatrix,
    TravelTimeSource,
    haversine_km,
)

__all__ = [
    "AGE_BANDS",
    "AGE_WEIGHTS_2022",
    "AGE_WEIGHTS_2023",
    "DEFAULT_DETOUR_FACTOR",
    "DEFAULT_SPEED_KMH",
    "DREES_APL_DECAY",
    "PYSAL_E2SFCA_STEPS",
    "AccessError",
    "AccessInputError",
    "AccessResult",
    "ActivityCaps",
    "AddSite",
    "Agreement",
    "AplParameters",
    "CatchmentModel",
    "ChangeDemand",
    "ChangeSupply",
    "CutoffDecay",
    "Decay",
    "DesertClass",
    "DesertSummary",
    "DesertThresholds",
    "GaussianDecay",
    "GravityDecay",
    "GreatCircleTravelTime",
    "Locations",
    "ODMatrixTravelTime",
    "OSRMTravelTime",
    "ScenarioDelta",
    "SitingResult",
    "StepDecay",
    "TravelTimeMatrix",
    "TravelTimeServiceError",
    "TravelTimeSource",
    "aggregate_supply",
    "agreement",
    "apl",
    "best_scale",
    "capped_activity",
    "classify_deserts",
    "enhanced_two_step_fca",
    "floating_catchment",
    "gaussian_two_step_fca",
    "haversine_km",
    "lifted_population_gains",
    "maximal_covering",
    "maximal_lifted_population",
    "nearest_supply",
    "standardised_population",
    "territory_mean",
    "two_step_fca",
]
