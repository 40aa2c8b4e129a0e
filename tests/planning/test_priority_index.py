"""Priority index: components, adjustable weights, divergences, page and API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from maillage.planning.priority import check_weights, priority_communes, priority_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(base_run, make_user):
    from maillage.participation.models import Signalement

    author = make_user(email="habitant@example.org")
    for _ in range(4):
        Signalement.objects.create(author=author, commune_id="48017", category="no_gp",
                                   anonymous=True)


def test_the_weights_decide_the_order_and_every_component_is_shown(reports):
    by_access = priority_index(region="76", weights={"access": 1, "elderly": 0,
                                                     "population": 0, "voice": 0, "votes": 0})
    # no GP within 20 min of Saint-Affrique or Mont Lozère (APL 0, priority zone): 100
    assert [r.code for r in by_access.rows[:2]] == ["12208", "48099"]
    assert by_access.rows[0].index == pytest.approx(100.0)
    mende = next(r for r in by_access.rows if r.code == "48095")
    assert mende.access == pytest.approx(0.5 * (1 - mende.apl / 4.0) + 0.5)

    by_voice = priority_index(region="76", weights={"access": 0, "elderly": 0,
                                                    "population": 0, "voice": 1, "votes": 0})
    assert by_voice.rows[0].code == "48017" and by_voice.rows[0].signalements == 4
    assert by_voice.rows[0].index == pytest.approx(100.0)
    assert priority_communes(region="76", top=1, weights={"access": 0, "voice": 1,
                                                                 "votes": 0}) == ["48017"]


def test_communes_where_access_and_reports_disagree_are_listed(reports):
    found = priority_index(region="76")
    # all four communes are priority zones; only Badaroux has a strong signal
    assert "48017" not in found.silent_deserts
    assert set(found.silent_deserts) == {"12208", "48099", "48095"}


def test_bad_weights_are_named():
    with pytest.raises(ValidationError) as error:
        check_weights({"access": -1, "voice": "x"})
    assert set(error.value.message_dict) == {"w_access", "w_voice"}
    with pytest.raises(ValidationError, match="positif"):
        check_weights({"access": 0, "elderly": 0, "population": 0, "voice": 0, "votes": 0})


def test_page_and_api(client, reports):
    page = client.get("/planification/priorites/?region=76&w_voice=1&w_access=0&w_elderly=0"
                      "&w_population=0&w_votes=0")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="priority-table"' in html and "48017, " in html
    bad = client.get("/planification/priorites/?region=76&w_access=-2")
    assert bad.status_code == 400 and "poids" in bad.content.decode()
    api = client.get("/api/planning/priority-index?region=76&w_access=0&w_voice=1"
                     "&w_elderly=0&w_population=0&w_votes=0").json()
    assert api["rows"][0]["code"] == "48017" and api["weights"]["voice"] == 1
    assert client.get("/api/planning/priority-index?region=76&w_access=-1").status_code == 400


def test_ballot_support_counts_first_choices_and_shares_points():
    from maillage.planning.priority import ballot_support

    ranked = {"kind": "ranked", "options": [{"id": 1, "hidden": False},
                                            {"id": 2, "hidden": False},
                                            {"id": 3, "hidden": True}],
              "ballots": [[2, 1], [3, 1, 2], [1, 2]]}
    # the hidden option 3 passes its first place to the next choice (1)
    assert ballot_support(ranked) == {2: 1.0, 1: 2.0}
    points = {"kind": "points", "options": [{"id": 1, "hidden": False},
                                            {"id": 2, "hidden": False}],
              "ballots": [{"1": 3, "2": 1}, {"2": 5}, {"1": 0, "2": 0}]}
    assert ballot_support(points) == {1: 0.75, 2: 1.25}
    assert ballot_support({"kind": "pairwise", "options": [], "comparisons": [[1, 2]]}) == {}


def _vote_with_ballots(process, labels, rankings):
    from django.utils import timezone

    from maillage.participation.models import (
        Ballot,
        Phase,
        PhaseType,
        PriorityOption,
        PriorityVote,
    )

    phase = Phase.objects.create(process=process, type=PhaseType.VOTE,
                                 starts_at=timezone.now(),
                                 ends_at=timezone.now() + timezone.timedelta(days=3))
    vote = PriorityVote.objects.create(process=process, phase=phase, kind="ranked", title="Q")
    options = [PriorityOption.objects.create(vote=vote, label=label) for label in labels]
    for ranking in rankings:
        Ballot.objects.create(vote=vote, ranking=[options[i].pk for i in ranking])
    return vote, options


def test_priorities_voted_count_for_the_communes_a_scenario_improves(base_run, analyst):
    from maillage.participation.models import Process
    from maillage.planning import loop
    from maillage.planning.models import ScenarioBallot, ScenarioOption
    from maillage.planning.priority import voted_priorities
    from tests.planning.test_loop import computed_scenario

    msp = computed_scenario("MSP de Mont Lozère", "48099", actor=analyst)
    improved = {code for code, row in loop.expected_effect(msp)["communes"].items()
                if row[1] > row[0]}
    assert improved == {"48099", "48017"}
    lozere = Process.objects.create(title="Lozère", territory_level="departement",
                                    territory_code="48", territory_name="Lozère",
                                    organiser_name="x", is_published=True)
    # two ballots put the MSP first, one "change nothing"
    vote, (first, nothing) = _vote_with_ballots(lozere, ["MSP", "Rien"],
                                                [[0, 1], [0, 1], [1, 0]])
    ballot = ScenarioBallot.objects.create(vote=vote)
    ScenarioOption.objects.create(ballot=ballot, scenario=msp, option=first,
                                  expected=loop.expected_effect(msp))
    ScenarioOption.objects.create(ballot=ballot, scenario=None, option=nothing)
    # a vote of Saint-Affrique's own process: its 3 participants count for Saint-Affrique
    town = Process.objects.create(title="Saint-Affrique", territory_level="commune",
                                  territory_code="12208", territory_name="Saint-Affrique",
                                  organiser_name="Mairie", is_published=True)
    _vote_with_ballots(town, ["Centre de santé", "Bus"], [[0, 1], [1, 0], [0, 1]])
    # an unpublished process counts for nothing
    hidden = Process.objects.create(title="Brouillon", territory_level="commune",
                                    territory_code="48095", territory_name="Mende",
                                    organiser_name="Mairie", is_published=False)
    _vote_with_ballots(hidden, ["A", "B"], [[0, 1]])

    assert voted_priorities("76") == {"48099": 2.0, "48017": 2.0, "12208": 3.0}

    found = priority_index(region="76", weights={"access": 0, "elderly": 0, "population": 0,
                                                 "voice": 0, "votes": 1})
    rows = {r.code: r for r in found.rows}
    assert rows["48095"].votes == 0 and rows["48095"].index == 0
    assert rows["12208"].supporters == 3.0
    rates = {c: rows[c].supporters / rows[c].population for c in ("48099", "48017", "12208")}
    top = max(rates, key=rates.get)
    assert found.rows[0].code == top and found.rows[0].index == pytest.approx(100.0)
    low = min(rates, key=rates.get)
    assert rows[low].votes == 0.0  # lowest of the three communes that have supporters
    middle = ({"48099", "48017", "12208"} - {top, low}).pop()
    assert rows[middle].votes == pytest.approx(0.5)


def test_the_page_documents_the_formula_with_the_weights(client, base_run):
    page = client.get("/planification/priorites/?region=76&w_votes=0.5").content.decode()
    assert 'id="priority-formula"' in page and "Priorités votées" in page
    assert 'name="w_votes"' in page
    api = client.get("/api/planning/priority-index?region=76&w_votes=0.5").json()
    assert api["weights"]["votes"] == 0.5 and "votes" in api["rows"][0]
