"""Exports (CSV, GeoJSON), the DREES comparison, the dashboard and the API."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from maillage.insights import selectors, services
from maillage.insights.models import ReferenceApl

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(gp_counts):
    return services.access_run_execute(services.access_run_create(
        actor=None, region="76", profession="generaliste"))


def test_the_csv_has_one_row_per_commune_with_apl_and_class(client, run):
    response = client.get(f"/acces/calculs/{run.pk}/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))

    assert {r["code_insee"] for r in rows} == {"48095", "48017", "48099", "12208"}
    mende = next(r for r in rows if r["code_insee"] == "48095")
    assert float(mende["apl"]) == pytest.approx(10_800 / 13_164, rel=1e-6)
    assert mende["desert_class"] == "intervention_prioritaire"
    assert "test bpe" in mende["methode_et_sources"]


def test_the_geojson_layer_carries_values_classes_and_provenance(client, run):
    body = client.get(f"/acces/calculs/{run.pk}/carte.geojson").json()
    assert len(body["features"]) == 4
    feature = next(f for f in body["features"] if f["properties"]["code"] == "48095")
    assert feature["properties"]["class"] == "intervention_prioritaire"
    assert feature["geometry"]["type"] == "Polygon"
    assert any("APL" in line for line in body["metadata"])


def test_comparison_with_drees_reports_spearman_mae_and_class_agreement(run):
    for code, apl in {"48095": 3.0, "48017": 2.0, "48099": 1.0, "12208": 0.5}.items():
        ReferenceApl.objects.create(year=2022, commune_code=code, commune_name=code, apl=apl,
                                    standardised_population=1, population=1)
    comparison = selectors.reference_compare(run)

    assert comparison.communes == 4
    # computed: 0.820, 0.547, 0, 0 → ranks agree except the tie at 0
    assert comparison.spearman == pytest.approx(0.9486833, rel=1e-6)
    assert comparison.class_agreement == 0.75  # 48095: 0.82 < 2.5 but DREES 3.0
    expected_mae = (abs(R - 3) + abs(2 / 3 * R - 2) + 1 + 0.5) / 4
    assert comparison.mean_absolute_error == pytest.approx(expected_mae, rel=1e-9)


R = 10_800 / 13_164


def test_the_dashboard_shows_map_table_chart_and_sources(client, run):
    page = client.get("/acces/", {"region": "76", "profession": "generaliste"}).content.decode()
    assert "Mende" in page and "maillage-map" in page and "<svg" in page
    assert "Sur quoi reposent ces chiffres" in page
    assert "test bpe" in page
    sorted_page = client.get("/acces/", {"region": "76", "tri": "population", "ordre": "desc"})
    text = sorted_page.content.decode()
    assert text.index("Mende") < text.index("Badaroux")


def test_the_api_lists_runs_results_and_rejects_bad_requests(client, run):
    assert client.get("/api/access/runs/latest", {"region": "76"}).json()["id"] == run.pk
    results = client.get(f"/api/access/runs/{run.pk}/results",
                         {"sort": "acces", "descending": True}).json()
    assert results[0]["code_insee"] == "48095"
    assert client.get("/api/access/runs/999999").status_code == 404
    assert client.get(f"/api/access/runs/{run.pk}/results", {"sort": "drop"}).status_code == 422
    assert client.post("/api/access/runs", {"region": "76"},
                       content_type="application/json").status_code == 401


def test_the_command_line_exports_every_commune_of_the_region(run, tmp_path: Path):
    output = tmp_path / "acces.csv"
    call_command("access", "export", "--region", "76", "--profession", "generaliste",
                 "--output", str(output), verbosity=0)
    rows = list(csv.DictReader(output.open(encoding="utf-8")))
    assert [r["code_insee"] for r in rows] == ["12208", "48017", "48095", "48099"]
    assert set(rows[0]) >= {"code_insee", "apl", "desert_class"}


def test_the_command_line_names_a_bad_profession(geography):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Profession inconnue"):
        call_command("access", "run", "--region", "76", "--profession", "sorcier")


def test_launching_a_run_from_the_page_checks_the_region(client, gp_counts, make_user, grant,
                                                         with_totp):
    outsider = make_user(email="analyst84@example.org")
    grant(outsider, "analyst", "region", "84")
    with_totp(outsider)
    client.force_login(outsider)
    form = {"profession": "generaliste", "method": "apl", "speed_kmh": "50"}
    assert client.post("/acces/regions/76/calculer/", form).status_code == 403
    page = client.get("/acces/", {"region": "76"}).content.decode()
    assert "Lancer un nouveau calcul" not in page

    analyst = make_user(email="analyst76@example.org")
    grant(analyst, "analyst", "region", "76")
    with_totp(analyst)
    client.force_login(analyst)
    assert "Lancer un nouveau calcul" in client.get("/acces/", {"region": "76"}).content.decode()
    response = client.post("/acces/regions/76/calculer/", form)
    assert response.status_code == 302 and response.url.startswith("/taches/")
    assert "100 %" in client.get(response.url).content.decode()


def test_a_bad_form_value_is_named(client, gp_counts, make_user, grant, with_totp):
    analyst = make_user(email="analyst76@example.org")
    grant(analyst, "analyst", "region", "76")
    with_totp(analyst)
    client.force_login(analyst)
    response = client.post("/acces/regions/76/calculer/",
                           {"profession": "generaliste", "method": "apl", "speed_kmh": "900"},
                           follow=True)
    page = response.content.decode()
    assert "Vitesse effective (km/h)" in page and "130" in page


def test_the_home_page_shows_each_regions_latest_gp_figures(client, run):
    page = client.get("/").content.decode()
    assert "Occitanie" in page and "zone d'intervention prioritaire" in page
    assert f"/acces/calculs/{run.pk}/" in page
