"""The public side as FHIR R4: the network (Organization, Location, HealthcareService,
PractitionerRole) and the pathway templates (PlanDefinition, ActivityDefinition)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from maillage.coordination.fhir_directory import network_bundle, templates_bundle
from maillage.coordination.models import (
    ActivityDefinition,
    HealthcareService,
    NetworkProfessional,
    PathwayTemplate,
)

pytestmark = pytest.mark.django_db


def resources(bundle: Bundle, kind: str) -> list:
    return [e.resource for e in bundle.entry if e.resource.__resource_type__ == kind]


def test_the_network_exports_as_validated_fhir(network):
    network["service"].professionals.add(NetworkProfessional.objects.get(user=network["gp"]))
    bundle = Bundle.model_validate(network_bundle(network["cpts"]))
    kinds = Counter(e.resource.__resource_type__ for e in bundle.entry)
    in_network = HealthcareService.objects.exclude(organisation=network["elsewhere"])
    people = NetworkProfessional.objects.exclude(organisation=network["elsewhere"])
    assert kinds["Organization"] == 3  # the CPTS, the MSP, the hospital; not Saint-Affrique
    assert kinds["HealthcareService"] == kinds["Location"] == in_network.count()
    assert kinds["PractitionerRole"] == kinds["Practitioner"] == people.count()

    cpts_id = next(
        o.id for o in resources(bundle, "Organization") if o.name == "CPTS Cœur de Lozère"
    )
    coop_ref = f"urn:uuid:{cpts_id}"
    members = [o for o in resources(bundle, "Organization") if o.partOf is not None]
    assert {o.name for o in members} == {"MSP de Mende", "Hôpital de Mende"}
    assert all(o.partOf.reference == coop_ref for o in members)

    service = next(s for s in resources(bundle, "HealthcareService")
                   if s.name == "Consultations de médecine générale")
    assert service.referralMethod[0].text == "Appeler le secrétariat"
    assert service.eligibility[0].comment == "Adultes et enfants"
    location = next(loc for loc in resources(bundle, "Location")
                    if f"urn:uuid:{loc.id}" == service.location[0].reference)
    assert location.address.city == "Mende" and location.position is not None
    gp_role = next(r for r in resources(bundle, "PractitionerRole")
                   if r.code[0].coding[0].code == "generaliste")
    assert gp_role.healthcareService[0].reference == f"urn:uuid:{service.id}"
    # The directory is public: nothing about a patient is in it.
    assert "Patient" not in kinds and "CareTeam" not in kinds


def test_the_templates_export_as_plan_and_activity_definitions(templates):
    bundle = Bundle.model_validate(templates_bundle())
    plans = resources(bundle, "PlanDefinition")
    assert len(plans) == PathwayTemplate.objects.count() == 3
    assert len(resources(bundle, "ActivityDefinition")) == ActivityDefinition.objects.count()
    diabetes = next(p for p in plans if p.url.endswith("diabete-type-2"))
    template = templates["diabete-type-2"]
    assert diabetes.relatedArtifact[0].url == template.source_url
    assert len(diabetes.action) == template.activities.count()
    hba1c = next(a for a in resources(bundle, "ActivityDefinition") if a.code is not None
                 and a.code.coding[0].code == "4548-4")
    assert hba1c.timingTiming.repeat.period == 91 or hba1c.timingTiming.repeat.periodUnit == "d"
    assert {a.definitionCanonical for a in diabetes.action} <= {
        a.url for a in resources(bundle, "ActivityDefinition")}


def test_the_api_and_the_commands_export_the_directory(network, templates, tmp_path):
    answer = Client().get(f"/api/coordination/cooperations/{network['cpts'].pk}/fhir")
    assert answer.status_code == 200 and answer["Content-Type"].startswith(
        "application/fhir+json")
    Bundle.model_validate(json.loads(answer.content))
    Bundle.model_validate(json.loads(Client().get("/api/coordination/templates/fhir").content))

    out = tmp_path / "reseau.json"
    call_command("fhir", "export-network", str(network["cpts"].pk), str(out), verbosity=0)
    Bundle.model_validate(json.loads(out.read_text()))
    out = tmp_path / "modeles.json"
    call_command("fhir", "export-templates", str(out), verbosity=0)
    assert len(Bundle.model_validate(json.loads(out.read_text())).entry) > 3
    with pytest.raises(CommandError, match="Coopération inconnue"):
        call_command("fhir", "export-network", "999999", str(out), verbosity=0)


def test_the_questionnaires_export_as_fhir_and_answers_are_coded_on_their_scale(
        templates, pathway, network, patient_user):
    from maillage.coordination import fhir, services
    from maillage.coordination.models import Questionnaire

    services.questionnaires_load()
    bundle = Bundle.model_validate(templates_bundle())
    questionnaires = {q.url: q for q in resources(bundle, "Questionnaire")}
    phq9 = questionnaires["urn:maillage:questionnaire:phq-9"]
    assert len(questionnaires) == Questionnaire.objects.count() == 2
    assert len(phq9.item) == 9 and phq9.code[0].code == "44261-6"
    scores = [o.valueCoding.extension[0].valueDecimal for o in phq9.item[0].answerOption]
    assert scores == [0, 1, 2, 3]
    # The screening activity of the diabetes plan points to the questionnaire it sends.
    diabetes = next(p for p in resources(bundle, "PlanDefinition")
                    if p.url.endswith("diabete-type-2"))
    screening = next(a for a in diabetes.action if a.title.startswith("Repérage"))
    assert screening.action[0].definitionCanonical == phq9.url

    sent = services.questionnaire_send(actor=network["gp"], pathway=pathway,
                                       questionnaire=Questionnaire.objects.get(code="phq-9"))
    services.questionnaire_answer(actor=patient_user, response=sent,
                                  answers={str(i): i % 4 for i in range(1, 10)})
    exported = Bundle.model_validate(fhir.pathway_bundle(pathway))
    response = resources(exported, "QuestionnaireResponse")[0]
    assert response.questionnaire == phq9.url
    assert [i.linkId for i in response.item] == [str(i) for i in range(1, 10)]
    first = response.item[0].answer[0].valueCoding
    assert (first.code, first.display) == ("1", "Plusieurs jours")
    # Answers 1,2,3,0,1,2,3,0,1: score 13 = the sum of the ordinal values exported.
    assert sum(i.answer[0].valueCoding.extension[0].valueDecimal for i in response.item) == 13
