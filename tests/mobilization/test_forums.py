"""Forums and debates: threads, replies, quoting, reactions, best answer, follow, moderation."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from maillage.mobilization import selectors, services
from maillage.mobilization.models import Post
from maillage.participation.models import Flag, ModerationEvent, Notification


@pytest.fixture
def question(people):
    return services.thread_create(
        actor=people["resident"], territory_level="departement", territory_code="48",
        topic="medecin_traitant", kind="question", title="Quel cabinet prend encore ?",
        body="Je cherche un médecin traitant à Mende.")


@pytest.fixture
def debate(people):
    return services.thread_create(
        actor=people["resident"], territory_level="departement", territory_code="48",
        topic="transport", kind="debate", title="Un bus santé hebdomadaire ?",
        body="Pour ou contre un bus vers l'hôpital.")


def test_unverified_people_cannot_post(people, question):
    with pytest.raises(PermissionDenied):
        services.thread_create(actor=people["unverified"], territory_level="departement",
                               territory_code="48", topic="general", kind="discussion",
                               title="x", body="y")
    with pytest.raises(PermissionDenied):
        services.post_create(actor=people["unverified"], thread=question, body="Moi")


def test_replies_quote_notify_followers_and_the_author_chooses_the_best_answer(
        people, question):
    first = services.post_create(actor=people["neighbour"], thread=question,
                                 body="Le cabinet de la place du foirail.")
    assert Notification.objects.filter(user=people["resident"]).count() == 1
    services.thread_follow(actor=people["outsider"], thread=question)
    second = services.post_create(actor=people["resident"], thread=question, body="Merci !",
                                  quoted_id=first.pk)
    assert second.quoted == first
    assert Notification.objects.filter(user=people["outsider"]).count() == 1
    with pytest.raises(PermissionDenied):
        services.thread_best_answer(actor=people["neighbour"], thread=question, post=first)
    services.thread_best_answer(actor=people["resident"], thread=question, post=first)
    question.refresh_from_db()
    assert question.best_post == first


def test_a_debate_keeps_arguments_side_by_side(people, debate):
    with pytest.raises(ValidationError) as caught:
        services.post_create(actor=people["neighbour"], thread=debate, body="Bof")
    assert "side" in caught.value.message_dict
    services.post_create(actor=people["neighbour"], thread=debate, body="Oui", side="for")
    services.post_create(actor=people["outsider"], thread=debate, body="Trop cher",
                         side="against")
    posts = selectors.thread_posts(viewer=people["neighbour"], thread=debate)
    assert [p.body for p in posts.for_side] == ["Oui"]
    assert [p.body for p in posts.against_side] == ["Trop cher"]
    page = Client().get(debate.get_absolute_url()).content.decode()
    assert "Arguments pour" in page and "Arguments contre" in page


def test_reactions_toggle_and_count_once_per_person(people, question):
    post = services.post_create(actor=people["neighbour"], thread=question, body="Ici")
    assert services.post_react(actor=people["resident"], post=post, kind="thanks") is True
    posts = selectors.thread_posts(viewer=people["resident"], thread=question).posts
    assert posts[0].reaction_counts == {"thanks": 1}
    assert services.post_react(actor=people["resident"], post=post, kind="thanks") is False
    with pytest.raises(ValidationError):
        services.post_react(actor=people["resident"], post=post, kind="love")


def test_search_finds_titles_and_replies(people, question, debate):
    services.post_create(actor=people["neighbour"], thread=question, body="Docteur Foirail")
    assert selectors.thread_list(viewer=people["neighbour"], query="foirail") == [question]
    assert selectors.thread_list(viewer=people["neighbour"], kind="debate") == [debate]


def test_moderation_goes_through_participation_flags_and_audit_trail(people, question):
    post = services.post_create(actor=people["neighbour"], thread=question, body="Insulte")
    services.content_report(actor=people["resident"], content=post, reason="Injurieux")
    assert Flag.objects.filter(object_id=post.pk, resolved_at__isnull=True).count() == 1
    assert selectors.flagged_content(viewer=people["moderator"]) == [post]
    assert selectors.flagged_content(viewer=people["far_moderator"]) == []
    with pytest.raises(PermissionDenied):
        services.content_hide(actor=people["far_moderator"], content=post, reason="Non")
    services.content_hide(actor=people["moderator"], content=post, reason="Charte, art. 2")
    post.refresh_from_db()
    assert post.is_hidden
    assert ModerationEvent.objects.filter(object_id=post.pk, action="hide").exists()
    assert not Flag.objects.filter(object_id=post.pk, resolved_at__isnull=True).exists()
    api = Client()
    api.force_login(people["neighbour"])
    data = api.get(f"/api/mobilization/threads/{question.pk}").json()
    assert data["posts"][0]["hidden"] and data["posts"][0]["body"] == ""


def test_posting_is_rate_limited(people, question, settings):
    settings.MAILLAGE_POSTS_PER_10_MINUTES = 2
    services.post_create(actor=people["resident"], thread=question, body="un")
    with pytest.raises(ValidationError):
        services.post_create(actor=people["resident"], thread=question, body="deux")
    assert Post.objects.count() == 1


def test_thread_pages_work_for_a_verified_person(people, question):
    client = Client()
    client.force_login(people["neighbour"])
    response = client.post(reverse("mobilization:post_create", args=[question.pk]),
                           {"body": "Essayez la MSP."})
    assert response.status_code == 302
    page = client.get(question.get_absolute_url()).content.decode()
    assert "Essayez la MSP." in page and "Citer" in page


def test_threads_are_listed_per_territory_and_topic(people, question):
    client = Client()
    lozere = client.get(reverse("mobilization:threads"),
                        {"niveau": "region", "code": "76", "theme": "medecin_traitant"})
    assert question.title in lozere.content.decode()
    aveyron = client.get(reverse("mobilization:threads"), {"niveau": "departement",
                                                          "code": "12"})
    assert question.title not in aveyron.content.decode()
