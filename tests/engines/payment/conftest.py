from __future__ import annotations

import numpy as np
import pytest

from maillage.engines.payment import Population


def tiny(n: int = 2, **columns) -> Population:
    """A hand-made population: neutral defaults, overridden column by column."""
    values = {
        "year": np.full(n, 2024), "age_band": np.full(n, 2), "sex": np.zeros(n, dtype=int),
        "ald_count": np.zeros(n, dtype=int), "css": np.zeros(n, dtype=bool),
        "deprivation_quintile": np.full(n, 3), "acts": np.zeros((n, 3)),
        "fees": np.zeros((n, 3)), "spending": np.full(n, 1000.0),
        "spending_previous": np.full(n, np.nan), "spending_reference": np.full(n, 1000.0),
        "quality": np.full(n, 50.0), "experience": np.full(n, np.nan),
        "episode": np.zeros(n, dtype=int), "episode_spending": np.zeros(n),
    }
    for name, value in columns.items():
        values[name] = np.asarray(value, dtype=values[name].dtype)
    return Population(**values)


@pytest.fixture
def make_population():
    return tiny
