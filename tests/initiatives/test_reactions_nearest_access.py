"""Reactions, follows, "who has solved this before?" and the access change around."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from maillage.initiatives import selectors, services
from maillage.territories.models import Commune

pytestmark = pytest.mark.django_db


def test_a_reaction_toggles_once_per_person_and_kind(people, make_initiative):
    initiative = make_initiative()
    assert services.initiative_react(actor=people["resident"], initiative=initiative,
                                     kind="inspiring") is True
    services.initiative_react(actor=people["other"], initiative=initiative, kind="inspiring")
    assert selectors.reaction_counts(initiative)["inspiring"] == 2
    assert services.initiative_react(actor=people["resident"], initiative=initiative,
                                     kind="inspiring") is False
    assert selectors.reaction_counts(initiative)["inspiring"] == 1
    with pytest.raises(ValidationError):
        services.initiative_react(actor=people["resident"], initiative=initiative, kind="love")
    with pytest.raises(PermissionDenied):
        services.initiative_react(actor=people["unverified"], initiative=initiative,
                                  kind="useful")


def test_following_is_idempotent_and_can_stop(people, make_initiative):
    initiative = make_initiative()
    services.initiative_follow(actor=people["other"], initiative=initiative)
    services.initiative_follow(actor=people["other"], initiative=initiative)
    assert initiative.follows.count() == 1
    services.initiative_follow(actor=people["other"], initiative=initiative, follow=False)
    assert not selectors.is_following(viewer=people["other"], initiative=initiative)
    with pytest.raises(PermissionDenied):
        services.initiative_follow(actor=people["anonymous"], initiative=initiative)


def test_followers_hear_of_an_update(people, make_initiative):
    from maillage.participation.models import Notification

    initiative = make_initiative()
    services.initiative_follow(actor=people["other"], initiative=initiative)
    services.initiative_update(actor=people["owner"], initiative=initiative, contact="05 00")
    assert Notification.objects.filter(user=people["other"],
                                       title__contains="mise à jour").exists()


def test_the_nearest_initiatives_of_a_type_elsewhere_come_nearest_first(people,
                                                                        make_initiative):
    here = make_initiative(title="Ici", commune="48095")
    near = make_initiative(title="Badaroux", commune="48017")
    far = make_initiative(title="Saint-Affrique", commune="12208")
    make_initiative(title="Une MSP", kind="msp", commune="48017")
    mende = Commune.objects.get(pk="48095")
    hits = selectors.nearest_initiatives(viewer=people["anonymous"], commune=mende,
                                         kind="transport_solidaire")
    assert [h.initiative for h in hits] == [near, far]
    assert hits[0].distance_km < hits[1].distance_km
    assert here not in [h.initiative for h in hits]
    assert selectors.present_in(commune=mende, kind="transport_solidaire") == [here]


def _run(finished: datetime, values: dict[str, float], method: str = "apl"):
    from maillage.insights.models import AccessRun, CommuneAccess

    run = AccessRun.objects.create(region_id="76", profession="generaliste", method=method,
                                   state=AccessRun.State.SUCCEEDED)
    AccessRun.objects.filter(pk=run.pk).update(finished_at=finished)
    run.refresh_from_db()
    for code, value in values.items():
        CommuneAccess.objects.create(run=run, commune_id=code, accessibility=value,
                                     desert_class=3 if value >= 2.5 else 1,
                                     population=1000, standardised_population=1000,
                                     supply=0)
    return run


def test_the_access_change_around_compares_runs_before_and_after_the_start(
        people, make_initiative):
    start = date(2024, 6, 1)
    initiative = make_initiative(started_on=start)
    tz = timezone.get_current_timezone()
    _run(datetime(2023, 1, 1, tzinfo=tz), {"48095": 1.0, "48017": 1.0, "12208": 5.0})
    before = _run(datetime(2024, 1, 1, tzinfo=tz), {"48095": 2.0, "48017": 1.0,
                                                    "12208": 5.0})
    after = _run(datetime(2025, 1, 1, tzinfo=tz), {"48095": 3.0, "48017": 2.0,
                                                   "12208": 1.0})
    change = selectors.access_change_around(initiative, radius_km=30)
    assert change.computed, change.reason
    assert (change.before, change.after) == (before, after)
    # Saint-Affrique is ~100 km away: its fall does not count around Mende.
    assert [r.code for r in change.rows] == ["48095", "48017"]
    assert change.mean_delta == pytest.approx(1.0)


def test_the_access_change_says_why_it_cannot_be_computed(people, make_initiative):
    unknown = make_initiative()
    assert "date de début" in selectors.access_change_around(unknown).reason
    recent = make_initiative(title="Récente", started_on=timezone.localdate()
                             - timedelta(days=10))
    _run(timezone.now(), {"48095": 1.0})
    change = selectors.access_change_around(recent)
    assert not change.computed and "antérieur" in change.reason
