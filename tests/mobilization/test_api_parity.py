"""Every page of mobilization has its API counterpart, and those counterparts keep the rights
and the errors of the pages."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from maillage.mobilization import services
from maillage.mobilization.models import CampaignEvent, CampaignOptOut, Petition

# Page (URL name) → API operation doing the same.
PARITY = {
    "index": ("get", "/petitions"),
    "petitions": ("get", "/petitions"),
    "petition_create": ("post", "/petitions"),
    "petition": ("get", "/petitions/{pk}"),
    "petition_sign": ("post", "/petitions/{pk}/signatures"),
    "petition_answer": ("post", "/petitions/{pk}/answer"),
    "petition_moderate": ("post", "/petitions/{pk}/moderation"),
    "petition_close": ("post", "/petitions/{pk}/close"),
    "petition_csv": ("get", "/petitions/{pk}/signatures.csv"),
    "petition_pdf": ("get", "/petitions/{pk}/petition.pdf"),
    "moderation": ("get", "/moderation"),
    "dossier": ("get", "/dossier"),
    "dossier_pdf": ("get", "/dossier.pdf"),
    "threads": ("get", "/threads"),
    "thread_create": ("post", "/threads"),
    "thread": ("get", "/threads/{pk}"),
    "post_create": ("post", "/threads/{pk}/posts"),
    "thread_best": ("post", "/threads/{pk}/best-answer"),
    "thread_follow": ("post", "/threads/{pk}/follow"),
    "post_react": ("post", "/posts/{pk}/reactions"),
    "moderate": ("post", "/moderation/{kind}/{pk}/{action}"),
    "campaigns": ("get", "/campaigns"),
    "campaign_create": ("post", "/campaigns"),
    "campaign": ("get", "/campaigns/{pk}"),
    "campaign_message": ("post", "/campaigns/{pk}/messages"),
    "campaign_preferences": ("put", "/campaign-messages/preference"),
    "unsubscribe": ("post", "/campaign-messages/unsubscribe"),
    "event_create": ("post", "/campaigns/{pk}/events"),
    "event_register": ("post", "/events/{pk}/registrations"),
}


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, url: str, payload: dict | None = None, method: str = "post"):
    return getattr(client, method)(url, json.dumps(payload or {}),
                                   content_type="application/json")


def test_every_page_has_an_api_operation(db):
    from maillage.config.api import api
    from maillage.mobilization.urls import urlpatterns

    assert {p.name for p in urlpatterns} == set(PARITY)
    schema = api.get_openapi_schema()
    for name, (method, path) in PARITY.items():
        operations = schema["paths"].get(f"/api/mobilization{path}", {})
        assert method in operations, (name, method, path)


def test_close_export_and_public_signatures_through_the_api(people, make_petition):
    petition = make_petition()
    services.petition_sign(actor=people["neighbour"], petition=petition, show_publicly=True)
    services.petition_sign(actor=people["outsider"], petition=petition)
    base = f"/api/mobilization/petitions/{petition.pk}"
    public = client_for(None).get(f"{base}/public-signatures").json()
    assert [(s["commune_code"], s["commune"]) for s in public] == [("48095", "Mende")]
    assert client_for(people["neighbour"]).get(f"{base}/signatures.csv").status_code == 403
    assert client_for(None).get(f"{base}/signatures.csv").status_code == 401
    organiser = client_for(people["resident"])
    rows = list(csv.DictReader(io.StringIO(organiser.get(f"{base}/signatures.csv")
                                           .content.decode())))
    assert sorted(r["code_insee"] for r in rows) == ["12208", "48095"]
    assert organiser.get(f"{base}/petition.pdf").content.startswith(b"%PDF")
    assert post(client_for(people["neighbour"]), f"{base}/close").status_code == 403
    closed = post(organiser, f"{base}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert post(organiser, f"{base}/close").status_code == 403


def test_the_moderation_queue_is_per_territory(people, make_petition):
    pending = make_petition(publish=False)
    thread = services.thread_create(
        actor=people["resident"], territory_level="departement", territory_code="48",
        topic="general", kind="discussion", title="Bonjour", body="Message")
    reply = services.post_create(actor=people["neighbour"], thread=thread, body="Insulte")
    services.content_report(actor=people["resident"], content=reply, reason="Injurieux")
    queue = client_for(people["moderator"]).get("/api/mobilization/moderation").json()
    assert [p["id"] for p in queue["pending_petitions"]] == [pending.pk]
    assert [(f["kind"], f["id"]) for f in queue["flagged"]] == [("post", reply.pk)]
    far = client_for(people["far_moderator"]).get("/api/mobilization/moderation").json()
    assert far == {"pending_petitions": [], "flagged": []}
    assert client_for(None).get("/api/mobilization/moderation").status_code == 401


def test_the_dossier_as_data(people, make_petition):
    petition = make_petition(threshold=1)
    services.petition_sign(actor=people["neighbour"], petition=petition)
    services.petition_answer(actor=people["elu"], petition=petition, answer="Deux postes.")
    data = client_for(None).get("/api/mobilization/dossier",
                                {"level": "departement", "code": "48"}).json()
    assert data["name"] == "Lozère"
    assert [(p["title"], p["answer"], p["signatures"]) for p in data["petitions"]] == [
        (petition.title, "Deux postes.", 1)]
    assert data["access"]["run"] is None and data["signalements_total"] == 0
    bad = client_for(None).get("/api/mobilization/dossier", {"level": "departement",
                                                             "code": "99"})
    assert bad.status_code == 400 and "territory_code" in bad.json()["errors"]


def test_campaign_detail_events_and_messages_through_the_api(
        people, django_capture_on_commit_callbacks):
    campaign = services.campaign_create(
        actor=people["coordinator"], region="76", title="Vaccination", theme="vaccination",
        body="Rappels de vaccination.", organiser_name="CPTS Lozère")
    base = f"/api/mobilization/campaigns/{campaign.pk}"
    organiser, neighbour = client_for(people["coordinator"]), client_for(people["neighbour"])
    event = {"title": "Séance", "place": "Salle des fêtes", "commune_code": "48095",
             "starts_at": (timezone.now() + timedelta(days=5)).isoformat(), "capacity": 10}
    assert post(neighbour, f"{base}/events", event).status_code == 403
    past = post(organiser, f"{base}/events", event | {"starts_at": "2020-01-01T10:00:00Z"})
    assert past.status_code == 400 and "starts_at" in past.json()["errors"]
    assert not CampaignEvent.objects.exists()
    created = post(organiser, f"{base}/events", event)
    assert created.status_code == 201
    event_id = created.json()["id"]
    assert post(neighbour, f"/api/mobilization/events/{event_id}/registrations"
                ).status_code == 201
    detail = neighbour.get(base).json()
    assert sorted(t["code"] for t in detail["targets"]) == ["12208", "48017", "48095", "48099"]
    assert [(e["registrations"], e["registered"]) for e in detail["events"]] == [(1, True)]
    assert neighbour.get(f"{base}/messages").status_code == 403
    assert post(neighbour, f"{base}/messages", {"subject": "s", "body": "b"}
                ).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        sent = post(organiser, f"{base}/messages",
                    {"subject": "Rappel", "body": "Pensez au rappel."})
    # resident, neighbour (Mende) and outsider (Saint-Affrique, also in the région).
    assert sent.status_code == 201 and sent.json()["recipients"] == 3
    assert len(mail.outbox) == 3
    listed = organiser.get(f"{base}/messages").json()
    assert [(m["recipients"], m["sent"]) for m in listed] == [(3, 3)]
    reach = organiser.get(f"{base}/reach").json()
    assert reach["messages_sent"] == 3 and reach["views"] == 1


def test_unsubscribe_and_preference_through_the_api(people):
    token = services.unsubscribe_token(people["neighbour"].pk)
    bad = post(Client(), "/api/mobilization/campaign-messages/unsubscribe", {"token": "x"})
    assert bad.status_code == 400 and "token" in bad.json()["errors"]
    done = post(Client(), "/api/mobilization/campaign-messages/unsubscribe", {"token": token})
    assert done.status_code == 200 and CampaignOptOut.objects.count() == 1
    client = client_for(people["neighbour"])
    url = "/api/mobilization/campaign-messages/preference"
    assert client.get(url).json() == {"receive": False}
    assert post(client, url, {"receive": True}, method="put").json() == {"receive": True}
    assert not CampaignOptOut.objects.exists()
    assert client_for(None).get(url).status_code == 401


@pytest.mark.django_db
def test_no_mobilization_operation_gets_a_server_error(people, make_petition, settings):
    """Schemathesis on our operations only (the full-schema run lives in tests/api)."""
    import schemathesis
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from schemathesis.checks import not_a_server_error

    from maillage.config.wsgi import application

    make_petition()
    assert Petition.objects.count() == 1
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
        operations = [r.ok() for r in schema.get_all_operations()
                      if r.ok().path.startswith("/api/mobilization")]
        assert len(operations) >= 30
        for operation in operations:

            @given(case=operation.as_strategy())
            @hypothesis_settings(max_examples=4, deadline=None, database=None,
                                 suppress_health_check=list(HealthCheck))
            def check(case) -> None:
                response = case.call()
                case.validate_response(response, checks=[not_a_server_error])

            check()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
