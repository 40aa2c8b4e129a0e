"""The territory importer: good files, each kind of bad file, and re-runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from maillage.territories.importers import TerritoryImportError, import_territories
from maillage.territories.models import Commune, DataSource, Departement, Epci, PostalCode, Region
from tests.mirror_factory import COMMUNES, json_lines, write_mirror


def snapshot() -> tuple:
    return (
        sorted(Region.objects.values_list("code", "name")),
        sorted(Departement.objects.values_list("code", "name")),
        sorted(Commune.objects.values_list("code", "name", "population", "latitude")),
        sorted(PostalCode.objects.values_list("code", "commune_id")),
        sorted(Epci.objects.values_list("code", "name")),
        DataSource.objects.count(),
    )


@pytest.mark.django_db
def test_it_imports_one_region_with_centres_boundaries_and_postal_codes(mini_mirror: Path):
    summary = import_territories("76", mirror=str(mini_mirror))

    assert summary.communes == 4
    assert set(Commune.objects.values_list("code", flat=True)) == {
        "48095", "48017", "48099", "12208"}
    mende = Commune.objects.get(pk="48095")
    assert (mende.name, mende.population, mende.region_id) == ("Mende", 12464, "76")
    assert (mende.latitude, mende.longitude) == (44.5, 3.5)
    assert mende.epci_id == "244800405"
    assert mende.search_name == "mende"
    assert list(mende.postal_codes.values_list("code", flat=True)) == ["48000"]
    assert mende.boundary["type"] == "Polygon"
    assert sorted(Commune.objects.get(pk="48099").postal_codes.values_list("code", flat=True)) \
        == ["48190", "48250"]


@pytest.mark.django_db
def test_a_merged_commune_is_drawn_as_the_union_of_its_former_communes(mini_mirror: Path):
    import_territories("76", mirror=str(mini_mirror))

    merged = Commune.objects.get(pk="48099")
    # Two adjacent 0.05° squares (48099 and former 48012) make one 0.1 × 0.05 rectangle.
    from shapely.geometry import shape

    geometry = shape(merged.boundary)
    assert geometry.area == pytest.approx(0.1 * 0.05, rel=1e-6)
    assert geometry.bounds == pytest.approx((3.675, 44.425, 3.775, 44.475))


@pytest.mark.django_db
def test_a_rerun_updates_rows_without_duplicating_them(mini_mirror: Path, tmp_path: Path):
    import_territories("76", mirror=str(mini_mirror))
    first = snapshot()
    import_territories("76", mirror=str(mini_mirror))
    assert snapshot() == first

    changed = [dict(c) for c in COMMUNES]
    changed[0]["population"] = 12500
    changed[0]["codesPostaux"] = ["48000", "48001"]
    other = write_mirror(tmp_path / "other", **{"communes.json": json_lines(changed)})
    import_territories("76", mirror=str(other))

    mende = Commune.objects.get(pk="48095")
    assert mende.population == 12500
    assert sorted(mende.postal_codes.values_list("code", flat=True)) == ["48000", "48001"]
    assert Commune.objects.count() == 4
    assert DataSource.objects.filter(name="COG communes").count() == 1


def _bad_communes(change) -> str:
    items = [dict(c) for c in COMMUNES]
    change(items)
    return json_lines(items)


BAD_FILES = [
    pytest.param("communes.json", _bad_communes(lambda i: i[1].update(code="48A17")),
                 "communes.json, ligne 3, champ « code » : code mal formé '48A17'",
                 id="malformed INSEE code"),
    pytest.param("communes.json", _bad_communes(lambda i: i[1].update(code="48095")),
                 "communes.json, ligne 3, champ « code » : code 48095 en double",
                 id="duplicate code"),
    pytest.param("communes.json", _bad_communes(lambda i: i[2].update(population="beaucoup")),
                 "communes.json, ligne 4, champ « population » : population non numérique",
                 id="non-numeric population"),
    pytest.param("communes.json", _bad_communes(lambda i: i[0].pop("nom")),
                 "communes.json, ligne 2, champ « nom » : valeur manquante",
                 id="missing field"),
    pytest.param("communes.json", json_lines(COMMUNES)[:400],
                 "communes.json, ligne 4 : JSON invalide ou fichier tronqué",
                 id="truncated JSON"),
    pytest.param("communes_2026_pop_latlon.csv",
                 "code_insee,nom,departement,region,zone,population,longitude\n",
                 "communes_2026_pop_latlon.csv, ligne 1, champ « latitude » : colonne manquante",
                 id="missing CSV column"),
    pytest.param("communes_2026_pop_latlon.csv",
                 "code_insee,nom,departement,region,zone,population,latitude,longitude,coord_source\n"
                 "48095,Mende,48,76,metro,1,44.5,3.5,name\n48017,Badaroux,48,76,me\n",
                 "communes_2026_pop_latlon.csv, ligne 3, champ « population » : "
                 "5 champs au lieu de 9",
                 id="truncated CSV"),
    pytest.param("communes_2026_pop_latlon.csv",
                 "code_insee,nom,departement,region,zone,population,latitude,longitude,coord_source\n"
                 "48095,Mende,48,76,metro,1,nord,3.5,name\n",
                 "communes_2026_pop_latlon.csv, ligne 2, champ « latitude » : nombre attendu",
                 id="non-numeric latitude"),
    pytest.param("communes-48-lozere.geojson", '{"type": "FeatureCollection", "features": [',
                 "communes-48-lozere.geojson, ligne 1 : GeoJSON invalide",
                 id="truncated GeoJSON"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("file_name", "text", "message"), BAD_FILES)
def test_a_bad_file_is_named_and_leaves_the_database_as_it_was(
    tmp_path: Path, mini_mirror: Path, file_name: str, text: str, message: str
):
    import_territories("76", mirror=str(mini_mirror))
    before = snapshot()
    bad = write_mirror(tmp_path / "bad", **{file_name: text})

    with pytest.raises(TerritoryImportError) as error:
        import_territories("76", mirror=str(bad))

    assert str(error.value).startswith(message)
    assert snapshot() == before


@pytest.mark.django_db
def test_an_unknown_region_is_refused(mini_mirror: Path):
    with pytest.raises(TerritoryImportError, match=r"région inconnue : 99"):
        import_territories("99", mirror=str(mini_mirror))
    assert Commune.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_file_is_named(tmp_path: Path):
    with pytest.raises(TerritoryImportError, match=r"regions\.json : fichier introuvable"):
        import_territories("76", mirror=str(tmp_path))


@pytest.mark.django_db
def test_it_records_version_checksum_and_licence_of_each_file(mini_mirror: Path):
    import_territories("76", mirror=str(mini_mirror))

    source = DataSource.objects.get(name="COG communes")
    assert len(source.sha256) == 64
    assert "COG 2026" in source.version
    assert "Licence Ouverte" in source.licence
    assert source.scope == "region:76"
    assert source.rows == 5  # current communes read in the file, all régions


@pytest.mark.mirror
@pytest.mark.django_db
def test_the_real_mirror_loads_all_of_occitanie(real_mirror: Path):
    summary = import_territories("76", mirror=str(real_mirror))

    assert summary.communes == 4446  # shared/data/territories/README.md
    assert summary.with_centre == 4446
    assert summary.with_boundary >= 4400
    assert Departement.objects.filter(communes__region_id="76").distinct().count() == 13
    assert json.dumps(Commune.objects.get(pk="31555").boundary)  # Toulouse has a shape
