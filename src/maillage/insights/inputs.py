"""Assembling the access engine's inputs (numpy arrays) from the database."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext as _

from maillage.engines.access import AGE_WEIGHTS_2022, Locations, standardised_population
from maillage.insights import defaults
from maillage.insights.models import ReferenceApl
from maillage.territories.models import AGE_BANDS, Commune

FloatArray = npt.NDArray[np.float64]


class AccessDataMissing(ValueError):
    """The data a run needs is not loaded: says which and how to load it."""


@dataclass(frozen=True, eq=False)
class DemandInput:
    """Communes of the région and of its halo, with their populations."""

    codes: list[str]
    locations: Locations
    population: FloatArray
    standardised_population: FloatArray
    share_75_plus: FloatArray  # NaN where the age structure is unknown
    in_region: npt.NDArray[np.bool_]
    standardisation: dict[str, int] = field(default_factory=dict)

    def index_of(self) -> dict[str, int]:
        return {code: i for i, code in enumerate(self.codes)}

    def restricted(self, keep: npt.NDArray[np.bool_]) -> DemandInput:
        """The same demand without the communes where `keep` is False."""
        indices = np.flatnonzero(keep)
        return DemandInput(
            codes=[self.codes[i] for i in indices],
            locations=self.locations.take(indices),
            population=self.population[indices],
            standardised_population=self.standardised_population[indices],
            share_75_plus=self.share_75_plus[indices],
            in_region=self.in_region[indices],
            standardisation=dict(self.standardisation),
        )


def demand_for(region: str, halo_km: float = defaults.HALO_KM) -> DemandInput:
    """The région's communes plus every loaded commune within `halo_km` of its bounding box."""
    inside = Commune.objects.filter(region_id=region, latitude__isnull=False)
    bounds = inside.values_list("latitude", "longitude")
    lats = [lat for lat, _ in bounds]
    lons = [lon for _, lon in bounds]
    if not lats:
        raise AccessDataMissing(
            _("Aucune commune de la région %(r)s n'est chargée : lancez "
              "« maillage import_territories --region %(r)s ».") % {"r": region}
        )
    dlat = halo_km / 111.0
    dlon = halo_km / (111.0 * math.cos(math.radians(max(abs(min(lats)), abs(max(lats))))))
    rows = list(
        Commune.objects.filter(
            latitude__gte=min(lats) - dlat, latitude__lte=max(lats) + dlat,
            longitude__gte=min(lons) - dlon, longitude__lte=max(lons) + dlon,
        )
        .order_by("code")
        .values_list("code", "region_id", "latitude", "longitude", "population",
                     "population_by_age")
    )
    reference = dict(
        ReferenceApl.objects.filter(
            commune_code__in=[r[0] for r in rows], standardised_population__isnull=False
        )
        .order_by("commune_code", "year")
        .values_list("commune_code", "standardised_population")
    )
    codes, in_region, lat, lon, pop, spop, old = [], [], [], [], [], [], []
    counts = {"age_bands": 0, "drees_workbook": 0, "none": 0}
    weights = np.asarray(AGE_WEIGHTS_2022)
    for code, commune_region, latitude, longitude, population, by_age in rows:
        codes.append(code)
        in_region.append(commune_region == region)
        lat.append(latitude)
        lon.append(longitude)
        total = float(population or 0)
        if by_age:
            bands = np.array([[by_age.get(b, 0) for b in AGE_BANDS]], dtype=np.float64)
            spop.append(float(standardised_population(bands, tuple(weights))[0]))
            band_total = bands.sum()
            old.append(float(bands[0, 15:].sum() / band_total) if band_total else math.nan)
            counts["age_bands"] += 1
        elif code in reference:
            spop.append(float(reference[code]))
            old.append(math.nan)
            counts["drees_workbook"] += 1
        else:
            # Without the age structure, a commune weighs its raw population (weights average
            # 1 over France by construction).
            spop.append(total)
            old.append(math.nan)
            counts["none"] += 1
        pop.append(total)
    return DemandInput(
        codes=codes,
        locations=Locations(lat=lat, lon=lon, codes=codes),
        population=np.asarray(pop, dtype=np.float64),
        standardised_population=np.asarray(spop, dtype=np.float64),
        share_75_plus=np.asarray(old, dtype=np.float64),
        in_region=np.asarray(in_region, dtype=bool),
        standardisation=counts,
    )


