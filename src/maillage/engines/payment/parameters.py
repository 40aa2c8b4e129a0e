"""Parameters of the payment models, each with its default, its source and an assumption flag.

Every field of a parameter class is declared with :func:`sourced`; :func:`describe` lists them
for a screen or an export. ``assumption=True`` means the default could not be confirmed in the
official text: the interface says so beside the value.

>>> [p.name for p in describe(IpepParameters)][:3]
['sharing_rate', 'gap_weight', 'growth_weight']
>>> describe(IpepParameters)[0].assumption
False
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any

# Official texts, cited once and reused by the fields below.
PEPS_2019 = (
    "Arrêté du 19 juin 2019 relatif à l'expérimentation nationale d'un paiement en équipe de "
    "professionnels de santé en ville (Peps), cahier des charges annexé (article 51 LFSS 2018)"
)
PEPS_2022 = (
    "Arrêté du 10 novembre 2022 modifiant l'arrêté du 19 juin 2019 (Peps), JORF n°0274 du "
    "26 novembre 2022, NOR SPRS2231208A : plafonnement de la rémunération de l'équipe par "
    "rapport à la rémunération perçue selon les modalités tarifaires antérieures (20 %)"
)
IPEP_GAINS = (
    "Cahier des charges Ipep (incitation à une prise en charge partagée), arrêté modificatif "
    "de 2022, Légifrance JORFARTI000046174555 : Cécart = 1/3, Cévolution = 2/3, "
    "Cpartage = 50 %, valeurs négatives ramenées à zéro"
)
IPEP_QUALITY = (
    "Cahier des charges Ipep, Légifrance JORFARTI000046174554 : score qualité = somme des "
    "points des indicateurs socles (et à la carte) + majoration jusqu'à 20 points liée à "
    "l'expérience patient"
)
EDS = (
    "Cahier des charges de l'expérimentation nationale d'un paiement à l'épisode de soins "
    "pour des prises en charge chirurgicales (EDS, article 51 LFSS 2018) : prothèse totale de "
    "hanche, prothèse totale de genou, colectomie pour cancer ; forfait pré / séjour / post, "
    "ajusté au risque, avec un volet qualité"
)
MSSP_BASIC = "42 CFR § 425.605 (Medicare Shared Savings Program, BASIC track, levels A–E)"
MSSP_ENHANCED = "42 CFR § 425.610 (Medicare Shared Savings Program, ENHANCED track)"
MSSP_QUALITY = (
    "42 CFR § 425.512 (quality performance standard) ; échelle glissante de la règle CY 2024 "
    "PFS (forme simplifiée ici)"
)
NO_TEXT = "Hypothèse de Maillage (aucun texte officiel ne fixe cette valeur)"


def sourced(default: Any, *, label: str, source: str, assumption: bool, unit: str = "",
            minimum: float | None = None, maximum: float | None = None) -> Any:
    """A dataclass field carrying what the screen shows about it."""
    return field(default=default, metadata={
        "label": label, "source": source, "assumption": assumption, "unit": unit,
        "minimum": minimum, "maximum": maximum,
    })


@dataclass(frozen=True)
class ParameterInfo:
    """What a screen or an export shows about one parameter."""

    name: str
    label: str
    default: Any
    source: str
    assumption: bool
    unit: str
    minimum: float | None
    maximum: float | None


def describe(cls: type) -> list[ParameterInfo]:
    """The parameters of a parameter class, in declaration order."""
    infos = []
    for f in fields(cls):
        default = f.default if f.default is not MISSING else None
        m = f.metadata
        infos.append(ParameterInfo(f.name, m["label"], default, m["source"], m["assumption"],
                                   m["unit"], m["minimum"], m["maximum"]))
    return infos


@dataclass(frozen=True)
class FeeForServiceParameters:
    """Fee-for-service is the baseline: the acts' recorded values, nothing to set but a factor."""

    tariff_change: float = sourced(
        0.0, label="Évolution des tarifs appliquée aux actes", unit="part, 0 à 1",
        source="Valeurs des actes du fichier (tarifs conventionnels en vigueur)",
        assumption=False, minimum=-0.5, maximum=1.0)


