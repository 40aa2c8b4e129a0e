"""Organisers create committees, add members and schedule meetings from pages (as in the API),
with field-level errors; nobody else can."""

from __future__ import annotations

import pytest

from maillage.participation.models import Committee, CommitteeMember, Meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(process):
    return Committee.objects.create(process=process, name="Comité santé du Cœur de Lozère")


def test_an_organiser_creates_a_committee_from_the_process_page(client, process, people):
    client.force_login(people["organiser"])
    page = client.get(process.get_absolute_url()).content.decode()
    assert f"/participation/concertations/{process.pk}/comites/nouveau/" in page
    url = f"/participation/concertations/{process.pk}/comites/nouveau/"
    empty = client.post(url, {"name": "  ", "description": ""})
    assert empty.status_code == 400
    assert 'id="id_name_error"' in empty.content.decode()
    assert not Committee.objects.exists()
    made = client.post(url, {"name": "Comité citoyen", "description": "Suivre les actions."})
    committee = Committee.objects.get()
    assert made.status_code == 302
    assert made["Location"] == f"/participation/comites/{committee.pk}/membres/"
    assert committee.process == process and committee.description == "Suivre les actions."


@pytest.mark.parametrize("role", ["anonymous", "resident", "moderator", "far_moderator"])
def test_only_organisers_reach_the_committee_pages(client, process, people, committee, role):
    if people[role] is not None:
        client.force_login(people[role])
    for url in (f"/participation/concertations/{process.pk}/comites/nouveau/",
                f"/participation/comites/{committee.pk}/membres/",
                f"/participation/comites/{committee.pk}/reunions/nouvelle/"):
        answer = client.post(url, {"name": "x", "email": "resident@example.org",
                                   "kind": "citizen"})
        assert answer.status_code in {302, 403}
        if role == "anonymous":
            assert "/login/" in answer["Location"] or "connexion" in answer["Location"]
    assert Committee.objects.count() == 1 and not CommitteeMember.objects.exists()
    page = client.get(committee.get_absolute_url()).content.decode()
    assert "Ajouter un membre" not in page and "Programmer une réunion" not in page


def test_an_organiser_outside_the_territory_is_refused(client, process, committee, make_user,
                                                       grant, with_totp):
    stranger = make_user(email="other-region@example.org")
    grant(stranger, "analyst", "region", "84")
    with_totp(stranger)
    client.force_login(stranger)
    assert client.post(f"/participation/comites/{committee.pk}/membres/", {
        "email": "resident@example.org", "kind": "citizen"}).status_code == 403
    assert not CommitteeMember.objects.exists()


def test_members_of_each_college_are_added_with_field_errors(client, people, committee):
    client.force_login(people["organiser"])
    url = f"/participation/comites/{committee.pk}/membres/"
    page = client.get(committee.get_absolute_url()).content.decode()
    assert url in page
    unknown = client.post(url, {"email": "nobody@example.org", "kind": "citizen"})
    assert unknown.status_code == 400 and 'id="id_email_error"' in unknown.content.decode()
    bad_kind = client.post(url, {"email": "resident@example.org", "kind": "king"})
    assert bad_kind.status_code == 400 and 'id="id_kind_error"' in bad_kind.content.decode()
    for email, kind, title in (("resident@example.org", "citizen", ""),
                               ("neighbour@example.org", "professional", "Infirmière"),
                               ("moderator@example.org", "elected", "Maire de Badaroux")):
        assert client.post(url, {"email": email, "kind": kind, "title": title}
                           ).status_code == 302
    twice = client.post(url, {"email": "RESIDENT@example.org", "kind": "elected"})
    assert twice.status_code == 400 and "déjà membre" in twice.content.decode()
    assert sorted(committee.members.values_list("kind", flat=True)) == [
        "citizen", "elected", "professional"]
    page = client.get(committee.get_absolute_url()).content.decode()
    assert "Maire de Badaroux" in page and "Élu·e" in page


def test_meetings_are_scheduled_with_a_place_or_a_link(client, people, committee):
    client.force_login(people["organiser"])
    url = f"/participation/comites/{committee.pk}/reunions/nouvelle/"
    assert url in client.get(committee.get_absolute_url()).content.decode()
    base = {"title": "Réunion publique", "agenda": "1. Diagnostic\n2. Propositions",
            "starts_at": "2026-04-02T18:00", "ends_at": "2026-04-02T20:00"}
    nowhere = client.post(url, base)
    assert nowhere.status_code == 400 and 'id="id_place_error"' in nowhere.content.decode()
    backwards = client.post(url, {**base, "ends_at": "2026-04-02T17:00", "place": "Mairie"})
    assert backwards.status_code == 400
    assert 'id="id_ends_at_error"' in backwards.content.decode()
    insecure = client.post(url, {**base, "online_url": "http://visio.example.org/x"})
    assert insecure.status_code == 400
    assert 'id="id_online_url_error"' in insecure.content.decode()
    no_agenda = client.post(url, {**base, "agenda": "", "place": "Mairie"})
    assert no_agenda.status_code == 400 and 'id="id_agenda_error"' in no_agenda.content.decode()
    assert not Meeting.objects.exists()
    in_person = client.post(url, {**base, "place": "Salle des fêtes de Badaroux",
                                  "capacity": "40"})
    online = client.post(url, {**base, "title": "En visio", "starts_at": "2026-04-09T18:00",
                               "ends_at": "2026-04-09T19:00",
                               "online_url": "https://visio.example.org/comite"})
    assert in_person.status_code == online.status_code == 302
    first, second = Meeting.objects.order_by("starts_at")
    assert first.place == "Salle des fêtes de Badaroux" and first.capacity == 40
    assert second.online_url == "https://visio.example.org/comite" and second.place == ""
    assert in_person["Location"] == first.get_absolute_url()
