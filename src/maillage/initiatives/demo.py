"""Demo content of initiatives for the demo territory (Occitanie).

Fictive initiatives modelled on the kinds that exist in the région (a maison de santé, a
salaried centre de santé, a prevention bus, solidarity transport, teleconsultation in a
pharmacy, a CPTS, a mobile mental-health team, a screening campaign), each with declared
results and lessons; testimonies (published, one waiting for moderation), reactions and
follows by the demo accounts; then the initiatives that other apps' demo content created
(transport associations, care cooperations, lab projects in pilot, completed actions) are
brought in by `initiatives_sync`, so they are not entered twice.

Idempotent: the previous demo initiatives (`is_demo`) and the notifications that pointed to
them are removed, then written again. Uses the demo accounts (see core.demo); an initiative
whose commune is not loaded is skipped and said.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from maillage.accounts.models import User
from maillage.initiatives import services
from maillage.initiatives.models import Initiative
from maillage.participation.models import Notification
from maillage.territories.models import Commune

DEMO = "@demo.maillage.fr"
DEMO_REGION = "76"


@dataclass(frozen=True)
class DemoTestimony:
    author: str
    body: str
    show_name: bool = False
    published: bool = True


@dataclass(frozen=True)
class DemoInitiative:
    owner: str
    commune: str
    title: str
    kind: str
    theme: str
    population: str
    run_by: str
    started_on: date
    summary: str
    contact: str
    how_to_join: str
    results: str
    lessons: str
    testimonies: tuple[DemoTestimony, ...] = ()
    reactions: tuple[tuple[str, str], ...] = ()
    followers: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)


INITIATIVES: tuple[DemoInitiative, ...] = (
    DemoInitiative(
        "medecin", "48095", "Maison de santé pluriprofessionnelle du Gévaudan (démo)", "msp",
        "medecin_traitant", "tous", "SISA des professionnels de santé du Gévaudan",
        date(2017, 9, 1),
        "Quatre médecins généralistes, six infirmier·es, deux kinésithérapeutes, une "
        "diététicienne et une psychologue partagent un projet de santé, un dossier commun et "
        "un secrétariat. Une coordinatrice organise les réunions de concertation.",
        "accueil@msp-gevaudan.example", "Les habitant·es sans médecin traitant peuvent "
        "s'inscrire à l'accueil ; les internes en médecine générale sont accueilli·es en stage.",
        "Patients ayant déclaré un médecin traitant de la MSP ; 5400 ; patients ; 2024\n"
        "Professionnels associés ; 14 ; professionnels ; 2024\n"
        "Internes accueillis depuis l'ouverture ; 23 ; internes ; 2024",
        "Nous aurions recruté la coordinatrice dès le début plutôt qu'après deux ans : sans "
        "elle, les réunions et le projet de santé reposaient sur un seul médecin.",
        (DemoTestimony("habitante", "Après le départ en retraite de mon médecin, la MSP m'a "
                       "trouvé un médecin traitant en trois semaines. L'infirmière passe "
                       "chez ma mère deux fois par semaine.", show_name=True),
         DemoTestimony("benevole", "Le secrétariat nous appelle quand un patient âgé a "
                       "besoin d'un transport : c'est simple et rapide.")),
        (("habitante", "useful"), ("benevole", "inspiring")), ("habitante",)),
    DemoInitiative(
        "analyste", "48099", "Bus santé prévention des villages de Lozère (démo)",
        "unite_mobile", "prevention", "isoles", "Collectif départemental de prévention (fictif)",
        date(2021, 4, 15),
        "Un bus aménagé s'arrête une journée par mois dans douze villages sans cabinet : "
        "dépistage du diabète et des cancers, vaccination, bilan de santé pour les personnes "
        "éloignées du soin.",
        "bus-sante@prevention-lozere.example", "Le calendrier des passages est affiché en "
        "mairie ; sans rendez-vous, ou par téléphone pour un créneau de vaccination.",
        "Consultations de dépistage ; 1850 ; consultations ; 2024\n"
        "Villages desservis ; 12 ; villages ; 2024\n"
        "Personnes orientées vers un médecin traitant ; 210 ; personnes ; 2024",
        "Les premiers mois, le bus passait en semaine aux heures de travail : les passages du "
        "samedi matin ont doublé la fréquentation des moins de 60 ans.",
        (DemoTestimony("habitante", "Mon dépistage du diabète a été fait à deux rues de chez "
                       "moi, sans prendre la voiture jusqu'à Mende."),),
        (("habitante", "want_here"),)),
    DemoInitiative(
        "coordinatrice", "48017", "Transport solidaire des Causses et Vallées (démo)",
        "transport_solidaire", "mobilite", "personnes_agees",
        "Association Causses et Vallées Mobilité (fictive)", date(2019, 1, 10),
        "Vingt-huit chauffeurs bénévoles conduisent les personnes sans voiture à leurs "
        "rendez-vous médicaux, contre une participation aux frais kilométriques.",
        "04 66 00 00 00 (fictif)", "Adhésion annuelle de 5 € ; réserver trois jours avant le "
        "rendez-vous. Les bénévoles sont défrayés selon le barème kilométrique.",
        "Trajets vers des soins ; 1240 ; trajets ; 2024\n"
        "Chauffeurs bénévoles ; 28 ; bénévoles ; 2024\n"
        "Distance moyenne d'un trajet ; 37,5 ; km ; 2024",
        "Nous aurions dû signer plus tôt une convention avec la MSP et l'hôpital pour "
        "regrouper les rendez-vous d'un même village le même jour.",
        (DemoTestimony("habitante", "Sans Jean-Pierre, le chauffeur, je n'aurais pas pu aller "
                       "à ma séance de radiothérapie à Rodez.", show_name=True),
         DemoTestimony("benevole", "Je conduis deux fois par mois. On ne parle pas que de "
                       "santé pendant le trajet !", published=False)),
        (("benevole", "inspiring"),), ("benevole",)),
    DemoInitiative(
        "medecin", "12208", "CPTS du Sud-Aveyron : soins non programmés (démo)",
        "cooperation", "soins_non_programmes", "tous",
        "Communauté professionnelle territoriale de santé du Sud-Aveyron (fictive)",
        date(2020, 6, 1),
        "Les médecins de la CPTS réservent chacun deux créneaux par jour aux demandes du jour "
        "même, régulées par le SAS ; les pharmacies orientent les patients sans médecin.",
        "contact@cpts-sud-aveyron.example", "Les professionnel·les du territoire adhèrent à la "
        "CPTS ; les patients appellent le 15 ou leur pharmacie.",
        "Consultations non programmées assurées ; 9600 ; consultations ; 2024\n"
        "Passages aux urgences évités (estimation de la CPTS) ; 1100 ; passages ; 2024\n"
        "Professionnels adhérents ; 86 ; professionnels ; 2024",
        "Partager l'agenda des créneaux dans un seul outil dès le départ : au début, chaque "
        "cabinet avait le sien et les pharmacies ne savaient pas où orienter.",
        (DemoTestimony("medecin", "Les créneaux partagés ont désengorgé mon cabinet le lundi "
                       "matin ; la régulation nous envoie les bonnes demandes.",
                       show_name=True),),
        (("habitante", "useful"),)),
    DemoInitiative(
        "medecin", "12096", "Téléconsultation accompagnée en pharmacie (démo)",
        "teleconsultation", "medecin_traitant", "personnes_agees", "Pharmacie du Lot (fictive)",
        date(2022, 3, 1),
        "Une cabine de téléconsultation avec tensiomètre, otoscope et stéthoscope connectés ; "
        "la pharmacienne accompagne le patient pendant la consultation avec un médecin du "
        "département.",
        "pharmacie-du-lot@example.org", "Sur rendez-vous à la pharmacie ; prise en charge par "
        "l'Assurance maladie comme une consultation.",
        "Téléconsultations réalisées ; 640 ; téléconsultations ; 2024\n"
        "Patients de plus de 75 ans ; 38 ; % ; 2024",
        "Les médecins téléconsultants doivent être du territoire : avec une plateforme "
        "nationale, les patients ne retrouvaient jamais le même médecin.",
        (), (("habitante", "want_here"),)),
    DemoInitiative(
        "analyste", "12089", "Centre de santé départemental du Bassin (démo)", "centre_sante",
        "installation", "tous", "Conseil départemental (fictif)", date(2018, 11, 5),
        "Des médecins salariés par le département, à temps plein ou partiel, dans un centre et "
        "deux antennes ; le secrétariat et la gestion sont assurés par la collectivité.",
        "centre-sante@departement.example", "Ouvert à toutes et tous, sans dépassement "
        "d'honoraires ; les médecins intéressés par un poste salarié écrivent au centre.",
        "Médecins salariés ; 7 ; médecins ; 2024\n"
        "Patients ayant déclaré un médecin traitant du centre ; 6300 ; patients ; 2024",
        "Le salariat attire les jeunes médecins, mais il faut prévoir dès le début du temps "
        "de coordination rémunéré et un logement pour les remplaçants.",
        (DemoTestimony("habitante", "J'ai enfin un médecin traitant, et sans avance de "
                       "frais."),)),
    DemoInitiative(
        "analyste", "32013", "Équipe mobile santé mentale des jeunes (démo)", "unite_mobile",
        "sante_mentale", "jeunes", "Centre hospitalier et Maison des adolescents (fictifs)",
        date(2021, 9, 1),
        "Une infirmière et une psychologue vont au-devant des 12–25 ans dans les lycées, "
        "missions locales et foyers ruraux, et orientent vers les soins quand il le faut.",
        "equipe-mobile-jeunes@example.org", "Sur demande d'un établissement, d'une famille ou "
        "du jeune lui-même, par téléphone ou par message.",
        "Jeunes rencontrés ; 480 ; jeunes ; 2024\n"
        "Orientations vers un suivi ; 130 ; orientations ; 2024",
        "Travailler avec les missions locales dès la première année : les jeunes sortis de "
        "l'école étaient ceux que nous ne voyions pas."),
    DemoInitiative(
        "analyste", "09261", "Dépistage du cancer du sein : les ambassadrices (démo)",
        "prevention", "prevention", "precarite", "Centre régional de dépistage (fictif)",
        date(2023, 10, 1),
        "Des habitantes formées parlent du dépistage organisé aux femmes qui ne le font pas, "
        "sur les marchés et dans les associations, et aident à prendre rendez-vous.",
        "depistage@example.org", "Les volontaires suivent une formation de deux demi-journées.",
        "Femmes informées ; 1200 ; femmes ; 2024\n"
        "Mammographies prises grâce aux ambassadrices ; 260 ; mammographies ; 2024",
        "Venir avec un calendrier de rendez-vous déjà ouverts chez le radiologue : sans date, "
        "l'intention de se faire dépister retombait."),
)


def _user(name: str) -> User | None:
    return User.objects.filter(email=f"{name}{DEMO}").first()


def _forget_old() -> int:
    """Remove the previous demo initiatives and the notifications that pointed to them."""
    old = list(Initiative.objects.filter(is_demo=True).values_list("pk", "title"))
    if not old:
        return 0
    moderation_url = reverse("initiatives:moderation")
    stale = Q(pk__in=[])
    for pk, title in old:
        url = reverse("initiatives:initiative", args=[pk])
        stale |= Q(url=url) | Q(url__startswith=f"{url}#") | (
            Q(url=moderation_url) & Q(title__endswith=title[:200]))
    Notification.objects.filter(stale).delete()
    Initiative.objects.filter(pk__in=[pk for pk, _title in old]).delete()
    return len(old)


@transaction.atomic
def demo_load(say: Callable[[str], object] = print) -> list[Initiative]:
    names = {"habitante", "benevole", "coordinatrice", "medecin", "analyste", "moderateur"}
    people = {name: _user(name) for name in names}
    if not all(people.values()):
        say("Initiatives : comptes de démonstration absents, rien à charger.")
        return []
    _forget_old()
    moderator = people["moderateur"]
    known = set(Commune.objects.filter(pk__in=[d.commune for d in INITIATIVES])
                .values_list("pk", flat=True))
    created, skipped = [], []
    for spec in INITIATIVES:
        if spec.commune not in known:
            skipped.append(spec.title)
            continue
        initiative = services.initiative_create(
            actor=people[spec.owner], title=spec.title, kind=spec.kind, theme=spec.theme,
            population=spec.population, summary=spec.summary, commune=spec.commune,
            run_by=spec.run_by, started_on=spec.started_on, contact=spec.contact,
            how_to_join=spec.how_to_join, results=spec.results, lessons=spec.lessons,
            is_demo=True)
        for t in spec.testimonies:
            testimony = services.testimony_create(actor=people[t.author], initiative=initiative,
                                                  body=t.body, show_name=t.show_name)
            if t.published:
                services.testimony_moderate(actor=moderator, testimony=testimony, approve=True)
        for person, kind in spec.reactions:
            services.initiative_react(actor=people[person], initiative=initiative, kind=kind)
        for person in spec.followers:
            services.initiative_follow(actor=people[person], initiative=initiative)
        created.append(initiative)
    synced = services.initiatives_sync(region=DEMO_REGION)
    linked = Initiative.objects.filter(archived_at__isnull=True).exclude(source_app="").count()
    say(f"Initiatives : {len(created)} initiatives de démonstration avec témoignages, "
        f"réactions et suivis ; {linked} reprises des autres applications "
        f"({synced.created} nouvelles, {synced.updated} mises à jour).")
    if skipped:
        say("Initiatives : communes absentes, non chargées : " + " ; ".join(skipped) + ".")
    return created
