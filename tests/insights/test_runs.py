"""Access runs over the four test communes, with values worked out by hand."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.insights import selectors, services
from maillage.insights.inputs import AccessDataMissing
from maillage.insights.models import AccessRun, CommuneAccess

pytestmark = pytest.mark.django_db

# Mende (44.5 N, 3.5 E) → Badaroux (44.5 N, 3.6 E): 7.94 km great-circle × 1.3 ÷ 60 km/h
# = 10.3 min → DREES weight 2/3. Mont Lozère et Goulet is 21.9 min from Mende (weight 0) and
# Saint-Affrique is far. Two BPE GPs in Mende count 5,400 consultations each:
# D = 12,464 + 2/3 × 1,050 = 13,164;  R = 10,800 / 13,164
R = 10_800 / 13_164


def run_gp(**kwargs) -> AccessRun:
    run = services.access_run_create(actor=None, region="76", profession="generaliste",
                                     **kwargs)
    return services.access_run_execute(run)


def test_apl_per_commune_matches_the_hand_computation(gp_counts):
    run = run_gp()

    values = dict(run.results.values_list("commune_id", "accessibility"))
    assert values["48095"] == pytest.approx(R, rel=1e-9)
    assert values["48017"] == pytest.approx(2 / 3 * R, rel=1e-9)
    assert values["48099"] == 0.0
    assert values["12208"] == 0.0
    assert run.state == AccessRun.State.SUCCEEDED
    assert run.summary["communes"] == 4


def test_every_commune_is_under_served_and_the_population_is_counted(gp_counts):
    run = run_gp()

    assert set(run.results.values_list("desert_class", flat=True)) == {0}  # all APL < 2.5
    assert run.summary["population_by_class"]["priority"] == 12464 + 1050 + 1300 + 7941
    mende = run.results.get(commune_id="48095")
    assert mende.nearest_km == 0.0
    assert run.results.get(commune_id="48017").nearest_km == pytest.approx(7.94, abs=0.01)


def test_the_results_say_what_they_rest_on(gp_counts):
    gp_counts({"48095": 2}, kind="sirene_counts", stand_in=True)
    from maillage.healthcare.models import SupplyCount

    SupplyCount.objects.filter(source_kind="bpe").delete()
    run = run_gp()

    lines = selectors.run_provenance_lines(run)
    assert any("test sirene_counts" in line and "substitut" in line for line in lines)
    assert any("établissement SIRENE" in line for line in lines)
    assert any("population non standardisée" in line for line in lines)


def test_a_failed_run_says_why_and_keeps_the_previous_results(gp_counts):
    good = run_gp()
    from maillage.healthcare.models import SupplyCount

    SupplyCount.objects.all().delete()
    with pytest.raises(AccessDataMissing, match="Aucune offre chargée"):
        run_gp()

    failed = AccessRun.objects.exclude(pk=good.pk).get()
    assert failed.state == AccessRun.State.FAILED
    assert "Aucune offre chargée" in failed.error
    assert not failed.results.exists()
    assert selectors.latest_run("76", "generaliste") == good
    assert CommuneAccess.objects.filter(run=good).count() == 4


@pytest.mark.parametrize(
    ("region", "profession", "method", "message"),
    [("99", "generaliste", "apl", "Région inconnue"),
     ("76", "astrologue", "apl", "Profession inconnue"),
     ("76", "generaliste", "magic", "Méthode inconnue")],
)
def test_bad_parameters_are_named_and_nothing_is_stored(geography, region, profession, method,
                                                        message):
    with pytest.raises(ValidationError, match=message):
        services.access_run_create(actor=None, region=region, profession=profession,
                                   method=method)
    assert not AccessRun.objects.exists()


def test_only_analysts_of_the_region_launch_a_run(gp_counts, make_user, grant):
    outsider = make_user(email="analyst84@example.org")
    grant(outsider, "analyst", "region", "84")
    with pytest.raises(PermissionDenied):
        services.access_run_start(actor=outsider, region="76", profession="generaliste")

    analyst = make_user(email="analyst76@example.org")
    grant(analyst, "analyst", "region", "76")
    run = services.access_run_start(actor=analyst, region="76", profession="generaliste")
    assert run.state == AccessRun.State.SUCCEEDED  # tasks run in-process in the tests
    assert run.progress.state == "succeeded"


def test_comparing_two_runs_shows_the_effect_of_new_supply(gp_counts):
    before = run_gp()
    gp_counts({"48095": 2, "48099": 3})
    after = run_gp()

    comparison = selectors.runs_compare(before, after)
    rows = {r.code: r for r in comparison.rows}
    assert rows["48099"].delta > 0
    assert rows["12208"].delta == 0
    assert comparison.rows[0].code == "48099"  # largest change first
    # Mont Lozère et Goulet (1,300) and Badaroux (1,050, 12 min from it) rise above 2.5.
    assert comparison.population_lifted_out_of_priority == 1300 + 1050
    assert comparison.population_fallen_into_priority == 0


def test_other_professions_are_per_100000_with_relative_classes(geography):
    from maillage.healthcare.models import SupplyCount, SupplySource

    source = SupplySource.objects.create(
        kind="bpe", file_name="bpe.csv", name="BPE", origin="t", version="t", licence="LO",
        attribution="INSEE", sha256="0" * 64, rows=1)
    SupplyCount.objects.create(source=source, source_kind="bpe", profession="infirmier",
                               commune_id="12208", count=10)
    run = services.access_run_execute(services.access_run_create(
        actor=None, region="76", profession="infirmier"))

    st_affrique = run.results.get(commune_id="12208")
    assert st_affrique.accessibility == pytest.approx(10 / 7941 * 100_000, rel=1e-9)
    assert run.unit == "ETP pour 100 000 hab."
    assert run.summary["thresholds"]["priority"] == pytest.approx(0.5 * run.summary["mean"])


def test_an_od_matrix_file_replaces_the_great_circle_model(gp_counts, tmp_path, settings):
    matrix = tmp_path / "od.csv"
    # Badaroux 12 min from Mende (weight 2/3), Mont Lozère 18 min (weight 1/3).
    matrix.write_text("origin,destination,minutes\n48095,48095,0\n48017,48095,12\n"
                      "48099,48095,18\n12208,48095,95\n")
    settings.MAILLAGE_TRAVEL_TIMES = f"od:{matrix}"
    run = run_gp()

    denominator = 12464 + 2 / 3 * 1050 + 1 / 3 * 1300
    values = dict(run.results.values_list("commune_id", "accessibility"))
    assert values["48099"] == pytest.approx(1 / 3 * 10_800 / denominator, rel=1e-9)
    assert any("od.csv" in line for line in selectors.run_provenance_lines(run))


def test_a_bad_od_matrix_fails_the_run_with_its_line_and_stores_nothing(gp_counts, tmp_path,
                                                                       settings):
    from maillage.engines.access import AccessInputError

    matrix = tmp_path / "od.csv"
    matrix.write_text("origin,destination,minutes\n48095,48095,0\n48017,99999,12\n"
                      "48099,48095,-3\n")
    settings.MAILLAGE_TRAVEL_TIMES = f"od:{matrix}"
    with pytest.raises(AccessInputError, match=r"od\.csv") as error:
        run_gp()
    assert "99999" in str(error.value) or "-3" in str(error.value)
    run = AccessRun.objects.get()
    assert run.state == AccessRun.State.FAILED and not run.results.exists()


def test_a_bad_od_matrix_is_explained_in_french(gp_counts, tmp_path, settings):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    matrix = tmp_path / "od.csv"
    matrix.write_text("origin,destination,minutes\n48095,48095,0\n48017,48095,-3\n"
                      "48099,48095,-4\n")
    settings.MAILLAGE_TRAVEL_TIMES = f"od:{matrix}"
    with pytest.raises(CommandError) as error:
        call_command("access", "run", "--region", "76", "--profession", "generaliste",
                     verbosity=0)
    expected = (f"fichier {matrix}, ligne 3, champ minutes : temps de trajet négatif : -3.0 "
                "(2 ligne(s) en tout)")
    assert str(error.value) == expected
    assert AccessRun.objects.get().error == expected


def test_an_od_matrix_without_the_regions_communes_names_them_in_french(gp_counts, tmp_path,
                                                                         settings):
    matrix = tmp_path / "od.csv"
    matrix.write_text("origin,destination,minutes\n48095,48095,0\n")
    settings.MAILLAGE_TRAVEL_TIMES = f"od:{matrix}"
    from maillage.engines.access import AccessInputError

    with pytest.raises(AccessInputError):
        run_gp()
    assert AccessRun.objects.get().error == (
        f"fichier {matrix}, champ origin : 3 commune(s) absente(s) de la matrice "
        "origine–destination (origine) : 12208, 48017, 48099")
