"""Authors edit their own signalements and comments within the edit window (the proposals'
`EDIT_WINDOW`), through the services, the pages and the API; after it, on hidden content, or
for someone else: a clear refusal and nothing changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.participation import services
from maillage.participation.models import Comment, Signalement
from maillage.participation.rules import EDIT_WINDOW
from tests.participation.conftest import MOMENTS

pytestmark = pytest.mark.django_db

FILED = MOMENTS["proposals"]
WITHIN = FILED + EDIT_WINDOW - timedelta(minutes=1)
LATE = FILED + EDIT_WINDOW + timedelta(minutes=1)


@pytest.fixture
def signalement(people, at):
    with at(FILED):
        return services.signalement_create(actor=people["resident"], commune_code="48095",
                                           category="no_gp", text="Aucun médecin.")


@pytest.fixture
def comment(process, people, at):
    with at(FILED):
        proposal = services.proposal_create(actor=people["neighbour"], process=process,
                                            title="Unité mobile", body="Le mardi.")
        return services.comment_create(actor=people["resident"], proposal=proposal,
                                       body="Bonne idée.")


def test_the_window_is_the_proposals_one_hour_as_the_messages_say():
    assert timedelta(hours=1) == EDIT_WINDOW


def test_an_author_edits_a_signalement_within_the_window_only(signalement, people, at):
    with at(WITHIN):
        services.signalement_update(actor=people["resident"], signalement=signalement,
                                    category="waiting_time", profession="generaliste",
                                    text="Six mois d'attente.", anonymous=True)
        with pytest.raises(ValidationError) as caught:
            services.signalement_update(actor=people["resident"], signalement=signalement,
                                        category="nonsense", profession="astrologue")
        assert {"category", "profession"} <= set(caught.value.message_dict)
        for other in ("neighbour", "moderator", "organiser"):
            with pytest.raises(PermissionDenied):
                services.signalement_update(actor=people[other], signalement=signalement,
                                            category="cost")
    with at(LATE), pytest.raises(PermissionDenied, match="délai"):
        services.signalement_update(actor=people["resident"], signalement=signalement,
                                    category="cost")
    stored = Signalement.objects.get(pk=signalement.pk)
    assert (stored.category, stored.profession, stored.text, stored.anonymous) == (
        "waiting_time", "generaliste", "Six mois d'attente.", True)
    assert stored.commune_id == "48095"


def test_a_hidden_signalement_is_no_longer_editable(signalement, people, at):
    with at(WITHIN):
        services.content_hide(actor=people["moderator"], content=signalement, reason="Charte")
        with pytest.raises(PermissionDenied):
            services.signalement_update(actor=people["resident"], signalement=signalement,
                                        category="cost")
    assert Signalement.objects.get(pk=signalement.pk).category == "no_gp"


def test_an_author_edits_a_comment_within_the_window_only(comment, people, at):
    with at(WITHIN):
        with pytest.raises(ValidationError) as caught:
            services.comment_update(actor=people["resident"], comment=comment, body="  ")
        assert "body" in caught.value.message_dict
        with pytest.raises(PermissionDenied):
            services.comment_update(actor=people["neighbour"], comment=comment, body="Non.")
        services.comment_update(actor=people["resident"], comment=comment,
                                body="Bonne idée, le mardi matin.")
    with at(LATE), pytest.raises(PermissionDenied, match="délai"):
        services.comment_update(actor=people["resident"], comment=comment, body="Trop tard.")
    assert Comment.objects.get(pk=comment.pk).body == "Bonne idée, le mardi matin."


def test_the_signalement_edit_page(client, signalement, people, at):
    url = f"/participation/signalements/{signalement.pk}/modifier/"
    with at(WITHIN):
        client.force_login(people["resident"])
        assert url in client.get(signalement.get_absolute_url()).content.decode()
        form = client.get(url)
        assert form.status_code == 200 and "Mende" in form.content.decode()
        bad = client.post(url, {"category": "nonsense", "commune": "12208"})
        assert bad.status_code == 400 and 'id="id_category_error"' in bad.content.decode()
        ok = client.post(url, {"category": "distance", "text": "45 minutes de route.",
                               "commune": "12208"})  # the commune cannot be changed
        assert ok.status_code == 302
        client.force_login(people["neighbour"])
        assert url not in client.get(signalement.get_absolute_url()).content.decode()
        assert client.post(url, {"category": "cost"}).status_code == 403
    with at(LATE):
        client.force_login(people["resident"])
        assert url not in client.get(signalement.get_absolute_url()).content.decode()
        late = client.post(url, {"category": "cost"})
        assert late.status_code == 403
    stored = Signalement.objects.get(pk=signalement.pk)
    assert (stored.category, stored.commune_id) == ("distance", "48095")


def test_the_comment_edit_page(client, comment, people, at):
    url = f"/participation/commentaires/{comment.pk}/modifier/"
    with at(WITHIN):
        client.force_login(people["resident"])
        assert url in client.get(comment.proposal.get_absolute_url()).content.decode()
        empty = client.post(url, {"body": ""})
        assert empty.status_code == 400 and 'id="id_body_error"' in empty.content.decode()
        ok = client.post(url, {"body": "Corrigé."})
        assert ok.status_code == 302 and ok["Location"].endswith(f"#commentaire-{comment.pk}")
        client.force_login(people["neighbour"])
        assert url not in client.get(comment.proposal.get_absolute_url()).content.decode()
        assert client.post(url, {"body": "Pas à moi."}).status_code == 403
    with at(LATE):
        client.force_login(people["resident"])
        assert client.post(url, {"body": "Trop tard."}).status_code == 403
        assert client.post("/participation/commentaires/999999/modifier/",
                           {"body": "x"}).status_code == 404
    assert Comment.objects.get(pk=comment.pk).body == "Corrigé."


def test_the_api_edits_within_the_window_and_refuses_after(client, signalement, comment,
                                                          people, at):
    s_url = f"/api/participation/signalements/{signalement.pk}"
    c_url = f"/api/participation/comments/{comment.pk}"
    assert client.patch(s_url, {"category": "cost"},
                        content_type="application/json").status_code == 401
    with at(WITHIN):
        client.force_login(people["resident"])
        bad = client.patch(s_url, {"category": "cost", "profession": "astrologue"},
                           content_type="application/json")
        assert bad.status_code == 400 and "profession" in bad.json()["errors"]
        ok = client.patch(s_url, {"category": "cost", "text": "Dépassements."},
                          content_type="application/json")
        assert ok.status_code == 200 and ok.json()["category"] == "cost"
        edited = client.patch(c_url, {"body": "Modifié."}, content_type="application/json")
        assert edited.status_code == 200 and edited.json()["body"] == "Modifié."
        empty = client.patch(c_url, {"body": ""}, content_type="application/json")
        assert empty.status_code == 400 and "body" in empty.json()["errors"]
        client.force_login(people["neighbour"])
        assert client.patch(s_url, {"category": "other"},
                            content_type="application/json").status_code == 403
        assert client.patch(c_url, {"body": "Pas à moi."},
                            content_type="application/json").status_code == 403
    with at(LATE):
        client.force_login(people["resident"])
        late = client.patch(s_url, {"category": "other"}, content_type="application/json")
        assert late.status_code == 403 and "délai" in late.json()["detail"]
        assert client.patch(c_url, {"body": "Trop tard."},
                            content_type="application/json").status_code == 403
        assert client.patch("/api/participation/signalements/999999", {"category": "other"},
                            content_type="application/json").status_code == 404
    assert Signalement.objects.get(pk=signalement.pk).category == "cost"
    assert Comment.objects.get(pk=comment.pk).body == "Modifié."
