"""Shared documents (typed, versioned, served after the check) and teleconsultation rooms."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import jwt
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from maillage.coordination import services, teleconsultation
from maillage.coordination.models import Document, Message

pytestmark = pytest.mark.django_db
SECRET = "a-long-test-secret-of-at-least-32-bytes"
SLOT = datetime(2026, 3, 2, 14, 0, tzinfo=ZoneInfo("Europe/Paris"))


def pdf(name="cr.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7\n...", content_type="application/pdf")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_document_of_a_forbidden_type_is_refused_and_nothing_is_stored(pathway, network):
    exe = SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/x-msdownload")
    with pytest.raises(ValidationError, match="Type de document refusé"):
        services.document_upload(actor=network["gp"], pathway=pathway, kind="report",
                                 title="X", upload=exe)
    disguised = SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf")
    with pytest.raises(ValidationError, match="ne correspond pas"):
        services.document_upload(actor=network["gp"], pathway=pathway, kind="report",
                                 title="X", upload=disguised)
    assert not Document.objects.exists()


def test_a_new_version_keeps_the_history(pathway, network):
    first = services.document_upload(actor=network["gp"], pathway=pathway, kind="report",
                                     title="Bilan", upload=pdf())
    second = services.document_upload(actor=network["gp"], pathway=pathway, kind="report",
                                      title="Bilan", upload=pdf(), replaces=first)
    assert (second.version, second.replaces) == (2, first)
    with pytest.raises(ValidationError):
        services.document_upload(actor=network["gp"], pathway=pathway, kind="report",
                                 title="Bilan", upload=pdf(), replaces=first)
    name = second.file.name
    assert name.startswith("coordination/documents/") and "Patient" not in name


def test_documents_are_served_only_after_the_check(pathway, network, patient_user):
    document = services.document_upload(actor=network["gp"], pathway=pathway, kind="lab",
                                        title="HbA1c", upload=pdf())
    url = f"/cooperation/documents/{document.pk}/"
    for user, status in ((network["nurse"], 200), (patient_user, 200),
                         (network["outsider"], 404)):
        assert client_for(user).get(url).status_code == status
    assert Client().get(url).status_code == 302


def test_the_page_refuses_a_forbidden_document_with_a_field_error(pathway, network):
    response = client_for(network["gp"]).post(
        pathway.get_absolute_url() + "documents/",
        {"kind": "report", "title": "x",
         "file": SimpleUploadedFile("x.exe", b"MZ", content_type="application/x-msdownload")})
    assert response.status_code == 400 and "Type de document refusé" in response.content.decode()


def test_rooms_are_unguessable_and_need_the_patients_consent(pathway, network):
    with pytest.raises(ValidationError):
        services.teleconsultation_book(actor=network["gp"], pathway=pathway, starts_at=SLOT,
                                       patient_consented=False)
    a = services.teleconsultation_book(actor=network["gp"], pathway=pathway, starts_at=SLOT,
                                       patient_consented=True)
    b = services.teleconsultation_book(actor=network["gp"], pathway=pathway, starts_at=SLOT,
                                       patient_consented=True)
    assert a.room != b.room and len(a.room) >= 32 and "paul" not in a.room.lower()


def test_each_participant_gets_their_own_link_and_only_the_professional_moderates(
        pathway, network, patient_user, settings):
    settings.MAILLAGE_JITSI_URL = "https://visio.example.org"
    settings.MAILLAGE_JITSI_APP_SECRET = SECRET
    settings.MAILLAGE_JITSI_APP_ID = "maillage-test"
    visit = services.teleconsultation_book(actor=network["gp"], pathway=pathway, starts_at=SLOT,
                                           minutes=20, patient_consented=True)
    now = SLOT - timedelta(minutes=5)
    claims = {}
    for who, user in (("gp", network["gp"]), ("patient", patient_user)):
        url = teleconsultation.join_url(actor=user, visit=visit, now=now)
        assert url.startswith(f"https://visio.example.org/{visit.room}?jwt=")
        claims[who] = jwt.decode(url.split("jwt=")[1], SECRET, algorithms=["HS256"],
                                 audience="jitsi", options={"verify_nbf": False,
                                                            "verify_exp": False})
    assert claims["gp"]["room"] == claims["patient"]["room"] == visit.room
    assert claims["gp"]["context"]["user"]["moderator"] is True
    assert claims["patient"]["context"]["user"]["moderator"] is False
    assert claims["gp"]["context"]["user"]["id"] != claims["patient"]["context"]["user"]["id"]
    assert (claims["gp"]["iss"], claims["gp"]["sub"]) == ("maillage-test", "visio.example.org")
    assert claims["gp"]["nbf"] == int((SLOT - timedelta(minutes=15)).timestamp())
    assert claims["gp"]["exp"] == int((SLOT + timedelta(minutes=50)).timestamp())
    assert "patient@example.org" not in str(claims)
    with pytest.raises(PermissionDenied):
        teleconsultation.join_url(actor=network["nurse"], visit=visit, now=now)
    with pytest.raises(PermissionDenied, match="quart d'heure"):
        teleconsultation.join_url(actor=patient_user, visit=visit,
                                  now=SLOT - timedelta(hours=2))


def test_without_a_secret_the_link_has_no_token(pathway, network, settings):
    settings.MAILLAGE_JITSI_APP_SECRET = ""
    visit = services.teleconsultation_book(actor=network["gp"], pathway=pathway, starts_at=SLOT,
                                           patient_consented=True)
    url = teleconsultation.join_url(actor=network["gp"], visit=visit, now=SLOT)
    assert "jwt" not in url and url.endswith(visit.room)


def test_the_report_goes_to_the_record_and_to_the_referring_doctor(pathway, network):
    visit = services.teleconsultation_book(actor=network["nurse"], pathway=pathway,
                                           starts_at=SLOT, patient_consented=True)
    with pytest.raises(PermissionDenied):
        services.teleconsultation_report(actor=network["gp"], visit=visit, report="x")
    document = services.teleconsultation_report(actor=network["nurse"], visit=visit,
                                                report="Plaie propre.")
    assert document.kind == "report" and document.file.read() == b"Plaie propre."
    assert "Dr Gé" in Message.objects.get(pathway=pathway).body
    assert pathway.encounters.filter(kind="VR").exists()


def test_a_teleconsultation_is_exported_as_a_fhir_appointment(pathway, network):
    from fhir.resources.R4B.bundle import Bundle

    from maillage.coordination import fhir

    services.teleconsultation_book(actor=network["gp"],
                                   pathway=pathway, starts_at=SLOT, patient_consented=True)
    bundle = Bundle.model_validate(fhir.pathway_bundle(pathway))
    appointments = [e.resource for e in bundle.entry
                    if e.resource.__resource_type__ == "Appointment"]
    assert len(appointments) == 1 and appointments[0].status == "booked"


def test_the_link_service_itself_needs_consent_and_the_care_team(pathway, network,
                                                                 patient_user, fresh):
    from django.http import Http404

    visit = services.teleconsultation_book(actor=network["gp"], pathway=pathway, starts_at=SLOT,
                                           patient_consented=True)
    # Someone outside the team learns nothing, not even that the visit exists.
    visit.pathway = fresh(pathway)
    with pytest.raises(Http404):
        teleconsultation.join_url(actor=network["outsider"], visit=visit, now=SLOT)
    services.consent_withdraw(actor=patient_user, pathway=fresh(pathway))
    for user in (network["gp"], patient_user):
        visit.pathway = fresh(pathway)
        with pytest.raises(Http404):
            teleconsultation.join_url(actor=user, visit=visit, now=SLOT)


def test_the_referring_doctor_is_told_of_the_report_without_any_health_data(
        pathway, network, django_capture_on_commit_callbacks, mailoutbox):
    visit = services.teleconsultation_book(actor=network["nurse"], pathway=pathway,
                                           starts_at=SLOT, patient_consented=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.teleconsultation_report(actor=network["nurse"], visit=visit,
                                         report="Plaie propre, pansement refait.")
    assert [m.to for m in mailoutbox] == [["gp@msp.example"]]
    mail = mailoutbox[0]
    assert pathway.get_absolute_url() in mail.body
    for secret in ("Paul", "Patient", "Plaie", "Diabète"):
        assert secret not in mail.body and secret not in mail.subject


def test_a_report_is_written_once_after_the_start_and_corrected_by_a_new_version(pathway,
                                                                                 network):
    visit = services.teleconsultation_book(actor=network["nurse"], pathway=pathway,
                                           starts_at=SLOT, patient_consented=True)
    with pytest.raises(ValidationError, match="après la téléconsultation"):
        services.teleconsultation_report(actor=network["nurse"], visit=visit, report="Tôt.",
                                         now=SLOT - timedelta(minutes=1))
    assert not Document.objects.exists() and not pathway.encounters.exists()
    first = services.teleconsultation_report(actor=network["nurse"], visit=visit,
                                             report="Plaie propre.", now=SLOT)
    with pytest.raises(ValidationError, match="nouvelle version"):
        services.teleconsultation_report(actor=network["nurse"], visit=visit,
                                         report="Plaie propre (bis).")
    assert Document.objects.count() == 1 and pathway.encounters.count() == 1
    assert Message.objects.filter(pathway=pathway).count() == 1
    corrected = services.document_upload(
        actor=network["nurse"], pathway=pathway, kind="report", title=first.title,
        upload=SimpleUploadedFile("cr.txt", b"Plaie propre, cicatrisation en cours.",
                                  content_type="text/plain"), replaces=first)
    assert corrected.version == 2 and corrected.replaces == first
