"""Shared fixtures of the access-engine tests (no Django needed)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import settings

from maillage.engines.access import TravelTimeMatrix

# deterministic property tests, fast enough for every run
settings.register_profile("access", derandomize=True, max_examples=60, deadline=None)
settings.load_profile("access")


@pytest.fixture
def three_communes_two_sites() -> tuple[TravelTimeMatrix, np.ndarray, np.ndarray]:
    """Communes 0, 1, 2 (pop. 100, 50, 10) × sites 0, 1 (supply 10, 5).

    Travel times (minutes):      site 0   site 1
                      commune 0     5       40
                      commune 1    20       25
                      commune 2    35        0   (site 1 is in commune 2: time 0)
    """
    rows = [0, 0, 1, 1, 2, 2]
    cols = [0, 1, 0, 1, 0, 1]
    minutes = [5.0, 40.0, 20.0, 25.0, 35.0, 0.0]
    times = TravelTimeMatrix.from_triplets(rows, cols, minutes, (3, 2))
    return times, np.array([100.0, 50.0, 10.0]), np.array([10.0, 5.0])
