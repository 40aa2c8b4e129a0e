"""Documented defaults where open data is silent (ACCESS_METHODS.md, "Defaults where open data is
silent"). Every page and export built on a run lists the defaults it used.

The two calibrated values were fitted for the whole country, not commune by commune, against
DREES's published APL 2022 (`maillage access calibrate`, see `calibration.py`): the effective
road speed (great-circle distance × detour ÷ speed) maximises the mean Spearman correlation over
the régions of the mirror; then the activity counted per SIRENE GP establishment is the
factor minimising the mean absolute error against DREES's APL (APL is linear in supply).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from maillage.engines.access import DEFAULT_DETOUR_FACTOR

# Effective road speed between commune centres, km/h, calibrated by `maillage access calibrate`
# (2026-11-23): mean Spearman by région 0.547 / 0.552 / 0.552 / 0.535 / 0.516 at
# 40 / 45 / 50 / 55 / 60 km/h; 45 is the best by a hair.
CALIBRATED_SPEED_KMH = 45.0
DETOUR_FACTOR = DEFAULT_DETOUR_FACTOR

# Yearly consultations counted for one SIRENE "86.21Z" establishment, calibrated by
# `maillage access calibrate` (2026-11-23, re-run 2026-12-04 with the same result: scale 1.0002;
# 27,581 communes of the 14 régions of the mirror, 45 km/h): the factor minimising the mean
# absolute error against DREES's APL 2022 (benchmarks/README.md). Overall Spearman 0.538, mean
# absolute error 0.94 C/an/hab, 69 % agreement on APL < 2.5. Below one GP's activity because
# the 2019 stock keeps closed establishments and secondary sites, and misses salaried GPs.
ACTIVITY_PER_GP_ESTABLISHMENT = 2855.0

# Yearly consultations for a GP known individually (RPPS) without activity data: DREES counts a
# newly installed liberal GP as 5,400 (workbook, sheet "Paramètres"); we use the same figure.
ACTIVITY_PER_GP_WITHOUT_DATA = 5400.0

# Non-GP professions: supply in full-time equivalents (one per practitioner or establishment),
# accessibility expressed per 100,000 standardised inhabitants.
PER_100K = 100_000.0

# Non-GP professions have no DREES zoning threshold in our sources: Maillage classes a commune
# relative to the territory's population-weighted mean (documented convention, not DREES's).
RELATIVE_PRIORITY = 0.5
RELATIVE_COMPLEMENTARY = 0.8

# Demand points beyond the région within this distance are included so that border communes see
# supply across the border (one APL catchment, 20 min, with margin).
HALO_KM = 40.0


@dataclass(frozen=True)
class Profession:
    code: str
    label: str | Promise
    unit: str | Promise
    drees_thresholds: bool


PROFESSIONS: dict[str, Profession] = {
    p.code: p
    for p in (
        Profession("generaliste", _("Médecins généralistes"), _("C/an/hab"), True),
        Profession("infirmier", _("Infirmiers"), _("ETP pour 100 000 hab."), False),
        Profession("masseur_kinesitherapeute", _("Masseurs-kinésithérapeutes"),
                   _("ETP pour 100 000 hab."), False),
        Profession("chirurgien_dentiste", _("Chirurgiens-dentistes"), _("ETP pour 100 000 hab."),
                   False),
        Profession("sage_femme", _("Sages-femmes"), _("ETP pour 100 000 hab."), False),
        Profession("pharmacie", _("Pharmacies"), _("officines pour 100 000 hab."), False),
    )
}
