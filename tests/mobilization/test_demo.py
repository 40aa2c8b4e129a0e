"""The mobilization demo loads twice in a row, through the services, in the demo territory."""

from __future__ import annotations

from django.test import Client

from maillage.core.demo import demo_accounts_ensure
from maillage.mobilization import demo, selectors
from maillage.mobilization.models import Campaign, ForumThread, Petition, Signature


def test_the_demo_loads_and_reloads(geography):
    said: list[str] = []
    assert demo.demo_load(said.append) is False  # no demo accounts yet: nothing written
    assert not Petition.objects.exists()
    demo_accounts_ensure("demo-password-123")
    assert demo.demo_load(said.append) is True
    assert demo.demo_load(said.append) is True
    statuses = dict(Petition.objects.values_list("title", "status"))
    assert statuses == {demo.ANSWERED: "published", demo.OPEN: "published",
                        demo.PENDING: "pending"}
    answered = Petition.objects.get(title=demo.ANSWERED)
    assert answered.answered_at is not None and answered.threshold_reached_at is not None
    assert Signature.objects.filter(petition=answered).count() == 5
    assert Signature.objects.filter(petition__title=demo.OPEN).count() == 3
    question = ForumThread.objects.get(title=demo.QUESTION)
    assert question.best_post is not None
    debate = ForumThread.objects.get(title=demo.DEBATE)
    posts = selectors.thread_posts(viewer=debate.author, thread=debate)
    assert (len(posts.for_side), len(posts.against_side)) == (2, 1)
    # The mini geography has no access run and no signalement: no commune can be targeted,
    # so no campaign is written (the next test gives it a signalement).
    assert Campaign.objects.count() == 0
    assert "pas de campagne" in said[-1]
    page = Client().get(answered.get_absolute_url()).content.decode()
    assert "Réponse officielle" in page and "5 signatures" in page


def test_the_demo_campaign_is_targeted_by_citizens_signals_without_a_run(geography):
    from maillage.accounts.models import User
    from maillage.participation.models import SignalementCategory
    from maillage.participation.services import signalement_create

    demo_accounts_ensure("demo-password-123")
    resident = User.objects.get(email="habitante@demo.maillage.fr")
    resident.home_commune_id = "48095"
    resident.save(update_fields=["home_commune"])
    signalement_create(actor=resident, commune_code="48095",
                       category=SignalementCategory.values[0], text="Plus de médecin.")
    demo.demo_load(lambda _text: None)
    campaign = Campaign.objects.get()
    assert list(campaign.targets.values_list("commune_id", flat=True)) == ["48095"]
    assert campaign.criteria["min_signalements"] == 1
    event = campaign.events.get()
    assert event.registrations.count() == 1
