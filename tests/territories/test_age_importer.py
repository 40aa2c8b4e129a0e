"""The population-by-age importer: both INSEE formats, each bad file, re-runs, merged communes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command

from maillage.territories.importers import TerritoryImportError
from maillage.territories.importers_age import import_population_ages
from maillage.territories.models import AGE_BANDS, Commune, DataSource, Departement, Region

CENSUS_HEADER = "NIVGEO;CODGEO;LIBGEO;SEXE;AGED100;NB"
# (code, name, sex, age, count) as in INSEE's TD_POP1B: weighted counts with decimals.
CENSUS_ROWS = [
    ("48095", "Mende", "1", "000", "10.4"),
    ("48095", "Mende", "2", "003", "3.3"),  # 0-4: 13.7 → 14
    ("48095", "Mende", "1", "040", "50"),
    ("48095", "Mende", "1", "077", "20.25"),
    ("48095", "Mende", "2", "077", "20.25"),  # 75-79: 40.5 → 41 (halves up)
    ("48095", "Mende", "1", "092", "1.5"),
    ("48095", "Mende", "2", "100", "2"),  # 90+: 3.5 → 4
    ("48017", "Badaroux", "1", "030", "100"),
    ("48099", "Mont Lozère et Goulet", "1", "080", "5"),
    # Bagnols-les-Bains, merged into Mont Lozère et Goulet (48099) since the file's geography.
    ("48012", "Bagnols-les-Bains", "2", "080", "7"),
    ("48012", "Bagnols-les-Bains", "1", "010", "3"),
    ("12208", "Saint-Affrique", "2", "055", "8"),
    ("01001", "L'Abergement-Clémenciat", "1", "020", "9"),  # another région
    ("75101", "Paris 1er Arrondissement", "1", "020", "9"),  # Paris is not loaded
]


def census_text(rows=CENSUS_ROWS, header: str = CENSUS_HEADER) -> str:
    lines = [header]
    for code, name, sex, age, count in rows:
        level = "ARM" if code.startswith(("751", "6938", "132")) else "COM"
        lines.append(f"{level};{code};{name};{sex};{age};{count}")
    return "\n".join(lines) + "\n"


def write_census(tmp_path: Path, text: str | None = None, name: str = "TD_POP1B_2022.csv",
                 encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes((census_text() if text is None else text).encode(encoding))
    return path


def series_header(year: int) -> list[str]:
    ages = [f"ageq_rec{band:02d}s{sex}rpop{year}" for band in range(1, 21) for sex in (1, 2)]
    return ["RR", "DR", "CR", "STABLE", "DR24", "LIBELLE", *ages]


def series_row(department: str, commune: object, name: str, counts: dict[tuple[int, int], float],
               region: str = "76") -> list[object]:
    cells: list[object] = [region, department, commune, "1", department, name]
    cells += [counts.get((band, sex), 0.0) for band in range(1, 21) for sex in (1, 2)]
    return cells


SERIES_2022 = [
    # Band numbers are INSEE's: 1 = 0-4 … 16 = 75-79, 19 = 90-94, 20 = 95+.
    ("48", "095", "Mende", {(1, 1): 6.2, (1, 2): 7.4, (16, 1): 30.0, (19, 2): 2.4, (20, 2): 1.3}),
    ("48", "017", "Badaroux", {(7, 1): 100.0}),
    ("48", "099", "Mont Lozère et Goulet", {(17, 1): 5.0}),
    ("48", "012", "Bagnols-les-Bains", {(17, 2): 7.0}),
    ("12", 208, "Saint-Affrique", {(12, 2): 8.0}),  # CR stored as a number by Excel
    ("01", "001", "L'Abergement-Clémenciat", {(5, 1): 9.0}),
]


def write_series(tmp_path: Path, rows: list | None = None, *, header: list[str] | None = None,
                 name: str = "pop-sexe-age-quinquennal6822.xlsx") -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for year, sheet_rows in ((2016, [("48", "095", "Mende", {(1, 1): 1.0})]),
                             (2022, SERIES_2022 if rows is None else rows)):
        sheet = workbook.create_sheet(f"COM_{year}")
        sheet.append([f"Population par sexe et âge quinquennal en {year}"])
        for _ in range(12):  # the title and notes block above the header row
            sheet.append([])
        sheet.append(series_header(year) if header is None or year != 2022 else header)
        for row in sheet_rows:
            sheet.append(row if isinstance(row, list) else series_row(*row))
    path = tmp_path / name
    workbook.save(path)
    return path


def snapshot() -> tuple:
    return (
        sorted((c, str(b)) for c, b in Commune.objects.values_list("code", "population_by_age")),
        sorted(DataSource.objects.filter(name="INSEE population par âge")
               .values_list("file_name", "version", "sha256", "rows")),
    )


def bands(code: str) -> dict[str, int]:
    return Commune.objects.get(pk=code).population_by_age


def test_the_bands_are_insee_s_nineteen_five_year_bands():
    assert AGE_BANDS[0] == "0-4" and AGE_BANDS[-1] == "90+" and len(AGE_BANDS) == 19


@pytest.mark.django_db
def test_it_imports_the_census_table_into_nineteen_bands_rounded_at_the_end(
    geography, tmp_path: Path
):
    summary = import_population_ages(write_census(tmp_path), region="76")

    mende = bands("48095")
    assert set(mende) == set(AGE_BANDS)  # jsonb (PostgreSQL) does not keep key order
    assert (mende["0-4"], mende["40-44"], mende["75-79"], mende["90+"]) == (14, 50, 41, 4)
    assert sum(mende.values()) == 109
    assert bands("48017")["30-34"] == 100
    assert bands("12208")["55-59"] == 8
    assert (summary.file_format, summary.year, summary.rows) == ("TD_POP1B", "2022", 14)
    assert (summary.communes, summary.missing, summary.scope) == (4, 0, "region:76")
    # 01001 is in another région, 75101's commune is not loaded.
    assert summary.skipped_codes == 2


@pytest.mark.django_db
def test_a_former_commune_is_summed_into_its_commune_nouvelle(geography, tmp_path: Path):
    summary = import_population_ages(write_census(tmp_path), region="76")

    merged = bands("48099")
    assert merged["80-84"] == 12  # 5 in 48099 itself + 7 in former 48012
    assert merged["10-14"] == 3
    assert summary.merged_codes == 1


@pytest.mark.django_db
def test_share_75_plus_works_once_the_bands_are_loaded(geography, tmp_path: Path):
    assert Commune.objects.get(pk="48095").share_75_plus is None

    import_population_ages(write_census(tmp_path), region="76")

    assert Commune.objects.get(pk="48095").share_75_plus == pytest.approx((41 + 4) / 109)
    assert Commune.objects.get(pk="48099").share_75_plus == pytest.approx(12 / 15)
    assert Commune.objects.get(pk="48017").share_75_plus == 0


@pytest.mark.django_db
def test_it_records_the_source_with_year_licence_and_checksum(geography, tmp_path: Path):
    path = write_census(tmp_path)
    import_population_ages(path, region="76")

    source = DataSource.objects.get(name="INSEE population par âge")
    assert (source.file_name, source.version, source.scope) == (
        "TD_POP1B_2022.csv", "2022", "region:76")
    assert source.licence == "Licence Ouverte / Etalab 2.0"
    assert source.attribution == "INSEE, recensement de la population"
    assert len(source.sha256) == 64 and source.rows == 14
    assert source.origin == str(path)


@pytest.mark.django_db
def test_a_rerun_is_idempotent_and_a_new_file_updates_the_bands(geography, tmp_path: Path):
    path = write_census(tmp_path)
    import_population_ages(path, region="76")
    first = snapshot()
    import_population_ages(path, region="76")
    assert snapshot() == first

    changed = [r if r[:4] != ("48017", "Badaroux", "1", "030") else (*r[:4], "120.6")
               for r in CENSUS_ROWS]
    import_population_ages(write_census(tmp_path, census_text(changed)), region="76")
    assert bands("48017")["30-34"] == 121
    assert DataSource.objects.filter(name="INSEE population par âge").count() == 1


@pytest.mark.django_db
def test_it_reads_insee_s_zip_archive_and_windows_1252_text(geography, tmp_path: Path):
    archive = tmp_path / "TD_POP1B_2021_csv.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("TD_POP1B_2021.csv", census_text().encode("cp1252"))

    summary = import_population_ages(archive, region="76")

    assert (summary.year, summary.communes) == ("2021", 4)
    assert bands("48095")["75-79"] == 41
    assert DataSource.objects.get(name="INSEE population par âge").file_name == "TD_POP1B_2021.csv"


@pytest.mark.django_db
def test_a_truncated_archive_is_refused(geography, tmp_path: Path):
    archive = tmp_path / "TD_POP1B_2021_csv.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("TD_POP1B_2021.csv", census_text())
    archive.write_bytes(archive.read_bytes()[:300])

    with pytest.raises(TerritoryImportError, match=r"^TD_POP1B_2021_csv\.zip : archive zip "
                                                   r"illisible \(fichier tronqué"):
        import_population_ages(archive, region="76")


@pytest.mark.django_db
def test_a_census_file_without_a_year_in_its_name_needs_one(geography, tmp_path: Path):
    path = write_census(tmp_path, name="population.csv")
    with pytest.raises(TerritoryImportError, match=r"année du recensement inconnue"):
        import_population_ages(path, region="76")

    assert import_population_ages(path, region="76", year=2020).year == "2020"


def _paris() -> None:
    region = Region.objects.create(code="11", name="Île-de-France")
    departement = Departement.objects.create(code="75", name="Paris", region=region)
    Commune.objects.create(code="75056", name="Paris", search_name="paris",
                           departement=departement, region=region)


@pytest.mark.django_db
def test_arrondissements_are_summed_into_their_commune_once(geography, tmp_path: Path):
    _paris()
    rows = [("75101", "Paris 1er", "1", "020", "9.4"), ("75102", "Paris 2e", "2", "021", "3.4")]
    summary = import_population_ages(write_census(tmp_path, census_text(rows)))
    assert bands("75056")["20-24"] == 13
    assert summary.arrondissements == 2

    # When the file also gives the commune, its arrondissements are not counted twice.
    rows.append(("75056", "Paris", "1", "020", "12.8"))
    summary = import_population_ages(write_census(tmp_path, census_text(rows)))
    assert bands("75056")["20-24"] == 13
    assert summary.arrondissements == 0


@pytest.mark.django_db
def test_it_imports_the_historical_series_workbook_latest_census(geography, tmp_path: Path):
    summary = import_population_ages(write_series(tmp_path), region="76")

    mende = bands("48095")
    assert set(mende) == set(AGE_BANDS)  # jsonb (PostgreSQL) does not keep key order
    assert (mende["0-4"], mende["75-79"], mende["90+"]) == (14, 30, 4)  # 13.6; 2.4 + 1.3
    assert bands("48099")["80-84"] == 12  # with former commune 48012
    assert bands("12208")["55-59"] == 8
    assert (summary.file_format, summary.year) == ("pop-sexe-age-quinquennal", "2022")
    assert (summary.communes, summary.merged_codes, summary.skipped_codes) == (4, 1, 1)
    source = DataSource.objects.get(name="INSEE population par âge")
    assert (source.version, source.rows) == ("2022", 6)


@pytest.mark.django_db
def test_a_given_year_picks_that_census_sheet(geography, tmp_path: Path):
    summary = import_population_ages(write_series(tmp_path), region="76", year=2016)

    assert summary.year == "2016"
    assert bands("48095")["0-4"] == 1
    with pytest.raises(TerritoryImportError, match=r"feuille « COM_1999 » absente"):
        import_population_ages(write_series(tmp_path), region="76", year=1999)


@pytest.mark.django_db
def test_the_workbook_is_read_inside_insee_s_zip(geography, tmp_path: Path):
    workbook = write_series(tmp_path)
    archive = tmp_path / "pop-sexe-age-quinquennal6822.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(workbook, workbook.name)

    assert import_population_ages(archive, region="76").communes == 4


def _census_rows_with(index: int, **change: str) -> str:
    rows = [list(r) for r in CENSUS_ROWS]
    names = ("code", "name", "sex", "age", "count")
    for key, value in change.items():
        rows[index][names.index(key)] = value
    return census_text([tuple(r) for r in rows])


CENSUS_BAD = [
    pytest.param(_census_rows_with(1, code="48A95"),
                 "TD_POP1B_2022.csv, ligne 3, champ « CODGEO » : code mal formé '48A95'",
                 id="malformed code"),
    pytest.param(_census_rows_with(2, count="beaucoup"),
                 "TD_POP1B_2022.csv, ligne 4, champ « NB » : effectif non numérique",
                 id="non-numeric count"),
    pytest.param(_census_rows_with(3, count="-2.5"),
                 "TD_POP1B_2022.csv, ligne 5, champ « NB » : effectif négatif",
                 id="negative count"),
    pytest.param(_census_rows_with(4, age="101"),
                 "TD_POP1B_2022.csv, ligne 6, champ « AGED100 » : âge attendu de 0 à 100",
                 id="age out of range"),
    pytest.param(_census_rows_with(4, sex="3"),
                 "TD_POP1B_2022.csv, ligne 6, champ « SEXE » : sexe inconnu",
                 id="unknown sex"),
    pytest.param(census_text(header="NIVGEO;CODGEO;LIBGEO;SEXE;AGED100"),
                 "TD_POP1B_2022.csv, ligne 1, champ « NB » : colonne manquante",
                 id="missing column"),
    pytest.param(census_text()[:census_text().index("48017") + 12],  # "COM;48017;Bada"
                 "TD_POP1B_2022.csv, ligne 9, champ « SEXE » : 3 champs au lieu de 6",
                 id="truncated file"),
    pytest.param(census_text([*CENSUS_ROWS, ("48095", "Mende", "1", "077", "1")]),
                 "TD_POP1B_2022.csv, ligne 16, champ « CODGEO, SEXE, AGED100 » : "
                 "ligne en double pour 48095, sexe 1, âge 077",
                 id="duplicate row"),
    pytest.param("", "TD_POP1B_2022.csv, ligne 1 : fichier vide", id="empty file"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "message"), CENSUS_BAD)
def test_a_bad_census_file_is_named_and_nothing_is_written(
    geography, tmp_path: Path, text: str, message: str
):
    import_population_ages(write_census(tmp_path, name="TD_POP1B_2021.csv"), region="76")
    before = snapshot()

    with pytest.raises(TerritoryImportError) as error:
        import_population_ages(write_census(tmp_path, text), region="76")

    assert str(error.value).startswith(message)
    assert snapshot() == before


def _series_rows_with(index: int, band: int, sex: int, value: object) -> list:
    rows = [series_row(*r) for r in SERIES_2022]
    rows[index][6 + (band - 1) * 2 + (sex - 1)] = value
    return rows


SHEET = "pop-sexe-age-quinquennal6822.xlsx [COM_2022]"
SERIES_BAD = [
    pytest.param({"rows": [*_series_rows_with(0, 1, 1, 1.0), series_row(*SERIES_2022[0])]},
                 f"{SHEET}, ligne 21, champ « CR » : commune 48095 en double (déjà ligne 15)",
                 id="duplicate commune"),
    pytest.param({"rows": _series_rows_with(1, 7, 1, "n.d.")},
                 f"{SHEET}, ligne 16, champ « ageq_rec07s1rpop2022 » : effectif non numérique",
                 id="non-numeric count"),
    pytest.param({"rows": _series_rows_with(1, 7, 2, -4.0)},
                 f"{SHEET}, ligne 16, champ « ageq_rec07s2rpop2022 » : effectif négatif",
                 id="negative count"),
    pytest.param({"rows": _series_rows_with(2, 20, 2, None)},
                 f"{SHEET}, ligne 17, champ « ageq_rec20s2rpop2022 » : effectif manquant",
                 id="missing count"),
    pytest.param({"rows": [series_row("48", "95A", "Mende", {})]},
                 f"{SHEET}, ligne 15, champ « CR » : code mal formé '4895A'",
                 id="malformed code"),
    pytest.param({"header": series_header(2022)[:-1]},
                 f"{SHEET}, ligne 14, champ « ageq_rec20s2rpop2022 » : colonne manquante",
                 id="missing column"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("options", "message"), SERIES_BAD)
def test_a_bad_workbook_is_named_and_nothing_is_written(
    geography, tmp_path: Path, options: dict, message: str
):
    import_population_ages(write_census(tmp_path), region="76")
    before = snapshot()

    with pytest.raises(TerritoryImportError) as error:
        import_population_ages(write_series(tmp_path, **options), region="76")

    assert str(error.value).startswith(message)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_truncated_workbook_is_refused(geography, tmp_path: Path):
    path = write_series(tmp_path)
    path.write_bytes(path.read_bytes()[:3000])

    with pytest.raises(TerritoryImportError, match=r"^pop-sexe-age-quinquennal6822\.xlsx"):
        import_population_ages(path, region="76")
    assert bands("48095") is None


@pytest.mark.django_db
def test_an_unknown_region_or_missing_file_is_refused(geography, tmp_path: Path):
    with pytest.raises(TerritoryImportError, match=r"région inconnue : 99"):
        import_population_ages(write_census(tmp_path), region="99")
    with pytest.raises(TerritoryImportError, match=r"fichier introuvable"):
        import_population_ages(tmp_path / "absent.csv")


@pytest.mark.django_db
def test_the_command_prints_a_summary(geography, tmp_path: Path):
    out = io.StringIO()
    call_command("import_population_ages", "--file", str(write_census(tmp_path)),
                 "--region", "76", verbosity=0, stdout=out)

    assert "4 communes mises à jour (TD_POP1B 2022, 14 lignes lues)" in out.getvalue()
    assert "1 anciens codes" in out.getvalue()
    assert "2 codes hors périmètre ignorés" in out.getvalue()
    assert bands("48095")["90+"] == 4


@pytest.mark.django_db
def test_the_command_reports_a_bad_file_as_an_error(geography, tmp_path: Path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"ligne 3, champ « CODGEO »"):
        call_command("import_population_ages", "--file",
                     str(write_census(tmp_path, _census_rows_with(1, code="4809"))),
                     verbosity=0, stdout=io.StringIO())
