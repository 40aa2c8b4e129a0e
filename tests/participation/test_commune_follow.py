"""Following a commune: new signalements and published proposals there are announced, in the
app and by e-mail (at once or in the daily digest), never naming the author."""

from __future__ import annotations

import pytest
from django.core import mail

from maillage.participation import services
from maillage.participation.models import Follow, Notification
from maillage.territories.models import Commune

pytestmark = pytest.mark.django_db


def titles(user):
    return [n.title for n in Notification.objects.filter(user=user)]


def test_following_a_commune_from_its_signalements_page_and_the_api(client, people):
    client.force_login(people["resident"])
    page = client.get("/participation/signalements/?region=76&commune=48095").content.decode()
    assert "/participation/suivre/commune/48095/" in page
    assert client.post("/participation/suivre/commune/48095/").status_code == 302
    made = client.post("/api/participation/follows", {"commune": "48017"},
                       content_type="application/json")
    assert made.status_code == 201
    assert set(Follow.objects.filter(user=people["resident"]).values_list(
        "commune_id", flat=True)) == {"48095", "48017"}
    assert client.post("/participation/suivre/commune/99999/").status_code == 404


def test_a_new_signalement_is_announced_to_the_communes_followers(
        people, django_capture_on_commit_callbacks):
    mende = Commune.objects.get(pk="48095")
    services.follow(actor=people["resident"], target=mende)
    services.follow(actor=people["neighbour"], target=mende)
    services.follow(actor=people["outsider"], target=Commune.objects.get(pk="48017"))
    services.notification_settings_update(actor=people["resident"], email="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        services.signalement_create(actor=people["neighbour"], commune_code="48095",
                                    category="no_gp", text="Aucun médecin.", anonymous=True)
    assert titles(people["resident"]) == [
        "Nouveau signalement à Mende : Aucun médecin traitant n'accepte de nouveaux patients"]
    assert titles(people["neighbour"]) == []  # the author is not told of their own report
    assert titles(people["outsider"]) == []  # another commune
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [people["resident"].email]
    assert "neighbour" not in mail.outbox[0].body  # anonymous: the author is never named


def test_the_daily_digest_carries_commune_news(people, django_capture_on_commit_callbacks):
    services.follow(actor=people["resident"], target=Commune.objects.get(pk="48095"))
    with django_capture_on_commit_callbacks(execute=True):
        services.signalement_create(actor=people["neighbour"], commune_code="48095",
                                    category="distance")
    assert mail.outbox == []  # daily digest is the default
    assert services.digest_send() == 1
    assert "Nouveau signalement à Mende" in mail.outbox[0].body


def test_a_published_proposal_about_a_commune_is_announced(process, people, at):
    services.follow(actor=people["outsider"], target=Commune.objects.get(pk="48017"))
    with at("proposals"):
        proposal = services.proposal_create(
            actor=people["resident"], process=process, title="Une unité mobile à Badaroux",
            body="Le mardi matin.", commune_code="48017")
        services.proposal_create(actor=people["neighbour"], process=process,
                                 title="Sans commune", body="Partout.")
    [news] = Notification.objects.filter(user=people["outsider"])
    assert news.title.startswith("Nouvelle proposition pour Badaroux")
    assert news.url == proposal.get_absolute_url()


def test_a_proposal_in_an_unpublished_process_is_not_announced(process, people):
    from maillage.participation.models import Proposal
    from maillage.participation.services.commune_news import proposal_announce

    process.is_published = False
    process.save()
    services.follow(actor=people["outsider"], target=Commune.objects.get(pk="48017"))
    draft = Proposal.objects.create(process=process, author=people["organiser"],
                                    title="Brouillon", body="Pas encore public.",
                                    commune_id="48017")
    assert proposal_announce(draft) == 0
    assert titles(people["outsider"]) == []


def test_digest_links_carry_the_site_address(settings, mailoutbox, people):
    from maillage.participation import services
    from maillage.participation.models import Notification

    settings.MAILLAGE_SITE_URL = "https://maillage.example.org/"
    Notification.objects.create(user=people["resident"], title="Nouvelle réponse",
                                url="/participation/concertations/1/")
    assert services.digest_send() == 1
    assert "https://maillage.example.org/participation/concertations/1/" in mailoutbox[-1].body
