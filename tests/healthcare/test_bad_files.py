"""Each kind of bad supply file is named (file, line, field) and leaves the database as it was."""

from __future__ import annotations

import pytest

from maillage.healthcare.importers import TerritoryImportError, import_supply
from tests.healthcare.conftest import supply_snapshot
from tests.healthcare.supply_files import (
    ACTIVITY_COMMUNE,
    ACTIVITY_GP,
    BPE_COMMUNAL_HEADER,
    BPE_COMMUNAL_ROWS,
    BPE_DETAIL_ROWS,
    RPPS_ROWS,
    SAE_ROWS,
    SIRENE_HEADER,
    SIRENE_ROWS,
    bpe_text,
    finess_geo,
    finess_structure,
    finess_text,
    rpps_line,
    rpps_text,
    sae_line,
    sae_text,
    sirene_text,
)

pytestmark = pytest.mark.django_db

SIRENE = "PS_communes_sirene_2019.csv"
SAE = "SAE_ID_2022r.csv"
RPPS = "PS_LibreAcces_Personne_activite_202611230000.txt"
FINESS = "etalab-cs1100507-stock-20261123-0336.csv"
MSP = finess_structure("480001111", "MSP DE MENDE", "48", "095", "603", "Maison de santé")


def _sirene(first_row: str) -> str:
    return sirene_text([first_row, *SIRENE_ROWS[1:]])


