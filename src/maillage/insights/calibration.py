"""Calibrating the defaults on DREES's published APL, for the country rather than per commune.

Two values are fitted (see defaults.py): the effective speed of the travel-time model, by the
mean Spearman correlation over the régions that have both loaded communes and DREES values
(Spearman ignores the scale of supply), then the activity counted per GP establishment, by the
factor minimising the mean absolute error over all those communes (APL is linear in supply;
`engines.access.reference.best_scale`, a weighted median). Figures of the last run:
benchmarks/README.md, "Calibration against DREES's published APL".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from maillage.engines.access.reference import Agreement, agreement
from maillage.insights import defaults
from maillage.insights.models import Method, ReferenceApl
from maillage.insights.services import access_compute
from maillage.territories.models import Commune, Region


@dataclass(frozen=True)
class RegionFit:
    region: str
    name: str
    computed: np.ndarray
    reference: np.ndarray


@dataclass(frozen=True)
class Calibration:
    """The fitted speed and supply scale, and the agreement they give (after scaling)."""

    speed_kmh: float
    mean_spearman_by_speed: dict[float, float]
    scale: float
    activity_per_establishment: float
    by_region: list[tuple[str, str, Agreement]]  # code, name, agreement
    overall: Agreement


def regions_with_reference() -> list[Region]:
    codes = set(ReferenceApl.objects.values_list("commune_code", flat=True))
    regions = Commune.objects.filter(pk__in=codes).values_list("region_id", flat=True).distinct()
    return list(Region.objects.filter(pk__in=regions).order_by("code"))


def _fit(region: Region, speed: float) -> RegionFit:
    computed = access_compute(region=region.code, profession="generaliste", method=Method.APL,
                              speed_kmh=speed)
    year = ReferenceApl.objects.order_by("-year").values_list("year", flat=True).first()
    reference = dict(ReferenceApl.objects.filter(year=year).values_list("commune_code", "apl"))
    codes = np.asarray(computed.demand.codes)[computed.demand.in_region]
    values = computed.accessibility[computed.demand.in_region]
    keep = np.array([c in reference for c in codes], dtype=bool)
    return RegionFit(region.code, region.name, values[keep],
                     np.array([reference[c] for c in codes[keep]], dtype=np.float64))


def calibrate(speeds: list[float], log: Callable[[str], object] = print) -> Calibration | None:
    """Fit the speed among `speeds`, then the supply scale; None when nothing is comparable."""
    regions = regions_with_reference()
    if not regions or not speeds:
        return None
    best: tuple[float, float, list[RegionFit]] | None = None
    by_speed: dict[float, float] = {}
    for speed in speeds:
        fits = [_fit(region, speed) for region in regions]
        rhos = [agreement(f.computed, f.reference).spearman for f in fits if f.computed.size > 2]
        rhos = [r for r in rhos if np.isfinite(r)]
        mean_rho = float(np.mean(rhos)) if rhos else float("nan")
        by_speed[speed] = mean_rho
        log(f"vitesse {speed:5.1f} km/h : Spearman moyen {mean_rho:.4f} sur {len(rhos)} régions")
        if best is None or (np.isfinite(mean_rho) and not mean_rho <= best[1]):
            best = (speed, mean_rho, fits)
    assert best is not None
    speed, _rho, fits = best
    all_computed = np.concatenate([f.computed for f in fits])
    all_reference = np.concatenate([f.reference for f in fits])
    scale = agreement(all_computed, all_reference).best_scale
    by_region = [(f.region, f.name, agreement(f.computed * scale, f.reference))
                 for f in fits if f.computed.size >= 3]
    return Calibration(
        speed_kmh=speed, mean_spearman_by_speed=by_speed, scale=scale,
        activity_per_establishment=defaults.ACTIVITY_PER_GP_ESTABLISHMENT * scale,
        by_region=by_region, overall=agreement(all_computed * scale, all_reference),
    )


def report_lines(result: Calibration) -> list[str]:
    """The calibration as the command prints it (French, one région a line)."""
    lines = [
        f"Vitesse retenue : {result.speed_kmh} km/h ; facteur d'échelle de l'offre : "
        f"{result.scale:.4f} → activité par établissement SIRENE : "
        f"{result.activity_per_establishment:.0f} consultations/an",
        f"{'région':<32} {'communes':>8} {'Spearman':>9} {'EAM':>7} {'accord <2,5':>11}",
    ]
    for _code, name, stats in result.by_region:
        lines.append(f"{name:<32} {stats.n:>8} {stats.spearman:>9.3f} "
                     f"{stats.mean_absolute_error:>7.3f} {stats.class_agreement:>11.1%}")
    overall = result.overall
    lines.append(
        f"France (régions du miroir) : {overall.n} communes, Spearman {overall.spearman:.3f}, "
        f"EAM {overall.mean_absolute_error:.3f}, accord {overall.class_agreement:.1%} "
        f"— speed_kmh={result.speed_kmh} "
        f"activity_per_establishment={result.activity_per_establishment:.0f}")
    return lines
