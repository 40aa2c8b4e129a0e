"""A simulation as the screens and exports show it: parameters read from a request, the
engine's comparison, and the tables (per year, per professional group, per patient)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from maillage.engines.payment import (
    GROUPS,
    PARAMETER_CLASSES,
    Comparison,
    Population,
    Scenario,
    describe,
    sensitivity,
    simulate,
)

MODEL_LABELS = {
    "fee_for_service": _("Paiement à l'acte"),
    "peps": _("Forfait d'équipe (Peps)"),
    "ipep": _("Intéressement aux économies (Ipep)"),
    "episode": _("Paiement à l'épisode de soins (EDS)"),
    "mssp": _("Économies partagées (MSSP, États-Unis)"),
}
MODEL_DESCRIPTIONS = {
    "fee_for_service": _("la référence : chaque acte payé à sa valeur."),
    "peps": _("un forfait annuel par patient pour les médecins généralistes et les "
              "infirmiers, ajusté sur l'âge, l'ALD, la CSS et la défavorisation, modulé par la "
              "qualité et plafonné par rapport à l'acte (règle de 2022)."),
    "ipep": _("en plus de l'acte, la moitié des économies (écart à la dépense de référence et "
              "écart d'évolution), selon le score qualité et l'expérience patient."),
    "episode": _("un forfait par épisode chirurgical (prothèse de hanche ou de genou, "
                 "colectomie) couvrant l'avant, le séjour et l'après, ajusté au risque, avec une "
                 "enveloppe qualité."),
    "mssp": _("la référence américaine : économies partagées au-delà d'un seuil, plafonnées, "
              "et pertes partagées dans le modèle à deux sens."),
}
MODEL_COLOURS = {
    "fee_for_service": "#666666", "peps": "#000091", "ipep": "#18753c",
    "episode": "#b34000", "mssp": "#6e445a",
}
GROUP_LABELS = {
    "generaliste": _("Médecins généralistes"),
    "infirmier": _("Infirmiers"),
    "kinesitherapeute": _("Masseurs-kinésithérapeutes"),
    "equipe_episode": _("Équipe de l'épisode chirurgical"),
}
PER_YEAR_LABELS = {
    "base_amount": _("forfait de base par patient (€)"),
    "quality_points": _("points qualité (indicateurs, /100)"),
    "quality_modulation": _("modulation qualité (×)"),
    "covered_fee_for_service": _("rémunération à l'acte couverte (€)"),
    "cap": _("plafond (€)"),
    "uncapped": _("forfaits avant plafond (€)"),
    "cap_scale": _("réduction par le plafond (×)"),
    "experience_points": _("points expérience patient"),
    "quality_score": _("score qualité total"),
    "quality_factor": _("facteur qualité (×)"),
    "savings_before_quality": _("intéressement avant qualité (€)"),
    "bonus": _("intéressement versé (€)"),
    "benchmark": _("benchmark (€)"),
    "spending": _("dépense constatée (€)"),
    "savings": _("économies (€)"),
    "final_sharing_rate": _("taux de partage final"),
    "shared_savings": _("économies versées (€)"),
    "shared_losses": _("pertes dues (€)"),
    "loss_rate": _("taux de partage des pertes"),
}
PERCENTILES = (10, 25, 50, 75, 90)
SENSITIVITY_STEPS = (0.5, 0.75, 1.0, 1.25, 1.5)


@dataclass(frozen=True)
class ParameterRow:
    key: str  # "<model>.<field>", the form field's name
    model: str
    label: str
    value: Any
    default: Any
    source: str
    assumption: bool
    unit: str
    kind: str  # "float", "bool", "tuple"
    changed: bool

    @property
    def shown(self) -> str:
        return format_value(self.value)

    @property
    def default_shown(self) -> str:
        return format_value(self.default)


def format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, tuple):
        return " ; ".join(f"{v:g}" for v in value)
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _kind(default: Any) -> str:
    return "bool" if isinstance(default, bool) else "tuple" if isinstance(default, tuple) \
        else "float"


def scenario_from(data: Mapping[str, str]) -> tuple[Scenario, list[str]]:
    """Read `<model>.<field>` values; a bad value keeps its default and says why.

    Booleans are read from checkboxes only when the form was sent (`parametres` present).
    """
    errors: list[str] = []
    sent = "parametres" in data
    parts = {}
    for model, cls in PARAMETER_CLASSES.items():
        values = {}
        for info in describe(cls):
            key = f"{model}.{info.name}"
            kind = _kind(info.default)
            if kind == "bool":
                if sent:
                    values[info.name] = data.get(key) in ("on", "1", "true", "True")
                continue
            raw = data.get(key)
            if raw is None or str(raw).strip() == "":
                continue
            try:
                if kind == "tuple":
                    parsed = tuple(float(v.replace(",", ".")) for v in
                                   str(raw).replace(";", " ").split())
                    if len(parsed) != len(info.default) or any(v < 0 for v in parsed):
                        raise ValueError
                    values[info.name] = parsed
                else:
                    number = float(str(raw).replace(",", "."))
                    if not np.isfinite(number) or (
                            info.minimum is not None and number < info.minimum) or (
                            info.maximum is not None and number > info.maximum):
                        raise ValueError
                    values[info.name] = number
            except ValueError:
                errors.append(str(_("« %(label)s » : valeur refusée (%(raw)s), défaut "
                                    "conservé.") % {"label": info.label, "raw": str(raw)[:40]}))
        parts[model] = replace(cls(), **values)
    return Scenario(**parts), errors


def parameter_rows(scenario: Scenario) -> list[ParameterRow]:
    rows = []
    for model, cls in PARAMETER_CLASSES.items():
        current = getattr(scenario, model)
        for info in describe(cls):
            value = getattr(current, info.name)
            rows.append(ParameterRow(
                key=f"{model}.{info.name}", model=model, label=info.label, value=value,
                default=info.default, source=info.source, assumption=info.assumption,
                unit=info.unit, kind=_kind(info.default), changed=value != info.default))
    return rows


def sensitivity_choices() -> list[tuple[str, str]]:
    return [(f"{m}.{i.name}", f"{MODEL_LABELS[m]} — {i.label}")
            for m, cls in PARAMETER_CLASSES.items() for i in describe(cls)
            if _kind(i.default) == "float"]


@dataclass(frozen=True)
class Sensitivity:
    key: str
    model: str
    label: str
    values: list[float]
    team: list[float]
    payer: list[float]
    team_baseline: float  # fee-for-service, all years: the chart shows the gaps to it
    payer_baseline: float

    def rows(self) -> list[tuple[float, float, float, float, float]]:
        return [(v, t, t - self.team_baseline, p, p - self.payer_baseline)
                for v, t, p in zip(self.values, self.team, self.payer, strict=True)]


@dataclass(frozen=True, eq=False)
class Report:
    scenario: Scenario
    comparison: Comparison
    errors: list[str]
    parameters: list[ParameterRow]
    estimated_reference: bool
    sensitivity: Sensitivity | None

    @property
    def years(self) -> list[int]:
        return [int(y) for y in self.comparison.years]

    def year_rows(self) -> list[dict[str, Any]]:
        """One row per model and year: team revenue, payer cost, difference with fee-for-service."""
        c = self.comparison
        base_team, base_payer = c.team_by_year["fee_for_service"], c.payer_by_year[
            "fee_for_service"]
        rows = []
        for model in c.results:
            for i, year in enumerate(self.years):
                patients = max(int(c.patients_by_year[i]), 1)
                rows.append({
                    "model": model, "label": MODEL_LABELS[model], "year": year,
                    "team": float(c.team_by_year[model][i]),
                    "team_delta": float(c.team_by_year[model][i] - base_team[i]),
                    "payer": float(c.payer_by_year[model][i]),
                    "payer_delta": float(c.payer_by_year[model][i] - base_payer[i]),
                    "team_per_patient": float(c.team_by_year[model][i]) / patients,
                })
        return rows

    def group_rows(self) -> list[dict[str, Any]]:
        """One row per year and group, one column per model."""
        c = self.comparison
        rows = []
        for i, year in enumerate(self.years):
            for g, group in enumerate(GROUPS):
                rows.append({"year": year, "group": GROUP_LABELS[group],
                             "values": [float(c.group_by_year[m][i, g]) for m in c.results]})
        return rows

    def detail_rows(self) -> list[dict[str, Any]]:
        """The team-level figures behind each model (cap, quality factor, MSSP savings)."""
        rows = []
        for model, result in self.comparison.results.items():
            for key, values in result.per_year.items():
                rows.append({"model": MODEL_LABELS[model], "label": PER_YEAR_LABELS.get(key, key),
                             "values": [float(v) for v in values]})
        return rows

    def episode_rows(self) -> list[dict[str, Any]]:
        components = self.comparison.results.get("episode")
        if components is None:
            return []
        parts = components.components
        has = parts["bundle"] > 0
        return [{"label": label, "total": float(parts[key][has].sum())} for key, label in (
            ("pre", _("phase pré-opératoire")), ("stay", _("séjour")),
            ("post", _("phase post-opératoire")), ("envelope", _("enveloppe qualité")),
        )] + [{"label": _("épisodes"), "total": float(has.sum())}]

    def distribution_rows(self) -> list[dict[str, Any]]:
        """Percentiles of what the team earns per patient row, per model."""
        rows = []
        for model, result in self.comparison.results.items():
            values = np.percentile(result.team_revenue, PERCENTILES)
            rows.append({"model": model, "label": MODEL_LABELS[model],
                         "values": [float(v) for v in values],
                         "mean": float(result.team_revenue.mean())})
        return rows

    def model_labels(self) -> list[str]:
        return [str(MODEL_LABELS[m]) for m in self.comparison.results]

    def assumptions(self) -> list[ParameterRow]:
        return [r for r in self.parameters if r.assumption]


def build_report(population: Population, data: Mapping[str, str]) -> Report:
    scenario, errors = scenario_from(data)
    comparison = simulate(population, scenario)
    chosen = data.get("sensibilite", "")
    result = None
    if chosen:
        model, _sep, name = chosen.partition(".")
        cls = PARAMETER_CLASSES.get(model)
        info = next((i for i in describe(cls) if i.name == name), None) if cls else None
        if info is None or _kind(info.default) != "float":
            errors.append(str(_("Paramètre de sensibilité inconnu.")))
        else:
            result = _sensitivity(population, scenario, model, info, comparison)
    return Report(scenario=scenario, comparison=comparison, errors=errors,
                  parameters=parameter_rows(scenario),
                  estimated_reference=bool(np.isnan(population.spending_reference).any()),
                  sensitivity=result)


def _sensitivity(population: Population, scenario: Scenario, model: str, info,
                 comparison: Comparison) -> Sensitivity:
    current = float(getattr(getattr(scenario, model), info.name))
    low = info.minimum if info.minimum is not None else 0.0
    high = info.maximum if info.maximum is not None else max(current * 2, 1.0)
    if current == 0:
        values = list(np.linspace(low, high, 5))
    else:
        values = sorted({float(np.clip(current * s, low, high)) for s in SENSITIVITY_STEPS})
    team, payer = sensitivity(population, scenario, model, info.name, values)
    return Sensitivity(key=f"{model}.{info.name}", model=model,
                       label=f"{MODEL_LABELS[model]} — {info.label}", values=values,
                       team=[float(v) for v in team], payer=[float(v) for v in payer],
                       team_baseline=float(comparison.team_by_year["fee_for_service"].sum()),
                       payer_baseline=float(comparison.payer_by_year["fee_for_service"].sum()))

