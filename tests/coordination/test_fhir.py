"""FHIR R4: import a patient's bundle into a pathway, export it, validate, round-trip counts."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from fhir.resources.R4B.bundle import Bundle

from maillage.coordination import fhir, services
from maillage.coordination.fhir import BundleInvalid
from maillage.coordination.models import (
    AccessLogEntry,
    CareTask,
    Condition,
    Encounter,
    Observation,
    Pathway,
    Patient,
)

pytestmark = pytest.mark.django_db


def small_bundle(bundle_type: str = "transaction") -> dict:
    """A Synthea-shaped transaction bundle: 1 patient, 2 conditions, 2 encounters, 3 results."""

    def entry(kind, uid, **resource):
        return {"fullUrl": f"urn:uuid:{uid}", "resource": {"resourceType": kind, "id": uid,
                                                           **resource},
                "request": {"method": "POST", "url": kind}}

    patient = {"reference": "urn:uuid:p1"}
    loinc = "http://loinc.org"
    return {"resourceType": "Bundle", "type": bundle_type, "entry": [
        entry("Patient", "p1", name=[{"family": "Durand", "given": ["Jeanne"]}],
              gender="female", birthDate="1950-06-01"),
        entry("Condition", "c1", subject=patient, onsetDateTime="2015-02-01T10:00:00+01:00",
              code={"coding": [{"system": "http://snomed.info/sct", "code": "44054006",
                                "display": "Diabetes mellitus type 2"}]}),
        entry("Condition", "c2", subject=patient,
              code={"coding": [{"system": "http://snomed.info/sct", "code": "38341003",
                                "display": "Hypertension"}]}),
        entry("Encounter", "e1", status="finished", subject=patient,
              **{"class": {"code": "AMB"}},
              period={"start": "2026-01-10T09:00:00+01:00", "end": "2026-01-10T09:20:00+01:00"}),
        entry("Encounter", "e2", status="finished", subject=patient,
              **{"class": {"code": "IMP"}},
              period={"start": "2026-02-01T09:00:00+01:00", "end": "2026-02-05T11:00:00+01:00"}),
        entry("Observation", "o1", status="final", subject=patient,
              code={"coding": [{"system": loinc, "code": "4548-4", "display": "HbA1c"}]},
              effectiveDateTime="2026-01-10T09:10:00+01:00",
              valueQuantity={"value": 7.4, "unit": "%"}),
        entry("Observation", "o2", status="final", subject=patient,
              code={"coding": [{"system": loinc, "code": "29463-7", "display": "Weight"}]},
              effectiveDateTime="2026-01-10T09:10:00+01:00",
              valueQuantity={"value": 81.5, "unit": "kg"}),
        entry("Observation", "o3", status="final", subject=patient,
              code={"coding": [{"system": loinc, "code": "72166-2", "display": "Tobacco"}]},
              effectiveDateTime="2026-01-10T09:10:00+01:00",
              valueCodeableConcept={"text": "Never smoker"}),
        entry("CarePlan", "cp1", status="active", intent="plan", subject=patient,
              period={"start": "2026-01-10"},
              activity=[{"detail": {"status": "in-progress", "code": {"text": "Diabetic diet"}}},
                        {"detail": {"status": "completed", "code": {"text": "Exercise"}}}]),
        entry("Claim", "x1", status="active", use="claim", patient=patient,
              created="2026-01-10", provider={"display": "x"}, priority={"text": "normal"},
              type={"text": "professional"}, insurance=[{"sequence": 1, "focal": True,
                                                          "coverage": {"display": "x"}}]),
    ]}


def counts(pathway: Pathway) -> tuple[int, int, int, int]:
    return (pathway.conditions.count(), pathway.encounters.count(),
            pathway.observations.count(), pathway.tasks.count())


def test_import_creates_a_pathway_with_consent_and_recognises_the_template(network, templates):
    summary = fhir.bundle_import(actor=network["coordinator"], cooperation=network["cpts"],
                                 raw=json.dumps(small_bundle()), consent_method="written",
                                 name="durand.json")
    pathway = summary.pathway
    assert (pathway.patient.family_name, pathway.patient.given_name) == ("Durand", "Jeanne")
    assert counts(pathway) == (2, 2, 3, 2)
    assert pathway.template == templates["diabete-type-2"]
    assert pathway.consents.get().status == "active"
    assert pathway.observations.get(code="4548-4").value == 7.4
    assert pathway.observations.get(code="72166-2").text == "Never smoker"
    assert pathway.encounters.get(kind="IMP").ended_at is not None
    assert summary.ignored == Counter({"Claim": 1})
    assert pathway.tasks.filter(status="completed").count() == 1
    assert AccessLogEntry.objects.filter(pathway=pathway, what="import FHIR").exists()


def test_a_second_import_of_the_same_bundle_adds_nothing(network, templates):
    for _ in range(2):
        summary = fhir.bundle_import(actor=network["coordinator"], cooperation=network["cpts"],
                                     raw=small_bundle(), consent_method="written")
    assert Pathway.objects.count() == 1
    assert counts(summary.pathway) == (2, 2, 3, 2)
    assert summary.skipped["Observation"] == 3


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda b: "{not json", "durand.json, ligne 1 : JSON invalide"),
    (lambda b: {**b, "resourceType": "Patient"}, "n'est pas une ressource FHIR Bundle"),
    (lambda b: {**b, "type": "searchset"}, "type de Bundle « searchset »"),
    (lambda b: {**b, "entry": b["entry"][1:]}, r"exactement un Patient \(trouvé : 0\)"),
    (lambda b: {**b, "entry": [*b["entry"][:5], {"resource": {
        "resourceType": "Observation", "status": "final", "code": {"text": "x"},
        "effectiveDateTime": "hier"}}]},
     "n'est pas du FHIR R4 valide — entry.5.resource.*effectiveDateTime"),
])
def test_a_bad_bundle_is_named_clearly_and_nothing_is_stored(network, templates, mutate,
                                                             message):
    raw = mutate(small_bundle())
    with pytest.raises(BundleInvalid, match=message):
        fhir.bundle_import(actor=network["coordinator"], cooperation=network["cpts"],
                           raw=raw if isinstance(raw, str) else json.dumps(raw),
                           consent_method="written", name="durand.json")
    assert not Patient.objects.exists() and not Condition.objects.exists()


def test_a_fault_deep_in_the_bundle_rolls_back_the_whole_import(network, templates):
    bundle = small_bundle()
    del bundle["entry"][4]["resource"]["period"]  # an encounter with no start
    with pytest.raises(BundleInvalid, match=r"entry\[4\] \(Encounter\)"):
        fhir.bundle_import(actor=network["coordinator"], cooperation=network["cpts"],
                           raw=bundle, consent_method="written", name="durand.json")
    assert not Pathway.objects.exists() and not Encounter.objects.exists()


def test_only_the_cooperations_coordinator_imports(network, templates):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        fhir.bundle_import(actor=network["outsider"], cooperation=network["cpts"],
                           raw=small_bundle(), consent_method="written")
    assert not Patient.objects.exists()


def test_export_validates_and_a_reimport_preserves_the_counts(pathway, network):
    services.care_plan_instantiate(actor=network["coordinator"], pathway=pathway)
    services.message_send(actor=network["gp"], pathway=pathway, body="Bonjour")
    first = fhir.bundle_import(actor=network["coordinator"], cooperation=network["cpts"],
                               raw=small_bundle(), consent_method="written").pathway

    exported = fhir.pathway_export(actor=network["coordinator"], pathway=first)
    bundle = Bundle.model_validate(exported)
    kinds = Counter(e.resource.__resource_type__ for e in bundle.entry)
    assert kinds["Condition"] == 2 and kinds["Encounter"] == 2 and kinds["Observation"] == 3
    assert kinds["Task"] == 2 and kinds["CarePlan"] == 1 and kinds["CareTeam"] == 1
    assert kinds["Consent"] == 1 and kinds["Patient"] == 1

    full = Counter(e["resource"]["resourceType"] for e in fhir.pathway_export(
        actor=network["coordinator"], pathway=pathway)["entry"])
    assert full["Task"] == pathway.tasks.count() and full["Communication"] == 1
    assert full["Practitioner"] == 3  # GP, nurse, coordinator

    other = type(network["cpts"]).objects.create(name="DAC", kind="cpts")
    from maillage.accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=network["coordinator"], role="coordinator",
                                  organisation=other)
    from maillage.accounts.rules import forget_roles

    forget_roles(network["coordinator"])
    again = fhir.bundle_import(actor=network["coordinator"], cooperation=other, raw=exported,
                               consent_method="written").pathway
    assert counts(again) == counts(first)
    assert AccessLogEntry.objects.filter(pathway=first, action="E").exists()


def test_the_commands_import_and_export(network, templates, tmp_path):
    source = tmp_path / "durand.json"
    source.write_text(json.dumps(small_bundle()))
    call_command("fhir", "import", str(source), "--cooperation", str(network["cpts"].pk),
                 "--coordinator", "coord@cpts.example", "--consent", "written", verbosity=0)
    pathway = Pathway.objects.get()
    out = tmp_path / "export.json"
    call_command("fhir", "export", str(pathway.patient.key), str(out), verbosity=0)
    Bundle.model_validate(json.loads(out.read_text()))


SYNTHEA = {
    "Beatrice_Aufderhar_5451401c-ab1b-4adc-9df6-c02e856e492a.json": "insuffisance-cardiaque",
    "Kirsten_Witting_a09212a3-af3e-4194-b1d1-3f0a543222f6.json": "bpco",
    "Morris_Lockman_cd9e9826-aea1-4682-adc0-c1d97633bf31.json": "diabete-type-2",
    "Dirk_Kuhlman_1e503533-b8c2-42cb-a6d5-bbd7d70d07ad.json": "diabete-type-2",
    "Emery_Purdy_298c62e6-b204-4a14-8e21-73d5be0ce22e.json": "diabete-type-2",
}


@pytest.mark.mirror
@pytest.mark.parametrize(("file_name", "template"), SYNTHEA.items())
def test_a_synthea_patient_imports_and_exports_with_counts_preserved(network, templates,
                                                                     real_mirror, file_name,
                                                                     template):
    path = Path(real_mirror) / "fhir" / file_name
    if not path.exists():
        pytest.skip(f"{path} absent")
    data = json.loads(path.read_text())
    expected = Counter(e["resource"]["resourceType"] for e in data["entry"])
    summary = fhir.bundle_import(actor=network["coordinator"], cooperation=network["cpts"],
                                 raw=path.read_bytes(), consent_method="written", name=path.name)
    pathway = summary.pathway
    assert pathway.template.code == template
    assert pathway.conditions.count() == expected["Condition"]
    assert pathway.encounters.count() == expected["Encounter"]
    assert (pathway.observations.count() + summary.ignored["Observation (sans date)"]
            == expected["Observation"])
    activities = sum(len(e["resource"].get("activity", [])) for e in data["entry"]
                     if e["resource"]["resourceType"] == "CarePlan")
    assert CareTask.objects.filter(pathway=pathway).count() == activities
    exported = Bundle.model_validate(fhir.pathway_export(actor=network["coordinator"],
                                                         pathway=pathway))
    kinds = Counter(e.resource.__resource_type__ for e in exported.entry)
    assert kinds["Condition"] == expected["Condition"]
    assert kinds["Encounter"] == expected["Encounter"]
    assert kinds["Observation"] == pathway.observations.count()
    assert Observation.objects.filter(pathway=pathway, value__isnull=False).exists()

    # Round trip: our export, imported into another cooperation, gives the same record.
    from maillage.accounts.models import RoleAssignment
    from maillage.accounts.rules import forget_roles

    other = type(network["cpts"]).objects.create(name="DAC", kind="cpts")
    RoleAssignment.objects.create(user=network["coordinator"], role="coordinator",
                                  organisation=other)
    forget_roles(network["coordinator"])
    again = fhir.bundle_import(actor=network["coordinator"], cooperation=other,
                               raw=json.dumps(fhir.pathway_bundle(pathway)),
                               consent_method="written", name="export").pathway
    assert counts(again) == counts(pathway)
    assert again.template == pathway.template


def test_the_fhir_read_api_serves_a_care_team_members_patients_only(pathway, network):
    from django.test import Client

    nurse, outsider = Client(), Client()
    nurse.force_login(network["nurse"])
    outsider.force_login(network["outsider"])
    listing = nurse.get("/api/coordination/fhir/Patient")
    assert listing["Content-Type"].startswith("application/fhir+json")
    bundle = Bundle.model_validate(listing.json())
    assert [e.resource.id for e in bundle.entry] == [str(pathway.patient.key)]
    key = pathway.patient.key
    assert nurse.get(f"/api/coordination/fhir/Patient/{key}").json()["name"][0]["family"] == (
        "Patient")
    everything = nurse.get(f"/api/coordination/fhir/Patient/{key}/$everything")
    Bundle.model_validate(everything.json())
    assert Bundle.model_validate(outsider.get("/api/coordination/fhir/Patient").json()).entry \
        in (None, [])
    missing = outsider.get(f"/api/coordination/fhir/Patient/{key}")
    assert missing.status_code == 404 and missing.json()["resourceType"] == "OperationOutcome"


def test_the_import_command_finds_the_only_cooperation_and_its_coordinator(network, templates,
                                                                           tmp_path):
    source = tmp_path / "durand.json"
    source.write_text(json.dumps(small_bundle()))
    call_command("fhir", "import", str(source), "--consent", "oral", verbosity=0)
    pathway = Pathway.objects.get()
    assert pathway.cooperation == network["cpts"]
    assert pathway.coordinator == network["coordinator"]


def test_the_import_command_names_what_it_needs_when_it_cannot_choose(network, templates,
                                                                      tmp_path):
    from django.core.management.base import CommandError

    source = tmp_path / "durand.json"
    source.write_text(json.dumps(small_bundle()))
    type(network["cpts"]).objects.create(name="DAC Lozère", kind="cpts")
    with pytest.raises(CommandError, match="--cooperation"):
        call_command("fhir", "import", str(source), "--consent", "oral", verbosity=0)
    with pytest.raises(CommandError, match="Coopération inconnue : 999999"):
        call_command("fhir", "import", str(source), "--cooperation", "999999",
                     "--consent", "oral", verbosity=0)
    with pytest.raises(CommandError, match=r"nobody@example\.org"):
        call_command("fhir", "import", str(source), "--cooperation", str(network["cpts"].pk),
                     "--coordinator", "nobody@example.org", "--consent", "oral", verbosity=0)
    assert not Pathway.objects.exists()
