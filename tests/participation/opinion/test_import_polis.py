"""Importing a real Pol.is conversation (CC BY 4.0, The Computational Democracy Project)."""

from __future__ import annotations

import io
import pickle

import numpy as np
import pytest
from django.core.management import call_command

from maillage.participation.models import Conversation

pytestmark = pytest.mark.django_db


@pytest.mark.mirror
def test_import_polis_finds_polis_groups(real_mirror, process, people):
    directory = real_mirror / "polis" / "brexit-consensus"
    if not directory.exists():
        pytest.skip("brexit-consensus is not in the mirror")
    out = io.StringIO()
    call_command("opinion", "import-polis", str(directory), "--process", str(process.pk),
                 stdout=out)
    conversation = Conversation.objects.get()
    assert conversation.votes.count() == 5303  # unique (voter, comment) pairs
    assert conversation.statements.count() == 50
    snapshot = conversation.snapshots.get()
    assert len(snapshot.summary["groups"]) == 2  # as Pol.is found
    assert "The Computational Democracy Project" in conversation.source
    assert "groups=2" in out.getvalue()
    report = io.StringIO()
    call_command("opinion", "report", str(conversation.pk), stdout=report)
    assert "groups=2" in report.getvalue()

    # Every vote row is kept with its Pol.is time, so the first map replayed the updates:
    # its groups are those of `maillage opinion groups` (ARI 0.918 against Pol.is's).
    from maillage.engines.opinion import group_agreement, read_polis_export
    from maillage.engines.opinion.polis_export import polis_labels
    from maillage.participation.models import StatementVoteEvent

    export = read_polis_export(directory)
    events = StatementVoteEvent.objects.filter(statement__conversation=conversation)
    assert events.count() == export.log.values.size == 5312
    first = events.order_by("created_at").first()
    assert first.created_at.year == 2017 and first.participant.startswith("p")
    engine_map = pickle.loads(bytes(snapshot.state))
    ids = np.array([int(p[1:]) for p in engine_map.participant_ids.tolist()])
    agreement = group_agreement(engine_map.labels, polis_labels(export, ids))
    assert agreement.adjusted_rand >= 0.9, agreement

    # Imported again into the same process: the same conversation, nothing written.
    again = io.StringIO()
    call_command("opinion", "import-polis", str(directory), "--process", str(process.pk),
                 stdout=again)
    assert Conversation.objects.count() == 1 and events.count() == 5312
    assert f"conversation {conversation.pk}" in again.getvalue()


@pytest.mark.mirror
def test_groups_from_an_export_without_the_database(real_mirror):
    directory = real_mirror / "polis" / "brexit-consensus"
    if not directory.exists():
        pytest.skip("brexit-consensus is not in the mirror")
    out = io.StringIO()
    call_command("opinion", "groups", str(directory), stdout=out, stderr=io.StringIO())
    lines = out.getvalue().splitlines()
    assert lines[0] == "participant,group" and len(lines) == 205
    assert {line.split(",")[1] for line in lines[1:]} - {""} == {"0", "1"}
    # The command replays the conversation's updates: its groups match Pol.is's (ARI 0.918).
    from maillage.engines.opinion import group_agreement, read_polis_export
    from maillage.engines.opinion.polis_export import polis_labels

    pairs = [line.split(",") for line in lines[1:]]
    ids = np.array([int(p) for p, _ in pairs])
    ours = np.array([int(g) if g else -1 for _, g in pairs])
    truth = polis_labels(read_polis_export(directory), ids)
    assert group_agreement(ours, truth).adjusted_rand >= 0.9
