"""The access dashboard shows where people asked for a ride to care and got none (public
aggregates from solidarity transport, no commune with fewer than 3 requests on its own)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from maillage.insights import services as insights_services
from maillage.transport import selectors, services
from maillage.transport.models import Member, RideRequest
from tests.transport.conftest import (  # noqa: F401 (fixtures)
    association,
    beneficiary,
    coordinator,
    day,
    driver,
    facility,
    make_ride,
    member,
)
from tests.transport.test_contributions_and_reports import month_of_rides  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(gp_counts):
    return insights_services.access_run_execute(insights_services.access_run_create(
        actor=None, region="76", profession="generaliste"))


def test_small_communes_count_only_in_the_totals(month_of_rides, day):  # noqa: F811
    found = selectors.unmet_in_territory(region="76", since=day - timedelta(days=1))
    assert (found.requests, found.unmet, found.hidden_communes, found.rows) == (3, 1, 2, [])
    assert selectors.unmet_in_territory(region="76", departement="12",
                                        since=day - timedelta(days=1)).requests == 0
    assert selectors.unmet_in_territory(region="11", since=day - timedelta(days=1)).requests == 0


def test_the_dashboard_and_the_api_show_unmet_rides_by_commune(month_of_rides, coordinator,  # noqa: F811
                                                               day, run, facility):  # noqa: F811
    pierre = Member.objects.get(last_name="Vidal")
    third = services.ride_request_create(
        actor=coordinator, member=pierre, facility=facility, return_trip=False,
        appointment_at=month_of_rides.appointment_at + timedelta(hours=7))
    RideRequest.objects.filter(pk=third.pk).update(status=RideRequest.Status.UNSERVED)
    since = (day - timedelta(days=1)).isoformat()

    api = Client().get("/api/transport/territory-unmet", {"region": "76", "since": since})
    assert api.status_code == 200
    body = api.json()
    assert (body["requests"], body["unmet"], body["hidden_communes"]) == (4, 2, 1)
    assert [(c["code"], c["requests"], c["unmet"]) for c in body["communes"]] == [
        ("48095", 3, 2)]
    assert "Vidal" not in api.content.decode() and "Pierre" not in api.content.decode()
    assert Client().get("/api/transport/territory-unmet", {"region": "7'"}).status_code == 422

    page = Client().get("/acces/", {"region": "76", "profession": "generaliste"})
    text = page.content.decode()
    assert "le transport solidaire" in text and "sans chauffeur" in text
    section = text[text.index("le transport solidaire"):]
    assert "Mende" in section and "Badaroux" not in section.split("</table>")[0]
    assert "1 commune" not in section and "Une commune de moins de 3 demandes" in section


def test_the_dashboard_leads_to_what_residents_and_patients_say(run):
    text = Client().get("/acces/", {"region": "76", "profession": "generaliste"}).content.decode()
    for link in ("/participation/signalements/?region=76&amp;profession=generaliste",
                 "/cooperation/evaluation/?region=76", "/initiatives/"):
        assert link in text
    assert Client().get("/cooperation/evaluation/?region=76").status_code == 200
