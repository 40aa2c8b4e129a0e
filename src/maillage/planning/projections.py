"""Projected retirements: the practitioners who will have reached an age by a year leave.

"Model the retirement of the GPs over 65" (issue 10): from the practitioners' birth years (RPPS
extract), every practitioner of the profession practising in the région who is at least
``age`` years old in ``year`` is removed. Each commune gets one retirement change whose supply
is exactly what the access run counted for those practitioners (DREES activity rules: caps,
5,400 for a newcomer or an unknown activity, salaried GPs uncapped; each practitioner split
over his sites), so the scenario's effect equals a full run without them. Where a user
declared the commune's yearly activity (it replaces the estimate in the run), the declared
figure is reduced in proportion of the counted activity that leaves.
"""

from __future__ import annotations

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.engines.access import capped_activity
from maillage.healthcare import selectors as healthcare
from maillage.healthcare.models import Practitioner
from maillage.insights import defaults
from maillage.planning.models import Scenario, ScenarioChange
from maillage.planning.services import _check_can_change


def retiring_supply(*, region: str, profession: str, age: int, year: int) -> dict[str, dict]:
    """Per commune of the région: {"practitioners": share-weighted count, "supply": counted
    supply that leaves, in the access run's unit}."""
    if healthcare.supply_source_kind(profession=profession) != "rpps":
        raise ValidationError(_(
            "Les âges des professionnels ne sont connus que par l'extraction RPPS (Annuaire "
            "Santé) : elle n'est pas la source de l'offre chargée pour cette profession."))
    leaving = set(Practitioner.objects.filter(
        profession=profession, commune__region_id=region, birth_year__isnull=False,
        birth_year__lte=year - age).values_list("rpps", "commune_id"))
    if not leaving:
        return {}
    sites = healthcare.practitioner_activity(profession=profession)
    is_gp = profession == "generaliste"
    if is_gp:
        activity = np.array([defaults.ACTIVITY_PER_GP_WITHOUT_DATA if s.activity is None
                             else s.activity / s.share for s in sites], dtype=np.float64)
        counted = capped_activity(activity, health_centre=[s.salaried for s in sites],
                                  no_previous_year_activity=[s.new_installation for s in sites]
                                  ) * np.array([s.share for s in sites])
    else:  # one full-time equivalent per professional, split between his sites
        counted = np.array([s.share for s in sites], dtype=np.float64)
    total: dict[str, float] = {}
    out: dict[str, dict] = {}
    for site, value in zip(sites, counted.tolist(), strict=True):
        total[site.commune] = total.get(site.commune, 0.0) + value
        if (site.rpps, site.commune) in leaving:
            entry = out.setdefault(site.commune, {"practitioners": 0.0, "supply": 0.0})
            entry["practitioners"] += site.share
            entry["supply"] += value
    declared = healthcare.commune_activity(profession=profession, region=region) if is_gp else {}
    for code, entry in out.items():
        if code in declared and total.get(code):
            entry["supply"] = declared[code] * entry["supply"] / total[code]
    return out


def scenario_retirements_project(*, actor: User | None, scenario: Scenario, age: int = 65,
                                 year: int | None = None) -> list[ScenarioChange]:
    """Add one retirement change per commune for the practitioners aged ``age`` or more in
    ``year`` (default: this year). ValidationError, nothing stored, when ages are unknown."""
    _check_can_change(actor, scenario)
    this_year = timezone.now().year
    year = this_year if year in (None, "") else year
    try:
        age, year = int(age), int(year)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Âge et année doivent être des entiers.")}) from None
    errors = {}
    if not 50 <= age <= 80:
        errors["age"] = _("L'âge de départ va de 50 à 80 ans.")
    if not this_year - 5 <= year <= this_year + 20:
        errors["year"] = _("L'année de projection va de %(a)s à %(b)s.") % {
            "a": this_year - 5, "b": this_year + 20}
    if errors:
        raise ValidationError(errors)
    leaving = retiring_supply(region=scenario.region_id, profession=scenario.profession,
                              age=age, year=year)
    if not leaving:
        raise ValidationError(_("Aucun professionnel de %(a)s ans ou plus en %(y)s dans la "
                                "région (âges connus).") % {"a": age, "y": year})
    with transaction.atomic():
        changes = [ScenarioChange.objects.create(
            scenario=scenario, kind=ScenarioChange.Kind.RETIREMENT, commune_id=code,
            fte=min(max(entry["practitioners"], 0.01), 100.0),
            supply_amount=-entry["supply"],
            label=_("Départs projetés : %(n)s professionnel(s) de %(a)s ans ou plus en %(y)s")
            % {"n": f"{entry['practitioners']:g}", "a": age, "y": year})
            for code, entry in sorted(leaving.items())]
        Scenario.objects.filter(pk=scenario.pk).update(state=Scenario.State.DRAFT)
    return changes
