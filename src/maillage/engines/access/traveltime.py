"""Travel-time sources behind one small interface, returning sparse travel-time matrices.

A :class:`TravelTimeSource` answers ``matrix(origins, destinations, max_minutes)`` with a
:class:`TravelTimeMatrix`: demand rows × supply columns, only the pairs whose time is
≤ ``max_minutes`` (inclusive). Sources: great-circle model (default), origin–destination
matrix file, OSRM ``table`` service (ACCESS_METHODS.md, "Defaults where open data is silent";
DESIGN.md, "Access methods").

Zero times. A travel time of exactly 0 (same commune) is a real, reachable pair, but a
``scipy.sparse`` matrix of minutes cannot tell a stored 0 from an absent pair once any
operation eliminates zeros. :class:`TravelTimeMatrix` therefore keeps the canonical
(row, col, minutes) triplets - sorted by row then column, no duplicates - and the pair
structure is the triplets, never ``.nonzero()``. :meth:`TravelTimeMatrix.weights` turns them
into a CSR matrix of *weights*, where an absent entry and a zero weight mean the same thing.
"""

from __future__ import annotations

import json
import logging
import math
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp
from scipy.spatial import cKDTree

from .decay import Decay
from .errors import AccessInputError, TravelTimeServiceError

__all__ = [
    "DEFAULT_DETOUR_FACTOR",
    "DEFAULT_SPEED_KMH",
    "EARTH_RADIUS_KM",
    "GreatCircleTravelTime",
    "Locations",
    "ODMatrixTravelTime",
    "OSRMTravelTime",
    "TravelTimeMatrix",
    "TravelTimeSource",
    "haversine_km",
]

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
#: Road distance ÷ great-circle distance. ~1.3 is the usual order of magnitude for road
#: networks (Boscoe, Henry & Zdeb 2012, "A nationwide comparison of driving distance versus
#: straight-line distance to hospitals", median ratio ~1.3 in the USA; Ballou et al. 2002
#: give 1.2-1.4 for Europe). [to calibrate] on Metric times through DREES's APL.
DEFAULT_DETOUR_FACTOR = 1.3
#: Mean road speed, km/h, for short inter-commune trips, applied to the detoured distance.
#: [to calibrate] Exploratory calibration (ACCESS_METHODS.md, "Defaults where open data is
#: silent"): APL computed with this source (detour 1.3, DREES decay) and SIRENE 2019 GP
#: establishments as supply, against DREES's APL 2022 on the 27,683 communes of the mirror's
#: workbook: Spearman 0.528 / 0.537 / 0.534 / 0.505 / 0.469 at 40 / 45 / 50 / 55 / 60 km/h,
#: lowest mean absolute error (0.93 C/an/hab) at 50-55 km/h. 50 km/h sits on that plateau;
#: to be re-run with real GP activity (RPPS / SNIIR-AM) when available.
DEFAULT_SPEED_KMH = 50.0


