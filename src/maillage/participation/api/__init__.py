"""HTTP API of participation: signalements, moderation, processes, proposals, consultations.

Writes answer 400 with `errors` keyed by field when the input is wrong (nothing is stored),
403 when the right is missing, 401 without a session.
"""

from maillage.participation.api import authors, decisions, opinion, processes, signalements
from maillage.participation.api.common import router

__all__ = ["authors", "decisions", "opinion", "processes", "router", "signalements"]
