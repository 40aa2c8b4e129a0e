"""Demo content of labs for the demo territory (Occitanie): a lab, a challenge, ideas with
comments and supports, a team with tasks, a hackathon with schedule, mentors, a jury (one juror
in conflict of interest), submissions, scores and results, a project. All marked as demo.

Idempotent: previous demo labs are removed, then written again around today's date. Uses the
demo accounts (see core.demo); does nothing without them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.labs import services
from maillage.labs.models import Lab
from maillage.territories.models import Commune

DEMO = "@demo.maillage.fr"


def _user(name: str) -> User | None:
    return User.objects.filter(email=f"{name}{DEMO}").first()


@transaction.atomic
def demo_load(say: Callable[[str], object] = print) -> Lab | None:
    analyst, resident, doctor = _user("analyste"), _user("habitante"), _user("medecin")
    coordinator, moderator = _user("coordinatrice"), _user("moderateur")
    if not all((analyst, resident, doctor, coordinator, moderator)):
        say("Laboratoires : comptes de démonstration absents, rien à charger.")
        return None
    # The demo "habitante de Mende" needs her home commune to support ideas as a resident.
    if resident.home_commune_id is None and Commune.objects.filter(pk="48095").exists():
        resident.home_commune_id = "48095"
        resident.save(update_fields=["home_commune"])
    for old in Lab.objects.filter(is_demo=True).select_related("process"):
        process = old.process
        old.delete()
        # The lab's own ideas process: demo content, removed with it.
        process.delete()
    now = timezone.now()
    lab = services.lab_create(
        actor=analyst, name="Lab d'innovation en santé Occitanie (démo)", kind="region",
        territory_level="region", territory_code="76", is_demo=True,
        description="Professionnel·les de santé, associations et habitant·es inventent "
                    "ensemble des solutions d'accès aux soins.")
    challenge = services.challenge_create(
        actor=analyst, lab=lab, title="Consulter sans 40 minutes de route en Lozère",
        description="Les habitant·es de Lozère signalent des distances trop grandes jusqu'au "
                    "médecin. Quels outils de téléconsultation adaptés aux zones rurales et "
                    "aux personnes âgées ?",
        territory_level="departement", territory_code="48", category="distance",
        ideas_close_at=now + timedelta(days=45), commune_codes=["48095", "48017"])
    cabin = services.idea_submit(
        actor=resident, challenge=challenge, is_demo=True,
        title="Une cabine de téléconsultation accompagnée en mairie",
        body="Une cabine équipée (tensiomètre, otoscope) avec un·e infirmier·e deux demi-"
             "journées par semaine.")
    app = services.idea_submit(
        actor=doctor, challenge=challenge, is_demo=True,
        title="Une appli de suivi simplifiée pour les seniors",
        body="Gros boutons, rappels vocaux, partage avec le médecin traitant et l'aidant.")
    services.idea_comment(actor=doctor, idea=cabin, body="La MSP de Mende peut assurer les "
                                                         "créneaux du mardi.")
    services.idea_support(actor=resident, idea=app)
    services.idea_shortlist(actor=analyst, idea=cabin)
    for person, roles, skills in ((resident, ["patient_partner"], "Usagère, aidante"),
                                  (doctor, ["health_professional"], "Médecine générale"),
                                  (coordinator, ["association"], "Transport solidaire")):
        services.profile_update(actor=person, roles=roles, skills=skills)
    team = services.team_create(actor=resident, idea=cabin, name="Les Cabines du Causse",
                                role="patient_partner",
                                description="Une usagère, un médecin, une association.")
    services.team_join(actor=doctor, team=team, role="health_professional")
    services.team_join(actor=coordinator, team=team, role="association")
    services.task_add(actor=resident, team=team, title="Rencontrer la mairie de Badaroux",
                      assignee_id=resident.pk)
    services.task_add(actor=doctor, team=team, title="Lister le matériel médical")
    rival = services.team_create(actor=analyst, idea=app, name="Appli Seniors",
                                 role="developer")
    event = services.event_create(
        actor=analyst, lab=lab, challenge_id=challenge.pk,
        title="Hackathon santé rurale — Mende", place="Mende, espace Saint-Ilpide",
        online_url="https://visio.example.org/hackathon-mende",
        starts_at=now + timedelta(days=10), ends_at=now + timedelta(days=11),
        submissions_close_at=now + timedelta(days=11), capacity=40, waiting_list_capacity=10)
    for hours, title in ((0, "Accueil et présentation des défis"), (2, "Travail en équipes"),
                         (23, "Pitchs devant le jury")):
        services.schedule_item_add(actor=analyst, event=event,
                                   starts_at=event.starts_at + timedelta(hours=hours),
                                   title=title)
    services.mentor_add(actor=analyst, event=event, name="Dr Claire Roux (fictive)",
                        expertise="Télémédecine en zone rurale")
    impact = services.criterion_add(actor=analyst, event=event, name="Impact sur l'accès",
                                    weight=3)
    feasibility = services.criterion_add(actor=analyst, event=event, name="Faisabilité",
                                         weight=2)
    services.juror_add(actor=analyst, event=event, email=moderator.email)
    # The doctor is in a team: a juror who abstains on it (conflict of interest).
    services.juror_add(actor=analyst, event=event, email=doctor.email)
    for person in (resident, doctor, coordinator):
        services.event_register(actor=person, event=event)
    mine = services.submission_save(
        actor=resident, event=event, team=team, description="Prototype de cabine et plan de "
        "fonctionnement avec la MSP.", links=["https://example.org/cabine-causse"])
    theirs = services.submission_save(actor=analyst, event=event, team=rival,
                                      description="Maquette de l'appli.")
    services.score_record(actor=moderator, submission=mine,
                          values={impact.pk: 8, feasibility.pk: 7})
    services.score_record(actor=moderator, submission=theirs,
                          values={impact.pk: 6, feasibility.pk: 8})
    services.score_record(actor=doctor, submission=theirs,
                          values={impact.pk: 7, feasibility.pk: 6})
    services.results_publish(actor=analyst, event=event)
    project = services.project_create(
        actor=analyst, idea=cabin, team_id=team.pk, title="Cabines de téléconsultation "
        "accompagnées", summary="Une cabine en mairie, un·e infirmier·e, la MSP en appui.")
    services.project_stage_change(actor=analyst, project=project, stage="prototype",
                                  note="Prototype présenté au hackathon.")
    services.project_update(actor=analyst, project=project, funding_requested="25000",
                            funding_obtained="10000")
    services.milestone_add(actor=analyst, project=project, title="Convention avec la mairie",
                           due_on=(now + timedelta(days=60)).date())
    services.partner_add(actor=analyst, project=project, name="MSP de Mende (fictive)",
                         contribution="Créneaux médicaux")
    say("Laboratoires : un laboratoire, un défi, des idées, une équipe, un hackathon avec jury "
        "et un projet de démonstration.")
    return lab
