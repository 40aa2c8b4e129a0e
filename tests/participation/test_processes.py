"""Opening processes, blueprints, and phases that never overlap."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.participation import services
from maillage.participation.models import Phase, Process
from maillage.participation.phases import phase_state_load
from maillage.territories.selectors import TerritoryRef
from tests.participation.conftest import MOMENTS, T0, T1, T3

pytestmark = pytest.mark.django_db


def test_a_blueprint_opens_a_process_with_back_to_back_phases(people):
    process = services.process_create(
        actor=people["organiser"], title="Santé à Mende", territory=TerritoryRef("commune",
                                                                                  "48095"),
        organiser_name="Commune de Mende", blueprint="concertation_complete",
        starts_on=date(2026, 3, 1))
    phases = list(process.phases.order_by("starts_at"))
    assert [p.type for p in phases] == ["diagnostic", "proposals", "vote", "implementation",
                                        "evaluation"]
    assert all(a.ends_at == b.starts_at for a, b in itertools.pairwise(phases))
    assert process.territory_name == "Mende"


def test_only_organisers_of_the_territory_open_a_process(people):
    with pytest.raises(PermissionDenied):
        services.process_create(actor=people["resident"], title="x",
                                territory=TerritoryRef("departement", "48"), organiser_name="x")
    with pytest.raises(ValidationError) as caught:
        services.process_create(actor=people["organiser"], title="x",
                                territory=TerritoryRef("departement", "99"), organiser_name="x")
    assert "territory" in caught.value.message_dict
    assert not Process.objects.exists()


def test_an_overlapping_phase_is_refused_and_nothing_is_stored(process, people):
    before = process.phases.count()
    with pytest.raises(ValidationError) as caught:
        services.phase_add(actor=people["organiser"], process=process, spec=services.PhaseSpec(
            type="vote", starts_at=T1 - timedelta(days=1), ends_at=T1 + timedelta(days=1)))
    assert "starts_at" in caught.value.message_dict
    assert "chevauche" in caught.value.message_dict["starts_at"][0]
    with pytest.raises(ValidationError):
        services.phase_add(actor=people["organiser"], process=process, spec=services.PhaseSpec(
            type="vote", starts_at=T3 + timedelta(days=2), ends_at=T3 + timedelta(days=1)))
    assert process.phases.count() == before
    # back to back is fine: phases are [start, end)
    services.phase_add(actor=people["organiser"], process=process, spec=services.PhaseSpec(
        type="implementation", starts_at=T3, ends_at=T3 + timedelta(days=30)))


def test_moving_a_phase_onto_another_is_refused(process, people):
    vote = process.phases.get(type="vote")
    with pytest.raises(ValidationError):
        services.phase_update(actor=people["organiser"], phase=vote, spec=services.PhaseSpec(
            type="vote", starts_at=T0, ends_at=T1))


def test_the_database_refuses_a_phase_ending_before_it_starts(process):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Phase.objects.create(process=process, type="vote", starts_at=T3, ends_at=T0)


def test_exactly_the_phase_holding_now_is_active(process):
    for moment, expected in (("before", None), ("diagnostic", "diagnostic"),
                             ("proposals", "proposals"), ("after", None)):
        state = phase_state_load(process, now=MOMENTS[moment])
        assert (state.active.type if state.active else None) == expected
    assert phase_state_load(process, now=T1).active.type == "proposals"  # boundary


def test_the_process_page_shows_its_timeline(client, process, at):
    with at("proposals"):
        html = client.get(process.get_absolute_url()).content.decode()
    assert 'id="timeline"' in html and 'aria-current="step"' in html
    assert "en cours" in html and "Propositions" in html
    assert client.get("/participation/concertations/").status_code == 200


def test_an_unpublished_process_is_hidden_from_citizens(client, process, people):
    process.is_published = False
    process.save()
    assert client.get(process.get_absolute_url()).status_code == 404
    client.force_login(people["organiser"])
    assert client.get(process.get_absolute_url()).status_code == 200


def test_the_organiser_opens_a_process_from_the_page(client, people):
    client.force_login(people["organiser"])
    bad = client.post("/participation/concertations/nouvelle/", {
        "title": "Test", "territory_level": "departement", "territory_code": "99",
        "organiser_name": "CPTS"})
    assert bad.status_code == 400 and 'id="id_territory_code_error"' in bad.content.decode()
    ok = client.post("/participation/concertations/nouvelle/", {
        "title": "Test", "territory_level": "departement", "territory_code": "48",
        "organiser_name": "CPTS", "blueprint": "boite_a_idees", "starts_on": "2026-03-01",
        "is_published": "on"})
    process = Process.objects.get()
    assert ok.status_code == 302 and process.phases.count() == 2


def test_the_api_lists_processes_with_their_active_phase(client, process, people, at):
    with at("proposals"):
        body = client.get(f"/api/participation/processes/{process.pk}").json()
    assert body["active_phase"]["type"] == "proposals"
    assert body["features"] == ["comment", "propose", "support"]
    assert [p["status"] for p in body["phases"]] == ["past", "active", "upcoming"]
    client.force_login(people["organiser"])
    clash = client.post(f"/api/participation/processes/{process.pk}/phases",
                        {"type": "vote", "starts_at": T0.isoformat(),
                         "ends_at": T1.isoformat()}, content_type="application/json")
    assert clash.status_code == 400 and "starts_at" in clash.json()["errors"]
    assert client.get("/api/participation/blueprints").json()[0]["key"]
    vote = process.phases.get(type="vote")
    moved = client.put(f"/api/participation/phases/{vote.pk}",
                       {"type": "vote", "starts_at": T0.isoformat(), "ends_at": T3.isoformat()},
                       content_type="application/json")
    assert moved.status_code == 400 and "chevauche" in moved.json()["detail"]
    client.force_login(people["resident"])
    assert client.put(f"/api/participation/phases/{vote.pk}",
                      {"type": "vote", "starts_at": T3.isoformat(),
                       "ends_at": (T3 + timedelta(days=1)).isoformat()},
                      content_type="application/json").status_code == 403


def test_the_openapi_schema_documents_participation(client):
    schema = client.get("/api/openapi.json").json()
    paths = [p for p in schema["paths"] if p.startswith("/api/participation/")]
    assert "/api/participation/proposals/{pk}/support" in paths
    assert "/api/participation/consultations/{pk}/responses" in paths


def test_lists_check_rights_without_a_query_per_row(client, process, people, at,
                                                    django_assert_max_num_queries):
    from maillage.participation import selectors
    from maillage.participation.models import Proposal, Signalement

    for i in range(15):
        Proposal.objects.create(process=process, author=people["resident"], title=f"p{i}",
                                body="b")
        Signalement.objects.create(author=people["resident"], commune_id="48095",
                                   category="other", anonymous=True)
    moderator = people["moderator"]
    with at("proposals"), django_assert_max_num_queries(6):
        fresh = selectors.process_get(viewer=moderator, pk=process.pk)
        rows = selectors.proposal_list(viewer=moderator, process=fresh)
        assert len(rows) == 15
        assert all(moderator.has_perm("participation.comment_proposal", p) for p in rows)
    with django_assert_max_num_queries(3):
        rows = selectors.signalement_rows(viewer=moderator, region="76")
        assert len(rows) == 15 and all("resident@" in r.author_label for r in rows)
