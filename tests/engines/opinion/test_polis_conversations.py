"""Groups found on two real Pol.is conversations, compared with the groups Pol.is assigned.

Data: compdemocracy/openData (commit 0bc2ce0f), conversations "15-per-hour-seattle" and
"brexit-consensus". "Data was gathered using the Polis software (compdemocracy.org/polis)
and is sub-licensed under CC BY 4.0 with Attribution to The Computational Democracy
Project." Case studies: https://compdemocracy.org/case-studies/2014-seattle-15-per-hour and
https://compdemocracy.org/case-studies/2017-brexit-consensus.

Measured on 2026-12-04 (adjusted Rand index against Pol.is's ``group-id``, participants
grouped by both; ``benchmarks/opinion_bench.py --agreement --seeds=10``): Seattle 0.941 with
seed 0 (the platform's seed), 0.856 .. 1.000 over seeds 0-9 (median 0.884); Brexit 0.876 for
every seed (5-6 of 189 participants, all on the boundary between the two groups, placed
differently). The issue asks for 0.9 on each conversation: Brexit stays under it, and so does
Seattle for most seeds other than 0-2.

Why (checked, see the opinion report): Pol.is's groups are not the best k-means partition of
the final votes but a local optimum its history led to. Its k-means starts from the previous
update's clusters; with the final votes, starting Lloyd's algorithm from Pol.is's own groups
(our coordinates, Pol.is's 197 Brexit participants) already moves them to ARI 0.881, and 50
instead of 10 group k-means restarts on our side move Seattle *away* from Pol.is (0.856-0.884,
median 0.856), so a better optimiser does not get closer. Variants tried: zero imputation (as
in older Pol.is) or no sparsity scaling give 0.843 on Brexit (2-means of the positions of
Pol.is's participants, 0.901 with mean imputation and scaling); without base clusters the
engine picks k = 3 on Brexit (ARI 0.64). Replaying the votes in time windows with k-means
warm-started from the previous window (Pol.is's update semantics) gives 0.50-0.56 on Brexit and
0.88 on Seattle: the history cannot be rebuilt from the export (Pol.is issue #2358).

Participants counted: Seattle exactly Pol.is's 138. Brexit: Pol.is also grouped 8 participants
with 1 to 6 votes. Two (5 and 8) voted at the very start, when Pol.is's greedy rule fills the
map up to 15 voters; the other six (23, 118, 130, 165, 191, 201) cast 3 to 6 votes each, four
of them alone in quiet periods (48 min to 9 h without any vote before theirs). No rule computed
from the votes reproduces them while keeping Seattle exact (the published rule replayed over
time adds six participants on Seattle that Pol.is did not group).
"""

import numpy as np
import pytest

from maillage.engines.opinion import (
    OpinionParams,
    group_agreement,
    opinion_map,
    read_polis_export,
)
from maillage.engines.opinion.polis_export import polis_labels
from maillage.engines.opinion.repness import group_informed_consensus, group_vote_counts

pytestmark = pytest.mark.mirror

SEEDS = (0, 1, 2, 3, 4)
CONVERSATIONS = {
    # name: (adjusted Rand floor, matched-accuracy floor), for every seed in SEEDS
    "15-per-hour-seattle": (0.85, 0.96),
    "brexit-consensus": (0.87, 0.965),
}
#: Adjusted Rand index floor with seed 0, the seed the platform uses.
PLATFORM_SEED_FLOOR = {"15-per-hour-seattle": 0.9, "brexit-consensus": 0.87}


@pytest.fixture(scope="module", params=sorted(CONVERSATIONS))
def conversation(request, polis_dir):
    name = request.param
    return name, read_polis_export(polis_dir / name)


@pytest.fixture(scope="module")
def maps(conversation):
    _, export = conversation
    return {
        seed: opinion_map(
            export.votes, OpinionParams(seed=seed), moderated_out=export.moderated_out
        )
        for seed in SEEDS
    }


def test_polis_finds_two_groups_and_so_do_we(conversation, maps):
    _, export = conversation
    assert len(set(export.polis_groups.values())) == 2
    assert {m.k for m in maps.values()} == {2}


