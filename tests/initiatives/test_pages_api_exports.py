"""Pages, the API, the CSV and open-data exports and the Atom feed."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from maillage.initiatives import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(people, make_initiative):
    initiative = make_initiative(results="Trajets ; 1200 ; trajets ; 2024",
                                 lessons="Commencer petit.")
    testimony = services.testimony_create(actor=people["resident"], initiative=initiative,
                                          body="Un service précieux.", show_name=True)
    services.testimony_moderate(actor=people["moderator"], testimony=testimony, approve=True)
    return initiative


def test_every_page_renders(client, people, published):
    pages = [reverse("initiatives:index"), reverse("initiatives:index") + "?departement=48"
             "&kind=transport_solidaire", published.get_absolute_url(),
             reverse("initiatives:nearest"), reverse("initiatives:nearest") + "?commune=12208"]
    for url in pages:
        assert client.get(url).status_code == 200, url
    client.force_login(people["owner"])
    for url in [reverse("initiatives:new"), reverse("initiatives:edit", args=[published.pk])]:
        assert client.get(url).status_code == 200, url
    client.force_login(people["moderator"])
    assert client.get(reverse("initiatives:moderation")).status_code == 200


def test_the_directory_and_the_page_show_what_matters(client, published):
    page = client.get(reverse("initiatives:index")).content.decode()
    assert "Transport solidaire du Gévaudan" in page and "initiatives-points" in page
    detail = client.get(published.get_absolute_url()).content.decode()
    for text in ("Association Gévaudan Mobilité", "Commencer petit.", "2024", "Rosa",
                 "Un service précieux.", "ne peut pas encore le calculer"):
        assert text in detail, text


def test_only_owners_reach_the_edit_page(client, people, published):
    client.force_login(people["other"])
    assert client.get(reverse("initiatives:edit", args=[published.pk])).status_code == 403


def test_creating_through_the_page_with_errors_stores_nothing(client, people):
    from maillage.initiatives.models import Initiative

    client.force_login(people["owner"])
    response = client.post(reverse("initiatives:new"), {
        "title": "MSP", "kind": "msp", "theme": "medecin_traitant", "population": "tous",
        "commune": "Mende", "run_by": "SISA", "summary": "Une MSP.",
        "results": "Patients ; beaucoup"})
    assert response.status_code == 200
    assert "Ligne 1" in response.content.decode()
    assert not Initiative.objects.exists()
    response = client.post(reverse("initiatives:new"), {
        "title": "MSP", "kind": "msp", "theme": "medecin_traitant", "population": "tous",
        "commune": "Mende", "run_by": "SISA", "summary": "Une MSP.", "results": ""})
    assert response.status_code == 302
    assert Initiative.objects.get().commune_id == "48095"


def test_posting_a_testimony_through_the_page(client, people, published, upload):
    client.force_login(people["other"])
    bad = client.post(reverse("initiatives:testimony_new", args=[published.pk]),
                      {"body": "Avec une photo", "photo": upload(b"not an image"),
                       "photo_description": "x"})
    assert bad.status_code == 400
    assert "pas une image" in bad.content.decode()
    good = client.post(reverse("initiatives:testimony_new", args=[published.pk]),
                       {"body": "Merci à l'équipe"})
    assert good.status_code == 302
    assert published.testimonies.filter(body="Merci à l'équipe", status="pending").exists()


def test_csv_export(client, published):
    response = client.get(reverse("initiatives:export_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["nom"] == "Transport solidaire du Gévaudan"
    assert rows[0]["code_insee"] == "48095"
    assert "Trajets : 1200 trajets (2024)" in rows[0]["resultats_declares"]
    assert "Rosa" not in response.content.decode()


def test_open_data_export_carries_its_licence(client, published):
    data = json.loads(client.get(reverse("initiatives:export_json")).content)
    assert data["licence"]["spdx"] == "etalab-2.0"
    assert "Licence Ouverte" in data["licence"]["name"]
    assert data["nombre"] == 1
    assert data["initiatives"][0]["resultats_declares"][0]["valeur"] == 1200.0


def test_atom_feed_per_territory(client, published):
    response = client.get(reverse("initiatives:feed", args=["departement", "48"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "http://www.w3.org/2005/Atom" in body
    assert "Transport solidaire du Gévaudan" in body
    assert "Témoignage : Transport solidaire du Gévaudan" in body
    other = client.get(reverse("initiatives:feed", args=["departement", "12"])).content
    assert b"Gevaudan" not in other and "Gévaudan".encode() not in other
    assert client.get(reverse("initiatives:feed", args=["region", "00"])).status_code == 404
    # a level that is no territory's: a 404 too, in the page and in the API, not a server error
    assert client.get(reverse("initiatives:feed", args=["day_plans", "48"])).status_code == 404
    api = client.get("/api/initiatives/feed/day_plans/48")
    assert api.status_code == 404 and api.json()["detail"] == "Territoire inconnu."


def test_api_directory_detail_and_nearest(client, published):
    listed = client.get("/api/initiatives?departement=48&kind=transport_solidaire").json()
    assert [i["id"] for i in listed] == [published.pk]
    detail = client.get(f"/api/initiatives/{published.pk}").json()
    assert detail["testimonies"][0]["author"] == "Rosa"
    assert detail["access_change"]["computed"] is False
    near = client.get("/api/initiatives/nearest?commune=12208").json()
    assert near[0]["initiative"]["id"] == published.pk and near[0]["distance_km"] > 50
    assert client.get("/api/initiatives/open-data").json()["licence"]["spdx"] == "etalab-2.0"
    assert client.get("/api/initiatives/feed/departement/48").status_code == 200


def test_api_create_edit_testify_moderate_react_follow(client, people, upload):
    client.force_login(people["owner"])
    created = client.post("/api/initiatives", {
        "title": "Bus santé", "kind": "unite_mobile", "theme": "prevention",
        "summary": "Un bus de dépistage.", "commune": "48017", "run_by": "CPAM"},
        content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    bad = client.post("/api/initiatives", {
        "title": "", "kind": "unite_mobile", "theme": "prevention", "summary": "x",
        "commune": "00000", "run_by": "x"}, content_type="application/json")
    assert bad.status_code == 400 and "commune" in bad.json()["errors"]
    patched = client.patch(f"/api/initiatives/{pk}", {"lessons": "Mieux annoncer."},
                           content_type="application/json")
    assert patched.json()["lessons"] == "Mieux annoncer."
    client.force_login(people["other"])
    assert client.patch(f"/api/initiatives/{pk}", {"lessons": "x"},
                        content_type="application/json").status_code == 403
    posted = client.post(f"/api/initiatives/{pk}/testimonies",
                         {"body": "Dépistée grâce au bus", "photo": upload(),
                          "photo_description": "Le bus"})
    assert posted.status_code == 201, posted.content
    assert posted.json()["status"] == "pending"
    refused = client.post(f"/api/initiatives/{pk}/testimonies",
                          {"body": "x", "photo": upload(b"GIF89a"), "photo_description": "y"})
    assert refused.status_code == 400 and "photo" in refused.json()["errors"]
    assert client.get(f"/api/initiatives/{pk}/testimonies").json()[0]["status"] == "pending"
    reacted = client.post(f"/api/initiatives/{pk}/reactions", {"kind": "useful"},
                          content_type="application/json")
    assert reacted.json() == {"active": True, "reactions": {"inspiring": 0, "useful": 1,
                                                            "want_here": 0}}
    assert client.post(f"/api/initiatives/{pk}/follow", {"follow": True},
                       content_type="application/json").json() == {"following": True}
    tid = posted.json()["id"]
    assert client.post(f"/api/initiatives/testimonies/{tid}/moderation", {"approve": True},
                       content_type="application/json").status_code == 403
    client.force_login(people["moderator"])
    assert [t["id"] for t in client.get("/api/initiatives/testimonies/pending").json()] == [tid]
    decided = client.post(f"/api/initiatives/testimonies/{tid}/moderation", {"approve": True},
                          content_type="application/json")
    assert decided.json()["status"] == "published"
    client.logout()
    assert client.get(f"/api/initiatives/{pk}/testimonies").json()[0]["author"] == "Anonyme"


def test_personal_data_export_and_erase(people, published):
    from maillage.accounts import personal_data

    section = next(s for s in personal_data.sections() if s.name == "initiatives")
    exported = section.exporter(people["resident"])
    assert exported["testimonies"][0]["body"] == "Un service précieux."
    assert section.exporter(people["owner"])["owned_initiatives"][0]["id"] == published.pk
    section.eraser(people["resident"])
    testimony = published.testimonies.get()
    assert testimony.author is None and testimony.show_name is False
