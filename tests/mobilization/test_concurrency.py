"""Concurrent signing: counts are never inflated or lost, one signature per person."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection

from maillage.mobilization import selectors, services
from maillage.mobilization.models import Signature
from maillage.participation.models import Notification


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_attempts_by_100_people_give_exactly_100_signatures(
        make_petition, make_user, people, settings):
    """Each of 100 people submits twice at once; the threshold (100) is announced once."""
    settings.MAILLAGE_SIGNATURES_PER_10_MINUTES = 1000
    petition = make_petition(threshold=100)
    signers = [make_user(email=f"signer{i}@example.org") for i in range(100)]
    attempts = [person for person in signers for _ in range(2)]
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def work(batch):
        try:
            start.wait(timeout=20)
            for person in batch:
                for _retry in range(200):
                    try:
                        services.petition_sign(actor=person, petition=petition)
                        result = "stored"
                    except ValidationError:
                        result = "refused"
                    except OperationalError:
                        # SQLite answers "database is locked" instead of waiting: try again.
                        time.sleep(0.01)
                        continue
                    with lock:
                        outcomes.append(result)
                    break
        finally:
            connection.close()

    batches = [attempts[i::8] for i in range(8)]
    threads = [threading.Thread(target=work, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("stored") == 100
    assert outcomes.count("refused") == 100
    assert Signature.objects.filter(petition=petition).count() == 100
    assert selectors.petition_progress(petition).count == 100
    petition.refresh_from_db()
    assert petition.threshold_reached_at is not None
    assert Notification.objects.filter(user=people["elu"], title__contains="seuil").count() == 1
