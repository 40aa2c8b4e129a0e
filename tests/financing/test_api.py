"""The financing API: upload, list, simulate, export, delete, with JSON 4xx errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.financing.models import Population
from tests.financing.conftest import good_rows, make_csv

pytestmark = pytest.mark.django_db


def _upload(client, organisation, content):
    return client.post("/api/financing/populations", {
        "organisation": organisation.pk, "name": "API",
        "file": SimpleUploadedFile("p.csv", content, content_type="text/csv")})


def test_the_parameters_come_with_default_source_and_assumption(client):
    rows = client.get("/api/financing/parameters").json()
    cap = next(r for r in rows if r["key"] == "peps.cap_over_fee_for_service")
    assert cap["default"] == 0.2 and cap["assumption"] is False and "2022" in cap["source"]
    assert any(r["assumption"] for r in rows)


def test_upload_is_idempotent_and_errors_name_line_and_field(client, member, organisation):
    client.force_login(member)
    first = _upload(client, organisation, make_csv(good_rows()))
    assert first.status_code == 201
    again = _upload(client, organisation, make_csv(good_rows()))
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    rows = good_rows()
    rows[2]["ald"] = "40"
    refused = _upload(client, organisation, make_csv(rows))
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        "Ligne 4, champ « ald » : code ALD inconnu « 40 » (attendu : 1 à 32)"]
    assert Population.objects.count() == 1


def test_anonymous_and_non_members_are_refused(client, population, outsider, other_organisation,
                                               organisation):
    assert client.get("/api/financing/populations").status_code == 401
    assert client.post(f"/api/financing/populations/{population.pk}/simulate", {},
                       content_type="application/json").status_code == 401
    client.force_login(outsider)
    assert client.get("/api/financing/populations").json() == []
    assert client.get(f"/api/financing/populations/{population.pk}").status_code == 404
    assert client.post(f"/api/financing/populations/{population.pk}/simulate", {},
                       content_type="application/json").status_code == 404
    assert client.delete(f"/api/financing/populations/{population.pk}").status_code == 404
    response = _upload(client, organisation, make_csv(good_rows()))
    assert response.status_code == 403 and "detail" in response.json()


def test_a_member_simulates_with_changed_parameters(client, member, population):
    client.force_login(member)
    url = f"/api/financing/populations/{population.pk}/simulate"
    body = client.post(url, {"parameters": {"peps.cap_over_fee_for_service": 0.0},
                             "sensitivity": "ipep.sharing_rate"},
                       content_type="application/json").json()
    assert body["years"] == [2024] and body["patients_by_year"] == [4]
    models = body["models"]
    assert set(models) == {"fee_for_service", "peps", "ipep", "episode", "mssp"}
    ffs = models["fee_for_service"]["team_by_year"][0]
    assert ffs == pytest.approx(4 * 264 + 900)
    # A zero cap: the forfaits can never exceed the fee-for-service they replace.
    assert models["peps"]["team_by_year"][0] <= ffs + 1e-6
    assert len(body["sensitivity"]["values"]) >= 3
    assert body["estimated_reference"] is True


@pytest.mark.parametrize(("parameters", "fragment"), [
    ({"peps.nope": 1}, "inconnu"),
    ({"ipep.sharing_rate": 3}, "refusée"),
    ({"mssp.two_sided": "peut-être"}, "true ou false"),
])
def test_bad_parameters_get_a_400(client, member, population, parameters, fragment):
    client.force_login(member)
    response = client.post(f"/api/financing/populations/{population.pk}/simulate",
                           {"parameters": parameters}, content_type="application/json")
    assert response.status_code == 400 and fragment in response.json()["detail"]


def test_exports_and_deletion(client, member, population):
    client.force_login(member)
    csv_response = client.post(f"/api/financing/populations/{population.pk}/export.csv", {},
                               content_type="application/json")
    assert csv_response.content.decode().startswith("section,modele")
    pdf = client.post(f"/api/financing/populations/{population.pk}/export.pdf", {},
                      content_type="application/json")
    assert pdf.content.startswith(b"%PDF")
    assert client.post(f"/api/financing/populations/{population.pk}/export.doc", {},
                       content_type="application/json").status_code == 404
    assert client.delete(f"/api/financing/populations/{population.pk}").status_code == 204
    assert not Population.objects.exists()


def test_synthetic_simulation_is_public_and_bounded(client):
    body = client.post("/api/financing/synthetic/simulate",
                       {"patients": 500, "seed": 9, "years": 2},
                       content_type="application/json").json()
    assert body["years"] == [2024, 2025]
    assert client.post("/api/financing/synthetic/simulate", {"patients": 10**7},
                       content_type="application/json").status_code == 422


def test_a_member_stores_a_synthetic_population(client, member, organisation):
    client.force_login(member)
    payload = {"organisation": organisation.pk, "patients": 100, "seed": 1}
    first = client.post("/api/financing/populations/synthetic", payload,
                        content_type="application/json")
    again = client.post("/api/financing/populations/synthetic", payload,
                        content_type="application/json")
    assert first.status_code == 201 and again.status_code == 200
