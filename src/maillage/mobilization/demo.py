"""Demo content of mobilization for the demo territory (Lozère, Occitanie): an answered
petition, an open one, one waiting for moderation; a question with its best answer and a
for/against debate; an awareness campaign targeted by the access data, with an event.

Written through the services, as the demo accounts (see core.demo); does nothing without them.
Idempotent: the demo items (recognised by their titles and demo authors) are removed, then
written again around today's date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import User
from maillage.mobilization import services
from maillage.mobilization.models import Campaign, ForumThread, Petition
from maillage.territories.models import Commune

DEMO = "@demo.maillage.fr"

ANSWERED = "Deux médecins salariés pour le centre de santé de Mende"
OPEN = "Rouvrir les urgences de nuit de l'hôpital de Mende"
PENDING = "Un cabinet infirmier à Badaroux"
QUESTION = "Quel cabinet de Mende accepte encore de nouveaux patients ?"
DEBATE = "Un bus santé hebdomadaire vers l'hôpital de Mende ?"
CAMPAIGN = "Trouver un médecin traitant en Lozère"


def _user(name: str) -> User | None:
    return User.objects.filter(email=f"{name}{DEMO}").first()


def _clear(people: dict[str, User]) -> None:
    demo_ids = [u.pk for u in people.values()]
    Petition.objects.filter(author_id__in=demo_ids, title__in=[ANSWERED, OPEN, PENDING]).delete()
    ForumThread.objects.filter(author_id__in=demo_ids, title__in=[QUESTION, DEBATE]).delete()
    Campaign.objects.filter(created_by_id__in=demo_ids, title=CAMPAIGN).delete()


def _petitions(people: dict[str, User], now) -> None:
    common = {"territory_level": "departement", "territory_code": "48"}
    answered = services.petition_create(
        actor=people["habitante"], title=ANSWERED, authority_kind="ars",
        authority_name="ARS Occitanie", threshold=5, deadline=now + timedelta(days=60),
        body="Depuis le départ en retraite de trois généralistes, des centaines d'habitant·es "
             "de Mende n'ont plus de médecin traitant. Nous demandons le recrutement de deux "
             "médecins salariés au centre de santé.", **common)
    opened = services.petition_create(
        actor=people["habitante"], title=OPEN, authority_kind="ars",
        authority_name="ARS Occitanie", threshold=500, deadline=now + timedelta(days=90),
        body="La nuit, les urgences les plus proches sont à plus d'une heure de route pour une "
             "partie de la Lozère. Nous demandons la réouverture des urgences de nuit.",
        **common)
    services.petition_create(
        actor=people["habitante"], title=PENDING, authority_kind="commune",
        authority_name="Mairie de Badaroux", threshold=50, deadline=now + timedelta(days=45),
        body="Une permanence infirmière deux jours par semaine à Badaroux.", **common)
    for petition in (answered, opened):
        services.petition_moderate(actor=people["moderateur"], petition=petition, approve=True)
    for name in ("habitante", "benevole", "coordinatrice", "medecin", "moderateur"):
        services.petition_sign(actor=people[name], petition=answered,
                               show_publicly=name in ("habitante", "benevole"))
    for name in ("habitante", "benevole", "coordinatrice"):
        services.petition_sign(actor=people[name], petition=opened,
                               show_publicly=name == "habitante")
    services.petition_answer(
        actor=people["analyste"], petition=answered,
        answer="L'ARS finance deux postes de médecins salariés au centre de santé de Mende "
               "dans le cadre du contrat local de santé ; les recrutements sont ouverts, pour "
               "une arrivée au premier trimestre.")


def _forums(people: dict[str, User]) -> None:
    common = {"territory_level": "departement", "territory_code": "48"}
    question = services.thread_create(
        actor=people["habitante"], topic="medecin_traitant", kind="question", title=QUESTION,
        body="Mon médecin part à la retraite en juin. Quelqu'un sait quel cabinet prend "
             "encore des patients ?", **common)
    best = services.post_create(
        actor=people["coordinatrice"], thread=question,
        body="La maison de santé de l'avenue Foch a rouvert sa liste d'attente ce mois-ci. "
             "Vous pouvez aussi saisir la CPAM, qui aide à trouver un médecin traitant.")
    services.post_create(actor=people["benevole"], thread=question, quoted_id=best.pk,
                         body="Je confirme, ma voisine y a été inscrite en deux semaines.")
    services.post_react(actor=people["habitante"], post=best, kind="thanks")
    services.thread_best_answer(actor=people["habitante"], thread=question, post=best)
    debate = services.thread_create(
        actor=people["benevole"], topic="transport", kind="debate", title=DEBATE,
        body="Un minibus chaque mardi depuis les communes du causse vers l'hôpital : pour ou "
             "contre ?", **common)
    services.post_create(actor=people["habitante"], thread=debate, side="for",
                         body="Sans voiture, c'est le seul moyen d'aller aux consultations.")
    services.post_create(actor=people["medecin"], thread=debate, side="against",
                         body="Un seul jour par semaine ne suffit pas ; mieux vaut renforcer "
                              "le transport solidaire à la demande.")
    services.post_create(actor=people["coordinatrice"], thread=debate, side="for",
                         body="Il peut compléter le transport solidaire, pas le remplacer.")


def _campaign(people: dict[str, User], now) -> Campaign | None:
    values = {"actor": people["analyste"], "region": "76", "title": CAMPAIGN,
              "theme": "medecin_traitant", "organiser_name": "France Assos Santé Occitanie",
              "body": "Des permanences pour aider chacun·e à déclarer un médecin traitant, "
                      "dans les communes où l'accès aux généralistes est le plus faible."}
    # Targeted by the access run when the demo data loaded it, else by citizens' signals.
    for criteria in ({"desert_classes": [0]}, {"min_signalements": 1}):
        try:
            campaign = services.campaign_create(**values, **criteria)
        except ValidationError:
            continue
        event = services.event_create(
            actor=people["analyste"], campaign=campaign, title="Permanence médecin traitant",
            place="Mairie de Mende, salle du conseil", commune_code="48095",
            starts_at=(now + timedelta(days=10)).replace(hour=9, minute=30, second=0,
                                                         microsecond=0), capacity=30)
        services.event_register(actor=people["habitante"], event=event)
        return campaign
    return None


@transaction.atomic
def demo_load(say: Callable[[str], object] = print) -> bool:
    names = ("habitante", "benevole", "coordinatrice", "medecin", "moderateur", "analyste")
    people = {name: _user(name) for name in names}
    if not all(people.values()) or not Commune.objects.filter(pk="48095").exists():
        say("Mobilisation : comptes de démonstration ou communes absents, rien à charger.")
        return False
    # The demo "habitante de Mende" starts petitions as a resident of the Lozère.
    resident = people["habitante"]
    if resident.home_commune_id is None:
        resident.home_commune_id = "48095"
        resident.save(update_fields=["home_commune"])
    _clear(people)
    now = timezone.now()
    _petitions(people, now)
    _forums(people)
    campaign = _campaign(people, now)
    say("Mobilisation : trois pétitions (dont une avec sa réponse officielle), une question et "
        "un débat, " + ("une campagne de sensibilisation ciblée avec un événement."
                        if campaign else "pas de campagne (aucune commune ciblable)."))
    return True
