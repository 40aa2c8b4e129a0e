"""FHIR R4 export of the public side of the cooperation: its network and its pathway templates.

A cooperation's network becomes Organization (members with `partOf` the cooperation and their
FINESS number when known), Location (where each service is given), HealthcareService (what, for
whom, how to refer) and Practitioner + PractitionerRole (who, with which profession, in which
services; the RPPS number when the entry is linked to the Annuaire Santé). Pathway templates
become PlanDefinition + ActivityDefinition, with the cited guideline as a relatedArtifact, and
the questionnaires they send become Questionnaire resources.
Nothing here is about a patient: the directory is public. Every Bundle is validated with
fhir.resources' R4B models before it leaves.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from maillage.accounts.models import Organisation
from maillage.coordination.fhir import (
    PROFESSION_SYSTEM,
    _drop_none,
    _entry,
    _uid,
    questionnaire_resource,
    questionnaire_url,
)
from maillage.coordination.models import (
    HealthcareService,
    NetworkMembership,
    NetworkProfessional,
    PathwayTemplate,
    Questionnaire,
)

FINESS_SYSTEM = "http://finess.sante.gouv.fr"
RPPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"
SERVICE_CATEGORY_SYSTEM = "https://maillage.example/fhir/CodeSystem/service-category"
INSEE_SYSTEM = "https://www.insee.fr/fr/information/2560452"
TEMPLATE_URL = "urn:maillage:plandefinition:"
ACTIVITY_URL = "urn:maillage:activitydefinition:"


def _computable(code: str) -> str:
    # FHIR's `name` is a computer-friendly name: a capital first, letters and digits.
    return "".join(part.capitalize() for part in code.replace("_", "-").split("-"))


def _location(service: HealthcareService) -> dict[str, Any]:
    commune = service.commune
    resource: dict[str, Any] = {
        "status": "active" if service.active else "inactive",
        "name": f"{service.organisation.name} — {commune.name}",
        "identifier": [{"system": INSEE_SYSTEM, "value": commune.code}],
        "address": {"line": [service.address] if service.address else None,
                    "city": commune.name, "district": commune.departement_id, "country": "FR"},
        "managingOrganization": {"reference": _uid("Organization", service.organisation_id)},
    }
    if commune.latitude is not None and commune.longitude is not None:
        # The commune's centroid: the directory does not geocode street addresses.
        resource["position"] = {"latitude": commune.latitude, "longitude": commune.longitude}
    return _entry("Location", service.pk, resource)


def _service(service: HealthcareService) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "active": service.active,
        "providedBy": {"reference": _uid("Organization", service.organisation_id),
                       "display": service.organisation.name},
        "category": [{"coding": [{"system": SERVICE_CATEGORY_SYSTEM, "code": service.category,
                                  "display": service.get_category_display()}]}],
        "name": service.name,
        "comment": service.description or None,
        "location": [{"reference": _uid("Location", service.pk)}],
        "telecom": ([{"system": "phone", "value": service.telephone}]
                    if service.telephone else None),
        "eligibility": ([{"comment": service.eligibility}] if service.eligibility else None),
        "referralMethod": ([{"text": service.referral}] if service.referral else None),
        "appointmentRequired": None,
        "extraDetails": None if service.accepts_new_patients else
        "N'accepte pas de nouveaux patients.",
    }
    return _entry("HealthcareService", service.pk, resource)


def _professional(person: NetworkProfessional) -> list[dict[str, Any]]:
    key = f"network/{person.pk}"
    practitioner: dict[str, Any] = {"name": [{"text": person.name}], "active": True}
    if person.practitioner_id:
        practitioner["identifier"] = [{"system": RPPS_SYSTEM, "value": person.practitioner.rpps}]
    role = {
        "active": True,
        "practitioner": {"reference": _uid("Practitioner", key), "display": person.name},
        "organization": {"reference": _uid("Organization", person.organisation_id)},
        "code": [{"coding": [{"system": PROFESSION_SYSTEM, "code": person.profession,
                              "display": person.get_profession_display()}],
                  "text": person.role or person.get_profession_display()}],
        "healthcareService": [{"reference": _uid("HealthcareService", s.pk)}
                              for s in person.services.all()] or None,
    }
    return [_entry("Practitioner", key, practitioner),
            _entry("PractitionerRole", person.pk, role)]


def network_bundle(cooperation: Organisation) -> dict[str, Any]:
    """The cooperation's network as a collection Bundle (public data; validated)."""
    memberships = {m.member_id: m for m in NetworkMembership.objects.filter(
        cooperation=cooperation).select_related("facility")}
    organisations = [cooperation, *Organisation.objects.filter(
        pk__in=memberships).order_by("name")]
    ids = [o.pk for o in organisations]
    entries = []
    for org in organisations:
        resource: dict[str, Any] = {"active": True, "name": org.name,
                                    "type": [{"text": org.get_kind_display()}]}
        membership = memberships.get(org.pk)
        if membership is not None:
            resource["partOf"] = {"reference": _uid("Organization", cooperation.pk),
                                  "display": cooperation.name}
            if membership.facility_id:
                resource["identifier"] = [{"system": FINESS_SYSTEM,
                                           "value": membership.facility.finess}]
        if getattr(org, "commune", None) is not None:
            resource["address"] = [{"city": org.commune.name, "country": "FR"}]
        entries.append(_entry("Organization", org.pk, resource))
    services = list(HealthcareService.objects.filter(organisation_id__in=ids)
                    .select_related("organisation", "commune").order_by("organisation", "name"))
    for service in services:
        entries += [_location(service), _service(service)]
    people = (NetworkProfessional.objects.filter(organisation_id__in=ids)
              .select_related("practitioner").prefetch_related("services").order_by("name"))
    for person in people:
        entries += _professional(person)
    data = _drop_none({"resourceType": "Bundle", "type": "collection",
                       "timestamp": timezone.now().isoformat(), "entry": entries})
    Bundle.model_validate(data)
    return data


