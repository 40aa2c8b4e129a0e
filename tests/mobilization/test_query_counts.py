"""Lists cost a constant number of queries, however many petitions or threads they show."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.mobilization import services


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_petition_and_thread_lists_do_not_grow_with_their_items(people, make_petition,
                                                                    settings):
    settings.MAILLAGE_PETITIONS_PER_10_MINUTES = 100
    settings.MAILLAGE_POSTS_PER_10_MINUTES = 100
    client = Client()
    client.force_login(people["neighbour"])

    def add(n: int) -> None:
        for i in range(n):
            petition = make_petition(title=f"Pétition {i}")
            services.petition_sign(actor=people["outsider"], petition=petition)
            thread = services.thread_create(
                actor=people["resident"], territory_level="departement", territory_code="48",
                topic="general", kind="discussion", title=f"Fil {i}", body="Bonjour")
            services.post_create(actor=people["neighbour"], thread=thread, body="Réponse")

    settings.MAILLAGE_SIGNATURES_PER_10_MINUTES = 100
    add(2)
    urls = [reverse("mobilization:petitions"), reverse("mobilization:threads"),
            reverse("mobilization:index")]
    for url in urls:  # warm the caches (content types) so that both counts compare alike
        client.get(url)
    few = [_queries(client, url) for url in urls]
    add(8)
    many = [_queries(client, url) for url in urls]
    assert many == few
