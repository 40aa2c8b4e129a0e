"""Campaign messages: e-mailed to the verified residents of the target communes, each with a
one-click unsubscribe link; resumable sending; reach by commune."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from maillage.mobilization import selectors, services
from maillage.mobilization.models import (
    Campaign,
    CampaignDelivery,
    CampaignMessage,
    CampaignOptOut,
)


@pytest.fixture
def mende_campaign(people):
    """A campaign targeted at Mende only (the one commune with a signalement)."""
    from maillage.participation.models import SignalementCategory
    from maillage.participation.services import signalement_create

    signalement_create(actor=people["neighbour"], commune_code="48095",
                       category=SignalementCategory.values[0], text="Plus de médecin.")
    return services.campaign_create(
        actor=people["coordinator"], region="76", title="Trouver un médecin traitant",
        theme="medecin_traitant", body="Permanences d'aide en mairie.",
        organiser_name="France Assos Santé", min_signalements=1)


def _send(people, campaign, django_capture_on_commit_callbacks, **extra):
    values = {"subject": "Permanence samedi", "body": "Venez nous voir samedi à 10 h.",
              "site_url": "https://maillage.example.org/"} | extra
    with django_capture_on_commit_callbacks(execute=True):
        return services.campaign_message_send(actor=people["coordinator"], campaign=campaign,
                                              **values)


def _unsubscribe_path(body: str) -> str:
    return re.search(r"https://maillage\.example\.org(/\S+/desinscription/\S+/)", body).group(1)


def test_only_verified_residents_of_the_target_communes_receive_it(
        people, mende_campaign, django_capture_on_commit_callbacks):
    # Mende: resident and neighbour (verified), unverified (not confirmed); outsider: Aveyron.
    assert {u for u, _c in selectors.campaign_recipients(mende_campaign)} == {
        people["resident"].pk, people["neighbour"].pk}
    message = _send(people, mende_campaign, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["neighbour@example.org",
                                                    "resident@example.org"]
    assert CampaignDelivery.objects.filter(message=message, sent_at__isnull=False).count() == 2
    email = mail.outbox[0]
    assert email.subject == "Maillage : Permanence samedi"
    assert "Venez nous voir samedi à 10 h." in email.body
    assert f"https://maillage.example.org/mobilisation/campagnes/{mende_campaign.pk}/" in email.body
    path = _unsubscribe_path(email.body)
    assert email.extra_headers["List-Unsubscribe"] == f"<https://maillage.example.org{path}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    reach = selectors.campaign_reach(mende_campaign)
    assert reach.messages_sent == 2
    assert reach.by_commune == [("48095", "Mende", True, 0, 0, 2)]


def test_the_one_click_link_unsubscribes_without_login_and_stops_the_next_messages(
        people, mende_campaign, django_capture_on_commit_callbacks, settings):
    settings.MAILLAGE_CAMPAIGN_MESSAGES_PER_DAY = 5
    _send(people, mende_campaign, django_capture_on_commit_callbacks)
    email = next(m for m in mail.outbox if m.to == ["neighbour@example.org"])
    path = _unsubscribe_path(email.body)
    anonymous = Client(enforce_csrf_checks=True)  # a mail client posts without a CSRF token
    page = anonymous.get(path)
    assert page.status_code == 200 and not CampaignOptOut.objects.exists()
    assert anonymous.post(path).status_code == 200
    assert list(CampaignOptOut.objects.values_list("user_id", flat=True)) == [
        people["neighbour"].pk]
    assert anonymous.post(path).status_code == 200  # twice: still one opt-out
    assert CampaignOptOut.objects.count() == 1
    mail.outbox.clear()
    _send(people, mende_campaign, django_capture_on_commit_callbacks, subject="Deuxième")
    assert [m.to for m in mail.outbox] == [["resident@example.org"]]


def test_a_forged_or_altered_token_is_refused_and_stores_nothing(people):
    client = Client()
    token = services.unsubscribe_token(people["neighbour"].pk)
    for bad in (token[:-2] + "xx", "123", f"{people['resident'].pk}:abc"):
        response = client.post(reverse("mobilization:unsubscribe", args=[bad]))
        assert response.status_code == 400
        assert "pas valable" in response.content.decode()
    assert not CampaignOptOut.objects.exists()
    with pytest.raises(ValidationError) as caught:
        services.campaign_unsubscribe(token="")
    assert "token" in caught.value.message_dict


def test_who_unsubscribes_after_the_message_was_written_gets_nothing(
        people, mende_campaign, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = services.campaign_message_send(
            actor=people["coordinator"], campaign=mende_campaign, subject="Dépistage",
            body="Journée de dépistage.")
    assert message.deliveries.count() == 2
    services.campaign_unsubscribe(token=services.unsubscribe_token(people["resident"].pk))
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["neighbour@example.org"]]
    assert message.deliveries.count() == 1


def test_sending_resumes_where_it_stopped(people, mende_campaign, monkeypatch,
                                         django_capture_on_commit_callbacks):
    """A first run that fails marks the batch; a run after reset sends each e-mail once."""
    from django.core.mail.backends.locmem import EmailBackend

    calls = []

    def failing(self, messages):
        calls.append(len(messages))
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(EmailBackend, "send_messages", failing)
    message = _send(people, mende_campaign, django_capture_on_commit_callbacks)
    assert calls == [2] and not mail.outbox
    assert message.deliveries.filter(failed=True).count() == 2
    monkeypatch.undo()
    CampaignDelivery.objects.filter(message=message).update(failed=False)
    assert services.campaign_message_deliver(message.pk, batch=1) == 2
    assert services.campaign_message_deliver(message.pk) == 0
    assert len(mail.outbox) == 2


def test_only_organisers_of_a_published_campaign_send_and_bad_input_stores_nothing(
        people, mende_campaign, django_capture_on_commit_callbacks):
    for who in ("neighbour", "moderator"):
        with pytest.raises(PermissionDenied):
            services.campaign_message_send(actor=people[who], campaign=mende_campaign,
                                           subject="s", body="b")
    with pytest.raises(ValidationError) as caught:
        services.campaign_message_send(actor=people["coordinator"], campaign=mende_campaign,
                                       subject="  ", body="b")
    assert "subject" in caught.value.message_dict
    Campaign.objects.filter(pk=mende_campaign.pk).update(is_published=False)
    mende_campaign.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.campaign_message_send(actor=people["coordinator"], campaign=mende_campaign,
                                       subject="s", body="b")
    assert not CampaignMessage.objects.exists() and not mail.outbox


def test_one_message_per_campaign_per_day_by_default(people, mende_campaign,
                                                     django_capture_on_commit_callbacks):
    _send(people, mende_campaign, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as caught:
        _send(people, mende_campaign, django_capture_on_commit_callbacks, subject="Encore")
    assert "subject" in caught.value.message_dict
    assert CampaignMessage.objects.count() == 1 and len(mail.outbox) == 2


def test_no_recipient_is_a_clear_error(people, mende_campaign):
    for who in ("resident", "neighbour"):
        services.campaign_messages_preference_set(actor=people[who], receive=False)
    with pytest.raises(ValidationError) as caught:
        services.campaign_message_send(actor=people["coordinator"], campaign=mende_campaign,
                                       subject="s", body="b")
    assert "body" in caught.value.message_dict
    assert not CampaignMessage.objects.exists()


def test_the_preference_page_turns_messages_off_and_on(people):
    client = Client()
    client.force_login(people["neighbour"])
    url = reverse("mobilization:campaign_preferences")
    assert "Vous recevez ces messages." in client.get(url).content.decode()
    client.post(url, {"receive": "0"})
    assert not selectors.receives_campaign_messages(people["neighbour"])
    assert "Vous ne recevez pas ces messages." in client.get(url).content.decode()
    client.post(url, {"receive": "1"})
    assert selectors.receives_campaign_messages(people["neighbour"])
    assert Client().get(url).status_code == 302  # login required


def test_the_campaign_page_sends_a_message_and_shows_its_counts(
        people, mende_campaign, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(people["coordinator"])
    page = client.get(mende_campaign.get_absolute_url()).content.decode()
    assert "2 destinataires" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mobilization:campaign_message",
                                       args=[mende_campaign.pk]),
                               {"subject": "Permanence", "body": "Samedi matin."})
    assert response.status_code == 302 and len(mail.outbox) == 2
    # Links point to the site the organiser used.
    assert "http://testserver/mobilisation/campagnes/desinscription/" in mail.outbox[0].body
    page = client.get(mende_campaign.get_absolute_url()).content.decode()
    assert "Messages envoyés" in page and "2 e-mails envoyés" in page
    neighbour = Client()
    neighbour.force_login(people["neighbour"])
    neighbour.post(reverse("mobilization:campaign_message", args=[mende_campaign.pk]),
                   {"subject": "Spam", "body": "Spam"})
    assert CampaignMessage.objects.count() == 1


def test_personal_data_lists_messages_received_and_the_refusal(
        people, mende_campaign, django_capture_on_commit_callbacks):
    from maillage.accounts import personal_data

    _send(people, mende_campaign, django_capture_on_commit_callbacks)
    services.campaign_messages_preference_set(actor=people["neighbour"], receive=False)
    section = {s.name: s for s in personal_data.sections()}["mobilization"]
    exported = section.exporter(people["neighbour"])
    assert [m["subject"] for m in exported["campaign_messages_received"]] == [
        "Permanence samedi"]
    assert exported["campaign_messages_refused"] is True
    section.eraser(people["neighbour"])
    assert CampaignDelivery.objects.filter(user=people["neighbour"]).count() == 0
    assert CampaignDelivery.objects.count() == 2  # the count of messages sent is kept
