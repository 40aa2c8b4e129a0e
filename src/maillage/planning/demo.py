"""Demo content of planning for the demo territory (Occitanie, 76): two computed scenarios for
the least served communes of Lozère — a health centre with two GPs, and a mobile unit's weekly
round — put to the residents' vote in a demo process whose vote is open.

Idempotent: the previous demo process and demo scenarios are removed, then written again
around today's date. Needs the demo analyst (see core.demo) and a successful APL run of the
région's GPs; says so and does nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.engines.access import DesertClass
from maillage.insights.models import AccessRun, CommuneAccess, Method
from maillage.participation.models import Phase, PhaseType, Process
from maillage.planning import loop, services
from maillage.planning.models import Scenario, ScenarioAction, ScenarioBallot

REGION = "76"
LOZERE = "48"
PROFESSION = "generaliste"
PROCESS_TITLE = "Quel projet pour l'accès aux soins en Lozère ? (démonstration)"
DEMO = "@demo.maillage.fr"


def _least_served(run: AccessRun, count: int = 4) -> list[str]:
    """Lozère communes of the run, priority zones first, then by lowest APL, the most
    populated first among equals."""
    rows = (CommuneAccess.objects.filter(run=run, commune__departement_id=LOZERE)
            .values_list("commune_id", "desert_class", "accessibility", "population"))
    priority = int(DesertClass.PRIORITY)
    ordered = sorted(rows, key=lambda r: (r[1] != priority, round(r[2], 6), -r[3], r[0]))
    return [r[0] for r in ordered[:count]]


def _clear() -> None:
    # The process's votes and actions go with it (cascade), then the scenarios they protected.
    Process.objects.filter(is_demo=True, title=PROCESS_TITLE).delete()
    ScenarioAction.objects.filter(scenario__is_demo=True).delete()
    Scenario.objects.filter(is_demo=True).delete()


@transaction.atomic
def demo_load(say: Callable[[str], object] = print) -> ScenarioBallot | None:
    analyst = User.objects.filter(email=f"analyste{DEMO}").first()
    if analyst is None:
        say("Planification : compte analyste de démonstration absent, rien à charger.")
        return None
    run = (AccessRun.objects.filter(region_id=REGION, profession=PROFESSION, method=Method.APL,
                                    state=AccessRun.State.SUCCEEDED)
           .order_by("-finished_at", "-pk").first())
    if run is None:
        say("Planification : aucun calcul d'accessibilité des généralistes en Occitanie, "
            "rien à charger.")
        return None
    codes = _least_served(run)
    if len(codes) < 2:
        say("Planification : trop peu de communes de Lozère dans le calcul, rien à charger.")
        return None
    _clear()
    site, stops = codes[0], codes[1:4]
    msp = services.scenario_create(
        actor=analyst, region=REGION, profession=PROFESSION,
        name="Maison de santé avec deux médecins (démo)",
        description="Scénario fictif : une maison de santé pluriprofessionnelle de deux "
                    "médecins généralistes à temps plein dans la commune la moins bien servie "
                    "de Lozère.", investment_cost_eur=1_200_000, yearly_cost_eur=180_000)
    services.scenario_change_add(actor=analyst, scenario=msp, kind="new_site", commune=site,
                                 fte=2, label="Maison de santé (démo)")
    unit = services.scenario_create(
        actor=analyst, region=REGION, profession=PROFESSION,
        name="Unité mobile de médecine générale (démo)",
        description="Scénario fictif : un médecin à temps plein dans une unité mobile qui "
                    "s'arrête chaque semaine dans les communes les moins bien servies.",
        investment_cost_eur=250_000, yearly_cost_eur=150_000)
    schedule = [{"stop": code, "day": day, "start": start, "end": end}
                for code, (day, start, end) in zip(stops, [(1, 9, 12.5), (2, 9, 12.5),
                                                           (3, 14, 17.5)], strict=False)]
    services.scenario_change_add(actor=analyst, scenario=unit, kind="mobile_unit", fte=1,
                                 schedule=schedule, label="Tournée hebdomadaire (démo)")
    for scenario in (msp, unit):
        services.scenario_compute(actor=analyst, scenario=scenario)
    Scenario.objects.filter(pk__in=[msp.pk, unit.pk]).update(is_demo=True)
    say("Planification : deux scénarios calculés pour la Lozère (maison de santé, unité "
        "mobile).")

    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    day = timedelta(days=1)
    process = Process.objects.create(
        title=PROCESS_TITLE, territory_level="departement", territory_code=LOZERE,
        territory_name="Lozère", organiser_name="ARS Occitanie (fictive)",
        summary="Deux projets, leur effet calculé sur l'accès aux médecins : votez en "
                "connaissant les conséquences.",
        description="Contenu fictif de démonstration.", is_published=True, is_demo=True,
        created_by=analyst)
    vote_phase = Phase.objects.create(process=process, type=PhaseType.VOTE,
                                      starts_at=now - 3 * day, ends_at=now + 14 * day)
    Phase.objects.create(process=process, type=PhaseType.IMPLEMENTATION,
                         starts_at=now + 14 * day, ends_at=now + 200 * day)
    ballot = loop.scenarios_put_to_vote(
        actor=analyst, scenarios=[msp, unit], process=process, phase=vote_phase,
        title="Quel projet pour l'accès aux médecins en Lozère ?",
        description="Vote fictif de démonstration.", status_quo=True)
    votes = _ballots(ballot, msp, unit)
    say(f"Planification : les deux scénarios sont soumis au vote ({votes} bulletins de "
        "démonstration).")
    return ballot


def _ballots(ballot: ScenarioBallot, msp: Scenario, unit: Scenario) -> int:
    """Ranked ballots of the participation demo's residents (when loaded): the health centre
    first for two thirds of them."""
    from maillage.participation.services import ballot_cast

    options = {o.scenario_id: o.option_id for o in ballot.options.all()}
    order_msp = [options[msp.pk], options[unit.pk], options[None]]
    order_unit = [options[unit.pk], options[msp.pk], options[None]]
    cast = 0
    residents = User.objects.filter(email__startswith="habitant", email__endswith=DEMO,
                                    home_commune__departement_id=LOZERE).order_by("email")
    for n, person in enumerate(residents[:12]):
        try:
            ballot_cast(actor=person, vote=ballot.vote,
                        ranking=order_unit if n % 3 == 2 else order_msp)
        except (ValidationError, PermissionDenied):
            continue
        cast += 1
    return cast
