"""Small supply files in the official formats, written by the tests.

They name the four test communes of tests/mirror_factory.py (Occitanie): Mende 48095,
Badaroux 48017, Mont Lozère et Goulet 48099 (with its former commune Bagnols-les-Bains 48012)
and Saint-Affrique 12208, plus communes outside the loaded territory (01001 in Ain, Paris).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# --- SIRENE establishment counts (mirror: health-supply/sirene-2019) -------------------------
SIRENE_HEADER = ("codecommuneetablissement;ambulance;analyse_medicale;autre;autre_specialiste;"
                 "chirurgien;dentiste;generaliste;hopital;infirmiers;organe;radiologiste;"
                 "reeducateur_podologue")
SIRENE_ROWS = [
    "48095;1.0;1.0;2.0;3.0;1.0;4.0;12.0;1.0;10.0;0.0;1.0;8.0",
    "48017;0.0;0.0;0.0;0.0;0.0;0.0;1.0;0.0;2.0;0.0;0.0;1.0",
    # 2019 geography: Bagnols-les-Bains (48012) is now part of Mont Lozère et Goulet (48099).
    "48012;0.0;0.0;0.0;0.0;0.0;0.0;2.0;0.0;1.0;0.0;0.0;0.0",
    "48099;0.0;0.0;0.0;0.0;0.0;1.0;1.0;0.0;1.0;0.0;0.0;0.0",
    "12208;0.0;0.0;1.0;2.0;0.0;3.0;9.0;1.0;8.0;0.0;1.0;5.0",
    "01001;0.0;0.0;0.0;0.0;0.0;0.0;1.0;0.0;0.0;0.0;0.0;1.0",
    "75108;0.0;0.0;0.0;5.0;0.0;2.0;7.0;0.0;3.0;0.0;0.0;2.0",
]


def sirene_text(rows: list[str] | None = None, header: str = SIRENE_HEADER) -> str:
    return "\n".join([header, *(SIRENE_ROWS if rows is None else rows)]) + "\n"


def write_sirene(mirror: Path, text: str | None = None) -> Path:
    folder = mirror / "health-supply" / "sirene-2019"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "PS_communes_sirene_2019.csv").write_text(text or sirene_text(), encoding="utf-8")
    return mirror


# --- DREES SAE, table ID (mirror: health-supply/sae-2022), ISO-8859-1 -------------------------
SAE_HEADER = (
    "bor;an;fi;rs;rscom;fi_ej;grp;stj;stjr;cat;catr;espic;mft;ccr;nat;sir;reg;dep;reg_diff;"
    "dep_diff;COMINSEE;NOMCOM;ARMT;CHLEJ0;FIPRE;ETAT_SAISIE;FINRAT;VAGUE;PROVENANCE;NUMVOI;"
    "TYPVOI;NOMVOI;BP;CPO;LIBCOM;COMPD;FILIALE0;SIRTET;RSTET;FIAUT1;RSAUT1;FIAUT2;RSAUT2;FIAUT3;"
    "RSAUT3;FIAUT4;RSAUT4;FIAUT5;RSAUT5;FIAUT6;RSAUT6;FIAUT7;RSAUT7;DADS_C1;DADS_C2;DADS_C3;"
    "DADS_C4;DADS_D1;MODEJ;TYPMD1;TYPMD2;TYPMD3;FIFU1;FIFU2;FIFU3;SCFU1;SCFU2;SCFU3;VAL;RESPREG"
)
SAE_COLUMNS = SAE_HEADER.split(";")
SAE_ROWS: list[dict[str, str]] = [
    {"fi": "480780097", "fi_ej": "480780097", "rs": "CH LOZÈRE MENDE", "cat": "355",
     "COMINSEE": "48095", "reg": "76", "dep": "48"},
    {"fi": "480000123", "fi_ej": "480780097", "rs": "SSR DE BADAROUX", "cat": "109",
     "COMINSEE": "48017", "reg": "76", "dep": "48"},
    {"fi": "120780044", "fi_ej": "120780044", "rs": "CH ÉMILE BOREL", "cat": "106",
     "COMINSEE": "12208", "reg": "76", "dep": "12"},
    {"fi": "010000024", "fi_ej": "010780054", "rs": "CH DE FLEYRIAT", "cat": "355",
     "COMINSEE": "01451", "reg": "84", "dep": "01"},
    {"fi": "970100011", "fi_ej": "970100003", "rs": "CHU DE POINTE-A-PITRE", "cat": "101",
     "COMINSEE": "9A120", "reg": "01", "dep": "9A"},
]


def sae_line(values: dict[str, str]) -> str:
    row = {"bor": "ID", "an": "2022", **values}
    return ";".join(row.get(c, "") for c in SAE_COLUMNS)


def sae_text(rows: list[str] | None = None) -> str:
    lines = [sae_line(r) for r in SAE_ROWS] if rows is None else rows
    return "\r\n".join([";".join(SAE_COLUMNS), *lines]) + "\r\n"


def write_sae(mirror: Path, text: str | None = None) -> Path:
    folder = mirror / "health-supply" / "sae-2022"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "SAE_ID_2022r.csv").write_bytes((text or sae_text()).encode("iso-8859-1"))
    return mirror


# --- Annuaire Santé extract: PS_LibreAcces_Personne_activite (UTF-8, '|', trailing '|') ------
RPPS_HEADER = (
    "Type d'identifiant PP|Identifiant PP|Identification nationale PP|Code civilité d'exercice|"
    "Libellé civilité d'exercice|Code civilité|Libellé civilité|Nom d'exercice|Prénom d'exercice|"
    "Code profession|Libellé profession|Code catégorie professionnelle|"
    "Libellé catégorie professionnelle|Code type savoir-faire|Libellé type savoir-faire|"
    "Code savoir-faire|Libellé savoir-faire|Code mode exercice|Libellé mode exercice|"
    "Numéro SIRET site|Numéro SIREN site|Numéro FINESS site|"
    "Numéro FINESS établissement juridique|Identifiant technique de la structure|"
    "Raison sociale site|Enseigne commerciale site|Complément destinataire (coord. structure)|"
    "Complément point géographique (coord. structure)|Numéro Voie (coord. structure)|"
    "Indice répétition voie (coord. structure)|Code type de voie (coord. structure)|"
    "Libellé type de voie (coord. structure)|Libellé Voie (coord. structure)|"
    "Mention distribution (coord. structure)|Bureau cedex (coord. structure)|"
    "Code postal (coord. structure)|Code commune (coord. structure)|"
    "Libellé commune (coord. structure)|Code pays (coord. structure)|"
    "Libellé pays (coord. structure)|Téléphone (coord. structure)|"
    "Téléphone 2 (coord. structure)|Télécopie (coord. structure)|"
    "Adresse e-mail (coord. structure)|Code Département (structure)|"
    "Libellé Département (structure)|Ancien identifiant de la structure|"
    "Autorité d'enregistrement|Code secteur d'activité|Libellé secteur d'activité|"
    "Code section tableau pharmaciens|Libellé section tableau pharmaciens"
)
RPPS_COLUMNS = RPPS_HEADER.split("|")
GP = {"Code profession": "10", "Libellé profession": "Médecin", "Code type savoir-faire": "S",
      "Code savoir-faire": "SM54", "Libellé savoir-faire": "Médecine générale",
      "Code mode exercice": "L", "Libellé mode exercice": "Libéral"}
RPPS_ROWS: list[dict[str, str]] = [
    # A liberal GP practising in Mende and in Badaroux: ½ + ½.
    {**GP, "Identifiant PP": "10001000001", "Identifiant technique de la structure": "S001",
     "Raison sociale site": "CABINET DU GÉVAUDAN", "Code commune (coord. structure)": "48095"},
    {**GP, "Identifiant PP": "10001000001", "Identifiant technique de la structure": "S002",
     "Raison sociale site": "CABINET SECONDAIRE", "Code commune (coord. structure)": "48017"},
    # A salaried GP of a centre de santé (SIRET), qualified in general medicine (SM26).
    {**GP, "Identifiant PP": "10001000002", "Code savoir-faire": "SM26",
     "Libellé savoir-faire": "Qualifié en Médecine Générale", "Code mode exercice": "S",
     "Numéro SIRET site": "12345678900011", "Code commune (coord. structure)": "48095"},
    # A cardiologist: a specialist, not a GP.
    {**GP, "Identifiant PP": "10001000003", "Code savoir-faire": "SM04",
     "Libellé savoir-faire": "Cardiologie et maladies vasculaires",
     "Identifiant technique de la structure": "S003", "Code commune (coord. structure)": "12208"},
    # A nurse in the former commune Bagnols-les-Bains → Mont Lozère et Goulet.
    {"Identifiant PP": "480000004", "Code profession": "60", "Libellé profession": "Infirmier",
     "Code mode exercice": "L", "Identifiant technique de la structure": "S004",
     "Code commune (coord. structure)": "48012"},
    # A pharmacist (not supply: the officine is), and a GP in Ain (outside the territory).
    {"Identifiant PP": "10001000005", "Code profession": "21", "Code mode exercice": "L",
     "Identifiant technique de la structure": "S005", "Code commune (coord. structure)": "48095"},
    {**GP, "Identifiant PP": "10001000006", "Identifiant technique de la structure": "S006",
     "Code commune (coord. structure)": "01001"},
    # A GP with no practice address (no current activity).
    {**GP, "Identifiant PP": "10001000007", "Identifiant technique de la structure": ""},
]


def rpps_line(values: dict[str, str]) -> str:
    return "|".join(values.get(c, "") for c in RPPS_COLUMNS) + "|"


def rpps_text(rows: list[str] | None = None) -> str:
    lines = [rpps_line(r) for r in RPPS_ROWS] if rows is None else rows
    return "\n".join(["|".join(RPPS_COLUMNS) + "|", *lines]) + "\n"


# --- INSEE BPE ---------------------------------------------------------------------------------
BPE_DETAIL_HEADER = "AN;NOMRS;DEPCOM;DEP;REG;DOM;SDOM;TYPEQU;LAMBERT_X;LAMBERT_Y"
BPE_DETAIL_ROWS = [
    "2024;DR A;48095;48;76;D;D2;D265;728000;6378000",
    "2024;DR B;48095;48;76;D;D2;D265;728100;6378100",
    "2024;DR C;48017;48;76;D;D2;D265;735000;6378000",
    "2024;PHARMACIE DU CENTRE;48095;48;76;D;D3;D307;728050;6378050",
    "2024;MME K;12208;12;76;D;D2;D279;675000;6320000",
    "2024;BOULANGERIE;48095;48;76;B;B2;B207;728000;6378000",
    "2024;DR Z;01001;01;84;D;D2;D265;870000;6570000",
]
BPE_COMMUNAL_HEADER = "DEPCOM;DOM;SDOM;TYPEQU;NB_EQUIP"
BPE_COMMUNAL_ROWS = ["48095;D;D2;D265;2", "48017;D;D2;D265;1", "48095;D;D3;D307;1",
                     "12208;D;D2;D281;6", "01001;D;D2;D265;1"]


def bpe_text(rows: list[str] | None = None, header: str = BPE_DETAIL_HEADER) -> str:
    return "\n".join([header, *(BPE_DETAIL_ROWS if rows is None else rows)]) + "\n"


# --- FINESS geolocated extract (etalab-cs1100507-stock-*.csv, ';', Latin-1) -------------------
def lambert93(lon: float, lat: float) -> tuple[float, float]:
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True).transform(lon, lat)


def finess_structure(finess: str, name: str, dep: str, commune: str, category: str,
                     label: str, legal: str = "480000999") -> str:
    fields: list[Any] = ["structureet", finess, legal, name, name, "", "", "1", "R", "DU PONT",
                         "", "", commune, dep, "", f"{dep}000 X", "", "", category, label, "",
                         "", "", "", "", "", "", "", "2010-01-01", "2010-01-01", "2024-01-01",
                         ""]
    return ";".join(fields)


def finess_geo(finess: str, x: float, y: float, system: str = "LAMBERT_93") -> str:
    return (f"geolocalisation;{finess};{x:.1f};{y:.1f};"
            f"1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,{system};2024-01-01")


def finess_text(structures: list[str] | None = None, geos: list[str] | None = None) -> str:
    mende = lambert93(3.5, 44.5)
    if structures is None:
        structures = [
            finess_structure("480001111", "MSP DE MENDE", "48", "095", "603",
                             "Maison de santé (L.6223-3)"),
            finess_structure("480002222", "PHARMACIE DU GÉVAUDAN", "48", "095", "620",
                             "Pharmacie d'Officine"),
            finess_structure("120003333", "CENTRE DE SANTÉ", "12", "208", "124",
                             "Centre de Santé"),
            finess_structure("480004444", "EHPAD LES GENÊTS", "48", "017", "500",
                             "Etablissement d'hébergement pour personnes âgées dépendantes"),
            finess_structure("010005555", "PHARMACIE DE L'AIN", "01", "001", "620",
                             "Pharmacie d'Officine"),
        ]
    if geos is None:
        geos = [finess_geo("480001111", *mende), finess_geo("480002222", *mende)]
    return "\n".join(["finess;etalab;96;2026-03-11", *structures, *geos]) + "\n"


# --- Activity CSV supplied by a user ---------------------------------------------------------
ACTIVITY_GP = "rpps,annee,consultations\n10001000001,2023,4800\n10001000002,2023,3000\n" \
              "10001000009,2023,5000\n10001000001,2022,4500\n"
ACTIVITY_COMMUNE = ("code_insee;profession;annee;consultations\n48095;generaliste;2023;20000\n"
                    "48012;infirmier;2023;1000\n48099;infirmier;2023;500\n"
                    "01001;generaliste;2023;900\n")
