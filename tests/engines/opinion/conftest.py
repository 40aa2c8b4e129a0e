"""Fixtures for the opinion engine: small hand-built conversations and Pol.is's open data.

The real conversations come from compdemocracy/openData (CC BY 4.0): "Data was gathered
using the Polis software (compdemocracy.org/polis) and is sub-licensed under CC BY 4.0 with
Attribution to The Computational Democracy Project."
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from maillage.engines.opinion import VoteMatrix

REPO = Path(__file__).resolve().parents[3]

#: Statement ids of the two-camps conversation.
CAMP_A = ("a1", "a2")  # camp A agrees, camp B disagrees
CAMP_B = ("b1", "b2")  # camp B agrees, camp A disagrees
CONSENSUS = "both"  # everyone agrees
LUKEWARM = ("mixed1", "mixed2", "mixed3")  # random votes, no structure


@pytest.fixture(autouse=True, scope="session")
def _single_thread_blas():
    """Matrices here are tiny: BLAS/OpenMP thread start-up would cost more than the maths."""
    with threadpool_limits(limits=1):
        yield


def two_camps(
    n_per_camp: int = 12, *, noise: float = 0.05, seed: int = 0, id_offset: int = 0
) -> VoteMatrix:
    """Two camps that disagree on four statements, agree on one, and vote at random on three.

    A share ``noise`` of the structured votes is flipped to a pass, at seeded random.
    """
    rng = np.random.default_rng(seed)
    statements = [*CAMP_A, *CAMP_B, CONSENSUS, *LUKEWARM]
    camp_a = [1, 1, -1, -1, 1]
    camp_b = [-1, -1, 1, 1, 1]
    rows = [camp_a] * n_per_camp + [camp_b] * n_per_camp
    values = np.array(rows, dtype=float)
    values[rng.random(values.shape) < noise] = 0.0
    random_part = rng.choice([-1.0, 0.0, 1.0], size=(values.shape[0], len(LUKEWARM)))
    values = np.hstack([values, random_part])
    ids = np.arange(values.shape[0]) + id_offset
    return VoteMatrix(ids, np.array(statements), values)


@pytest.fixture
def camps() -> VoteMatrix:
    return two_camps()


def mirror_root() -> Path | None:
    """Directory of the open-data mirror, or None when there is none."""
    configured = os.environ.get("MAILLAGE_DATA_MIRROR")
    if configured:
        return Path(configured)
    default = REPO.parent / "shared" / "data"
    return default if default.is_dir() else None


@pytest.fixture(scope="session")
def polis_dir() -> Path:
    """Directory holding Pol.is's open-data conversations (CC BY 4.0, The Computational
    Democracy Project); skips when no mirror is available."""
    root = mirror_root()
    if root is None:
        pytest.skip("no data mirror: MAILLAGE_DATA_MIRROR is unset and ../shared/data is absent")
    path = root / "polis"
    if not path.is_dir():
        pytest.skip(f"the data mirror {root} has no polis/ directory")
    return path
