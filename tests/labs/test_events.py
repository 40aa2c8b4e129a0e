"""Hackathon events: dates, place or online, capacity, waiting list and promotion."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection
from django.utils import timezone

from maillage.labs import selectors, services
from maillage.labs.models import Event, Registration
from maillage.participation.models import Notification


def test_an_event_needs_a_place_or_a_link_and_coherent_dates(lab, people):
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        services.event_create(actor=people["staff"], lab=lab, title="Sans lieu",
                              starts_at=now + timedelta(days=2), ends_at=now + timedelta(days=1),
                              submissions_close_at=now + timedelta(days=2), capacity=0)
    errors = caught.value.message_dict
    assert {"place", "ends_at", "capacity"} <= set(errors)
    assert not Event.objects.exists()
    online = services.event_create(
        actor=people["staff"], lab=lab, title="En ligne", starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=2), submissions_close_at=now + timedelta(days=2),
        capacity=50, online_url="https://visio.example.org/hackathon")
    assert online.place == ""


def test_schedule_items_stay_within_the_event(event, people):
    with pytest.raises(ValidationError):
        services.schedule_item_add(actor=people["staff"], event=event,
                                   starts_at=event.ends_at + timedelta(hours=1), title="Après")
    services.schedule_item_add(actor=people["staff"], event=event,
                               starts_at=event.starts_at, title="Accueil")
    services.mentor_add(actor=people["staff"], event=event, name="Dr Martin",
                        expertise="Télémédecine")
    assert event.schedule.count() == 1 and event.mentors.count() == 1


def test_registration_fills_seats_then_the_waiting_list_then_refuses(event, people):
    """Capacity 2, waiting list 1: the fourth person is refused and nothing is stored."""
    first = services.event_register(actor=people["resident"], event=event)
    second = services.event_register(actor=people["neighbour"], event=event)
    third = services.event_register(actor=people["dev"], event=event)
    assert [first.status, second.status, third.status] == ["confirmed", "confirmed", "waiting"]
    with pytest.raises(ValidationError, match="Complet"):
        services.event_register(actor=people["juror"], event=event)
    assert Registration.objects.count() == 3
    with pytest.raises(ValidationError, match="déjà inscrit"):
        services.event_register(actor=people["resident"], event=event)


def test_a_cancellation_promotes_the_first_waiting_person_who_is_told(event, people):
    services.event_register(actor=people["resident"], event=event)
    services.event_register(actor=people["neighbour"], event=event)
    services.event_register(actor=people["dev"], event=event)
    promoted = services.registration_cancel(actor=people["resident"], event=event)
    assert promoted.user == people["dev"] and promoted.status == "confirmed"
    assert Notification.objects.filter(user=people["dev"], title__contains="place").exists()
    seats = selectors.event_seats(viewer=people["dev"], event=event)
    assert (seats.confirmed, seats.waiting, seats.free) == (2, 0, 0)
    # Registering again after cancelling is allowed (the old row stays, cancelled).
    again = services.event_register(actor=people["resident"], event=event)
    assert again.status == "waiting"


def test_no_registration_once_the_event_has_started(event, people):
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    event.refresh_from_db()
    with pytest.raises(ValidationError, match="closes"):
        services.event_register(actor=people["resident"], event=event)
    assert not Registration.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_capacity(event, people):
    """Five people rush for two seats and one waiting place: three are stored, two refused."""
    rushers = [people[k] for k in ("resident", "neighbour", "dev", "juror", "juror2")]
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(rushers))

    def register(user):
        try:
            start.wait(timeout=20)
            for _retry in range(200):
                try:
                    result = services.event_register(actor=user, event=event).status
                except ValidationError:
                    result = "refused"
                except OperationalError:
                    # SQLite answers "database is locked" instead of waiting: try again.
                    time.sleep(0.01)
                    continue
                break
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(u,)) for u in rushers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["confirmed", "confirmed", "refused", "refused", "waiting"]
    assert Registration.objects.filter(status="confirmed").count() == 2