def test_groups_agree_with_polis(conversation, maps):
    name, export = conversation
    ari_floor, accuracy_floor = CONVERSATIONS[name]
    for seed, m in maps.items():
        agreement = group_agreement(m.labels, polis_labels(export, m.participant_ids))
        assert agreement.n >= 0.95 * int(m.included.sum()), seed
        assert agreement.adjusted_rand >= ari_floor, (seed, agreement)
        assert agreement.matched_accuracy >= accuracy_floor, (seed, agreement)
    platform = group_agreement(maps[0].labels, polis_labels(export, maps[0].participant_ids))
    assert platform.adjusted_rand >= PLATFORM_SEED_FLOOR[name], platform


def test_the_participants_counted_are_those_polis_clustered(conversation, maps):
    name, export = conversation
    m = maps[0]
    ours = set(m.participant_ids[m.included].tolist())
    theirs = set(export.polis_groups)
    assert ours <= theirs
    if name == "15-per-hour-seattle":
        assert ours == theirs and len(ours) == 138
    else:
        # Pol.is also grouped 8 participants with fewer than 7 votes (see the module
        # docstring); all others match.
        assert len(theirs - ours) == 8


def test_the_same_votes_give_the_same_map_on_real_data(conversation, maps):
    _, export = conversation
    again = opinion_map(export.votes, OpinionParams(seed=0), moderated_out=export.moderated_out)
    np.testing.assert_array_equal(again.labels, maps[0].labels)
    np.testing.assert_array_equal(again.coordinates, maps[0].coordinates)
    np.testing.assert_array_equal(again.bridging, maps[0].bridging)


def test_every_group_has_representative_statements_and_there_is_consensus(conversation, maps):
    _, export = conversation
    m = maps[0]
    for group in m.groups:
        reps = m.repness[group.id]
        assert 1 <= len(reps) <= 5
        assert not {r.statement_id for r in reps} & export.moderated_out
    assert m.consensus.agree
    gic = m.group_informed_consensus[~m.moderated_out]
    assert ((gic > 0) & (gic < 1)).all()


def test_statements_that_bridge_are_agreed_in_both_groups(conversation, maps):
    """The top bridging statement has more agrees than disagrees in every group.

    (Only the top one: on Seattle, the 2nd and 3rd are near-unanimous in the large group and
    split in the small one; the factorisation's intercept, like Community Notes's, measures
    approval *after* accounting for the divide, not a majority in each group.)
    """
    m = maps[0]
    ids = [g.id for g in m.groups]
    top = int(np.nanargmax(m.bridging))
    assert (m.group_counts.agree[ids, top] > m.group_counts.disagree[ids, top]).all()


def test_moderated_comments_are_zeroed_as_polis_does(polis_dir):
    """Dropping the moderated-out columns instead moves the groups away from Pol.is's."""
    export = read_polis_export(polis_dir / "15-per-hour-seattle")
    kept = ~np.isin(export.votes.statement_ids, list(export.moderated_out))
    dropped = opinion_map(export.votes.take(columns=kept))
    zeroed = opinion_map(export.votes, moderated_out=export.moderated_out)
    truth = polis_labels(export, zeroed.participant_ids)
    assert (
        group_agreement(zeroed.labels, truth).adjusted_rand
        > group_agreement(dropped.labels, truth).adjusted_rand + 0.2
    )


def test_consensus_statements_are_those_of_the_polis_report(conversation, maps):
    """Pol.is's report lists as consensus the statements with the highest group-informed
    consensus over *its* groups; computed over ours, the top five are the same statements."""
    _, export = conversation
    m = maps[0]
    theirs = polis_labels(export, m.participant_ids)
    values = export.votes.canonical().values
    polis_gic = group_informed_consensus(group_vote_counts(values, theirs, int(theirs.max()) + 1))
    polis_gic[m.moderated_out] = np.nan

    def top5(scores):
        order = np.argsort(-np.nan_to_num(scores, nan=-1.0), kind="stable")[:5]
        return set(m.statement_ids[order].tolist())

    assert top5(m.group_informed_consensus) == top5(polis_gic)
