"""Groups found on two real Pol.is conversations, compared with the groups Pol.is assigned.

Data: compdemocracy/openData (commit 0bc2ce0f), conversations "15-per-hour-seattle" and
"brexit-consensus". "Data was gathered using the Polis software (compdemocracy.org/polis)
and is sub-licensed under CC BY 4.0 with Attribution to The Computational Democracy
Project." Case studies: https://compdemocracy.org/case-studies/2014-seattle-15-per-hour and
https://compdemocracy.org/case-studies/2017-brexit-consensus.

Measured on 2026-12-04 (adjusted Rand index, ARI, against Pol.is's ``group-id`` on the
participants grouped by both; ``benchmarks/opinion_bench.py --agreement --seeds=10``), with the
conversation's updates replayed from the vote timestamps (``polis_opinion_map``): Seattle 1.000
for every seed 0-9 (matched accuracy 1.0, 138 participants), Brexit 0.918 for every seed 0-9
(matched accuracy 0.979, 191 participants). From the final votes alone (no replay): Seattle
0.941 to 1.000 over seeds 0-4, Brexit 0.896. The issue asks for 0.9 on each.

How the groups are chosen matters as much as the replay: several k-means local optima lie
within a fraction of a percent of each other. The best inertia of 10 restarts (the previous
engine) gave Seattle 0.884 for 6 seeds in 10 and 1.000 for the others: Pol.is's partition
(inertia 397.9 over the final base clusters) is not the best one (396.5). It is, on both
conversations, the near-optimal partition (within 1 % of the best) that most k-means++
starts reach (25 % of 2,000 starts on Seattle, 50 % on Brexit, against 10 % and 30 % for
the runner-up): a warm-started k-means most likely ends in the largest basin of attraction.
:func:`~maillage.engines.opinion.clustering.modal_kmeans` keeps that partition, over 300
starts, so the groups no longer depend on the seed. (The most frequent partition without
the 1 % filter is a poor one on Seattle, inertia 401.6, ARI 0.37.)

Beyond the mirror (four more openData conversations, copied outside the repository for the
measure, 2026-12-04, seeds 0-9): canadian-electoral-reform 0.898 (1.000 with the best inertia
of 10 restarts: there Pol.is kept the best partition, 3 of 281 participants from the modal
one; mean over the three 2014-2017 conversations 0.939 for the modal partition against 0.934
for the best inertia); london.youth.policing 0.18, scoop-hivemind.freshwater 0.13,
scoop-hivemind.ubi 0.09, whatever the variant: in those three exports Pol.is's groups match
no k-means partition of the projection (freshwater and ubi group every voter, even those
with one vote; ubi's groups follow how many comments each participant voted on), so they
come from another state or version of Pol.is's math.

Why a replay: Pol.is's groups are not the best k-means partition of the final votes but a local
optimum its history led to. Pol.is recomputes after each batch of votes (its poller reads new
votes every second) and each k-means starts from the previous update's clusters
(``clusters.clj``, ``clean-start-clusters``); in-conv only grows. Replaying the history with
base clusters carried over and the groups found afresh at the last update moves Brexit from
0.896 to 0.918. Variants measured: groups also warm-started over the whole history
(``OpinionParams(warm_groups=True)``, Pol.is's own procedure) give Brexit 0.918 and Seattle
0.56 — Seattle's votes span 2014-2019, and Pol.is's math worker certainly restarted (it does
not keep its group clusterings, ``conv_man.clj``) and recomputed in between; groups carried
only through the last session (after the last pause of a day) give the same 1.000 and 0.918
as the last update alone, for six times the replay time when a conversation never pauses
(24 s on Brexit carried from its start); Pol.is's own cold start (first distinct points, no
k-means++) for the groups gives Seattle 0.46 to 0.73, and Pol.is's cold start of everything
from the final votes 0.56 on both; 60-s instead of 1-s batches give Brexit 0.897.

Participants counted: the replay keeps everyone counted once (Pol.is's ``in-conv``), so it
counts the six Seattle participants let in by the greedy rule in the first minutes, which
Pol.is did not group (its history was evidently recomputed from scratch at some point); on
Brexit it counts Pol.is's two greedy participants (5 and 8). Pol.is also grouped six Brexit
participants with 3 to 6 votes (23, 118, 130, 165, 191, 201), four of them alone in quiet
periods: no rule computed from the votes reproduces them. From the final votes alone, the
counted participants are exactly Pol.is's 138 on Seattle.
"""

import numpy as np
import pytest

from maillage.engines.opinion import (
    OpinionParams,
    group_agreement,
    opinion_map,
    polis_opinion_map,
    read_polis_export,
    replay_updates,
)
from maillage.engines.opinion.polis_export import polis_labels
from maillage.engines.opinion.repness import group_informed_consensus, group_vote_counts

pytestmark = pytest.mark.mirror

SEEDS = (0, 1, 2, 3, 4)
CONVERSATIONS = {
    # name: (adjusted Rand floor, matched-accuracy floor), for every seed in SEEDS
    "15-per-hour-seattle": (0.99, 0.99),
    "brexit-consensus": (0.9, 0.975),
}
#: Adjusted Rand index floor with seed 0, the seed the platform uses (the issue's target).
PLATFORM_SEED_FLOOR = {"15-per-hour-seattle": 0.9, "brexit-consensus": 0.9}


@pytest.fixture(scope="module", params=sorted(CONVERSATIONS))
def conversation(request, polis_dir):
    name = request.param
    return name, read_polis_export(polis_dir / name)


@pytest.fixture(scope="module")
def history(conversation):
    """The replayed updates (no random draw: the same for every seed)."""
    _, export = conversation
    return replay_updates(export.log, moderated_out=export.moderated_out)


@pytest.fixture(scope="module")
def maps(conversation, history):
    """The map after the last update, per seed (what ``polis_opinion_map`` computes)."""
    _, export = conversation
    return {
        seed: opinion_map(
            export.votes,
            OpinionParams(seed=seed),
            moderated_out=export.moderated_out,
            history=history,
        )
        for seed in SEEDS
    }


def test_replaying_the_history_gets_closer_to_polis_on_brexit(polis_dir):
    """From the final votes alone, Brexit's groups stay at ARI 0.896; replayed, 0.918."""
    export = read_polis_export(polis_dir / "brexit-consensus")
    final_only = opinion_map(export.votes, moderated_out=export.moderated_out)
    truth = polis_labels(export, final_only.participant_ids)
    assert group_agreement(final_only.labels, truth).adjusted_rand < 0.9


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
    if name == "15-per-hour-seattle":
        # Six more, let in by the greedy rule in the first minutes (module docstring).
        assert theirs <= ours and len(theirs) == 138 and len(ours - theirs) == 6
        final_only = opinion_map(export.votes, moderated_out=export.moderated_out)
        assert set(final_only.participant_ids[final_only.included].tolist()) == theirs
    else:
        # Pol.is also grouped 6 participants with 3 to 6 votes (see the module docstring);
        # all others match, the two greedy ones of the first minutes included.
        assert ours <= theirs and len(theirs - ours) == 6


def test_the_same_votes_give_the_same_map_on_real_data(conversation, maps):
    _, export = conversation
    again = polis_opinion_map(export, OpinionParams(seed=0))  # replays the updates again
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
