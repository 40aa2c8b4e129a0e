"""Priority votes: pairwise comparisons with residents' ideas, ranked and points ballots."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from maillage.participation import services
from maillage.participation.models import Ballot, PairwiseChoice
from maillage.participation.priority_results import next_pair, priority_results

pytestmark = pytest.mark.django_db


def make_vote(process, people, kind, **extra):
    return services.priority_vote_create(
        actor=people["organiser"], process=process, phase=process.phases.get(type="vote"),
        title="Le besoin le plus important ?", kind=kind,
        options=["Un médecin de plus", "Une unité mobile", "Un transport solidaire"], **extra)


def ids(vote):
    return list(vote.options.order_by("pk").values_list("pk", flat=True))


def test_a_vote_opens_only_on_a_vote_phase_and_points_need_a_budget(process, people):
    with pytest.raises(ValidationError) as caught:
        services.priority_vote_create(actor=people["organiser"], process=process,
                                      phase=process.phases.get(type="proposals"), title="x",
                                      kind="points", options=["a", "b"])
    assert {"phase", "budget"} <= set(caught.value.message_dict)
    with pytest.raises(PermissionDenied):
        services.priority_vote_create(
            actor=people["resident"], process=process, phase=process.phases.get(type="vote"),
            title="x", kind="ranked", options=["a", "b"])


def test_pairwise_choices_are_once_per_pair_and_person_and_scored(process, people, at):
    vote = make_vote(process, people, "pairwise")
    a, b, c = ids(vote)
    with at("vote"):
        services.pairwise_choose(actor=people["resident"], vote=vote, winner=a, loser=b)
        with pytest.raises(ValidationError, match="déjà comparé"):
            services.pairwise_choose(actor=people["resident"], vote=vote, winner=b, loser=a)
        services.pairwise_choose(actor=people["resident"], vote=vote, winner=a, loser=c)
        services.pairwise_choose(actor=people["neighbour"], vote=vote, winner=a, loser=b)
        with pytest.raises(ValidationError):
            services.pairwise_choose(actor=people["neighbour"], vote=vote, winner=a, loser=999)
        new = services.priority_option_add(actor=people["neighbour"], vote=vote,
                                           label="Une pharmacie de garde")
        assert next_pair(vote, people["resident"], seed=1) is not None
    with at("proposals"), pytest.raises(PermissionDenied):
        services.pairwise_choose(actor=people["neighbour"], vote=vote, winner=b, loser=c)
    assert PairwiseChoice.objects.count() == 3
    result = priority_results(vote)
    assert result.rows[0].option.pk == a and result.participants == 2
    assert {r.option.pk for r in result.rows} == {a, b, c, new.pk}
    assert priority_results(vote).rows[0].low == result.rows[0].low  # reproducible


def test_the_database_refuses_the_same_pair_twice(process, people):
    vote = make_vote(process, people, "pairwise")
    a, b, _c = ids(vote)
    PairwiseChoice.objects.create(vote=vote, voter=people["resident"], winner_id=a, loser_id=b,
                                  pair_low=min(a, b), pair_high=max(a, b))
    with pytest.raises(IntegrityError), transaction.atomic():
        PairwiseChoice.objects.create(vote=vote, voter=people["resident"], winner_id=b,
                                      loser_id=a, pair_low=min(a, b), pair_high=max(a, b))


def test_ranked_ballots_count_by_instant_runoff(process, people, at):
    vote = make_vote(process, people, "ranked")
    a, b, c = ids(vote)
    with at("vote"):
        services.ballot_cast(actor=people["resident"], vote=vote, ranking=[b, a, c])
        with pytest.raises(ValidationError, match="déjà voté"):
            services.ballot_cast(actor=people["resident"], vote=vote, ranking=[a, b, c])
        with pytest.raises(ValidationError) as caught:
            services.ballot_cast(actor=people["neighbour"], vote=vote, ranking=[a, 12345, c])
        assert "ranking" in caught.value.message_dict
        with pytest.raises(ValidationError, match="Classez toutes"):
            services.ballot_cast(actor=people["neighbour"], vote=vote, ranking=[a, b])
        services.ballot_cast(actor=people["neighbour"], vote=vote, ranking=[c, b, a])
    assert Ballot.objects.count() == 2
    result = priority_results(vote)
    assert result.participants == 2 and result.winner is not None


def test_points_ballots_stay_within_the_budget(process, people, at, client):
    vote = make_vote(process, people, "points", budget=10)
    a, b, c = ids(vote)
    with at("vote"):
        with pytest.raises(ValidationError, match="12 points"):
            services.ballot_cast(actor=people["resident"], vote=vote,
                                 points={str(a): 8, str(b): 4})
        assert not Ballot.objects.exists()
        services.ballot_cast(actor=people["resident"], vote=vote, points={str(a): 7, str(c): 3})
        client.force_login(people["neighbour"])
        bad = client.post(f"/participation/votes/{vote.pk}/bulletin/",
                          {f"points_{a}": "9", f"points_{b}": "9"})
        assert bad.status_code == 400 and "18 points" in bad.content.decode()
        ok = client.post(f"/participation/votes/{vote.pk}/bulletin/",
                         {f"points_{a}": "2", f"points_{b}": "8"})
        assert ok.status_code == 302
    totals = {r.option.pk: r.value for r in priority_results(vote).rows}
    assert totals == {a: 9.0, b: 8.0, c: 3.0}
    page = client.get(f"/participation/votes/{vote.pk}/resultats/").content.decode()
    assert "<svg" in page and "Un médecin de plus" in page


def test_the_pairwise_page_and_api(process, people, at, client):
    vote = make_vote(process, people, "pairwise")
    client.force_login(people["resident"])
    with at("vote"):
        page = client.get(vote.get_absolute_url()).content.decode()
        assert "Lequel est le plus important" in page
        body = client.get(f"/api/participation/priorities/{vote.pk}").json()
        first, second = body["next_pair"]
        made = client.post(f"/api/participation/priorities/{vote.pk}/choices",
                           {"winner": first["id"], "loser": second["id"]},
                           content_type="application/json")
        assert made.status_code == 201
        again = client.post(f"/api/participation/priorities/{vote.pk}/choices",
                            {"winner": second["id"], "loser": first["id"]},
                            content_type="application/json")
        assert again.status_code == 400 and "winner" in again.json()["errors"]
        client.post(f"/participation/votes/{vote.pk}/idees/", {"label": "Un dentiste"})
    results = client.get(f"/api/participation/priorities/{vote.pk}/results").json()
    assert len(results["options"]) == 4 and results["participants"] == 1


def test_a_residents_idea_can_be_reported_and_hidden_by_a_moderator(process, people, at,
                                                                     client):
    from maillage.participation.models import PriorityOption

    vote = make_vote(process, people, "pairwise")
    with at("vote"):
        idea = services.priority_option_add(actor=people["resident"], vote=vote,
                                            label="Idée hors sujet")
        client.force_login(people["neighbour"])
        assert "Idée hors sujet" in client.get(vote.get_absolute_url()).content.decode()
        client.post(f"/participation/moderation/idee/{idea.pk}/signaler/", {"reason": "Hors sujet"})
        client.force_login(people["moderator"])
        assert "Idée hors sujet" in client.get("/participation/moderation/").content.decode()
        client.post(f"/participation/moderation/idee/{idea.pk}/masquer/", {"reason": "Charte"})
    assert PriorityOption.objects.get(pk=idea.pk).is_hidden
    assert idea.pk not in [r.option.pk for r in priority_results(vote).rows]
