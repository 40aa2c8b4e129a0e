"""What the audit of issue 4 added: every source credited with its licence, the CLI in French,
the before/after comparison with its classes, sources and CSV, an OD matrix that covers only
the région and what the user chose around it."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from maillage.insights import selectors, services
from maillage.insights.models import AccessRun, ReferenceApl

pytestmark = pytest.mark.django_db

# See test_runs.py: two BPE GPs in Mende (5,400 each), D = 12,464 + 2/3 × 1,050 = 13,164.
R = 10_800 / 13_164


def run_gp() -> AccessRun:
    return services.access_run_execute(services.access_run_create(
        actor=None, region="76", profession="generaliste"))


def test_every_source_is_credited_with_its_attribution_and_licence(gp_counts, client):
    run = run_gp()
    lines = selectors.run_provenance_lines(run)

    supply = next(line for line in lines if line.startswith("Offre : test bpe"))
    assert supply.endswith("— test ; Licence Ouverte")
    territories = [line for line in lines if line.startswith("Territoires : ")]
    assert any("Code officiel géographique" in line and "Licence Ouverte" in line
               for line in territories)
    assert all("Licence" in line for line in territories)

    page = client.get(f"/acces/calculs/{run.pk}/").content.decode()
    assert 'data-attribution="' in page and "calcul Maillage" in page
    assert "INSEE, Code officiel géographique" in page


def test_the_map_credits_the_boundaries_or_the_centres(gp_counts):
    run = run_gp()
    sources = run.provenance["territory_sources"]
    credited = selectors.map_attribution(run)
    shapes = [s for s in sources if s["name"] == "Contours des communes"]
    expected = shapes or [s for s in sources if s["name"] == "Centres des communes"]
    assert expected, sources
    assert credited.startswith(f"{expected[0]['attribution']} ({expected[0]['licence']})")
    assert "DREES" in selectors.map_attribution(run, reference=True)


def test_the_command_line_prints_the_classes_in_french(gp_counts, capsys):
    call_command("access", "run", "--region", "76")
    out = capsys.readouterr().out

    # 12,464 + 1,050 + 1,300 + 7,941 inhabitants, all under 2.5 C/an/hab.
    assert "zone d'intervention prioritaire" in out
    assert "22 755 hab." in out
    assert "priority" not in out


def test_the_comparison_names_classes_and_sources_and_exports_csv(gp_counts, client):
    before = run_gp()
    gp_counts({"48095": 2, "48099": 3})
    after = run_gp()

    page = client.get(f"/acces/comparer/?avant={before.pk}&apres={after.pk}").content.decode()
    assert "Classe avant" in page and "non sous-dotée" in page
    assert page.count("Offre : test bpe") == 2  # both runs' sources

    response = client.get(f"/acces/comparer/export.csv?avant={before.pk}&apres={after.pk}")
    rows = {r["code_insee"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert set(rows) == {"48095", "48017", "48099", "12208"}
    mont_lozere = rows["48099"]
    assert mont_lozere["classe_avant"] == "intervention_prioritaire"
    assert mont_lozere["classe_apres"] == "non_sous_dote"
    # Its 3 GPs (16,200) serve itself (1,300) and Badaroux, 15–20 min away at 45 km/h, at
    # weight 1/3 (1,050): 16,200 / 1,650 = 9.818.
    assert float(mont_lozere["avant"]) == 0.0
    assert float(mont_lozere["apres"]) == pytest.approx(16_200 / (1300 + 1 / 3 * 1050), rel=1e-6)
    assert "test bpe" in mont_lozere["sources_apres"]


def test_comparing_runs_of_two_professions_is_refused_on_the_csv_too(gp_counts, client):
    from maillage.healthcare.models import SupplyCount, SupplySource

    gp = run_gp()
    source = SupplySource.objects.create(
        kind="bpe", file_name="bpe-inf.csv", name="BPE", origin="t", version="t", licence="LO",
        attribution="INSEE", sha256="0" * 64, rows=1)
    SupplyCount.objects.create(source=source, source_kind="bpe", profession="infirmier",
                               commune_id="12208", count=10)
    nurses = services.access_run_execute(services.access_run_create(
        actor=None, region="76", profession="infirmier"))

    response = client.get(f"/acces/comparer/export.csv?avant={gp.pk}&apres={nurses.pk}")
    assert response.status_code == 302


def test_the_reference_page_shows_the_year_and_credits_drees(gp_counts, client):
    from maillage.territories.models import DataSource

    run = run_gp()
    for code, apl in {"48095": 3.0, "48017": 2.0, "48099": 1.0, "12208": 0.5}.items():
        ReferenceApl.objects.create(year=2022, commune_code=code, commune_name=code, apl=apl)
    DataSource.objects.create(
        name="APL DREES", file_name="apl_generalistes_2022.xlsx", scope="2022", origin="t",
        version="APL 2022", licence="Licence Ouverte / Etalab 2.0", sha256="0" * 64, rows=4,
        attribution="DREES, indicateur d'accessibilité potentielle localisée (APL)")

    page = client.get(f"/acces/calculs/{run.pk}/reference-drees/").content.decode()
    assert "APL DREES 2022)" in page
    assert ("Référence : DREES, indicateur d&#x27;accessibilité potentielle localisée (APL), "
            "APL 2022 (apl_generalistes_2022.xlsx) — Licence Ouverte / Etalab 2.0") in page


def test_other_professions_say_the_age_weights_are_the_gps(geography):
    from maillage.healthcare.models import SupplyCount, SupplySource

    source = SupplySource.objects.create(
        kind="bpe", file_name="bpe.csv", name="BPE", origin="t", version="t", licence="LO",
        attribution="INSEE", sha256="0" * 64, rows=1)
    SupplyCount.objects.create(source=source, source_kind="bpe", profession="infirmier",
                               commune_id="12208", count=10)
    ReferenceApl.objects.create(year=2022, commune_code="12208", commune_name="x", apl=1.0,
                                standardised_population=8000.0)
    run = services.access_run_execute(services.access_run_create(
        actor=None, region="76", profession="infirmier"))

    assert any("faute de pondérations propres à cette profession" in note
               for note in run.provenance["defaults"])


@pytest.fixture
def neighbour(geography):
    """A commune of Auvergne-Rhône-Alpes 13 km north of Mende (the région's halo)."""
    from maillage.territories.models import Commune, Departement, Region

    region, _ = Region.objects.get_or_create(code="84", defaults={"name": "Auvergne-Rhône-Alpes"})
    departement, _ = Departement.objects.get_or_create(
        code="43", defaults={"name": "Haute-Loire", "region": region})
    return Commune.objects.create(code="43999", name="Voisine", departement=departement,
                                  region=region, population=900, latitude=44.62, longitude=3.50)


def test_an_od_matrix_of_the_region_alone_leaves_the_neighbours_out(gp_counts, neighbour,
                                                                   tmp_path, settings):
    gp_counts({"48095": 2, neighbour.code: 4})
    matrix = tmp_path / "od.csv"
    matrix.write_text("origin,destination,minutes\n48095,48095,0\n48017,48095,12\n"
                      "48099,48095,18\n12208,48095,95\n")
    settings.MAILLAGE_TRAVEL_TIMES = f"od:{matrix}"
    run = run_gp()

    # As in test_runs.py's OD test: the neighbour's GPs and population do not count.
    denominator = 12464 + 2 / 3 * 1050 + 1 / 3 * 1300
    values = dict(run.results.values_list("commune_id", "accessibility"))
    assert values["48095"] == pytest.approx(10_800 / denominator, rel=1e-9)
    assert run.summary["halo_communes"] == 0
    assert any("1 communes voisines" in note for note in run.provenance["defaults"])


def test_an_od_matrix_must_hold_every_commune_of_the_region(gp_counts, tmp_path, settings):
    from maillage.engines.access import AccessInputError

    matrix = tmp_path / "od.csv"
    matrix.write_text("origin,destination,minutes\n48095,48095,0\n48017,48095,12\n"
                      "48099,48095,18\n")
    settings.MAILLAGE_TRAVEL_TIMES = f"od:{matrix}"
    with pytest.raises(AccessInputError, match="12208"):
        run_gp()
    assert not AccessRun.objects.get().results.exists()


def test_the_command_line_compares_two_runs(gp_counts, capsys):
    before = run_gp()
    gp_counts({"48095": 2, "48099": 3})
    after = run_gp()
    call_command("access", "compare", "--before", str(before.pk), "--after", str(after.pk))
    out = capsys.readouterr().out

    # Mont Lozère (1,300) and Badaroux (1,050) leave the priority zone; nobody enters it.
    assert "Habitants sortis de la zone prioritaire : 2 350" in out
    assert "Habitants entrés en zone prioritaire : 0" in out
    assert "48099" in out.splitlines()[3]  # largest change first
    assert "zone d'intervention prioritaire → non sous-dotée" in out


def test_the_table_and_its_csv_narrow_to_one_departement(gp_counts, client):
    run = run_gp()

    page = client.get("/acces/", {"region": "76", "departement": "48"}).content.decode()
    assert "Mende" in page and "Saint-Affrique" not in page.split('id="access-table"')[1]
    assert "tri=nom" in page and "departement=48" in page.split('id="access-table"')[1]
    whole = client.get("/acces/", {"region": "76"}).content.decode()
    assert "Saint-Affrique" in whole.split('id="access-table"')[1]

    response = client.get(f"/acces/calculs/{run.pk}/export.csv", {"departement": "48"})
    codes = {r["code_insee"] for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert codes == {"48095", "48017", "48099"}
