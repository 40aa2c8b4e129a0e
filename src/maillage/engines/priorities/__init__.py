"""Priorities: scores from pairwise choices (wiki survey) and counts of classic ballots.

Pure numpy; never imports Django. The same stored comparisons or ballots always give the same
result (the only random part, the score intervals, is seeded).

Examples
--------
>>> from maillage.engines.priorities import pairwise_scores, instant_runoff
>>> r = pairwise_scores(3, winners=[0, 0, 1, 0], losers=[1, 2, 2, 1])
>>> [int(i) for i in r.score.argsort()[::-1]]
[0, 1, 2]
>>> instant_runoff(2, [[0, 1], [1, 0], [0]]).winner
0
"""

from .ballots import RunoffResult, RunoffRound, instant_runoff, points_totals
from .pairwise import PairwiseParams, PairwiseScores, pairwise_scores

__all__ = ["PairwiseParams", "PairwiseScores", "RunoffResult", "RunoffRound",
           "instant_runoff", "pairwise_scores", "points_totals"]