@dataclass(frozen=True, eq=False)
class SupplyInput:
    """Supply points located at commune centres (indices into the demand arrays)."""

    site_index: npt.NDArray[np.int64]
    amount: FloatArray
    sources: list[dict[str, object]]
    defaults_used: list[str]


def supply_for(profession: str, demand: DemandInput) -> SupplyInput:
    """The supply around the région, from the best source loaded for the profession.

    The source is the healthcare app's choice (practitioners, then BPE, FINESS, SIRENE). For
    GPs known individually, DREES's activity rules apply per GP (caps, 5,400 for a newcomer,
    salaried GPs uncapped), each GP split over his sites; counts are turned into activity by
    the documented defaults. A user's activity per commune replaces the estimate.
    """
    from maillage.engines.access import capped_activity
    from maillage.healthcare import selectors as supply

    index = demand.index_of()
    per_commune = np.zeros(len(demand.codes), dtype=np.float64)
    notes: list[str] = []
    is_gp = profession == "generaliste"
    kind = supply.supply_source_kind(profession=profession)
    if kind == "rpps" and is_gp:
        sites = [s for s in supply.practitioner_activity(profession=profession)
                 if s.commune in index]
        missing = sum(1 for s in sites if s.activity is None)
        activity = np.array([defaults.ACTIVITY_PER_GP_WITHOUT_DATA if s.activity is None
                             else s.activity / s.share for s in sites], dtype=np.float64)
        counted = capped_activity(
            activity,
            health_centre=[s.salaried for s in sites],
            no_previous_year_activity=[s.new_installation for s in sites],
        ) * np.array([s.share for s in sites])
        np.add.at(per_commune, [index[s.commune] for s in sites], counted)
        if missing:
            notes.append(
                _("activité inconnue pour %(n)s sites de médecins : %(a).0f consultations/an "
                  "par médecin (valeur DREES d'un nouvel installé)")
                % {"n": missing, "a": defaults.ACTIVITY_PER_GP_WITHOUT_DATA})
    elif kind is not None:
        factor = 1.0
        if is_gp:
            factor = (defaults.ACTIVITY_PER_GP_ESTABLISHMENT if kind == "sirene_counts"
                      else defaults.ACTIVITY_PER_GP_WITHOUT_DATA)
            notes.append(
                (_("%(a).0f consultations/an par établissement SIRENE (valeur calibrée sur "
                   "l'APL DREES 2022)") if kind == "sirene_counts"
                 else _("%(a).0f consultations/an par médecin recensé")) % {"a": factor})
        elif kind == "rpps":
            notes.append(_("un équivalent temps plein par professionnel, réparti entre ses "
                           "sites"))
        for code, quantity, _activity in supply.supply_by_commune(
                profession=profession, source_kind=kind):
            if code in index:
                per_commune[index[code]] = quantity * factor
    if is_gp:
        declared = {c: v for c, v in supply.commune_activity(profession=profession).items()
                    if c in index}
        for code, consultations in declared.items():
            per_commune[index[code]] = consultations
        if declared:
            notes.append(_("activité déclarée par commune utilisée pour %(n)s communes")
                         % {"n": len(declared)})
    sources = supply.supply_sources_for(profession=profession, source_kind=kind) if kind else []
    sites_index = np.flatnonzero(per_commune > 0)
    return SupplyInput(
        site_index=sites_index.astype(np.int64),
        amount=per_commune[sites_index],
        sources=[
            {"name": s.name, "kind": s.kind, "version": s.version, "licence": s.licence,
             "attribution": s.attribution, "caveat": s.caveat, "is_stand_in": s.is_stand_in,
             "sha256": s.sha256}
            for s in sources
        ],
        defaults_used=notes,
    )