@dataclass(frozen=True)
class PepsParameters:
    """Team capitation as in Peps (paiement en équipe de professionnels de santé)."""

    base_amount: float = sourced(
        0.0, label="Forfait annuel de base par patient (0 = calibré sur la population)",
        unit="€", source=PEPS_2019 + " : forfait calibré sur la dépense à l'acte moyenne de "
        "patients aux caractéristiques identiques", assumption=False, minimum=0, maximum=5000)
    include_physiotherapists: bool = sourced(
        False, label="Inclure les masseurs-kinésithérapeutes dans le forfait",
        source=PEPS_2019 + " : médecins généralistes et infirmiers (kinésithérapeutes en option)",
        assumption=True)
    age_coefficients: tuple[float, ...] = sourced(
        (0.75, 0.8, 1.0, 1.3, 1.6, 2.0),
        label="Coefficients d'âge (0-17, 18-39, 40-59, 60-69, 70-79, 80+)",
        source=PEPS_2019 + " (ajustement sur l'âge ; valeurs non publiées)", assumption=True)
    ald_coefficient: float = sourced(
        1.9, label="Coefficient patient en ALD", source=PEPS_2019 + " (ajustement sur l'ALD ; "
        "valeur non publiée)", assumption=True, minimum=1, maximum=5)
    css_coefficient: float = sourced(
        1.2, label="Coefficient bénéficiaire de la CSS", source=PEPS_2019 + " (ajustement sur "
        "la complémentaire santé solidaire ; valeur non publiée)", assumption=True,
        minimum=1, maximum=3)
    deprivation_coefficients: tuple[float, ...] = sourced(
        (0.95, 0.975, 1.0, 1.025, 1.05),
        label="Coefficients de défavorisation de la commune (quintiles FDep 1 à 5)",
        source=PEPS_2019 + " (ajustement sur la défavorisation ; valeurs non publiées)",
        assumption=True)
    quality_modulation: float = sourced(
        0.05, label="Modulation maximale par la qualité (± part du forfait)", unit="part, 0 à 1",
        source=PEPS_2019 + " (modulation qualité ; amplitude non confirmée)", assumption=True,
        minimum=0, maximum=0.5)
    cap_over_fee_for_service: float = sourced(
        0.20, label="Plafond : excédent maximal sur la rémunération à l'acte", unit="part, 0 à 1",
        source=PEPS_2022, assumption=False, minimum=0, maximum=2)


@dataclass(frozen=True)
class IpepParameters:
    """Shared-savings bonus as in Ipep."""

    sharing_rate: float = sourced(0.5, label="Coefficient de partage des gains (Cpartage)",
                                  unit="part, 0 à 1", source=IPEP_GAINS, assumption=False,
                                  minimum=0, maximum=1)
    gap_weight: float = sourced(1 / 3, label="Poids de l'écart à la dépense de référence (Cécart)",
                                source=IPEP_GAINS, assumption=False, minimum=0, maximum=1)
    growth_weight: float = sourced(2 / 3, label="Poids de l'écart d'évolution (Cévolution)",
                                   source=IPEP_GAINS, assumption=False, minimum=0, maximum=1)
    reference_growth: float = sourced(
        0.03, label="Évolution de référence de la dépense par patient", unit="part, 0 à 1",
        source="Cahier des charges Ipep (évolution d'une population comparable ; taux non "
        "publié, proche de l'Ondam soins de ville)", assumption=True, minimum=-0.2, maximum=0.3)
    experience_max_points: float = sourced(
        20.0, label="Majoration maximale « expérience patient »", unit="points",
        source=IPEP_QUALITY, assumption=False, minimum=0, maximum=50)
    quality_gate: float = sourced(
        40.0, label="Score qualité minimal pour percevoir l'intéressement", unit="points",
        source=IPEP_QUALITY + " (seuil non confirmé)", assumption=True, minimum=0, maximum=120)
    per_patient_gaps: bool = sourced(
        False, label="Écarts calculés patient par patient (sinon : dépense moyenne du groupe)",
        source=IPEP_GAINS + " : montant par patient issu des écarts de la patientèle du "
        "groupement", assumption=False)
    quality_full: float = sourced(
        100.0, label="Score qualité donnant l'intéressement entier", unit="points",
        source=IPEP_QUALITY + " (modulation linéaire non confirmée)", assumption=True,
        minimum=1, maximum=120)