BAD_FILES = [
    # SIRENE counts
    pytest.param("sirene", sirene_text(header=SIRENE_HEADER.replace(";generaliste", "")),
                 f"{SIRENE}, ligne 1, champ « generaliste » : colonne manquante",
                 id="sirene missing column"),
    pytest.param("sirene", _sirene("48O95;0.0;0.0;0.0;0.0;0.0;0.0;1.0;0.0;0.0;0.0;0.0;0.0"),
                 f"{SIRENE}, ligne 2, champ « codecommuneetablissement » : code commune mal formé",
                 id="sirene malformed code"),
    pytest.param("sirene", _sirene("48095;0.0;0.0;0.0;0.0;0.0;0.0;douze;0.0;0.0;0.0;0.0;0.0"),
                 f"{SIRENE}, ligne 2, champ « generaliste » : nombre attendu, lu 'douze'",
                 id="sirene non-numeric count"),
    pytest.param("sirene", _sirene("48095;0.0;0.0;0.0;0.0;0.0;0.0;-1.0;0.0;0.0;0.0;0.0;0.0"),
                 f"{SIRENE}, ligne 2, champ « generaliste » : nombre positif et fini attendu",
                 id="sirene negative count"),
    pytest.param("sirene", _sirene("48095;0.0;0.0;0.0;0.0;0.0;0.0;nan;0.0;0.0;0.0;0.0;0.0"),
                 f"{SIRENE}, ligne 2, champ « generaliste » : nombre positif et fini attendu",
                 id="sirene NaN count"),
    pytest.param("sirene", sirene_text()[:-60],
                 f"{SIRENE}, ligne 7, champ « reeducateur_podologue » : 12 champs au lieu de 13 "
                 "(fichier tronqué",
                 id="sirene truncated"),
    pytest.param("sirene", sirene_text([*SIRENE_ROWS, SIRENE_ROWS[0]]),
                 f"{SIRENE}, ligne 9, champ « codecommuneetablissement » : commune 48095 en double",
                 id="sirene duplicate commune"),
    # SAE
    pytest.param("sae", sae_text().replace("COMINSEE", "COMMUNE"),
                 f"{SAE}, ligne 1, champ « COMINSEE » : colonne manquante",
                 id="sae missing column"),
    pytest.param("sae", sae_text([sae_line({**SAE_ROWS[0], "fi": "48078009"})]),
                 f"{SAE}, ligne 2, champ « fi » : numéro FINESS mal formé",
                 id="sae malformed FINESS"),
    pytest.param("sae", sae_text([sae_line({**SAE_ROWS[0], "COMINSEE": "480"})]),
                 f"{SAE}, ligne 2, champ « COMINSEE » : code commune mal formé",
                 id="sae malformed commune"),
    pytest.param("sae", sae_text([sae_line(SAE_ROWS[0]), sae_line(SAE_ROWS[0])]),
                 f"{SAE}, ligne 3, champ « fi » : FINESS 480780097 en double", id="sae duplicate"),
    pytest.param("sae", sae_text()[:700], f"{SAE}, ligne 4, champ « rs » : 3 champs au lieu de 70",
                 id="sae truncated"),
    # RPPS
    pytest.param("rpps", rpps_text().replace("Code commune (coord. structure)", "Commune"),
                 f"{RPPS}, ligne 1, champ « Code commune (coord. structure) » : colonne manquante",
                 id="rpps missing column"),
    pytest.param("rpps", rpps_text([rpps_line({**RPPS_ROWS[0], "Identifiant PP": "1000A"})]),
                 f"{RPPS}, ligne 2, champ « Identifiant PP » : identifiant mal formé",
                 id="rpps malformed identifier"),
    pytest.param("rpps", rpps_text([rpps_line(
        {**RPPS_ROWS[0], "Code commune (coord. structure)": "4809"})]),
                 f"{RPPS}, ligne 2, champ « Code commune (coord. structure) » : code commune mal",
                 id="rpps malformed commune"),
    pytest.param("rpps", rpps_text([rpps_line({**RPPS_ROWS[0], "Code mode exercice": "X"})]),
                 f"{RPPS}, ligne 2, champ « Code mode exercice » : mode d'exercice inconnu",
                 id="rpps unknown mode"),
    pytest.param("rpps", rpps_text([rpps_line(RPPS_ROWS[0]), rpps_line(RPPS_ROWS[1])[:40]]),
                 f"{RPPS}, ligne 3, champ « Libellé savoir-faire » : 16 champs au lieu de 52",
                 id="rpps truncated"),
    # BPE
    pytest.param("bpe", bpe_text(header="AN;NOMRS;DEPCOM;DEP;REG;DOM;SDOM;TYP;X;Y"),
                 "BPE24.csv, ligne 1, champ « TYPEQU » : colonne manquante",
                 id="bpe missing column"),
    pytest.param("bpe", bpe_text(["2024;DR A;4895;48;76;D;D2;D265;1;1"]),
                 "BPE24.csv, ligne 2, champ « DEPCOM » : code commune mal formé",
                 id="bpe malformed commune"),
    pytest.param("bpe", bpe_text(["48095;D;D2;D265;deux"], BPE_COMMUNAL_HEADER),
                 "BPE24.csv, ligne 2, champ « NB_EQUIP » : nombre attendu", id="bpe non-numeric"),
    pytest.param("bpe", bpe_text([*BPE_COMMUNAL_ROWS, BPE_COMMUNAL_ROWS[0]], BPE_COMMUNAL_HEADER),
                 "BPE24.csv, ligne 7, champ « TYPEQU » : commune 48095 et type D265 en double",
                 id="bpe duplicate"),
    pytest.param("bpe", bpe_text([*BPE_DETAIL_ROWS, "2024;DR D;48095;48"]),
                 "BPE24.csv, ligne 9, champ « REG » : 4 champs au lieu de 10", id="bpe truncated"),
    # FINESS
    pytest.param("finess", finess_text().split("\n", 1)[1],
                 f"{FINESS}, ligne 1 : en-tête « finess;etalab;… » attendu", id="finess no header"),
    pytest.param("finess", finess_text([MSP.replace("480001111", "48000111")], []),
                 f"{FINESS}, ligne 2, champ « nofinesset » : numéro FINESS mal formé",
                 id="finess malformed number"),
    pytest.param("finess", finess_text([MSP.replace(";095;", ";95;")], []),
                 f"{FINESS}, ligne 2, champ « commune » : code commune mal formé",
                 id="finess malformed commune"),
    pytest.param("finess", finess_text([MSP, MSP], []),
                 f"{FINESS}, ligne 3, champ « nofinesset » : FINESS 480001111 en double",
                 id="finess duplicate"),
    pytest.param("finess", finess_text([MSP[:60]], []),
                 f"{FINESS}, ligne 2, champ « structureet » : 8 champs au lieu de 32",
                 id="finess truncated structure"),
    pytest.param("finess", finess_text([MSP], [finess_geo("480001111", 1, 2).replace(
                 "1.0;2.0", "x;2.0")]),
                 f"{FINESS}, ligne 3, champ « coordxet » : coordonnée non numérique",
                 id="finess non-numeric coordinate"),
    # Activity
    pytest.param("activity", "code_insee;annee;consultations\n48095;2023;1\n",
                 "activite_communes.csv, ligne 1, champ « profession » : colonne manquante",
                 id="activity missing column"),
    pytest.param("activity", ACTIVITY_GP.replace("10001000002", "1000100000"),
                 "activite_communes.csv, ligne 3, champ « rpps » : identifiant RPPS mal formé",
                 id="activity malformed RPPS"),
    pytest.param("activity", ACTIVITY_COMMUNE.replace("20000", "vingt mille"),
                 "activite_communes.csv, ligne 2, champ « consultations » : nombre attendu",
                 id="activity non-numeric"),
    pytest.param("activity", ACTIVITY_COMMUNE.replace("2023;1000", "23;1000"),
                 "activite_communes.csv, ligne 3, champ « annee » : année mal formée",
                 id="activity malformed year"),
    pytest.param("activity", ACTIVITY_COMMUNE.replace("48095;generaliste", "48095;medecin"),
                 "activite_communes.csv, ligne 2, champ « profession » : profession inconnue",
                 id="activity unknown profession"),
    pytest.param("activity", ACTIVITY_GP + "10001000002,2023,100\n",
                 "activite_communes.csv, ligne 6, champ « annee » : 10001000002 generaliste 2023 "
                 "en double", id="activity duplicate"),
    pytest.param("activity", ACTIVITY_COMMUNE + "12208;infirmier",
                 "activite_communes.csv, ligne 6, champ « annee » : 2 champs au lieu de 4",
                 id="activity truncated"),
]


