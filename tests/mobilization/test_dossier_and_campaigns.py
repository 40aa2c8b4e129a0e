"""Advocacy dossier (HTML and PDF) and awareness campaigns targeted by indicators."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.mobilization import dossier, selectors, services
from maillage.territories.selectors import TerritoryRef
from tests.mobilization.pdf_text import pdf_text as _pdf_text


@pytest.fixture
def answered_petition(people, make_petition):
    from maillage.participation.services import signalement_create

    petition = make_petition(threshold=1)
    services.petition_sign(actor=people["neighbour"], petition=petition)
    services.petition_answer(actor=people["elu"], petition=petition,
                             answer="Deux postes ouverts en janvier.")
    signalement_create(actor=people["neighbour"], commune_code="48095",
                       category=_category(), text="Aucun médecin ne prend de patients.")
    return petition


def _category() -> str:
    from maillage.participation.models import SignalementCategory

    return SignalementCategory.values[0]


def test_the_dossier_gathers_petitions_answers_and_signalements(people, answered_petition):
    built = dossier.dossier_build(territory=TerritoryRef("departement", "48"), name="Lozère")
    assert [p.title for p in built.petitions] == [answered_petition.title]
    assert built.signalements_total == 1
    assert built.petitions[0].progress.count == 1
    page = Client().get(reverse("mobilization:dossier"),
                        {"niveau": "departement", "code": "48"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Deux postes ouverts en janvier." in html and "<svg" in html


def test_the_dossier_pdf_is_generated(people, answered_petition):
    response = Client().get(reverse("mobilization:dossier_pdf"),
                            {"niveau": "departement", "code": "48"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    built = dossier.dossier_build(territory=TerritoryRef("departement", "48"), name="Lozère")
    assert dossier.dossier_pdf(built).startswith(b"%PDF")
    assert Client().get(reverse("mobilization:dossier_pdf"),
                        {"niveau": "departement", "code": "99"}).status_code == 404
    api = Client().get("/api/mobilization/dossier.pdf", {"level": "departement", "code": "99"})
    assert api.status_code == 400 and api.json()["errors"]


def test_the_dossier_pdf_text_names_petition_and_answer(people, answered_petition,
                                                        settings):
    import matplotlib

    # Uncompressed, with Type 3 fonts, the drawn strings can be read back from the file.
    with matplotlib.rc_context({"pdf.fonttype": 3, "pdf.compression": 0}):
        built = dossier.dossier_build(territory=TerritoryRef("departement", "48"),
                                      name="Lozère")
        text = _pdf_text(dossier.dossier_pdf(built))
    assert "Deux postes ouverts en janvier." in text
    assert "Un médecin pour le centre de santé de Mende" in text
    assert ": 1 signatures" in text
    assert "Total : 1" in text
    assert "Propositions et leur statut" in text


def test_campaigns_target_communes_by_signalement_counts(people, answered_petition):
    with pytest.raises(PermissionDenied):
        services.campaign_create(actor=people["neighbour"], region="76", title="t",
                                 theme="depistage", body="b", organiser_name="o",
                                 min_signalements=1)
    with pytest.raises(ValidationError):
        services.campaign_create(actor=people["coordinator"], region="76", title="t",
                                 theme="depistage", body="b", organiser_name="o",
                                 min_signalements=50)
    campaign = services.campaign_create(
        actor=people["coordinator"], region="76", title="Trouver un médecin traitant",
        theme="medecin_traitant", body="Permanences d'aide.", organiser_name="France Assos",
        min_signalements=1)
    assert list(campaign.targets.values_list("commune_id", flat=True)) == ["48095"]
    event = services.event_create(actor=people["coordinator"], campaign=campaign,
                                  title="Permanence", place="Mairie de Mende",
                                  starts_at=timezone.now() + timedelta(days=3),
                                  commune_code="48095", capacity=1)
    services.event_register(actor=people["neighbour"], event=event)
    with pytest.raises(ValidationError):
        services.event_register(actor=people["outsider"], event=event)  # full
    client = Client()
    client.force_login(people["neighbour"])
    assert client.get(campaign.get_absolute_url()).status_code == 200
    reach = selectors.campaign_reach(campaign)
    assert reach.views == 1 and reach.registrations == 1
    assert reach.by_commune[0][:2] == ("48095", "Mende")
    assert client.get(f"/api/mobilization/campaigns/{campaign.pk}/reach").status_code == 403


def test_personal_data_is_exported_and_erased_keeping_counts(people, make_petition):
    from maillage.accounts import personal_data
    from maillage.mobilization.models import Signature

    petition = make_petition()
    services.petition_sign(actor=people["neighbour"], petition=petition, show_publicly=True)
    section = {s.name: s for s in personal_data.sections()}["mobilization"]
    assert section.exporter(people["neighbour"])["signatures"][0]["petition"] == petition.pk
    section.eraser(people["neighbour"])
    signature = Signature.objects.get()
    assert signature.user is None and signature.name == "" and not signature.show_publicly


def test_the_dossier_lists_proposals_with_their_status_and_consultation_results(people):
    from maillage.participation import services as participation
    from maillage.participation.models import Phase, PhaseType, Process, Proposal

    now = timezone.now()
    process = Process.objects.create(
        title="Accès aux soins en Lozère", territory_level="departement", territory_code="48",
        territory_name="Lozère", organiser_name="CPTS", is_published=True)
    phase = Phase.objects.create(process=process, type=PhaseType.DIAGNOSTIC,
                                 starts_at=now - timedelta(days=1),
                                 ends_at=now + timedelta(days=10))
    Proposal.objects.create(process=process, author=people["resident"],
                            title="Un cabinet secondaire à Badaroux", body="Deux jours par "
                            "semaine.", status="accepted", answer="Ouverture en mars.")
    survey = participation.consultation_create(
        actor=people["analyst"], process=process, phase=phase, title="Vos difficultés",
        questions=[participation.QuestionSpec("single", "Avez-vous un médecin traitant ?",
                                               choices=["Oui", "Non"])])
    participation.consultation_answer(actor=people["neighbour"], consultation=survey,
                                      answers={participation.question_field(
                                          survey.questions.get()): str(
                                          survey.questions.get().choices.get(
                                              label="Non").pk)})
    built = dossier.dossier_build(territory=TerritoryRef("departement", "48"), name="Lozère")
    assert [(p[0], p[2]) for p in built.proposals] == [
        ("Un cabinet secondaire à Badaroux", "Ouverture en mars.")]
    assert built.consultations[0].responses == 1
    assert ("Non", 1) in [(label, value) for label, value, _share
                          in built.consultations[0].questions[0][1]]
    # A dossier for the Aveyron does not carry the Lozère's process.
    other = dossier.dossier_build(territory=TerritoryRef("departement", "12"), name="Aveyron")
    assert other.proposals == [] and other.consultations == []