def haversine_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance in km (haversine formula), element-wise, degrees in.

    Examples
    --------
    >>> round(float(haversine_km(48.8566, 2.3522, 45.7640, 4.8357)), 1)  # Paris - Lyon
    391.5
    """
    p1, l1, p2, l2 = (np.radians(np.asarray(a, dtype=np.float64)) for a in (lat1, lon1, lat2, lon2))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


@dataclass(frozen=True, eq=False)
class Locations:
    """Points given to a travel-time source: coordinates (degrees, WGS84) and/or codes.

    The great-circle and OSRM sources need ``lat``/``lon``; the OD-matrix source needs
    ``codes`` (e.g. INSEE commune codes, as strings). When both are given, equal codes mark
    the same commune (intra-commune time).

    Examples
    --------
    >>> Locations(lat=[48.85, 45.76], lon=[2.35, 4.84], codes=["75056", "69123"]).size
    2
    """

    lat: FloatArray | None = None
    lon: FloatArray | None = None
    codes: npt.NDArray[np.str_] | None = None

    def __init__(
        self,
        lat: npt.ArrayLike | None = None,
        lon: npt.ArrayLike | None = None,
        codes: Sequence[str] | npt.ArrayLike | None = None,
    ) -> None:
        if (lat is None) != (lon is None):
            raise AccessInputError("give both lat and lon, or neither", field="lat/lon")
        lat_a = None if lat is None else np.asarray(lat, dtype=np.float64).reshape(-1)
        lon_a = None if lon is None else np.asarray(lon, dtype=np.float64).reshape(-1)
        codes_a = None if codes is None else np.asarray(codes, dtype=str).reshape(-1)
        sizes = {a.size for a in (lat_a, lon_a, codes_a) if a is not None}
        if not sizes:
            raise AccessInputError("Locations needs coordinates or codes", field="lat/lon/codes")
        if len(sizes) > 1:
            raise AccessInputError(f"lat, lon and codes differ in length: {sizes}", field="lat")
        if lat_a is not None and lon_a is not None:
            bad = ~(np.isfinite(lat_a) & np.isfinite(lon_a)) | (np.abs(lat_a) > 90)
            if bad.any():
                i = int(np.flatnonzero(bad)[0])
                raise AccessInputError(
                    f"invalid coordinates at position {i}: ({lat_a[i]}, {lon_a[i]})",
                    field="lat/lon",
                )
        object.__setattr__(self, "lat", lat_a)
        object.__setattr__(self, "lon", lon_a)
        object.__setattr__(self, "codes", codes_a)

    @property
    def size(self) -> int:
        arr = self.lat if self.lat is not None else self.codes
        assert arr is not None
        return int(arr.size)

    def __len__(self) -> int:
        return self.size

    def take(self, index: npt.ArrayLike) -> Locations:
        """The sub-set of points at ``index`` (positions)."""
        idx = np.asarray(index, dtype=np.int64)
        return Locations(
            lat=None if self.lat is None else self.lat[idx],
            lon=None if self.lon is None else self.lon[idx],
            codes=None if self.codes is None else self.codes[idx],
        )

    def kdtree(self) -> cKDTree:
        """A ``cKDTree`` of :meth:`unit_vectors`, built once and cached (points are immutable),
        so that repeated queries against the same points (scenario deltas) skip the build."""
        tree = self.__dict__.get("_kdtree")
        if tree is None:
            tree = cKDTree(self.unit_vectors())
            object.__setattr__(self, "_kdtree", tree)
        return tree

    def unit_vectors(self) -> FloatArray:
        """3-D unit vectors (n × 3) of the points on the sphere."""
        if self.lat is None or self.lon is None:
            raise AccessInputError("coordinates needed (lat/lon)", field="lat/lon")
        phi, lam = np.radians(self.lat), np.radians(self.lon)
        return np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))


@dataclass(frozen=True, eq=False)
class TravelTimeMatrix:
    """Sparse travel times in minutes, demand rows × supply columns.

    Canonical (row, col, minutes) triplets: sorted by row then column, unique, minutes finite
    and ≥ 0. A stored 0 is a reachable pair with zero time (same commune); an absent pair is
    beyond the catchment radius or unreachable.

    Examples
    --------
    >>> m = TravelTimeMatrix.from_triplets([1, 0, 0], [0, 1, 0], [12.0, 0.0, 5.0], shape=(2, 2))
    >>> m.rows.tolist(), m.cols.tolist(), m.minutes.tolist()
    ([0, 0, 1], [0, 1, 0], [5.0, 0.0, 12.0])
    >>> m.weights(lambda t: np.where(t <= 10, 1.0, 0.0)).toarray().tolist()
    [[1.0, 1.0], [0.0, 0.0]]
    """

    rows: IntArray
    cols: IntArray
    minutes: FloatArray
    shape: tuple[int, int]
    _key: IntArray = field(repr=False, default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self._key is None:
            object.__setattr__(self, "_key", self.rows * int(self.shape[1]) + self.cols)

    @classmethod
    def from_triplets(
        cls,
        rows: npt.ArrayLike,
        cols: npt.ArrayLike,
        minutes: npt.ArrayLike,
        shape: tuple[int, int],
        *,
        max_minutes: float | None = None,
    ) -> TravelTimeMatrix:
        """Validate, optionally cut at ``max_minutes`` (inclusive), sort; reject duplicates."""
        r = np.asarray(rows, dtype=np.int64).reshape(-1)
        c = np.asarray(cols, dtype=np.int64).reshape(-1)
        t = np.asarray(minutes, dtype=np.float64).reshape(-1)
        n, m = int(shape[0]), int(shape[1])
        if not (r.size == c.size == t.size):
            raise AccessInputError("rows, cols and minutes differ in length", field="rows")
        if r.size and (r.min() < 0 or r.max() >= n or c.min() < 0 or c.max() >= m):
            raise AccessInputError(f"pair index outside shape {shape}", field="rows/cols")
        bad = ~np.isfinite(t) | (t < 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise AccessInputError(
                f"travel time must be finite and >= 0, got {t[i]} for pair ({r[i]}, {c[i]})",
                field="minutes",
            )
        if max_minutes is not None:
            keep = t <= max_minutes
            r, c, t = r[keep], c[keep], t[keep]
        key = r * m + c
        if key.size > 1 and not np.all(key[1:] > key[:-1]):
            order = np.argsort(key, kind="stable")
            r, c, t, key = r[order], c[order], t[order], key[order]
            dup = key[1:] == key[:-1]
            if dup.any():
                i = int(np.flatnonzero(dup)[0])
                raise AccessInputError(f"duplicate pair ({r[i]}, {c[i]})", field="rows/cols")
        return cls(rows=r, cols=c, minutes=t, shape=(n, m), _key=key)

    @property
    def nnz(self) -> int:
        """Number of reachable pairs (zeros included)."""
        return int(self.rows.size)

    def within(self, max_minutes: float) -> TravelTimeMatrix:
        """Only the pairs with minutes ≤ ``max_minutes``."""
        keep = self.minutes <= max_minutes
        return TravelTimeMatrix(
            self.rows[keep], self.cols[keep], self.minutes[keep], self.shape, self._key[keep]
        )

    def weights(self, decay: Decay) -> sp.csr_matrix:
        """CSR matrix W with W[i, j] = decay(t_ij) for the stored pairs, zero weights dropped.

        Built straight from the sorted triplets (no COO sort), so it costs one pass.
        """
        w = np.asarray(decay(self.minutes), dtype=np.float64)
        if w.shape != self.minutes.shape or not np.all((w >= 0) & (w < np.inf)):
            raise AccessInputError("decay must give finite weights >= 0", field="decay")
        keep = w > 0
        n, m = self.shape
        idx_dtype = np.int32 if max(m, self.rows.size) < 2**31 - 1 else np.int64
        if keep.all():
            rows, cols = self.rows, self.cols.astype(idx_dtype)
        else:
            # flatnonzero + take is several times faster than boolean indexing on 1e7 pairs
            sel = np.flatnonzero(keep)
            rows, cols, w = self.rows.take(sel), self.cols.take(sel).astype(idx_dtype), w.take(sel)
        # rows are sorted: the row pointer is a binary search, not a histogram
        indptr = np.searchsorted(rows, np.arange(n + 1), side="left").astype(idx_dtype)
        return sp.csr_matrix((w, cols, indptr), shape=(n, m))

    def to_csr(self) -> sp.csr_matrix:
        """CSR of minutes whose *structure* holds the pairs, explicit zeros included.

        Beware: arithmetic on it may drop the explicit zeros; prefer the triplets.
        """
        n, m = self.shape
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.rows, minlength=n), out=indptr[1:])
        return sp.csr_matrix((self.minutes.copy(), self.cols.copy(), indptr), shape=(n, m))

    def to_frame(
        self, origin_ids: npt.ArrayLike | None = None, dest_ids: npt.ArrayLike | None = None
    ) -> pd.DataFrame:
        """DataFrame (origin, dest, cost) of the pairs, e.g. to feed PySAL ``access``."""
        o = self.rows if origin_ids is None else np.asarray(origin_ids)[self.rows]
        d = self.cols if dest_ids is None else np.asarray(dest_ids)[self.cols]
        return pd.DataFrame({"origin": o, "dest": d, "cost": self.minutes})


class TravelTimeSource(ABC):
    """Pluggable travel-time backend (STYLE.md: backends behind a small base class)."""

    @abstractmethod
    def matrix(
        self, origins: Locations, destinations: Locations, max_minutes: float
    ) -> TravelTimeMatrix:
        """Times from each origin (rows) to each destination (columns), pairs ≤ max_minutes."""


@dataclass(frozen=True)
class GreatCircleTravelTime(TravelTimeSource):
    """Great-circle distance × detour factor ÷ speed, plus a fixed intra-commune time.

    t_ij = haversine(i, j) × ``detour_factor`` ÷ ``speed_kmh`` × 60, except for pairs known to
    be the same commune (equal codes when both sides have codes), which get
    ``intra_commune_minutes`` (0 by default: ACCESS_METHODS.md, "Defaults where open data is
    silent"). Only pairs within the radius are ever computed: a ``cKDTree`` on 3-D unit
    vectors finds the pairs whose chord is within the radius, then haversine gives the exact
    distance of those pairs only.

    Examples
    --------
    >>> src = GreatCircleTravelTime(detour_factor=1.0, speed_kmh=60.0)
    >>> a = Locations(lat=[45.0, 45.0], lon=[4.0, 4.1])
    >>> m = src.matrix(a, a, max_minutes=30)
    >>> m.rows.tolist(), m.cols.tolist(), np.round(m.minutes, 2).tolist()
    ([0, 0, 1, 1], [0, 1, 0, 1], [0.0, 7.86, 7.86, 0.0])
    """

    detour_factor: float = DEFAULT_DETOUR_FACTOR
    speed_kmh: float = DEFAULT_SPEED_KMH
    intra_commune_minutes: float = 0.0

    def __post_init__(self) -> None:
        if not (self.detour_factor >= 1.0 and self.speed_kmh > 0):
            raise ValueError("detour_factor must be >= 1 and speed_kmh > 0")
        if not self.intra_commune_minutes >= 0:
            raise ValueError("intra_commune_minutes must be >= 0")

    def minutes_for_km(self, km: npt.ArrayLike) -> FloatArray:
        """Travel minutes for great-circle distances in km."""
        return np.asarray(km, dtype=np.float64) * (self.detour_factor / self.speed_kmh * 60.0)

    def matrix(
        self, origins: Locations, destinations: Locations, max_minutes: float
    ) -> TravelTimeMatrix:
        n, m = origins.size, destinations.size
        max_km = max_minutes * self.speed_kmh / 60.0 / self.detour_factor
        # chord of the radius, with a relative slack: the exact cut is made on haversine below
        chord = 2.0 * math.sin(min(max_km / (2 * EARTH_RADIUS_KM), math.pi / 2)) * (1 + 1e-9)
        pairs = origins.kdtree().sparse_distance_matrix(
            destinations.kdtree(), chord, output_type="ndarray"
        )
        rows = pairs["i"].astype(np.int64)
        cols = pairs["j"].astype(np.int64)
        assert origins.lat is not None and origins.lon is not None
        assert destinations.lat is not None and destinations.lon is not None
        km = haversine_km(
            origins.lat[rows], origins.lon[rows], destinations.lat[cols], destinations.lon[cols]
        )
        minutes = self.minutes_for_km(km)
        if origins.codes is not None and destinations.codes is not None:
            same = origins.codes[rows] == destinations.codes[cols]
            minutes[same] = self.intra_commune_minutes
        logger.debug("great-circle matrix %d x %d: %d pairs", n, m, rows.size)
        return TravelTimeMatrix.from_triplets(rows, cols, minutes, (n, m), max_minutes=max_minutes)


_OD_COLUMNS = ("origin", "destination", "minutes")


class ODMatrixTravelTime(TravelTimeSource):
    """Travel times read from an origin–destination file (CSV or Parquet).

    Columns ``origin``, ``destination`` (codes, read as strings: INSEE codes keep their
    leading zeros) and ``minutes``. A pair absent from the file is unreachable, except a
    commune to itself, which gets ``intra_commune_minutes`` (0 by default; ``None`` to treat
    it as absent too). Several points may share a code (e.g. several practice sites in one
    commune): each gets the commune's time.

    Examples
    --------
    >>> src = ODMatrixTravelTime.from_frame(pd.DataFrame(
    ...     {"origin": ["01001", "01001"], "destination": ["01002", "01001"],
    ...      "minutes": [12.5, 3.0]}))
    >>> m = src.matrix(Locations(codes=["01001"]), Locations(codes=["01001", "01002"]), 60)
    >>> m.cols.tolist(), m.minutes.tolist()
    ([0, 1], [3.0, 12.5])
    """

    def __init__(
        self,
        origins: npt.NDArray[np.str_],
        destinations: npt.NDArray[np.str_],
        minutes: FloatArray,
        *,
        source: str = "<frame>",
        intra_commune_minutes: float | None = 0.0,
    ) -> None:
        self._frame = pd.DataFrame(
            {"origin": origins, "destination": destinations, "minutes": minutes}
        )
        self.source = source
        self.intra_commune_minutes = intra_commune_minutes
        self._codes = frozenset(self._frame["origin"]) | frozenset(self._frame["destination"])

    @property
    def codes(self) -> frozenset[str]:
        """Every code present in the file (as origin or destination)."""
        return self._codes

    @classmethod
    def from_file(
        cls,
        path: str | Path,
        *,
        known_codes: set[str] | frozenset[str] | None = None,
        intra_commune_minutes: float | None = 0.0,
    ) -> ODMatrixTravelTime:
        """Read and validate a CSV (``,`` or ``;``) or Parquet file.

        Raises :class:`AccessInputError` naming the file, line and field for a missing
        column, an empty code, a code outside ``known_codes``, a non-numeric, NaN or negative
        time, or a duplicate pair. CSV lines count the header as line 1; Parquet "lines" are
        1-based row numbers.
        """
        path = Path(path)
        if not path.exists():
            raise AccessInputError("file not found", file=str(path))
        try:
            if path.suffix.lower() in {".parquet", ".pq"}:
                frame = pd.read_parquet(path)
                for col in ("origin", "destination"):
                    if col in frame.columns:
                        frame[col] = frame[col].astype("string")
                line_offset = 1
            else:
                frame = pd.read_csv(
                    path,
                    sep=None,
                    engine="python",
                    dtype={"origin": str, "destination": str},
                    keep_default_na=False,
                    na_values={"minutes": ["", "NA", "NaN", "nan", "null"]},
                )
                line_offset = 2
        except (OSError, ValueError, pd.errors.ParserError) as exc:
            raise AccessInputError(f"cannot read the file: {exc}", file=str(path)) from exc
        return cls.from_frame(
            frame,
            source=str(path),
            line_offset=line_offset,
            known_codes=known_codes,
            intra_commune_minutes=intra_commune_minutes,
        )

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        source: str = "<frame>",
        line_offset: int = 2,
        known_codes: set[str] | frozenset[str] | None = None,
        intra_commune_minutes: float | None = 0.0,
    ) -> ODMatrixTravelTime:
        """Validate a DataFrame (see :meth:`from_file`); ``line_offset`` maps row 0 to a line."""
        frame = frame.rename(columns=lambda c: str(c).strip().lower())
        missing = [c for c in _OD_COLUMNS if c not in frame.columns]
        if missing:
            raise AccessInputError(
                f"missing column(s) {', '.join(missing)}; expected {', '.join(_OD_COLUMNS)}",
                file=source,
                line=1 if line_offset == 2 else None,
                field=missing[0],
            )

        def fail(mask: npt.NDArray[np.bool_], fieldname: str, what: str) -> None:
            if mask.any():
                i = int(np.flatnonzero(mask)[0])
                raise AccessInputError(
                    f"{what} ({int(mask.sum())} row(s) in all)",
                    file=source,
                    line=i + line_offset,
                    field=fieldname,
                )

        codes = {}
        for col in ("origin", "destination"):
            s = frame[col].astype("string").str.strip()
            empty = s.isna().to_numpy() | (s.fillna("") == "").to_numpy()
            fail(empty, col, "empty code")
            codes[col] = s.to_numpy(dtype=str)
            if known_codes is not None:
                unknown = ~np.isin(codes[col], np.asarray(sorted(known_codes), dtype=str))
                if unknown.any():
                    i = int(np.flatnonzero(unknown)[0])
                    fail(unknown, col, f"unknown code {str(codes[col][i])!r}")
        minutes = pd.to_numeric(frame["minutes"], errors="coerce").to_numpy(dtype=np.float64)
        raw = frame["minutes"].astype("string").to_numpy(dtype=object)
        nan = np.isnan(minutes)
        if nan.any():
            i = int(np.flatnonzero(nan)[0])
            shown = "empty" if pd.isna(raw[i]) else repr(str(raw[i]))
            fail(nan, "minutes", f"travel time is not a number: {shown}")
        neg = minutes < 0
        if neg.any():
            i = int(np.flatnonzero(neg)[0])
            fail(neg, "minutes", f"negative travel time {minutes[i]}")
        fail(~np.isfinite(minutes), "minutes", "infinite travel time")
        dup = pd.DataFrame(codes).duplicated(keep="first").to_numpy()
        fail(dup, "origin/destination", "duplicate origin-destination pair")
        return cls(
            codes["origin"],
            codes["destination"],
            minutes,
            source=source,
            intra_commune_minutes=intra_commune_minutes,
        )

    def matrix(
        self, origins: Locations, destinations: Locations, max_minutes: float
    ) -> TravelTimeMatrix:
        if origins.codes is None or destinations.codes is None:
            raise AccessInputError(
                "the OD matrix source needs codes for origins and destinations",
                file=self.source,
                field="codes",
            )
        for label, loc in (("origin", origins), ("destination", destinations)):
            assert loc.codes is not None
            absent = sorted(set(loc.codes.tolist()) - self._codes)
            if absent:
                shown = ", ".join(absent[:5]) + (" …" if len(absent) > 5 else "")
                raise AccessInputError(
                    f"{len(absent)} requested {label} code(s) not in the OD matrix: {shown}",
                    file=self.source,
                    field=label,
                )
        pairs = self._frame[self._frame["minutes"] <= max_minutes]
        o = pd.DataFrame({"origin": origins.codes, "row": np.arange(origins.size)})
        d = pd.DataFrame({"destination": destinations.codes, "col": np.arange(destinations.size)})
        joined = pairs.merge(o, on="origin").merge(d, on="destination")
        rows = joined["row"].to_numpy(np.int64)
        cols = joined["col"].to_numpy(np.int64)
        minutes = joined["minutes"].to_numpy(np.float64)
        if self.intra_commune_minutes is not None and self.intra_commune_minutes <= max_minutes:
            same = o.merge(d, left_on="origin", right_on="destination")
            have = pd.MultiIndex.from_arrays([rows, cols])
            extra = ~pd.MultiIndex.from_arrays(
                [same["row"].to_numpy(np.int64), same["col"].to_numpy(np.int64)]
            ).isin(have)
            rows = np.concatenate([rows, same["row"].to_numpy(np.int64)[extra]])
            cols = np.concatenate([cols, same["col"].to_numpy(np.int64)[extra]])
            minutes = np.concatenate(
                [minutes, np.full(int(extra.sum()), self.intra_commune_minutes)]
            )
        return TravelTimeMatrix.from_triplets(
            rows, cols, minutes, (origins.size, destinations.size)
        )


@dataclass(frozen=True)
class OSRMTravelTime(TravelTimeSource):
    """Client of an OSRM server's ``table`` service (durations, seconds → minutes).

    Sends ``GET {base_url}/table/v1/{profile}/{lon,lat;...}?sources=..&destinations=..
    &annotations=duration`` for blocks of at most ``batch_size`` origins × ``batch_size``
    destinations (public OSRM servers cap a table at 100 × 100 coordinates; self-hosted ones
    at ``--max-table-size``). Unreachable pairs (``null``) are absent. Only the standard
    library is used for HTTP. Errors (network, timeout, HTTP status, ``code`` not ``"Ok"``,
    malformed answer) raise :class:`TravelTimeServiceError` with the URL.

    Pairs that cannot be within ``max_minutes`` are never asked for: no road trip is faster
    than the great-circle distance at ``max_speed_kmh`` (130 km/h, the French motorway limit,
    Code de la route R413-2), so for each block of origins only the destinations within
    ``max_speed_kmh × max_minutes`` of one of them are sent (``None`` asks for every pair).

    Examples
    --------
    >>> OSRMTravelTime("http://127.0.0.1:5000").profile
    'driving'
    """

    base_url: str
    profile: str = "driving"
    batch_size: int = 100
    timeout: float = 30.0
    max_speed_kmh: float | None = 130.0

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        if self.max_speed_kmh is not None and not self.max_speed_kmh > 0:
            raise ValueError("max_speed_kmh must be > 0 (or None)")

    def _reachable(
        self, origins: Locations, block: slice, destinations: Locations, max_minutes: float
    ) -> IntArray:
        """Destinations within the great-circle reach of at least one origin of ``block``."""
        if self.max_speed_kmh is None:
            return np.arange(destinations.size, dtype=np.int64)
        reach_km = self.max_speed_kmh * max_minutes / 60.0
        chord = 2.0 * math.sin(min(reach_km / (2 * EARTH_RADIUS_KM), math.pi / 2)) * (1 + 1e-9)
        near = destinations.kdtree().query_ball_point(
            origins.unit_vectors()[block], r=chord, return_sorted=False
        )
        found = [np.asarray(n, dtype=np.int64) for n in near]
        return np.unique(np.concatenate(found)) if found else np.empty(0, np.int64)

    def _table(self, coords: list[str], n_src: int) -> list[list[float | None]]:
        n = len(coords)
        url = (
            f"{self.base_url.rstrip('/')}/table/v1/{self.profile}/{';'.join(coords)}"
            f"?sources={';'.join(map(str, range(n_src)))}"
            f"&destinations={';'.join(map(str, range(n_src, n)))}&annotations=duration"
        )
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as resp:
                body = resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read()[:200].decode("utf-8", "replace")
            raise TravelTimeServiceError(
                f"OSRM answered HTTP {exc.code} for {url[:200]}: {detail}"
            ) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise TravelTimeServiceError(f"OSRM request failed for {url[:200]}: {exc}") from exc
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise TravelTimeServiceError(f"OSRM answer is not JSON ({url[:200]})") from exc
        if not isinstance(payload, dict) or payload.get("code") != "Ok":
            code = payload.get("code") if isinstance(payload, dict) else None
            msg = payload.get("message", "") if isinstance(payload, dict) else ""
            raise TravelTimeServiceError(f"OSRM error {code!r} {msg} for {url[:200]}")
        durations = payload.get("durations")
        if not isinstance(durations, list) or len(durations) != n_src:
            raise TravelTimeServiceError(f"OSRM answer lacks a {n_src}-row 'durations' table")
        return durations

    def matrix(
        self, origins: Locations, destinations: Locations, max_minutes: float
    ) -> TravelTimeMatrix:
        if origins.lat is None or destinations.lat is None:
            raise AccessInputError("OSRM needs coordinates", field="lat/lon")
        assert origins.lon is not None and destinations.lon is not None
        fmt = np.frompyfunc(lambda lo, la: f"{lo:.6f},{la:.6f}", 2, 1)
        o_coords = fmt(origins.lon, origins.lat).tolist()
        d_coords = fmt(destinations.lon, destinations.lat).tolist()
        n, m, b = origins.size, destinations.size, self.batch_size
        rows: list[IntArray] = []
        cols: list[IntArray] = []
        mins: list[FloatArray] = []
        requests = 0
        # one HTTP request per block: the loops are over requests, not over pairs
        for i0 in range(0, n, b):
            reachable = self._reachable(origins, slice(i0, i0 + b), destinations, max_minutes)
            for k0 in range(0, reachable.size, b):
                dest_index = reachable[k0 : k0 + b]
                src = o_coords[i0 : i0 + b]
                dst = [d_coords[j] for j in dest_index.tolist()]
                table = self._table(src + dst, len(src))
                requests += 1
                try:
                    # numpy reads JSON null (None) as NaN in a float array
                    block = np.array(table, dtype=np.float64).reshape(len(src), len(dst))
                except (TypeError, ValueError) as exc:
                    raise TravelTimeServiceError(f"malformed OSRM durations: {exc}") from exc
                minutes = block / 60.0
                ii, jj = np.nonzero(np.isfinite(minutes) & (minutes <= max_minutes))
                rows.append(ii + i0)
                cols.append(dest_index[jj])
                mins.append(minutes[ii, jj])
        logger.info("OSRM table %d x %d done (%d requests)", n, m, requests)
        return TravelTimeMatrix.from_triplets(
            np.concatenate(rows) if rows else np.empty(0, np.int64),
            np.concatenate(cols) if cols else np.empty(0, np.int64),
            np.concatenate(mins) if mins else np.empty(0),
            (n, m),
        )
