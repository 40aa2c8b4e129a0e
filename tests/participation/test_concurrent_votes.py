"""One person, one voice, under concurrent double submission: two threads submit the same
questionnaire answers, the same ballot, the same pairwise comparison at the same instant. The
database constraints keep exactly one; the other submission is told (on PostgreSQL it waits for
the first to commit and meets the unique index; SQLite may report its write lock instead)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from maillage.participation import services
from maillage.participation.models import (
    Answer,
    Ballot,
    ConsultationParticipation,
    PairwiseChoice,
    Response,
)
from maillage.participation.services import QuestionSpec, question_field

pytestmark = pytest.mark.django_db(transaction=True)


def race(submissions: list[Callable[[], object]]) -> list[str]:
    """Run the submissions in parallel threads released together; their outcomes."""
    from django.db import connection

    outcomes: list[str] = []
    barrier = threading.Barrier(len(submissions))

    def run(submit: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            submit()
            outcomes.append("stored")
        except ValidationError:
            outcomes.append("refused")
        except Exception as exc:  # SQLite may report its write lock instead
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(s,)) for s in submissions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def make_vote(process, people, kind, **extra):
    return services.priority_vote_create(
        actor=people["organiser"], process=process, phase=process.phases.get(type="vote"),
        title="Le besoin le plus important ?", kind=kind,
        options=["Un médecin de plus", "Une unité mobile", "Un transport solidaire"], **extra)


def option_ids(vote):
    return list(vote.options.order_by("pk").values_list("pk", flat=True))


def test_two_simultaneous_answers_to_a_questionnaire_store_one(process, people, at):
    survey = services.consultation_create(
        actor=people["organiser"], process=process, phase=process.phases.get(type="diagnostic"),
        title="Vos besoins", questions=[
            QuestionSpec("single", "Votre difficulté ?", choices=["Médecin", "Délais"]),
            QuestionSpec("scale", "Satisfaction", scale_min=1, scale_max=5)])
    first, scale = survey.questions.order_by("position")
    answers = {question_field(first): first.choices.first().pk, question_field(scale): 3}
    with at("diagnostic"):  # the clock is frozen once, for both threads
        outcomes = race([lambda: services.consultation_answer(
            actor=people["resident"], consultation=survey, answers=answers)] * 2)
    assert outcomes.count("stored") == 1, outcomes
    assert ConsultationParticipation.objects.filter(consultation=survey).count() == 1
    assert Response.objects.filter(consultation=survey).count() == 1
    assert Answer.objects.filter(response__consultation=survey).count() == 2


@pytest.mark.parametrize("kind", ["ranked", "points"])
def test_two_simultaneous_ballots_by_one_person_store_one(process, people, at, kind):
    vote = make_vote(process, people, kind, **({"budget": 10} if kind == "points" else {}))
    a, b, c = option_ids(vote)
    ballots = ([{"ranking": [a, b, c]}, {"ranking": [c, b, a]}] if kind == "ranked"
               else [{"points": {str(a): 10}}, {"points": {str(b): 5, str(c): 5}}])
    with at("vote"):
        outcomes = race([
            lambda given=given: services.ballot_cast(actor=people["resident"], vote=vote,
                                                     **given)
            for given in ballots])
    assert outcomes.count("stored") == 1, outcomes
    assert Ballot.objects.filter(vote=vote, voter=people["resident"]).count() == 1


def test_two_simultaneous_comparisons_of_one_pair_store_one(process, people, at):
    vote = make_vote(process, people, "pairwise")
    a, b, _c = option_ids(vote)
    with at("vote"):
        outcomes = race([
            lambda: services.pairwise_choose(actor=people["resident"], vote=vote,
                                             winner=a, loser=b),
            lambda: services.pairwise_choose(actor=people["resident"], vote=vote,
                                             winner=b, loser=a)])
    assert outcomes.count("stored") == 1, outcomes
    assert PairwiseChoice.objects.filter(vote=vote, voter=people["resident"]).count() == 1
