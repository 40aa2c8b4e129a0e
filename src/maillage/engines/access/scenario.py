"""Scenario deltas: the effect of a change, recomputed on its neighbourhood only.

:class:`CatchmentModel` keeps the sparse weights W (CSR and CSC), demand P, supply S, the
step-1 denominators D = Wᵀ P, the ratios R = S / D and the accessibility A = W R
(ACCESS_METHODS.md, 2SFCA section; DESIGN.md, "Scenario delta"). Locality:

- a change of supply S_j (or a new site) changes R_j only - D depends on demand alone - so
  only the demand points of j's catchment change;
- a change of demand P_i changes D_j for the supply points j that i reaches, hence R_j, hence
  A for the demand points in those catchments (the two-hop neighbourhood).

The changed D_j and R_j are recomputed from their column (never by increments). A is then
updated on the affected demand points either as A_i + Σ_j W_ij ΔR_j (default; cost O(nnz of
the changed columns), exact up to a few ulps) or, with ``recompute_rows=True``, re-summed as
Σ_k W_ik R'_k over the affected rows (cost O(nnz of those rows); bit-for-bit the order of a
full run). Both equal a full recomputation to 1e-9 (tests/engines/access/test_scenario.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from .catchment import AccessResult, floating_catchment
from .decay import Decay
from .errors import AccessInputError
from .traveltime import Locations, TravelTimeMatrix, TravelTimeSource

__all__ = ["AddSite", "CatchmentModel", "ChangeDemand", "ChangeSupply", "ScenarioDelta"]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ChangeSupply:
    """Set the supply of existing supply point ``index`` to ``supply`` (0 removes it)."""

    index: int
    supply: float


@dataclass(frozen=True)
class ChangeDemand:
    """Set the demand (population) of demand point ``index`` to ``demand``."""

    index: int
    demand: float


@dataclass(frozen=True, eq=False)
class AddSite:
    """A new supply point: its catchment (demand rows, weights > 0) and its supply."""

    rows: IntArray
    weights: FloatArray
    supply: float

    @classmethod
    def from_times(cls, column: TravelTimeMatrix, decay: Decay, supply: float) -> AddSite:
        """From a one-column travel-time matrix (demand × the new site)."""
        if column.shape[1] != 1:
            raise AccessInputError("a new site needs a one-column matrix", field="column")
        w = np.asarray(decay(column.minutes), dtype=np.float64)
        keep = w > 0
        return cls(rows=column.rows[keep], weights=w[keep], supply=float(supply))


Change = ChangeSupply | ChangeDemand | AddSite


@dataclass(frozen=True, eq=False)
class ScenarioDelta:
    """Accessibility after a change, on the affected demand points only.

    Attributes
    ----------
    demand_indices
        Affected demand points (sorted).
    before, after
        A_i before and after, for those points.
    changed_supply_indices
        Supply points whose R changed (new sites get indices n_supply, n_supply + 1, …).
    new_supply_ratio
        R_j after, for ``changed_supply_indices``.
    """

    demand_indices: IntArray
    before: FloatArray
    after: FloatArray
    changed_supply_indices: IntArray
    new_supply_ratio: FloatArray

    def accessibility(self, baseline: FloatArray) -> FloatArray:
        """The full accessibility vector after the change (a copy of ``baseline``, patched)."""
        out = np.array(baseline, dtype=np.float64, copy=True)
        out[self.demand_indices] = self.after
        return out

    @property
    def gain(self) -> FloatArray:
        """after − before on the affected points."""
        return self.after - self.before


class CatchmentModel:
    """Baseline state of a floating-catchment computation, ready for cheap deltas.

    Parameters
    ----------
    weights
        (n_demand × n_supply) sparse W.
    demand, supply
        P and S.
    decay, demand_locations, source
        Optional: needed only by :meth:`add_site_at` (times from the demand points to a new
        location, cut at ``decay.max_minutes``).

    Examples
    --------
    >>> t = TravelTimeMatrix.from_triplets([0, 1, 1, 2], [0, 0, 1, 1], [5, 20, 25, 0], (3, 2))
    >>> from maillage.engines.access.decay import CutoffDecay
    >>> model = CatchmentModel(t.weights(CutoffDecay(30)), [100, 50, 10], [10, 5])
    >>> delta = model.evaluate([ChangeSupply(index=1, supply=0.0)])
    >>> delta.demand_indices.tolist(), np.round(delta.after, 6).tolist()
    ([1, 2], [0.066667, 0.0])
    """

    def __init__(
        self,
        weights: sp.csr_matrix | sp.sparray,
        demand: npt.ArrayLike,
        supply: npt.ArrayLike,
        *,
        decay: Decay | None = None,
        demand_locations: Locations | None = None,
        source: TravelTimeSource | None = None,
    ) -> None:
        self.weights = sp.csr_matrix(weights)
        self.weights_csc = self.weights.tocsc()
        result: AccessResult = floating_catchment(self.weights, demand, supply)
        self.demand = np.asarray(demand, dtype=np.float64).reshape(-1)
        self.supply = np.asarray(supply, dtype=np.float64).reshape(-1).copy()
        self.catchment_demand = result.catchment_demand
        self.supply_ratio = result.supply_ratio
        self.accessibility = result.accessibility
        self.decay = decay
        self.demand_locations = demand_locations
        self.source = source

    @classmethod
    def from_times(
        cls,
        times: TravelTimeMatrix,
        decay: Decay,
        demand: npt.ArrayLike,
        supply: npt.ArrayLike,
        *,
        demand_locations: Locations | None = None,
        source: TravelTimeSource | None = None,
    ) -> CatchmentModel:
        """Build from travel times and a decay (the usual entry point)."""
        return cls(
            times.weights(decay),
            demand,
            supply,
            decay=decay,
            demand_locations=demand_locations,
            source=source,
        )

    @property
    def n_demand(self) -> int:
        return int(self.weights.shape[0])

    @property
    def n_supply(self) -> int:
        return int(self.weights.shape[1])

    def new_site(self, location: Locations, supply: float) -> AddSite:
        """An :class:`AddSite` at ``location`` (one point), times from the model's source."""
        if self.source is None or self.decay is None or self.demand_locations is None:
            raise AccessInputError(
                "the model was built without source, decay and demand_locations",
                field="source",
            )
        if location.size != 1:
            raise AccessInputError("one location per new site", field="location")
        col = self.source.matrix(self.demand_locations, location, self.decay.max_minutes)
        return AddSite.from_times(col, self.decay, supply)

    def add_site_at(self, location: Locations, supply: float) -> ScenarioDelta:
        """Delta of opening a site with ``supply`` at ``location``."""
        return self.evaluate([self.new_site(location, supply)])

    def _column(self, j: IntArray | int) -> tuple[IntArray, FloatArray]:
        csc = self.weights_csc
        seg = slice(csc.indptr[j], csc.indptr[j + 1])
        return csc.indices[seg].astype(np.int64), csc.data[seg]

    def _gather(
        self, matrix: sp.csr_matrix | sp.csc_matrix, index: IntArray
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """(position in ``index``, inner index, value) of the entries of rows (CSR) or
        columns (CSC) ``index``: pure numpy, no scipy fancy indexing."""
        starts = matrix.indptr[index]
        lengths = matrix.indptr[index + 1] - starts
        owner = np.repeat(np.arange(index.size), lengths)
        offsets = np.cumsum(lengths) - lengths
        gather = np.arange(owner.size) - offsets[owner] + starts[owner]
        return owner, matrix.indices[gather].astype(np.int64), matrix.data[gather]

    def evaluate(self, changes: Sequence[Change], *, recompute_rows: bool = False) -> ScenarioDelta:
        """Accessibility after ``changes``, computed on the affected neighbourhood only.

        Parameters
        ----------
        changes
            :class:`ChangeSupply`, :class:`ChangeDemand` and :class:`AddSite` items; each
            existing point may be changed once.
        recompute_rows
            Re-sum A on the affected rows instead of adding W ΔR (see the module docstring).
        """
        supply_new: dict[int, float] = {}
        demand_new: dict[int, float] = {}
        sites: list[AddSite] = []
        for ch in changes:  # loop over the (few) changes, never over demand points
            if isinstance(ch, ChangeSupply | ChangeDemand):
                limit = self.n_supply if isinstance(ch, ChangeSupply) else self.n_demand
                target = supply_new if isinstance(ch, ChangeSupply) else demand_new
                value = ch.supply if isinstance(ch, ChangeSupply) else ch.demand
                if not 0 <= int(ch.index) < limit:
                    raise AccessInputError(f"no such point {ch.index}", field="index")
                if int(ch.index) in target:
                    raise AccessInputError(f"point {ch.index} changed twice", field="index")
                if not (np.isfinite(value) and value >= 0):
                    raise AccessInputError("values must be finite and >= 0", field="value")
                target[int(ch.index)] = float(value)
            elif isinstance(ch, AddSite):
                if not (np.isfinite(ch.supply) and ch.supply >= 0):
                    raise AccessInputError("supply must be finite and >= 0", field="supply")
                r_rows, r_w = np.asarray(ch.rows), np.asarray(ch.weights, dtype=np.float64)
                if (
                    r_rows.shape != r_w.shape
                    or (r_rows.size and (r_rows.min() < 0 or r_rows.max() >= self.n_demand))
                    or np.unique(r_rows).size != r_rows.size
                    or not np.all((r_w >= 0) & (r_w < np.inf))
                ):
                    raise AccessInputError(
                        "a new site needs distinct demand rows and finite weights >= 0",
                        field="rows",
                    )
                sites.append(ch)
            else:
                raise AccessInputError(f"unknown change {ch!r}", field="changes")

        # supply points whose R changes: changed supply, and those reached by changed demand
        d_idx = np.fromiter(demand_new, dtype=np.int64, count=len(demand_new))
        s_idx = np.fromiter(supply_new, dtype=np.int64, count=len(supply_new))
        _, reached, _ = self._gather(self.weights, d_idx)
        cols = np.unique(np.concatenate([s_idx, reached]))
        supply = self.supply[cols].copy()
        if s_idx.size:
            supply[np.searchsorted(cols, s_idx)] = np.fromiter(
                supply_new.values(), dtype=np.float64, count=s_idx.size
            )

        def demand_at(rows: IntArray) -> FloatArray:
            p = self.demand[rows]
            if d_idx.size:
                order = np.argsort(d_idx)
                ds, dv = d_idx[order], np.fromiter(demand_new.values(), np.float64)[order]
                pos = np.minimum(np.searchsorted(ds, rows), ds.size - 1)
                p = np.where(ds[pos] == rows, dv[pos], p)
            return p

        owner, rows, data = self._gather(self.weights_csc, cols)
        if d_idx.size:  # D changes: recompute it from the columns, never by increments
            denom = np.bincount(owner, weights=data * demand_at(rows), minlength=cols.size)
        else:
            denom = self.catchment_demand[cols]
        ratio = np.zeros(cols.size)
        np.divide(supply, denom, out=ratio, where=denom > 0)
        d_ratio = ratio - self.supply_ratio[cols]

        new_ratio = np.zeros(len(sites))
        site_rows = [np.asarray(site.rows, dtype=np.int64) for site in sites]
        for k, (site, r_rows) in enumerate(zip(sites, site_rows, strict=True)):
            d_new = float(np.asarray(site.weights, np.float64) @ demand_at(r_rows))
            new_ratio[k] = site.supply / d_new if d_new > 0 else 0.0

        affected = np.unique(np.concatenate([rows, *site_rows]))
        if recompute_rows:
            r_owner, r_cols, r_data = self._gather(self.weights, affected)
            r = self.supply_ratio[r_cols]
            if cols.size:
                pos = np.minimum(np.searchsorted(cols, r_cols), cols.size - 1)
                r = np.where(cols[pos] == r_cols, ratio[pos], r)
            after = np.bincount(r_owner, weights=r_data * r, minlength=affected.size)
        else:
            after = self.accessibility[affected] + np.bincount(
                np.searchsorted(affected, rows),
                weights=data * d_ratio[owner],
                minlength=affected.size,
            )
        after = after.astype(np.float64)
        for site, r_rows, r_new in zip(sites, site_rows, new_ratio, strict=True):
            after += np.bincount(
                np.searchsorted(affected, r_rows),
                weights=np.asarray(site.weights) * r_new,
                minlength=affected.size,
            )
        # increments may leave -1e-17 where the true value is 0
        np.maximum(after, 0.0, out=after)
        return ScenarioDelta(
            demand_indices=affected,
            before=self.accessibility[affected].copy(),
            after=after,
            changed_supply_indices=np.concatenate(
                [cols, self.n_supply + np.arange(len(sites), dtype=np.int64)]
            ),
            new_supply_ratio=np.concatenate([ratio, new_ratio]),
        )

    def apply(self, changes: Sequence[Change]) -> CatchmentModel:
        """A new model with ``changes`` committed (O(nnz): copies W when sites are added)."""
        supply = self.supply.copy()
        demand = self.demand.copy()
        weights = self.weights
        extra_cols = []
        extra_supply = []
        for ch in changes:
            if isinstance(ch, ChangeSupply):
                supply[ch.index] = ch.supply
            elif isinstance(ch, ChangeDemand):
                demand[ch.index] = ch.demand
            else:
                extra_cols.append(
                    sp.csr_matrix(
                        (ch.weights, (ch.rows, np.zeros(ch.rows.size, np.int64))),
                        shape=(self.n_demand, 1),
                    )
                )
                extra_supply.append(ch.supply)
        if extra_cols:
            weights = sp.hstack([weights, *extra_cols], format="csr")
            supply = np.concatenate([supply, np.asarray(extra_supply, dtype=np.float64)])
        return CatchmentModel(
            weights,
            demand,
            supply,
            decay=self.decay,
            demand_locations=self.demand_locations,
            source=self.source,
        )
