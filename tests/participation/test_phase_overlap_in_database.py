"""The database itself refuses overlapping phases, whoever writes them (services check first)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from maillage.participation.models import Phase, Process
from tests.participation.conftest import T0, T1, T2, T3

pytestmark = pytest.mark.django_db


def test_inserting_an_overlapping_phase_directly_is_refused(process):
    with pytest.raises(IntegrityError), transaction.atomic():
        Phase.objects.create(process=process, type="vote", starts_at=T1 + timedelta(days=2),
                             ends_at=T3 + timedelta(days=5))
    with pytest.raises(IntegrityError), transaction.atomic():  # one phase inside another
        Phase.objects.create(process=process, type="vote", starts_at=T1 + timedelta(hours=1),
                             ends_at=T1 + timedelta(hours=2))
    assert process.phases.count() == 3


def test_moving_a_phase_onto_another_directly_is_refused(process):
    vote = process.phases.get(type="vote")
    with pytest.raises(IntegrityError), transaction.atomic():
        Phase.objects.filter(pk=vote.pk).update(starts_at=T1 + timedelta(days=5))
    vote.refresh_from_db()
    assert vote.starts_at == T2


def test_back_to_back_phases_and_other_processes_are_allowed(process, people):
    Phase.objects.create(process=process, type="implementation", starts_at=T3,
                         ends_at=T3 + timedelta(days=30))
    vote = process.phases.get(type="vote")
    vote.title = "Vote final"
    vote.save()  # rewriting a phase's own dates does not clash with itself
    other = Process.objects.create(title="Autre", territory_level="departement",
                                   territory_code="48", territory_name="Lozère",
                                   organiser_name="CPTS")
    Phase.objects.create(process=other, type="vote", starts_at=T0, ends_at=T3)
    assert process.phases.count() == 4