@pytest.mark.parametrize(("kind", "text", "message"), BAD_FILES)
def test_a_bad_file_is_named_and_leaves_the_database_as_it_was(
    geography, supply_file, kind: str, text: str, message: str
):
    import_supply(kind, path=supply_file(kind), region="76")
    before = supply_snapshot()

    with pytest.raises(TerritoryImportError) as error:
        import_supply(kind, path=supply_file(kind, text, folder="bad"), region="76")

    assert str(error.value).startswith(message), str(error.value)
    assert supply_snapshot() == before


def test_a_file_in_the_wrong_encoding_is_named(geography, supply_file, tmp_path):
    latin1 = tmp_path / "PS_LibreAcces_Personne_activite_202611230000.txt"
    latin1.write_bytes(rpps_text().encode("latin-1"))

    with pytest.raises(TerritoryImportError, match=r"activite_202611230000\.txt, ligne 1 : "
                                                   r"encodage inattendu"):
        import_supply("rpps", path=str(latin1), region="76")


def test_a_missing_file_is_named(geography, tmp_path):
    with pytest.raises(TerritoryImportError, match=r"absent\.txt : fichier introuvable"):
        import_supply("rpps", path=str(tmp_path / "absent.txt"), region="76")


def test_a_file_import_without_a_file_is_refused(geography):
    with pytest.raises(TerritoryImportError, match="un fichier est nécessaire"):
        import_supply("bpe", region="76")
