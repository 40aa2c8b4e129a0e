"""Demo content for the demo territory (Lozère): every component filled, all marked as demo.

Idempotent: previous demo content is removed, then written again around today's date, so the
processes are always running.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from maillage.accounts.models import Role, RoleAssignment, User
from maillage.participation.models import (
    Comment,
    Consultation,
    ConsultationParticipation,
    Phase,
    PhaseType,
    Process,
    Proposal,
    ProposalStatus,
    Signalement,
    Support,
)
from maillage.participation.phases import phase_state_load
from maillage.participation.services import (
    QuestionSpec,
    action_create,
    action_update_add,
    ballot_cast,
    committee_create,
    committee_member_add,
    consultation_answer,
    consultation_create,
    follow,
    meeting_create,
    meeting_minutes_record,
    pairwise_choose,
    priority_option_add,
    priority_vote_create,
    question_field,
)
from maillage.participation.services.opinion import (
    conversation_create,
    opinion_map_compute,
    statement_add,
    vote_cast,
)
from maillage.territories.models import Commune

DEMO_DOMAIN = "demo.maillage.fr"
LOZERE = "48"

SIGNALEMENT_TEXTS = {
    "no_gp": "Mon médecin est parti à la retraite, aucun cabinet n'accepte de nouveaux patients.",
    "waiting_time": "Quatre mois d'attente pour un rendez-vous chez l'ophtalmologiste.",
    "distance": "Le cabinet le plus proche est à 40 minutes de route.",
    "no_transport": "Je ne conduis plus et il n'y a pas de bus le jour des consultations.",
    "cost": "Les dépassements d'honoraires du spécialiste sont trop élevés pour moi.",
    "opening_hours": "Aucun cabinet ouvert le samedi, je travaille en semaine.",
    "specialist": "Pas de pédiatre dans le département.",
    "barrier": "Le cabinet n'est pas accessible en fauteuil roulant.",
    "other": "Difficile d'obtenir des renseignements sur les permanences.",
}
PROPOSALS = [
    ("Une unité mobile à Badaroux le mardi", "Un bus de santé (médecin et infirmière) le mardi "
     "matin sur la place, pour les personnes âgées qui ne conduisent plus.", "48017"),
    ("Un transport solidaire vers la maison de santé", "Des bénévoles conduisent les patients "
     "vers la MSP de Mende deux jours par semaine, sur réservation.", "48095"),
    ("Des consultations avancées de spécialistes", "Un cardiologue et un ophtalmologiste "
     "consultent une journée par mois à Mende.", "48095"),
    ("Un cabinet ouvert le samedi matin", "Une permanence partagée entre les médecins du "
     "secteur, le samedi de 9 h à 12 h.", None),
    ("La téléconsultation accompagnée en pharmacie", "Une cabine de téléconsultation avec "
     "l'aide du pharmacien, pour les renouvellements.", "48099"),
]


def _residents(count: int) -> list[User]:
    from allauth.account.models import EmailAddress

    communes = list(Commune.objects.filter(departement_id=LOZERE).order_by("-population")[:5])
    people = []
    for i in range(count):
        email = f"habitant{i + 1:02d}@{DEMO_DOMAIN}"
        user, created = User.objects.get_or_create(
            email=email, defaults={"display_name": f"Habitant·e {i + 1} (démo)"})
        if created:
            user.set_unusable_password()
        user.home_commune = communes[i % len(communes)] if communes else None
        user.save()
        EmailAddress.objects.update_or_create(user=user, email=email,
                                              defaults={"verified": True, "primary": True})
        people.append(user)
    return people


def _organiser() -> User:
    analyst = (User.objects.filter(role_assignments__role__in=[Role.ANALYST,
                                                                Role.ADMINISTRATOR])
               .order_by("pk").first())
    if analyst is not None:
        return analyst
    user, _created = User.objects.get_or_create(
        email=f"organisatrice@{DEMO_DOMAIN}",
        defaults={"display_name": "Organisatrice (démo)"})
    RoleAssignment.objects.get_or_create(user=user, role=Role.ANALYST, territory_level="region",
                                         territory_code="76")
    return user


@transaction.atomic
def participation_demo_load(say: Callable[[str], object] = print, seed: int = 5) -> None:
    if not Commune.objects.filter(departement_id=LOZERE).exists():
        say("Communes de Lozère absentes : chargez d'abord les territoires.")
        return
    rng = random.Random(seed)
    Process.objects.filter(is_demo=True).delete()
    Signalement.objects.filter(is_demo=True).delete()
    people = _residents(24)
    organiser = _organiser()
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    day = timedelta(days=1)

    communes = list(Commune.objects.filter(departement_id=LOZERE).order_by("-population")[:30])
    weights = [max(c.population or 1, 1) ** 0.5 for c in communes]
    categories = list(SIGNALEMENT_TEXTS)
    for i in range(60):
        commune = rng.choices(communes, weights)[0]
        category = rng.choice(categories)
        Signalement.objects.create(
            author=people[i % len(people)], commune=commune, category=category,
            profession="generaliste" if category in {"no_gp", "waiting_time"} else "",
            text=f"[Démo] {SIGNALEMENT_TEXTS[category]}", anonymous=i % 3 == 0, is_demo=True)
    say("60 signalements de démonstration en Lozère.")

    process = Process.objects.create(
        title="Accès aux soins en Cœur de Lozère (démonstration)",
        summary="Diagnostic partagé, propositions des habitants, vote, puis mise en œuvre.",
        description="Contenu fictif de démonstration : ni cette concertation ni ses "
                    "contributions ne sont réelles.",
        territory_level="departement", territory_code=LOZERE, territory_name="Lozère",
        organiser_name="CPTS Cœur de Lozère (fictive)", is_published=True, is_demo=True,
        created_by=organiser)
    calendar = [(PhaseType.DIAGNOSTIC, -35, -10), (PhaseType.PROPOSALS, -10, 18),
                (PhaseType.VOTE, 18, 32), (PhaseType.IMPLEMENTATION, 32, 212),
                (PhaseType.EVALUATION, 212, 242)]
    phases = {kind: Phase.objects.create(process=process, type=kind, starts_at=now + a * day,
                                         ends_at=now + b * day)
              for kind, a, b in calendar}
    survey = _survey(organiser, process, phases[PhaseType.DIAGNOSTIC])
    # Answers were given during the diagnostic: store them as of then.
    phase_state_load(process, now=now - 20 * day)
    for person in people[:18]:
        consultation_answer(actor=person, consultation=survey, answers=_answers(survey, rng))

    for (title, body, code), author in zip(PROPOSALS, people, strict=False):
        proposal = Proposal.objects.create(
            process=process, author=author, title=f"{title}", body=f"[Démo] {body}",
            commune_id=code, is_demo=True)
        for supporter in rng.sample(people, rng.randint(2, 15)):
            Support.objects.get_or_create(proposal=proposal, user=supporter)
        first = Comment.objects.create(proposal=proposal, author=rng.choice(people),
                                       body="[Démo] Très bonne idée, j'en aurais besoin.")
        Comment.objects.create(proposal=proposal, author=author, parent=first,
                               body="[Démo] Merci ! Quels jours vous arrangeraient ?")
    answered = Proposal.objects.filter(process=process).order_by("pk")
    Proposal.objects.filter(pk=answered[0].pk).update(
        status=ProposalStatus.EVALUATING, answer="[Démo] Nous étudions un trajet avec la "
        "commune et l'ARS.", answered_at=now - day, answered_by=organiser)
    Proposal.objects.filter(pk=answered[3].pk).update(
        status=ProposalStatus.REJECTED, answer="[Démo] Une permanence existe déjà le samedi "
        "à Mende (maison médicale de garde).", answered_at=now - day, answered_by=organiser)
    say("Concertation de démonstration (phase des propositions en cours) : questionnaire "
        "clos avec 18 réponses, 5 propositions, soutiens, commentaires, réponses officielles.")

    open_survey_process = Process.objects.create(
        title="Vos besoins de soins à Mende (démonstration)",
        summary="Questionnaire ouvert aux habitants de Mende.",
        territory_level="commune", territory_code="48095", territory_name="Mende",
        organiser_name="Commune de Mende (fictive)", is_published=True, is_demo=True,
        created_by=organiser)
    open_phase = Phase.objects.create(process=open_survey_process, type=PhaseType.DIAGNOSTIC,
                                      starts_at=now - 3 * day, ends_at=now + 25 * day)
    Phase.objects.create(process=open_survey_process, type=PhaseType.IMPLEMENTATION,
                         title="Restitution", starts_at=now + 25 * day, ends_at=now + 115 * day)
    _survey(organiser, open_survey_process, open_phase)
    say("Questionnaire de démonstration ouvert aux habitants de Mende.")
    _opinion_demo(organiser, open_survey_process, open_phase, now, random.Random(seed))
    say("Carte d'opinion de démonstration ouverte aux habitants de Mende : affirmations, "
        "votes de 20 habitants fictifs, groupes calculés.")

    _priorities_demo(organiser, people, now, rng)
    say("Concertation de démonstration en phase de vote : comparaisons deux à deux (avec idées "
        "d'habitants), vote alternatif et budget participatif par points.")
    _followup_demo(organiser, people, process, survey, now)
    say("Actions suivies, comité participatif et réunions (compte rendu, décisions), "
        "abonnements et notifications de démonstration.")
    assert ConsultationParticipation.objects.filter(consultation=survey).count() == 18


def _priorities_demo(organiser: User, people: list[User], now: Any, rng: random.Random
                     ) -> None:
    day = timedelta(days=1)
    process = Process.objects.create(
        title="Priorités de santé du Gévaudan (démonstration)",
        summary="Quels besoins traiter d'abord ? Comparez-les deux à deux ou classez-les.",
        territory_level="departement", territory_code=LOZERE, territory_name="Lozère",
        organiser_name="Conseil départemental de la Lozère (fictif)", is_published=True,
        is_demo=True, created_by=organiser)
    vote_phase = Phase.objects.create(process=process, type=PhaseType.VOTE,
                                      starts_at=now - 7 * day, ends_at=now + 14 * day)
    Phase.objects.create(process=process, type=PhaseType.IMPLEMENTATION,
                         starts_at=now + 14 * day, ends_at=now + 200 * day)
    phase_state_load(process, now=now)
    needs = ["Trouver un médecin traitant", "Réduire les délais chez les spécialistes",
             "Se rendre aux consultations sans voiture", "Des soins dentaires proches",
             "Une permanence de soins le week-end", "La santé mentale des jeunes"]
    pairwise = priority_vote_create(
        actor=organiser, process=process, phase=vote_phase, kind="pairwise", is_demo=True,
        title="Quel besoin de santé est le plus important dans votre commune ?",
        description="Vote fictif de démonstration.", options=needs)
    added = priority_option_add(actor=people[0], vote=pairwise,
                                label="Un accès à l'IVG et à la contraception")
    options = [*pairwise.options.exclude(pk=added.pk), added]
    appeal = {o.pk: 1.0 / (i + 1) ** 0.7 for i, o in enumerate(options)}
    for person in people[:20]:
        for _ in range(8):
            a, b = rng.sample(options, 2)
            p_a = appeal[a.pk] / (appeal[a.pk] + appeal[b.pk])
            winner, loser = (a, b) if rng.random() < p_a else (b, a)
            try:
                pairwise_choose(actor=person, vote=pairwise, winner=winner.pk, loser=loser.pk)
            except ValidationError:
                continue  # already compared by this person
    ranked = priority_vote_create(
        actor=organiser, process=process, phase=vote_phase, kind="ranked", is_demo=True,
        title="Quelle solution financer en premier ?", description="Vote fictif.",
        options=["Une unité mobile", "Un transport solidaire", "Des consultations avancées",
                 "La téléconsultation accompagnée"])
    choices = list(ranked.options.values_list("pk", flat=True))
    for person in people[:16]:
        order = choices[:]
        rng.shuffle(order)
        if rng.random() < 0.5:
            order.remove(choices[0])
            order.insert(0, choices[0])
        ballot_cast(actor=person, vote=ranked, ranking=order)
    budget = priority_vote_create(
        actor=organiser, process=process, phase=vote_phase, kind="points", budget=100,
        is_demo=True, title="Répartissez 100 000 € entre ces projets (1 point = 1 000 €)",
        description="Budget participatif fictif de démonstration.",
        options=["Un cabinet médical partagé à Langogne", "Un minibus santé",
                 "Un dépistage dentaire dans les écoles", "Des bornes de téléconsultation"])
    projects = [str(pk) for pk in budget.options.values_list("pk", flat=True)]
    for person in people[:12]:
        cuts = sorted(rng.sample(range(0, 101, 10), 3))
        shares = [a - b for a, b in zip([*cuts, 100], [0, *cuts], strict=True)]
        ballot_cast(actor=person, vote=budget,
                    points={pk: n for pk, n in zip(projects, shares, strict=True) if n})


def _followup_demo(organiser: User, people: list[User], process: Process,
                   survey: Consultation, now: Any) -> None:
    day = timedelta(days=1)
    mobile = Proposal.objects.filter(process=process).order_by("pk").first()
    action = action_create(
        actor=organiser, process=process, title="Tournée d'une unité mobile de santé",
        responsible_body="CPTS Cœur de Lozère (fictive)", is_demo=True,
        description="[Démo] Un médecin et une infirmière, un mardi sur deux, à Badaroux.",
        proposal_ids=[mobile.pk] if mobile else [], consultation_ids=[survey.pk],
        commune_codes=[c for c in ("48017",) if Commune.objects.filter(pk=c).exists()],
        starts_on=(now + 40 * day).date(), ends_on=(now + 200 * day).date())
    for person in people[:6]:
        follow(actor=person, target=process)
    action_update_add(actor=organiser, action=action, status="in_progress", progress=15,
                      text="[Démo] Convention signée avec la commune ; véhicule commandé.")
    committee = committee_create(actor=organiser, process=process, is_demo=True,
                                 name="Comité santé Cœur de Lozère (démonstration)",
                                 description="[Démo] Habitants tirés au sort, soignants et élus "
                                             "suivent la concertation et ses actions.")
    for person, kind in zip(people[:4], ["citizen", "citizen", "professional", "elected"],
                            strict=True):
        committee_member_add(actor=organiser, committee=committee, user=person, kind=kind)
    past = meeting_create(
        actor=organiser, committee=committee, title="Restitution du diagnostic", is_demo=True,
        agenda="1. Résultats du questionnaire\n2. Carte des signalements\n3. Suites",
        starts_at=now - 8 * day, ends_at=now - 8 * day + timedelta(hours=2),
        place="Salle polyvalente, Mende (fictif)")
    meeting_minutes_record(actor=organiser, meeting=past,
                           minutes="[Démo] 23 participants. Le manque de médecins traitants et "
                                   "le transport ressortent en premier.",
                           decisions="[Démo] Étudier une unité mobile ; ouvrir les "
                                     "propositions.")
    meeting_create(
        actor=organiser, committee=committee, title="Choisir les actions", is_demo=True,
        agenda="1. Propositions les plus soutenues\n2. Réponses officielles",
        starts_at=now + 20 * day, ends_at=now + 20 * day + timedelta(hours=2),
        place="Mairie de Badaroux (fictif)", online_url="https://visio.example.org/demo",
        capacity=40)


def _survey(organiser: User, process: Process, phase: Phase) -> Consultation:
    return consultation_create(
        actor=organiser, process=process, phase=phase, is_demo=True,
        title="Vos difficultés pour vous soigner (démonstration)",
        description="Questionnaire fictif de démonstration.",
        questions=[
            QuestionSpec("single", "Avez-vous un médecin traitant ?",
                         choices=["Oui", "Non, il est parti", "Non, je n'en ai jamais eu"]),
            QuestionSpec("multiple", "Quelles difficultés rencontrez-vous ?", required=False,
                         choices=["Délais", "Distance", "Transport", "Coût", "Horaires"]),
            QuestionSpec("scale", "Êtes-vous satisfait·e de l'offre de soins près de chez "
                         "vous ?", scale_min=1, scale_max=5, scale_min_label="pas du tout",
                         scale_max_label="tout à fait"),
            QuestionSpec("ranking", "Classez ces solutions par priorité",
                         choices=["Un médecin de plus", "Une unité mobile",
                                  "Un transport solidaire", "La téléconsultation"]),
            QuestionSpec("commune", "Votre commune", required=False),
            QuestionSpec("text", "Autre chose à nous dire ?", required=False),
        ])


def _answers(survey: Consultation, rng: random.Random) -> dict[str, object]:
    answers: dict[str, object] = {}
    for question in survey.questions.prefetch_related("choices"):
        ids = [c.pk for c in question.choices.all()]
        name = question_field(question)
        if question.kind == "single":
            answers[name] = rng.choice(ids)
        elif question.kind == "multiple":
            answers[name] = rng.sample(ids, rng.randint(1, 3))
        elif question.kind == "scale":
            answers[name] = rng.randint(1, 4)
        elif question.kind == "ranking":
            answers[name] = rng.sample(ids, len(ids))
        elif question.kind == "commune":
            answers[name] = rng.choice(["48095", "48017", "48099"])
        else:
            answers[name] = rng.choice(["", "[Démo] Il faudrait un cabinet le samedi.",
                                        "[Démo] Le bus ne passe qu'une fois par semaine."])
    return answers


# The opinion map: two planted camps, a few statements everyone agrees on. Each statement's
# chance of "agree" in camp A and camp B (the rest are disagrees, a few passes).
OPINION_STATEMENTS = [
    ("Il faut une maison de santé pluriprofessionnelle au centre de Mende.", 0.9, 0.6),
    ("La téléconsultation peut remplacer une partie des rendez-vous chez le médecin.",
     0.05, 0.9),
    ("Les jeunes médecins devraient s'installer quelques années dans les zones sous-dotées.",
     0.95, 0.05),
    ("Un bus de santé itinérant serait plus utile qu'un nouveau cabinet.", 0.05, 0.9),
    ("Les pharmaciens devraient pouvoir renouveler davantage d'ordonnances.", 0.2, 0.95),
    ("Un transport solidaire vers l'hôpital doit exister pour les personnes sans voiture.",
     0.9, 0.9),
    ("Les urgences de Mende doivent rester ouvertes la nuit.", 0.95, 0.85),
    ("Mieux vaut financer des infirmières en pratique avancée que chercher des médecins.",
     0.05, 0.9),
    ("Il manque des consultations sans rendez-vous le samedi matin.", 0.8, 0.85),
    ("La commune devrait loger gratuitement les internes en médecine.", 0.9, 0.2),
]


def _mende_residents(count: int) -> list[User]:
    from allauth.account.models import EmailAddress

    mende = Commune.objects.filter(pk="48095").first()
    people = []
    for i in range(count):
        email = f"mende{i + 1:02d}@{DEMO_DOMAIN}"
        user, created = User.objects.get_or_create(
            email=email, defaults={"display_name": f"Mendois·e {i + 1} (démo)"})
        if created:
            user.set_unusable_password()
        user.home_commune = mende
        user.save()
        EmailAddress.objects.update_or_create(user=user, email=email,
                                              defaults={"verified": True, "primary": True})
        people.append(user)
    return people


def _opinion_demo(organiser: User, process: Process, phase: Phase, now: Any,
                  rng: random.Random) -> None:
    """A live opinion map in Mende: seed statements, 20 residents' votes, the computed map,
    and one resident's statement waiting for moderation."""
    if not Commune.objects.filter(pk="48095").exists():
        return
    phase_state_load(process, now=now)
    conversation = conversation_create(
        actor=organiser, process=process, phase=phase, is_demo=True, seed=0,
        title="Comment améliorer l'accès aux soins à Mende ? (démonstration)",
        description="Carte d'opinion fictive de démonstration : votez d'accord, pas d'accord "
                    "ou je passe, une affirmation à la fois.",
        statements=[text for text, _a, _b in OPINION_STATEMENTS])
    statements = list(conversation.statements.order_by("pk"))
    residents = _mende_residents(20)
    for i, person in enumerate(residents):
        phase_state_load(process, now=now)
        camp = 1 if i % 5 in (0, 1) else 0  # 8 in camp B, 12 in camp A
        for statement, (_text, p_a, p_b) in zip(statements, OPINION_STATEMENTS, strict=True):
            if rng.random() < 0.05:
                continue  # not seen yet
            draw = rng.random()
            agree = p_b if camp else p_a
            value = "pass" if draw > 0.95 else ("agree" if draw < agree * 0.95 else "disagree")
            vote_cast(actor=person, conversation=conversation, statement=statement,
                      value=value)
    phase_state_load(process, now=now)
    statement_add(actor=residents[0], conversation=conversation,
                  text="Une permanence de médecins retraités pourrait aider l'été.")
    opinion_map_compute(conversation)
