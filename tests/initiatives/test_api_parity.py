"""Every page has its API counterpart, with the same rights checked on the same object."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from maillage.initiatives import services
from maillage.initiatives.urls import urlpatterns

pytestmark = pytest.mark.django_db

# Page (URL name) → the API operation doing the same. The testimony's photo is one URL for
# both: the API gives it as `photo_url`.
COUNTERPARTS = {
    "index": [("get", "/api/initiatives"), ("get", "/api/initiatives/map")],
    "new": [("post", "/api/initiatives")],
    "nearest": [("get", "/api/initiatives/nearest")],
    "export_csv": [("get", "/api/initiatives/export.csv")],
    "export_json": [("get", "/api/initiatives/open-data")],
    "feed": [("get", "/api/initiatives/feed/{level}/{code}")],
    "moderation": [("get", "/api/initiatives/testimonies/pending")],
    "initiative": [("get", "/api/initiatives/{pk}")],
    "edit": [("patch", "/api/initiatives/{pk}")],
    "owner_add": [("post", "/api/initiatives/{pk}/owners")],
    "testimony_new": [("post", "/api/initiatives/{pk}/testimonies"),
                      ("get", "/api/initiatives/{pk}/testimonies")],
    "react": [("post", "/api/initiatives/{pk}/reactions")],
    "follow": [("post", "/api/initiatives/{pk}/follow")],
    "initiative_moderate": [("post", "/api/initiatives/{pk}/moderation")],
    "testimony_photo": [],
    "testimony_moderate": [("post", "/api/initiatives/testimonies/{pk}/moderation")],
}


@pytest.fixture
def published(people, make_initiative):
    initiative = make_initiative(results="Trajets ; 1200 ; trajets ; 2024")
    testimony = services.testimony_create(actor=people["resident"], initiative=initiative,
                                          body="Un service précieux.", show_name=True)
    services.testimony_moderate(actor=people["moderator"], testimony=testimony, approve=True)
    return initiative


def test_every_page_has_an_operation_in_the_api_schema(client):
    assert {p.name for p in urlpatterns} == set(COUNTERPARTS)
    schema = client.get("/api/openapi.json").json()["paths"]
    for page, operations in COUNTERPARTS.items():
        for method, path in operations:
            assert method in schema.get(path, {}), (page, method, path)


def test_the_map_and_the_csv_are_the_pages_own(client, people, published, make_initiative):
    make_initiative(title="Bus santé", kind="unite_mobile", theme="prevention",
                    commune="12208", run_by="CPAM")
    page = client.get(reverse("initiatives:index") + "?departement=48").content.decode()
    drawn = json.loads(re.search(r'<script id="initiatives-points" type="application/json">'
                                 r"(.*?)</script>", page, re.S).group(1))
    api_map = client.get("/api/initiatives/map?departement=48").json()
    assert api_map == drawn
    assert [f["properties"]["name"] for f in api_map["features"]] == [
        "Transport solidaire du Gévaudan"]
    assert api_map["features"][0]["geometry"]["coordinates"] == [3.5, 44.5]
    csv_page = client.get(reverse("initiatives:export_csv") + "?kind=unite_mobile")
    csv_api = client.get("/api/initiatives/export.csv?kind=unite_mobile")
    assert csv_api["Content-Type"].startswith("text/csv")
    assert csv_api.content == csv_page.content
    assert csv_api.content.decode().count("\n") == 2  # header + the bus


def test_the_detail_gives_what_the_page_offers_to_each_person(client, people, published):
    url = f"/api/initiatives/{published.pk}"
    anonymous = client.get(url).json()
    assert (anonymous["can_edit"], anonymous["can_testify"], anonymous["can_react"],
            anonymous["can_follow"], anonymous["can_moderate"]) == (False,) * 5
    assert anonymous["is_demo"] is False and anonymous["hidden"] is False
    client.force_login(people["other"])
    client.post(f"{url}/reactions", {"kind": "want_here"}, content_type="application/json")
    other = client.get(url).json()
    assert (other["can_edit"], other["can_testify"], other["can_react"],
            other["can_moderate"]) == (False, True, True, False)
    assert other["my_reactions"] == ["want_here"] and other["moderation_history"] == []
    client.force_login(people["owner"])
    assert client.get(url).json()["can_edit"] is True
    client.force_login(people["far_moderator"])
    assert client.get(url).json()["can_moderate"] is False
    assert client.post(f"{url}/moderation", {"reason": "Hors sujet"},
                       content_type="application/json").status_code == 403
    client.force_login(people["moderator"])
    hidden = client.post(f"{url}/moderation", {"reason": "Publicité"},
                         content_type="application/json")
    assert hidden.status_code == 200 and hidden.json()["hidden"] is True
    seen = client.get(url).json()
    assert seen["can_moderate"] is True
    assert [(e["action"], e["reason"]) for e in seen["moderation_history"]] == [
        ("hide", "Publicité")]


def test_a_hidden_initiative_is_seen_by_its_owners_and_moderators_only(client, people,
                                                                       published):
    services.initiative_hide(actor=people["moderator"], initiative=published, reason="Doublon")
    url = f"/api/initiatives/{published.pk}"
    page = published.get_absolute_url()
    for person, status in (("anonymous", 404), ("other", 404), ("far_moderator", 404),
                           ("owner", 200), ("moderator", 200)):
        client.logout()
        if person != "anonymous":
            client.force_login(people[person])
        assert client.get(url).status_code == status, person
        assert client.get(page).status_code == status, person
    client.force_login(people["other"])
    assert client.post(f"{url}/testimonies", {"body": "Bonjour"}).status_code == 404
    assert client.post(f"{url}/follow", {"follow": True},
                       content_type="application/json").status_code == 404


def test_rights_are_checked_on_each_object_through_the_api(client, people, published,
                                                           make_initiative):
    theirs = make_initiative(actor=people["other"], title="MSP de Saint-Affrique", kind="msp",
                             theme="medecin_traitant", commune="12208", run_by="SISA")
    pending = services.testimony_create(actor=people["resident"], initiative=theirs,
                                        body="En attente")
    client.force_login(people["owner"])
    # Owner of one initiative, not of the other.
    assert client.patch(f"/api/initiatives/{published.pk}", {"lessons": "Oui"},
                        content_type="application/json").status_code == 200
    denied = client.patch(f"/api/initiatives/{theirs.pk}", {"lessons": "Non"},
                          content_type="application/json")
    assert denied.status_code == 403 and "responsables" in denied.json()["detail"]
    assert client.post(f"/api/initiatives/{theirs.pk}/owners", {"email": "owner@example.org"},
                       content_type="application/json").status_code == 403
    theirs.refresh_from_db()
    assert theirs.lessons == "" and list(theirs.owners.all()) == [people["other"]]
    # The Lozère's moderator does not moderate the Aveyron; the Aveyron's does.
    client.force_login(people["moderator"])
    assert client.get("/api/initiatives/testimonies/pending").json() == []
    assert client.post(f"/api/initiatives/testimonies/{pending.pk}/moderation",
                       {"approve": True}, content_type="application/json").status_code == 403
    client.force_login(people["far_moderator"])
    assert [t["id"] for t in client.get("/api/initiatives/testimonies/pending").json()] == [
        pending.pk]
    refused = client.post(f"/api/initiatives/testimonies/{pending.pk}/moderation",
                          {"approve": False}, content_type="application/json")
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    pending.refresh_from_db()
    assert pending.status == "pending"
    # An unverified person neither testifies nor reacts; an anonymous one must log in.
    client.force_login(people["unverified"])
    assert client.post(f"/api/initiatives/{published.pk}/testimonies",
                       {"body": "Bonjour"}).status_code == 403
    assert client.post(f"/api/initiatives/{published.pk}/reactions", {"kind": "useful"},
                       content_type="application/json").status_code == 403
    client.logout()
    assert client.post(f"/api/initiatives/{published.pk}/follow", {"follow": True},
                       content_type="application/json").status_code == 401
    assert published.testimonies.count() == 1 and not published.reactions.exists()


def test_listing_and_exporting_take_a_fixed_number_of_queries(client, people,
                                                             make_initiative):
    def queries(path: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    make_initiative(results="Trajets ; 10 ; trajets")
    paths = ["/api/initiatives", "/initiatives/export.json", "/initiatives/export.csv",
             "/api/initiatives/nearest?commune=12208&limit=50"]
    one = [queries(p) for p in paths]
    for n in range(5):
        make_initiative(title=f"Initiative {n}", commune="48017",
                        results=f"Trajets ; {n} ; trajets\nBénévoles ; {n} ; personnes")
    assert [queries(p) for p in paths] == one
