"""Drivers, requesters and coordinators are told what changed — never where the ride goes."""

from __future__ import annotations

import pytest

from maillage.participation.models import Notification
from maillage.transport import services
from maillage.transport.models import Mandate

pytestmark = pytest.mark.django_db


def _titles(user) -> list[str]:
    return [n.title for n in Notification.objects.filter(user=user).order_by("pk")]


def _all_text() -> str:
    return " ".join(f"{n.title} {n.body} {n.url}" for n in Notification.objects.all())


def test_publishing_tells_the_driver_and_the_requesters(coordinator, association, driver,
                                                        member, make_user, make_ride, day):
    relative = make_user("fils@example.org")
    Mandate.objects.create(member=member, user=relative, relation="relative")
    ride = make_ride(hour=10, return_trip=False)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    assert Notification.objects.count() == 0  # a draft proposes nothing

    services.day_plan_publish(actor=coordinator, plan=plan)

    assert _titles(driver.user) == [f"1 trajet(s) proposé(s) le {day:%d/%m/%Y} : acceptez ou "
                                    "refusez"]
    for person in (member.user, relative):
        [note] = Notification.objects.filter(user=person)
        assert "planifié" in note.title and "Louis" in note.body
        assert note.url == ride.get_absolute_url()
    # Republishing does not repeat the messages.
    services.day_plan_publish(actor=coordinator, plan=plan)
    assert Notification.objects.filter(user=driver.user).count() == 1
    # Messages may be e-mailed: no destination, no reason.
    text = _all_text()
    assert "cardiologie" not in text and "hospitalier" not in text


def test_accepting_confirms_and_declining_alerts_the_coordinator(coordinator, association,
                                                                 driver, member, make_ride, day):
    first = make_ride(hour=9, return_trip=False)
    second = make_ride(hour=15, return_trip=False)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    services.day_plan_publish(actor=coordinator, plan=plan)

    services.leg_respond(actor=driver.user, leg=first.legs.get(), accept=True)
    services.leg_respond(actor=driver.user, leg=second.legs.get(), accept=False)

    assert any("confirmé" in t for t in _titles(member.user))
    assert any("refusé" in t for t in _titles(coordinator))


def test_cancelling_tells_the_driver_and_the_coordinator(coordinator, association, driver,
                                                         member, make_ride, day):
    ride = make_ride(hour=10, return_trip=False)
    plan = services.day_plan_start(actor=coordinator, association=association, day=day)
    services.day_plan_publish(actor=coordinator, plan=plan)

    services.ride_request_cancel(actor=member.user, ride=ride)

    assert any("annulé" in t for t in _titles(driver.user))
    assert any("annulé" in t for t in _titles(coordinator))
    assert not any("annulé" in t for t in _titles(member.user))  # they did it themselves
    assert "cardiologie" not in _all_text()
