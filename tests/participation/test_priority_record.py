"""Priority results are reproducible from the stored ballots: the published record (no voter)
recounts to exactly the published results, by anyone, with the engine alone."""

from __future__ import annotations

import json

import pytest

from maillage.participation import services
from maillage.participation.priority_results import priority_recount

pytestmark = pytest.mark.django_db


def make_vote(process, people, kind, **extra):
    vote = services.priority_vote_create(
        actor=people["organiser"], process=process, phase=process.phases.get(type="vote"),
        title="Le besoin le plus important ?", kind=kind,
        options=["Un médecin", "Une unité mobile", "Un transport"], **extra)
    return vote, list(vote.options.order_by("pk").values_list("pk", flat=True))


@pytest.fixture
def voters(make_user, geography):
    from maillage.territories.models import Commune

    mende = Commune.objects.get(pk="48095")
    return [make_user(email=f"voter{i}@example.org", home_commune=mende) for i in range(5)]


def published(client, vote):
    record = client.get(f"/participation/votes/{vote.pk}/bulletins.json")
    assert record.status_code == 200
    assert record["Content-Disposition"].endswith(f'vote-{vote.pk}-bulletins.json"')
    api = client.get(f"/api/participation/priorities/{vote.pk}/record").json()
    assert api == json.loads(record.content)
    results = client.get(f"/api/participation/priorities/{vote.pk}/results").json()
    return api, results


def test_a_ranked_vote_recounts_from_its_record_with_the_worked_example(
        client, process, people, voters, at):
    vote, (a, b, c) = make_vote(process, people, "ranked")
    # First preferences a, a, b, b, c: c goes; its ballot (c, b, a) moves to b, which wins 3–2.
    with at("vote"):
        for voter, ranking in zip(voters, ([a, b, c], [a, c, b], [b, a, c], [b, c, a],
                                           [c, b, a]), strict=True):
            services.ballot_cast(actor=voter, vote=vote, ranking=ranking)
    record, results = published(client, vote)
    assert record["ballots"][4] == [c, b, a] and record["participants"] == 5
    text = json.dumps(record)
    assert "voter" not in text and "@" not in text and "created" not in text
    recount = priority_recount(record)
    assert results["winner"] == recount["winner"] == b
    assert [r["id"] for r in recount["rows"]] == [r["id"] for r in results["options"]]
    assert [r["value"] for r in recount["rows"]] == [3.0, 2.0, 0.0]


def test_a_pairwise_vote_recounts_to_the_same_scores_and_intervals(client, process, people,
                                                                   voters, at):
    vote, (a, b, c) = make_vote(process, people, "pairwise")
    with at("vote"):
        for voter in voters[:3]:
            services.pairwise_choose(actor=voter, vote=vote, winner=a, loser=b)
            services.pairwise_choose(actor=voter, vote=vote, winner=b, loser=c)
        services.pairwise_choose(actor=voters[3], vote=vote, winner=c, loser=a)
    record, results = published(client, vote)
    assert len(record["comparisons"]) == 7 and record["participants"] == 4
    recount = priority_recount(json.loads(json.dumps(record)))
    assert [(r["id"], r["value"], r["low"], r["high"]) for r in recount["rows"]] == [
        (o["id"], o["value"], o["low"], o["high"]) for o in results["options"]]
    assert recount["rows"][0]["id"] == a


def test_a_points_vote_leaves_hidden_options_out_of_the_recount(client, process, people,
                                                                voters, at):
    vote, (a, b, c) = make_vote(process, people, "points", budget=10)
    with at("vote"):
        services.ballot_cast(actor=voters[0], vote=vote, points={str(a): 6, str(c): 4})
        services.ballot_cast(actor=voters[1], vote=vote, points={str(b): 10})
    hidden = vote.options.get(pk=c)
    services.content_hide(actor=people["moderator"], content=hidden, reason="Hors charte")
    record, results = published(client, vote)
    assert [o["hidden"] for o in record["options"]] == [False, False, True]
    recount = priority_recount(record)
    assert {r["id"]: r["value"] for r in recount["rows"]} == {a: 6.0, b: 10.0}
    assert [o["id"] for o in results["options"]] == [b, a]
