"""Reporting content, hiding it with a reason (in one's territory), telling the author."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.participation import selectors, services
from maillage.participation.models import Flag, ModerationEvent, Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def signalement(people):
    return services.signalement_create(actor=people["resident"], commune_code="48095",
                                       category="other", text="Texte injurieux")


def test_anyone_logged_in_reports_once(people, signalement):
    services.content_flag(actor=people["neighbour"], content=signalement, reason="Insulte")
    with pytest.raises(ValidationError, match="déjà signalé"):
        services.content_flag(actor=people["neighbour"], content=signalement, reason="Encore")
    assert Flag.objects.count() == 1


def test_a_moderator_hides_with_a_reason_and_the_author_is_told(people, signalement,
                                                               django_capture_on_commit_callbacks):
    services.content_flag(actor=people["neighbour"], content=signalement, reason="Insulte")
    with django_capture_on_commit_callbacks(execute=True):
        services.content_hide(actor=people["moderator"], content=signalement,
                              reason="Propos injurieux (charte, point 3)")
    signalement.refresh_from_db()
    assert signalement.is_hidden and signalement.hidden_by == people["moderator"]
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["resident@example.org"]
    assert "Propos injurieux" in mail.outbox[0].body
    # hidden, not deleted: the moderator still reads it, and the decision is on record
    assert selectors.signalement_row(viewer=people["moderator"], pk=signalement.pk) is not None
    assert selectors.signalement_row(viewer=people["neighbour"], pk=signalement.pk) is None
    assert selectors.signalement_row(viewer=people["resident"], pk=signalement.pk) is not None
    assert [e.action for e in selectors.moderation_history(signalement)] == ["hide"]


def test_a_moderator_cannot_act_outside_their_territory(people, signalement):
    with pytest.raises(PermissionDenied):
        services.content_hide(actor=people["far_moderator"], content=signalement,
                              reason="Hors de mon territoire")
    with pytest.raises(PermissionDenied):
        services.content_hide(actor=people["neighbour"], content=signalement, reason="Non")
    assert not ModerationEvent.objects.exists()


def test_a_reason_is_required(people, signalement):
    with pytest.raises(ValidationError) as caught:
        services.content_hide(actor=people["moderator"], content=signalement, reason="  ")
    assert "reason" in caught.value.message_dict


def test_restoring_is_audited_too(people, signalement):
    services.content_hide(actor=people["moderator"], content=signalement, reason="Doute")
    services.content_restore(actor=people["moderator"], content=signalement,
                             reason="Finalement conforme")
    signalement.refresh_from_db()
    assert not signalement.is_hidden
    assert [e.action for e in selectors.moderation_history(signalement)] == ["restore", "hide"]


def test_the_queue_shows_only_the_moderators_territory(people, signalement, process):
    proposal = Proposal.objects.create(process=process, author=people["resident"], title="t",
                                       body="b")
    services.content_flag(actor=people["neighbour"], content=signalement, reason="a")
    services.content_flag(actor=people["neighbour"], content=proposal, reason="b")
    assert {i.kind for i in selectors.moderation_queue(viewer=people["moderator"])} == {
        "signalement", "proposition"}
    assert selectors.moderation_queue(viewer=people["far_moderator"]) == []


def test_the_moderation_pages_work_end_to_end(client, people, signalement):
    client.force_login(people["neighbour"])
    client.post(f"/participation/moderation/signalement/{signalement.pk}/signaler/",
                {"reason": "Insulte"})
    client.force_login(people["moderator"])
    queue = client.get("/participation/moderation/").content.decode()
    assert "Texte injurieux" in queue and "Insulte" in queue
    response = client.post(f"/participation/moderation/signalement/{signalement.pk}/masquer/",
                           {"reason": "Charte"})
    assert response.status_code == 302
    signalement.refresh_from_db()
    assert signalement.hidden_reason == "Charte"
    detail = client.get(signalement.get_absolute_url()).content.decode()
    assert "Historique de modération" in detail
    client.force_login(people["neighbour"])
    assert client.get(signalement.get_absolute_url()).status_code == 404


def test_moderation_requires_csrf(people, signalement):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["moderator"])
    response = strict.post(f"/participation/moderation/signalement/{signalement.pk}/masquer/",
                           {"reason": "x"})
    assert response.status_code == 403
    signalement.refresh_from_db()
    assert not signalement.is_hidden


def test_the_api_moderates_and_names_bad_fields(client, people, signalement):
    client.force_login(people["moderator"])
    url = f"/api/participation/moderation/signalement/{signalement.pk}/hide"
    bad = client.post(url, {"reason": ""}, content_type="application/json")
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    assert client.post(url, {"reason": "Charte"},
                       content_type="application/json").status_code == 200
    client.force_login(people["far_moderator"])
    assert client.post(f"/api/participation/moderation/signalement/{signalement.pk}/restore",
                       {"reason": "x"}, content_type="application/json").status_code == 403


def test_the_code_of_conduct_page_exists(client):
    assert "Charte de participation" in client.get("/participation/charte/").content.decode()