def _timing(activity: Any) -> dict[str, Any] | None:
    if not activity.interval_days:
        return None
    return {"repeat": {"frequency": 1, "period": activity.interval_days, "periodUnit": "d"}}


def templates_bundle() -> dict[str, Any]:
    """The pathway templates as PlanDefinition + ActivityDefinition (validated)."""
    entries = []
    for template in PathwayTemplate.objects.prefetch_related("activities"):
        actions = []
        for activity in template.activities.all():
            url = f"{ACTIVITY_URL}{template.code}:{activity.code}"
            entries.append(_entry("ActivityDefinition", f"{template.code}/{activity.code}", {
                "url": url, "version": str(template.version), "status": "active",
                "name": _computable(activity.code), "title": activity.name,
                "description": activity.rationale, "kind": "Task",
                "participant": [{"type": "practitioner", "role": {"coding": [{
                    "system": PROFESSION_SYSTEM, "code": activity.profession,
                    "display": activity.get_profession_display()}]}}],
                "code": ({"coding": [{"system": "http://loinc.org", "code": activity.loinc}]}
                         if activity.loinc else None),
                "timingTiming": _timing(activity),
            }))
            action: dict[str, Any] = {
                "title": activity.name, "definitionCanonical": url,
                "relatedAction": None,
                "timingDuration": {"value": activity.first_due_days, "unit": "d",
                                   "system": "http://unitsofmeasure.org", "code": "d"},
            }
            if activity.questionnaire:
                # The questionnaire the patient gets when the activity's window opens.
                action["action"] = [{"title": activity.name,
                                     "definitionCanonical": questionnaire_url(
                                         activity.questionnaire)}]
            if activity.condition:
                action["condition"] = [{"kind": "applicability", "expression": {
                    "language": "text/plain", "expression": activity.condition,
                    "description": activity.get_condition_display()}}]
            actions.append(action)
        entries.append(_entry("PlanDefinition", template.code, {
            "url": f"{TEMPLATE_URL}{template.code}", "version": str(template.version),
            "status": "active", "name": _computable(template.code),
            "title": template.name,
            "type": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/plan-definition-type",
                "code": "clinical-protocol"}]},
            "subjectCodeableConcept": {"text": template.condition_label, "coding": [
                {"system": c.get("system"), "code": c.get("code")}
                for c in template.condition_codes] or None},
            "relatedArtifact": [{"type": "citation", "display": template.source_title,
                                 "url": template.source_url,
                                 "citation": f"{template.source_title} ({template.source_date})"}],
            "action": actions or None,
        }))
    # The questionnaires the pathways send (PROMs, PREMs), which the activities name.
    for questionnaire in Questionnaire.objects.order_by("code"):
        entries.append(questionnaire_resource(questionnaire))
    data = _drop_none({"resourceType": "Bundle", "type": "collection",
                       "timestamp": timezone.now().isoformat(), "entry": entries})
    Bundle.model_validate(data)
    return data
