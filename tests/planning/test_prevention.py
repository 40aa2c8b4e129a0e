"""Targeted prevention: a campaign and a screening action aimed at the priority index's top."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.planning import prevention
from maillage.planning.models import ScreeningAction
from maillage.planning.priority import priority_index

pytestmark = pytest.mark.django_db

ACCESS_ONLY = {"access": 1, "elderly": 0, "population": 0, "voice": 0, "votes": 0}


@pytest.fixture
def cooperation(geography, make_user, with_totp):
    from maillage.accounts.models import Organisation, Role, RoleAssignment
    from maillage.coordination.models import HealthcareService, NetworkMembership
    from maillage.coordination.services import templates_load

    templates_load()
    cpts = Organisation.objects.create(name="CPTS Cœur de Lozère", kind="cpts")
    msp = Organisation.objects.create(name="MSP de Mende", kind="msp", commune_id="48095")
    NetworkMembership.objects.create(cooperation=cpts, member=msp)
    HealthcareService.objects.create(organisation=msp, name="Consultations de médecine générale",
                                     category="general_practice", commune_id="48095")
    other = Organisation.objects.create(name="MSP hors réseau", kind="msp", commune_id="48095")
    HealthcareService.objects.create(organisation=other, name="Soins hors réseau",
                                     category="general_practice", commune_id="48095")
    coordinator = make_user(email="coord@cpts.example")
    RoleAssignment.objects.create(user=coordinator, role=Role.COORDINATOR, organisation=cpts)
    with_totp(coordinator)
    return {"cpts": cpts, "msp": msp, "coordinator": coordinator}


def diabetes():
    from maillage.coordination.models import PathwayTemplate

    return PathwayTemplate.objects.get(code="diabete-type-2")


def test_a_campaign_targets_the_top_communes_of_the_index(base_run, analyst, make_user):
    expected = [r.code for r in priority_index(region="76", weights=ACCESS_ONLY).rows[:2]]
    campaign = prevention.priority_campaign_create(
        actor=analyst, region="76", top=2, weights=ACCESS_ONLY, title="Trouver un médecin",
        theme="medecin_traitant", body="Permanences d'information.", organiser_name="ARS")
    assert sorted(campaign.targets.values_list("commune_id", flat=True)) == sorted(expected)
    assert expected == ["12208", "48099"]  # APL 0, priority zones (see the index tests)
    assert campaign.criteria["source"] == "priority_index"
    assert campaign.criteria["top"] == 2 and campaign.criteria["weights"]["access"] == 1
    assert campaign.criteria["access_run"] == base_run.pk

    from maillage.mobilization.models import Campaign

    with pytest.raises(PermissionDenied):
        prevention.priority_campaign_create(
            actor=make_user(email="x@example.org"), region="76", top=2, title="T",
            theme="depistage", body="B", organiser_name="O")
    with pytest.raises(ValidationError) as error:
        prevention.priority_campaign_create(actor=analyst, region="76", top=0, title="T",
                                            theme="depistage", body="B", organiser_name="O")
    assert "top" in error.value.message_dict
    with pytest.raises(ValidationError, match="thème"):
        prevention.priority_campaign_create(actor=analyst, region="76", top=2, title="T",
                                            theme="inconnu", body="B", organiser_name="O")
    assert Campaign.objects.count() == 1


def test_a_screening_action_targets_the_top_communes_with_the_cooperations_services(
        base_run, analyst, cooperation, make_user, grant, with_totp):
    action = prevention.screening_action_create(
        actor=analyst, region="76", cooperation=cooperation["cpts"], template=diabetes(),
        activity_code="depistage-depression", title="Dépistage de la dépression",
        top=3, weights=ACCESS_ONLY)
    assert action.communes[:2] == ["12208", "48099"] and len(action.communes) == 3
    assert action.criteria["index"]["12208"] == 100.0
    targets = {t.code: t for t in prevention.screening_targets(action)}
    assert set(targets) == set(action.communes)
    # Mende's MSP (a member) is within 30 km of Mont Lozère; the MSP outside the network is not
    # listed, and nothing is near Saint-Affrique (Aveyron).
    assert [h.service.name for h in targets["48099"].services] == [
        "Consultations de médecine générale"]
    assert targets["12208"].services == []

    # The cooperation's coordinator may launch one too; someone else may not.
    prevention.screening_action_create(
        actor=cooperation["coordinator"], region="76", cooperation=cooperation["cpts"],
        template=diabetes(), activity_code="fond-oeil", title="Fond d'œil", top=1)
    bretagne = make_user(email="analyste53@example.org")
    grant(bretagne, "analyst", "region", "53")
    with_totp(bretagne)
    with pytest.raises(PermissionDenied):
        prevention.screening_action_create(
            actor=bretagne, region="76", cooperation=cooperation["cpts"], template=diabetes(),
            activity_code="fond-oeil", title="X", top=1)
    assert ScreeningAction.objects.count() == 2


def test_bad_screening_input_is_named_and_nothing_is_stored(base_run, analyst, cooperation):
    from datetime import date

    with pytest.raises(ValidationError) as error:
        prevention.screening_action_create(
            actor=analyst, region="76", cooperation=cooperation["msp"], template=diabetes(),
            activity_code="soutien-psychologique", title="", top=2,
            starts_on=date(2027, 3, 1), ends_on=date(2027, 2, 1))
    # an MSP is not a cooperation, a conditional activity is not a screening drive, no title,
    # and the end precedes the start
    assert set(error.value.message_dict) == {"cooperation", "activity_code", "title",
                                             "ends_on"}
    with pytest.raises(ValidationError, match="poids"):
        prevention.screening_action_create(
            actor=analyst, region="76", cooperation=cooperation["cpts"], template=diabetes(),
            activity_code="fond-oeil", title="T", top=2, weights={"access": -1})
    assert ScreeningAction.objects.count() == 0


def test_pages_and_api(client, base_run, analyst, cooperation):
    client.force_login(analyst)
    page = client.get("/planification/prevention/?region=76&top=2&w_access=1&w_elderly=0"
                      "&w_population=0&w_voice=0&w_votes=0")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="prevention-communes"' in html and "(12208)" in html and "(48017)" not in html
    assert 'id="campaign-form"' in html and 'id="screening-form"' in html
    assert 'id="priority-prevention"' in client.get(
        "/planification/priorites/?region=76").content.decode()

    posted = client.post("/planification/prevention/campagne/", {
        "region": "76", "profession": "generaliste", "top": "2", "w_access": "1",
        "w_elderly": "0", "w_population": "0", "w_voice": "0", "w_votes": "0",
        "title": "Dépistage", "theme": "depistage", "organiser_name": "ARS",
        "body": "Venez."})
    assert posted.status_code == 302, posted.content.decode()[:3000]
    from maillage.mobilization.models import Campaign

    campaign = Campaign.objects.get()
    assert posted["Location"] == campaign.get_absolute_url()
    assert set(campaign.targets.values_list("commune_id", flat=True)) == {"12208", "48099"}

    template = diabetes()
    bad = client.post("/planification/prevention/depistage/", {
        "region": "76", "profession": "generaliste", "top": "2",
        "cooperation": str(cooperation["cpts"].pk),
        "activity": f"{template.pk}:depistage-depression", "title": "Dépistage",
        "starts_on": "2027-03-01", "ends_on": "2027-02-01"})
    assert bad.status_code == 400 and "La fin précède le début." in bad.content.decode()
    made = client.post("/planification/prevention/depistage/", {
        "region": "76", "profession": "generaliste", "top": "2",
        "cooperation": str(cooperation["cpts"].pk),
        "activity": f"{template.pk}:depistage-depression", "title": "Dépistage"})
    assert made.status_code == 302, made.content.decode()[:3000]
    action = ScreeningAction.objects.get()
    detail = client.get(made["Location"]).content.decode()
    assert 'id="screening-targets"' in detail and "MSP de Mende" in detail

    api = client.post("/api/planning/prevention/campaigns", {
        "region": "76", "top": 1, "weights": ACCESS_ONLY, "title": "T", "theme": "vaccination",
        "body": "B", "organiser_name": "O"}, content_type="application/json")
    assert api.status_code == 201, api.content
    assert api.json()["communes"] == ["12208"]
    created = client.post("/api/planning/prevention/screenings", {
        "region": "76", "top": 2, "weights": ACCESS_ONLY, "cooperation": cooperation["cpts"].pk,
        "template": "diabete-type-2", "activity_code": "fond-oeil", "title": "Fond d'œil"},
        content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["communes"] == ["12208", "48099"]
    refused = client.post("/api/planning/prevention/screenings", {
        "region": "76", "cooperation": cooperation["cpts"].pk, "template": "diabete-type-2",
        "activity_code": "inconnue", "title": "X"}, content_type="application/json")
    assert refused.status_code == 400 and "activity_code" in refused.json()["errors"]
    read = client.get(f"/api/planning/prevention/screenings/{action.pk}").json()
    assert [t["code"] for t in read["targets"]] == action.communes
    assert len(client.get("/api/planning/prevention/screenings?region=76").json()) == 2
    client.logout()
    assert client.post("/api/planning/prevention/screenings", {}).status_code in (401, 403)
