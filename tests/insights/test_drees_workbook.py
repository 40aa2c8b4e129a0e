"""DREES's APL workbook parser: the official layout, each kind of bad workbook, the real file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from maillage.insights.drees_workbook import read_drees_apl_workbook
from maillage.territories.importers import TerritoryImportError

TITLE = [
    ["Indicateur d'accessibilité potentielle localisée (APL) 2022 aux médecins généralistes"],
    [],
    ["Millésime : 2022"],
    ["Sources : Activité des médecins généralistes libéraux et salariés en centre de santé…"],
    ["Champ : Omnipraticiens libéraux…"],
    ["Lecture : …"],
    ["Note : …"],
    [],
]
HEADER = [
    ["Code commune INSEE", "Commune", "APL aux médecins généralistes",
     "APL aux médecins généralistes de moins de 65 ans",
     "Population standardisée 2020 pour la médecine générale", "Population totale 2020"],
    [None, None, "En nombre de consultations/visites accessibles par habitant standardisé",
     "En nombre de consultations/visites accessibles par habitant standardisé",
     "En nombre d'habitants standardisés", "En nombre d'habitants"],
]
COMMUNES = [
    ["48095", "Mende", 4.11, 3.612, 12287.287, 12336],
    ["48017", "Badaroux", 3.2, 2.9, 1001.5, 1050],
    ["2A004", "Ajaccio", 3.9, 3.1, 70000.0, 71361],
]
PARAMETERS = [
    ["Paramètres de l'indicateur d'APL aux médecins généralistes"], [],
    ["Champ de l'indicateur"], ["Omnipraticiens libéraux…"], [],
    ["Comptabilisation de l'activité"],
    ["Nombre de consultations… d'après les données du SNIIR-AM", "Nombre… comptabilisées"],
    ["Moins de 250", 0], ["Entre 251 et 3 600", 3600],
    ["Entre 3 601 et 6 000", "Nombre de consultations et visites effectués dans l'année"],
    ["Plus de 6 000", 6000],
    ["Exceptions : Pour les médecins libéraux n'ayant pas exercé d'activité libérale l'année "
     "précédente, une offre de 5 400 consultations ou visites est imputée ; \npour les centres "
     "de santé, les bornes d'activité ne sont pas appliquées."], [],
    ["Décroissance de l'accessibilité avec la distance"],
    ["Temps de trajet entre communes", "Accessibilité"],
    ["Moins de  10 minutes", 1], ["Entre 10 et 15 minutes", 2 / 3],
    ["Entre 15 et 20 minutes", 1 / 3], ["Plus de 20 minutes", 0], [],
    ["Pondération de la population selon l'âge"],
    ["Tranche d'âge", "Poids de la tranche d'âge en 2022", "Poids de la tranche d'âge en 2023"],
    ["Moins de 5 ans", 0.93, 1.12], ["de 5 à 9 ans", 0.59, 0.58], ["Plus de 90 ans", 2.39, 2.26],
    ["Sources : DCIR 2020 et 2021, Cnam…"],
]


def write_workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def official(tmp_path: Path, communes: list[list[Any]] | None = None,
             header: list[list[Any]] | None = None, **extra: list[list[Any]]) -> Path:
    apl = [*TITLE, *(HEADER if header is None else header),
           *(COMMUNES if communes is None else communes)]
    return write_workbook(tmp_path / "apl_generalistes_2022.xlsx",
                          {"Paramètres": PARAMETERS, "APL 2022": apl, **extra})


def test_it_reads_the_communes_of_the_official_layout(tmp_path: Path):
    workbook = read_drees_apl_workbook(official(tmp_path))

    assert (workbook.year, workbook.sheet, len(workbook.rows)) == (2022, "APL 2022", 3)
    mende = workbook.rows[0]
    assert (mende.code, mende.name, mende.apl, mende.apl_65) == ("48095", "Mende", 4.11, 3.612)
    assert (mende.standardised_population, mende.population) == (12287.287, 12336)
    assert workbook.rows[2].code == "2A004"
    assert workbook.file_name == "apl_generalistes_2022.xlsx" and len(workbook.sha256) == 64


def test_it_reads_drees_parameters(tmp_path: Path):
    parameters = read_drees_apl_workbook(official(tmp_path)).parameters

    assert parameters is not None
    assert parameters.activity_bands == (("Moins de 250", 0), ("Entre 251 et 3 600", 3600),
                                         ("Entre 3 601 et 6 000", None), ("Plus de 6 000", 6000))
    assert parameters.new_installation_activity == 5400
    assert [upper for upper, _weight in parameters.decay] == [10, 15, 20, None]
    assert [weight for _upper, weight in parameters.decay] == pytest.approx([1, 2 / 3, 1 / 3, 0])
    assert parameters.age_weights == {2022: (0.93, 0.59, 2.39), 2023: (1.12, 0.58, 2.26)}
    assert parameters.age_bands[-1] == "Plus de 90 ans"


def test_the_latest_year_is_read_unless_one_is_asked(tmp_path: Path):
    later = [*TITLE, *HEADER, ["48095", "Mende", 4.0, 3.5, 12000.0, 12300]]
    path = official(tmp_path, **{"APL 2023": later})

    assert read_drees_apl_workbook(path).year == 2023
    assert read_drees_apl_workbook(path, year=2022).rows[0].apl == 4.11


def test_a_workbook_without_parameters_still_reads(tmp_path: Path):
    path = write_workbook(tmp_path / "apl.xlsx", {"APL 2022": [*TITLE, *HEADER, *COMMUNES]})

    assert read_drees_apl_workbook(path).parameters is None


def _shifted_header() -> list[list[Any]]:
    return [[], *HEADER]


SHEET = "apl_generalistes_2022.xlsx [APL 2022]"
BAD_WORKBOOKS = [
    pytest.param(dict(header=_shifted_header()),
                 f"{SHEET}, ligne 9, champ « A » : en-tête attendu « code commune… »",
                 id="header not where expected"),
    pytest.param(dict(header=[[*HEADER[0][:2], "Accessibilité", *HEADER[0][3:]], HEADER[1]]),
                 f"{SHEET}, ligne 9, champ « C » : en-tête attendu « apl aux médecins",
                 id="unexpected column"),
    pytest.param(dict(communes=[COMMUNES[0], ["4817", "Badaroux", 3.2, 2.9, 1001.5, 1050]]),
                 f"{SHEET}, ligne 12, champ « Code commune INSEE » : code INSEE mal formé '4817'",
                 id="malformed INSEE code"),
    pytest.param(dict(communes=[[48095, "Mende", 4.11, 3.612, 12287.287, 12336]]),
                 f"{SHEET}, ligne 11, champ « Code commune INSEE » : code INSEE mal formé 48095",
                 id="code stored as a number"),
    pytest.param(dict(communes=[["48095", "Mende", "4,11", 3.612, 12287.287, 12336]]),
                 f"{SHEET}, ligne 11, champ « APL aux médecins généralistes » : nombre attendu, "
                 "lu '4,11'", id="non-numeric APL"),
    pytest.param(dict(communes=[["48095", "Mende", 4.11, None, 12287.287, 12336]]),
                 f"{SHEET}, ligne 11, champ « APL aux médecins généralistes de moins de 65 ans » "
                 ": nombre attendu, lu None", id="missing APL 65"),
    pytest.param(dict(communes=[["48095", "Mende", 4.11, 3.6, -1.0, 12336]]),
                 f"{SHEET}, ligne 11, champ « Population standardisée 2020 pour la médecine "
                 "générale » : nombre positif", id="negative population"),
    pytest.param(dict(communes=[*COMMUNES, COMMUNES[0]]),
                 f"{SHEET}, ligne 14, champ « Code commune INSEE » : commune 48095 en double",
                 id="duplicate code"),
    pytest.param(dict(communes=[["48095", "", 4.11, 3.612, 12287.287, 12336]]),
                 f"{SHEET}, ligne 11, champ « Commune » : nom de commune manquant",
                 id="missing name"),
    pytest.param(dict(communes=[]), f"{SHEET}, ligne 11 : aucune commune", id="no commune"),
]


@pytest.mark.parametrize(("change", "message"), BAD_WORKBOOKS)
def test_a_bad_workbook_is_named_with_sheet_line_and_field(tmp_path: Path, change, message):
    with pytest.raises(TerritoryImportError) as error:
        read_drees_apl_workbook(official(tmp_path, **change))

    assert str(error.value).startswith(message), str(error.value)


def test_a_missing_sheet_is_named(tmp_path: Path):
    path = write_workbook(tmp_path / "apl.xlsx", {"Paramètres": PARAMETERS})

    with pytest.raises(TerritoryImportError, match=r"apl\.xlsx, champ « APL <année> » : feuille "
                                                   r"« APL <année> » absente"):
        read_drees_apl_workbook(path)
    with pytest.raises(TerritoryImportError, match="feuille « APL 2019 » absente"):
        read_drees_apl_workbook(official(tmp_path), year=2019)


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path):
    path = tmp_path / "apl.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")

    with pytest.raises(TerritoryImportError, match=r"apl\.xlsx : classeur Excel illisible"):
        read_drees_apl_workbook(path)
    with pytest.raises(TerritoryImportError, match="fichier introuvable"):
        read_drees_apl_workbook(tmp_path / "absent.xlsx")


@pytest.mark.mirror
def test_the_mirror_workbook(real_mirror: Path):
    workbook = read_drees_apl_workbook(real_mirror / "drees-apl" / "apl_generalistes_2022.xlsx")

    assert (workbook.year, len(workbook.rows)) == (2022, 27683)  # PROVENANCE.txt (trimmed)
    mende = next(r for r in workbook.rows if r.code == "48095")
    assert mende.name == "Mende"
    assert 2.5 < mende.apl < 6 and mende.apl_65 <= mende.apl  # 4.11 and 3.612
    assert workbook.parameters is not None
    assert workbook.parameters.new_installation_activity == 5400
    assert len(workbook.parameters.age_weights[2022]) == 19