@dataclass(frozen=True)
class EpisodeParameters:
    """Episode bundle as in the French « paiement à l'épisode de soins » (EDS)."""

    prices: tuple[float, ...] = sourced(
        (9500.0, 10000.0, 14500.0),
        label="Forfait de référence par épisode (PTH, PTG, colectomie)", unit="€",
        source=EDS + " (montants non publiés : ordre de grandeur GHS + soins de ville)",
        assumption=True)
    phase_shares: tuple[float, ...] = sourced(
        (0.05, 0.75, 0.20), label="Répartition pré-opératoire / séjour / post-opératoire",
        source=EDS + " (répartition non publiée)", assumption=True)
    elderly_coefficient: float = sourced(
        1.10, label="Coefficient de risque 80 ans et plus", source=EDS + " (ajustement au "
        "risque ; valeur non publiée)", assumption=True, minimum=1, maximum=3)
    ald_coefficient: float = sourced(
        1.10, label="Coefficient de risque patient en ALD", source=EDS + " (valeur non publiée)",
        assumption=True, minimum=1, maximum=3)
    quality_envelope_rate: float = sourced(
        0.05, label="Enveloppe qualité (part du forfait au score maximal)", unit="part, 0 à 1",
        source=EDS + " (taux non publié)", assumption=True, minimum=0, maximum=0.5)


@dataclass(frozen=True)
class MsspParameters:
    """US Medicare Shared Savings Program, as an international reference."""

    two_sided: bool = sourced(True, label="Modèle à deux sens (partage des pertes)",
                              source=MSSP_ENHANCED, assumption=False)
    sharing_rate: float = sourced(0.75, label="Taux de partage maximal des économies",
                                  unit="part, 0 à 1", source=MSSP_ENHANCED + " : 75 %",
                                  assumption=False, minimum=0, maximum=1)
    minimum_savings_rate: float = sourced(
        0.02, label="Taux minimal d'économies (MSR)", unit="part, 0 à 1",
        source=MSSP_ENHANCED + " : choix de l'ACO entre 0 et 2 %", assumption=False,
        minimum=0, maximum=0.1)
    minimum_loss_rate: float = sourced(
        0.02, label="Taux minimal de pertes (MLR)", unit="part, 0 à 1",
        source=MSSP_ENHANCED + " : symétrique du MSR", assumption=False,
        minimum=0, maximum=0.1)
    performance_payment_limit: float = sourced(
        0.20, label="Plafond des économies versées (part du benchmark)", unit="part, 0 à 1",
        source=MSSP_ENHANCED + " : 20 %", assumption=False, minimum=0, maximum=1)
    loss_rate_floor: float = sourced(
        0.40, label="Taux de partage des pertes minimal", unit="part, 0 à 1",
        source=MSSP_ENHANCED + " : 1 − taux final, entre 40 et 75 %",
        assumption=False, minimum=0, maximum=1)
    loss_rate_ceiling: float = sourced(
        0.75, label="Taux de partage des pertes maximal", unit="part, 0 à 1",
        source=MSSP_ENHANCED, assumption=False, minimum=0, maximum=1)
    loss_limit: float = sourced(
        0.15, label="Plafond des pertes (part du benchmark)", unit="part, 0 à 1",
        source=MSSP_ENHANCED + " : 15 %", assumption=False, minimum=0, maximum=1)
    quality_standard: float = sourced(
        0.40, label="Standard de qualité (score au-delà duquel le taux est entier)",
        unit="part, 0 à 1", source=MSSP_QUALITY, assumption=True, minimum=0.01, maximum=1)


@dataclass(frozen=True)
class Scenario:
    """All the models' parameters at once (one simulation)."""

    fee_for_service: FeeForServiceParameters = field(default_factory=FeeForServiceParameters)
    peps: PepsParameters = field(default_factory=PepsParameters)
    ipep: IpepParameters = field(default_factory=IpepParameters)
    episode: EpisodeParameters = field(default_factory=EpisodeParameters)
    mssp: MsspParameters = field(default_factory=MsspParameters)


PARAMETER_CLASSES: dict[str, type] = {
    "fee_for_service": FeeForServiceParameters,
    "peps": PepsParameters,
    "ipep": IpepParameters,
    "episode": EpisodeParameters,
    "mssp": MsspParameters,
}
