"""A population's arrays as compressed numpy bytes (what the database stores)."""

from __future__ import annotations

import io
from dataclasses import fields

import numpy as np

from maillage.engines.payment import Population


def population_to_bytes(population: Population) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{f.name: getattr(population, f.name)
                                   for f in fields(Population)})
    return buffer.getvalue()


def population_from_bytes(data: bytes | memoryview) -> Population:
    with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as arrays:
        return Population(**{f.name: arrays[f.name] for f in fields(Population)})
