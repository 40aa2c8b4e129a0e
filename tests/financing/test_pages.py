"""The simulator's pages: index, upload, trial, simulation with parameters, exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.financing.models import Population
from tests.financing.conftest import good_rows, make_csv

pytestmark = pytest.mark.django_db


def test_the_index_explains_the_format_and_offers_the_template(client):
    page = client.get("/financement/").content.decode()
    assert "quintile_defavorisation" in page and "modele-population.csv" in page
    template = client.get("/financement/modele-population.csv")
    assert template["Content-Disposition"].startswith("attachment;")
    assert template.content.decode().startswith("patient_id,annee,tranche_age")


def test_the_navigation_link_resolves():
    from django.urls import reverse

    assert reverse("financing:index") == "/financement/"


def test_a_member_uploads_a_file_and_lands_on_the_simulation(client, member, organisation):
    client.force_login(member)
    upload = SimpleUploadedFile("pop.csv", make_csv(good_rows()), content_type="text/csv")
    response = client.post("/financement/populations/deposer/", {
        "organisation": organisation.pk, "name": "Ma patientèle", "file": upload})
    population = Population.objects.get()
    assert response.status_code == 302 and response["Location"] == population.get_absolute_url()
    assert population.uploaded_by == member and population.organisation == organisation
    page = client.get(response["Location"]).content.decode()
    assert "Ma patientèle" in page and "<svg" in page and "Forfait d&#x27;équipe (Peps)" in page


def test_a_bad_file_is_refused_on_the_page_with_line_and_field(client, member, organisation):
    client.force_login(member)
    rows = good_rows()
    rows[0]["sexe"] = "Z"
    upload = SimpleUploadedFile("pop.csv", make_csv(rows), content_type="text/csv")
    response = client.post("/financement/populations/deposer/", {
        "organisation": organisation.pk, "file": upload})
    assert response.status_code == 400
    assert "Ligne 2, champ « sexe »" in response.content.decode()
    assert Population.objects.count() == 0


def test_uploading_for_another_organisation_is_refused(client, member, other_organisation):
    client.force_login(member)
    upload = SimpleUploadedFile("pop.csv", make_csv(good_rows()), content_type="text/csv")
    response = client.post("/financement/populations/deposer/", {
        "organisation": other_organisation.pk, "file": upload})
    assert response.status_code == 400
    assert Population.objects.count() == 0


def test_anyone_tries_the_simulator_on_a_synthetic_population(client):
    page = client.get("/financement/essai/", {"patients": 300, "seed": 5, "years": 2})
    text = page.content.decode()
    assert page.status_code == 200
    for label in ("Paiement à l&#x27;acte", "Ipep", "MSSP", "épisode"):
        assert label in text
    assert "hypothèse" in text and "JORF n°0274" in text  # sources and assumptions shown
    assert text.count("<svg") >= 2
    assert client.get("/financement/essai/", {"patients": 10**6, "seed": 1,
                                              "years": 1}).status_code == 404


def test_a_changed_parameter_changes_the_result_and_is_marked(client):
    base = {"patients": 300, "seed": 5, "years": 1, "parametres": "1"}
    default = client.get("/financement/essai/export.csv", base).content.decode()
    changed = client.get("/financement/essai/export.csv",
                         base | {"peps.cap_over_fee_for_service": "0"}).content.decode()

    def peps_team(text):
        rows = csv.DictReader(io.StringIO(text))
        return next(float(r["valeur"]) for r in rows if r["section"] == "par_annee"
                    and r["modele"] == "peps" and r["indicateur"] == "team")

    assert peps_team(changed) < peps_team(default)
    page = client.get("/financement/essai/", base | {"peps.cap_over_fee_for_service": "0"})
    assert "modifié" in page.content.decode()


def test_a_refused_parameter_keeps_its_default_and_says_so(client):
    page = client.get("/financement/essai/", {"patients": 100, "seed": 1, "years": 1,
                                              "ipep.sharing_rate": "deux"})
    assert "valeur refusée" in page.content.decode()


def test_the_sensitivity_chart_has_its_table(client):
    page = client.get("/financement/essai/", {"patients": 200, "seed": 1, "years": 1,
                                              "sensibilite": "ipep.sharing_rate"})
    text = page.content.decode()
    assert 'id="sensitivity-table"' in text and text.count("<svg") == 3


def test_the_csv_export_has_years_groups_percentiles_and_sources(client, member, population):
    client.force_login(member)
    response = client.get(f"/financement/populations/{population.pk}/export.csv",
                          {"sensibilite": "mssp.sharing_rate"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    sections = {r["section"] for r in rows}
    assert {"par_annee", "par_groupe", "par_patient", "parametre", "sensibilite"} <= sections
    ffs = next(r for r in rows if r["section"] == "par_annee" and r["modele"] ==
               "fee_for_service" and r["indicateur"] == "team")
    # 4 patients × (150 + 114) € of primary care + 900 € of the hip replacement
    assert float(ffs["valeur"]) == pytest.approx(4 * 264 + 900)
    cap = next(r for r in rows if r["indicateur"] == "peps.cap_over_fee_for_service")
    assert cap["hypothese"] == "non" and "SPRS2231208A" in cap["source"]


def test_the_pdf_export_is_a_pdf(client, member, population):
    client.force_login(member)
    response = client.get(f"/financement/populations/{population.pk}/export.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(f"/financement/populations/{population.pk}/export.xls").status_code == 404


def test_a_member_saves_a_synthetic_population(client, member, organisation):
    client.force_login(member)
    data = {"organisation": organisation.pk, "patients": 150, "seed": 3, "years": 2}
    client.post("/financement/populations/generer/", data)
    client.post("/financement/populations/generer/", data)
    population = Population.objects.get()
    assert population.source == "synthetic" and population.rows == 300
