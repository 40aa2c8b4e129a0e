"""Opinion maps: Pol.is's published maths, made deterministic, plus a bridging score.

Given who voted what on which statement, the engine places participants on a 2-D map,
finds opinion groups, the statements that characterise each group, the statements that
unite everyone, and which statement a participant should see next. It follows Pol.is
(compdemocracy/polis, ``math/src/polismath/math/``: ``pca.clj``, ``clusters.clj``,
``repness.clj``, ``conversation.clj``, ``stats.clj``) and adds a bridging score from the
one-factor matrix factorisation of X's Community Notes (twitter/communitynotes,
``scoring/src/scoring/matrix_factorization/``). Every random choice is seeded: the same
votes give the same map (unlike Pol.is, issue #2358).

Votes: 1 = agree, -1 = disagree, 0 = pass, missing = not voted (NaN).

Examples
--------
>>> import numpy as np
>>> from maillage.engines.opinion import (
...     OpinionParams, VoteMatrix, opinion_map, pick_next_statement)
>>> votes = [(f"p{i}", "more GPs", 1, 0) for i in range(20)]
>>> votes += [(f"p{i}", "night pharmacy", 1 if i < 10 else -1, 0) for i in range(20)]
>>> votes += [(f"p{i}", "close the ward", -1 if i < 10 else 1, 0) for i in range(20)]
>>> vm = VoteMatrix.from_votes(votes, statement_ids=["mobile unit"])
>>> m = opinion_map(vm, OpinionParams(min_votes=3, seed=42))
>>> m.k, sorted(g.size for g in m.groups)
(2, [10, 10])
>>> [s.statement_id for s in m.consensus.agree]
['more GPs']
>>> str(m.statement_ids[np.nanargmax(m.bridging)])
'more GPs'
>>> pick_next_statement(vm, m, "p3", seed=0)
'mobile unit'
"""

from .bridging import BridgingParams, BridgingResult, bridging_scores
from .clustering import KSmoother
from .conversation import Group, OpinionMap, OpinionParams, opinion_map
from .incremental import ClusterState, VoteLog, cluster_update, replay_updates
from .matrix import VoteMatrix, in_conversation
from .pca import PCAResult
from .polis_export import (
    GroupAgreement,
    PolisExport,
    group_agreement,
    polis_opinion_map,
    read_polis_export,
)
from .repness import Consensus, ConsensusStatement, RepStatement
from .routing import next_statement_priorities, pick_next_statement

__all__ = [
    "BridgingParams",
    "BridgingResult",
    "ClusterState",
    "Consensus",
    "ConsensusStatement",
    "Group",
    "GroupAgreement",
    "KSmoother",
    "OpinionMap",
    "OpinionParams",
    "PCAResult",
    "PolisExport",
    "RepStatement",
    "VoteLog",
    "VoteMatrix",
    "bridging_scores",
    "cluster_update",
    "group_agreement",
    "in_conversation",
    "next_statement_priorities",
    "opinion_map",
    "pick_next_statement",
    "polis_opinion_map",
    "read_polis_export",
    "replay_updates",
]
