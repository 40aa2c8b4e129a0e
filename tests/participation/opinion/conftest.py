"""An opinion map in the test process: open during the diagnostic phase, three seed statements."""

from __future__ import annotations

import pytest

SEEDS = ["Il faut plus de médecins généralistes à Mende.",
         "Une pharmacie de garde la nuit est indispensable.",
         "Fermer le service de nuit de l'hôpital est acceptable."]


@pytest.fixture
def conversation(process, people):
    from maillage.participation.services import opinion

    return opinion.conversation_create(
        actor=people["organiser"], process=process, phase=process.phases.get(type="diagnostic"),
        title="Comment améliorer l'accès aux soins à Mende ?", statements=SEEDS)


@pytest.fixture
def seeds(conversation):
    return list(conversation.statements.order_by("pk"))
