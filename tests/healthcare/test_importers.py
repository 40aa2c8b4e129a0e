"""The supply importers on small files in the official formats: good files and re-runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from maillage.healthcare.importers import (
    import_activity,
    import_bpe,
    import_finess,
    import_rpps,
    import_sae,
    import_sirene_counts,
    import_supply,
)
from maillage.healthcare.models import (
    ActivityRecord,
    Facility,
    FacilityKind,
    PracticeMode,
    Practitioner,
    Profession,
    SourceKind,
    SupplyCount,
    SupplySource,
)
from tests.healthcare.conftest import supply_snapshot
from tests.healthcare.supply_files import (
    ACTIVITY_GP,
    BPE_COMMUNAL_HEADER,
    BPE_COMMUNAL_ROWS,
    RPPS_ROWS,
    SIRENE_ROWS,
    bpe_text,
    rpps_line,
    rpps_text,
    sirene_text,
    write_sae,
    write_sirene,
)

pytestmark = pytest.mark.django_db


def counts(kind: str, profession: str) -> dict[str, float]:
    return dict(SupplyCount.objects.filter(source_kind=kind, profession=profession)
                .values_list("commune_id", "count"))


# --- SIRENE ------------------------------------------------------------------------------------

def test_sirene_counts_fold_former_communes_into_their_commune_nouvelle(geography, mini_mirror):
    summary = import_sirene_counts(region="76", mirror=str(write_sirene(mini_mirror)))

    assert counts(SourceKind.SIRENE_COUNTS, Profession.GENERALISTE) == {
        "48095": 12, "48017": 1, "48099": 3, "12208": 9}  # 48099 = 1 + 2 of former 48012
    assert counts(SourceKind.SIRENE_COUNTS, Profession.SPECIALISTE)["48095"] == 5  # 3 + 1 + 1
    assert summary.folded == 1
    # Ain's commune and Paris 8e (→ Paris) are outside the loaded territory.
    assert (summary.rows, summary.skipped_rows, summary.skipped_communes) == (7, 2, 2)
    assert "2 lignes ignorées (2 communes hors du territoire chargé)" in summary.message()


def test_sirene_source_is_a_stand_in_with_its_caveat(geography, mini_mirror):
    import_sirene_counts(region="76", mirror=str(write_sirene(mini_mirror)))

    source = SupplySource.objects.get()
    assert source.is_stand_in is True
    assert "établissements SIRENE, pas des praticiens" in source.caveat
    assert (source.kind, source.scope, source.rows) == (SourceKind.SIRENE_COUNTS, "region:76", 7)
    assert len(source.sha256) == 64 and "Etalab" in source.licence


def test_sirene_rerun_is_idempotent_and_removes_vanished_rows(geography, mini_mirror,
                                                              supply_file):
    mirror = str(write_sirene(mini_mirror))
    import_sirene_counts(region="76", mirror=mirror)
    first = supply_snapshot()
    import_sirene_counts(region="76", mirror=mirror)
    assert supply_snapshot() == first

    without_badaroux = [r for r in SIRENE_ROWS if not r.startswith("48017")]
    summary = import_sirene_counts(region="76", mirror=str(write_sirene(
        mini_mirror, sirene_text(without_badaroux))))

    assert "48017" not in counts(SourceKind.SIRENE_COUNTS, Profession.GENERALISTE)
    assert summary.removed == 3  # GP, nurse and physiotherapist counts of Badaroux
    assert SupplySource.objects.count() == 1


def test_sirene_without_a_mirror_file_says_so(geography, tmp_path: Path):
    with pytest.raises(Exception, match="fichier introuvable dans le miroir"):
        import_sirene_counts(region="76", mirror=str(tmp_path))


# --- SAE ---------------------------------------------------------------------------------------

def test_sae_loads_hospitals_of_the_territory(geography, mini_mirror):
    summary = import_sae(region="76", mirror=str(write_sae(mini_mirror)))

    assert dict(Facility.objects.values_list("finess", "commune_id")) == {
        "480780097": "48095", "480000123": "48017", "120780044": "12208"}
    mende = Facility.objects.get(finess="480780097")
    assert (mende.name, mende.kind, mende.category_code) == (
        "CH LOZÈRE MENDE", FacilityKind.HOPITAL, "355")
    assert mende.category_label == "Centre Hospitalier (C.H.)"
    # Ain and Guadeloupe (SAE writes 9A120 for 97120) are outside the territory.
    assert (summary.skipped_rows, summary.skipped_communes) == (2, 2)


# --- RPPS --------------------------------------------------------------------------------------

def test_rpps_loads_practitioners_per_site_with_the_gp_rule(geography, supply_file):
    summary = import_rpps(supply_file("rpps"), region="76")

    rows = {(p.rpps, p.site_id): p for p in Practitioner.objects.all()}
    assert set(rows) == {("10001000001", "S001"), ("10001000001", "S002"),
                         ("10001000002", "12345678900011"), ("10001000003", "S003"),
                         ("480000004", "S004")}
    assert rows["10001000001", "S002"].commune_id == "48017"
    assert rows["10001000002", "12345678900011"].profession == Profession.GENERALISTE  # SM26
    assert rows["10001000002", "12345678900011"].practice_mode == PracticeMode.SALARIE
    assert rows["10001000003", "S003"].profession == Profession.SPECIALISTE  # SM04
    nurse = rows["480000004", "S004"]
    assert (nurse.profession, nurse.commune_id) == (Profession.INFIRMIER, "48099")  # 48012
    assert summary.details["autres professions"] == 1  # the pharmacist
    assert summary.details["sans commune d'exercice"] == 1
    assert (summary.skipped_rows, summary.folded) == (1, 1)  # the GP in Ain; Bagnols
    assert SupplySource.objects.get().version == "extraction du 20261123"


def test_rpps_merges_a_practitioner_listed_twice_at_one_site(geography, supply_file):
    twice = {**RPPS_ROWS[0], "Code mode exercice": "S"}
    import_rpps(supply_file("rpps", rpps_text([rpps_line(RPPS_ROWS[0]), rpps_line(twice)])),
                region="76")

    practitioner = Practitioner.objects.get()
    assert practitioner.practice_mode == PracticeMode.MIXTE


def test_rpps_rerun_keeps_activity_and_removes_practitioners_who_left(geography, supply_file):
    path = supply_file("rpps")
    import_rpps(path, region="76")
    Practitioner.objects.filter(rpps="10001000002").update(activity=4100)
    first = supply_snapshot()
    import_rpps(path, region="76")
    assert supply_snapshot() == first

    summary = import_rpps(supply_file("rpps", rpps_text([rpps_line(r) for r in RPPS_ROWS[1:]])),
                          region="76")

    assert not Practitioner.objects.filter(site_id="S001").exists()
    assert Practitioner.objects.get(rpps="10001000002").activity == 4100
    assert summary.removed == 1


# --- BPE ---------------------------------------------------------------------------------------

def test_bpe_detail_file_counts_one_per_equipment(geography, supply_file):
    summary = import_bpe(supply_file("bpe"), region="76")

    assert counts(SourceKind.BPE, Profession.GENERALISTE) == {"48095": 2, "48017": 1}
    assert counts(SourceKind.BPE, Profession.PHARMACIE) == {"48095": 1}
    assert counts(SourceKind.BPE, Profession.MASSEUR_KINESITHERAPEUTE) == {"12208": 1}
    assert summary.skipped_rows == 1  # Ain; the bakery is not supply
    assert SupplySource.objects.get().version == "BPE 2024"


def test_bpe_communal_file_reads_nb_equip(geography, supply_file):
    import_bpe(supply_file("bpe", bpe_text(BPE_COMMUNAL_ROWS, BPE_COMMUNAL_HEADER)),
               region="76")

    assert counts(SourceKind.BPE, Profession.GENERALISTE) == {"48095": 2, "48017": 1}
    assert counts(SourceKind.BPE, Profession.INFIRMIER) == {"12208": 6}


def test_bpe_and_sirene_counts_live_side_by_side(geography, mini_mirror, supply_file):
    import_sirene_counts(region="76", mirror=str(write_sirene(mini_mirror)))
    import_bpe(supply_file("bpe"), region="76")

    assert counts(SourceKind.SIRENE_COUNTS, Profession.GENERALISTE)["48095"] == 12
    assert counts(SourceKind.BPE, Profession.GENERALISTE)["48095"] == 2


# --- FINESS ------------------------------------------------------------------------------------

def test_finess_keeps_care_facilities_and_converts_lambert93(geography, supply_file):
    summary = import_finess(supply_file("finess"), region="76")

    kinds = dict(Facility.objects.values_list("finess", "kind"))
    assert kinds == {"480001111": FacilityKind.MSP, "480002222": FacilityKind.PHARMACIE,
                     "120003333": FacilityKind.CENTRE_SANTE}
    msp = Facility.objects.get(finess="480001111")
    assert msp.latitude == pytest.approx(44.5, abs=1e-5)
    assert msp.longitude == pytest.approx(3.5, abs=1e-5)
    assert Facility.objects.get(finess="120003333").latitude is None
    assert Facility.objects.get(finess="480002222").name == "PHARMACIE DU GÉVAUDAN"  # Latin-1
    assert summary.details["hors champ (autres catégories)"] == 1  # the EHPAD
    assert summary.skipped_rows == 1  # the pharmacy in Ain
    assert SupplySource.objects.get().version == "FINESS 2026-03-11"


def test_finess_then_sae_share_one_row_per_finess_number(geography, supply_file, mini_mirror):
    import_finess(supply_file("finess"), region="76")
    import_sae(region="76", mirror=str(write_sae(mini_mirror)))

    assert Facility.objects.count() == 6
    assert Facility.objects.filter(source__kind=SourceKind.SAE).count() == 3


# --- Activity ----------------------------------------------------------------------------------

def test_activity_per_gp_is_split_between_his_sites(geography, supply_file):
    import_rpps(supply_file("rpps"), region="76")
    summary = import_activity(supply_file("activity", ACTIVITY_GP), region="76")

    activity = dict(Practitioner.objects.values_list("site_id", "activity"))
    assert activity["S001"] == activity["S002"] == 2400  # 2023, the latest year: 4800 / 2
    assert activity["12345678900011"] == 3000
    assert activity["S003"] is None  # a specialist
    assert summary.details == {"praticiens rattachés": 2, "praticiens inconnus": 1}
    assert ActivityRecord.objects.filter(rpps="10001000001").count() == 2


def test_activity_per_commune_adds_up_former_communes(geography, supply_file):
    summary = import_activity(supply_file("activity"), region="76")

    records = dict(ActivityRecord.objects.values_list("commune_id", "consultations"))
    assert records == {"48095": 20000, "48099": 1500}
    assert (summary.skipped_rows, summary.folded) == (1, 1)


def test_activity_rerun_is_idempotent_and_a_newer_file_wins(geography, supply_file):
    path = supply_file("activity")
    import_activity(path, region="76")
    first = supply_snapshot()
    import_activity(path, region="76")
    assert supply_snapshot() == first

    other = supply_file("activity", "code_insee,profession,annee,consultations\n"
                                    "48095,generaliste,2023,21000\n", name="activite_2.csv")
    import_activity(other, region="76")

    assert ActivityRecord.objects.get(commune_id="48095").consultations == 21000
    assert ActivityRecord.objects.get(commune_id="48099").consultations == 1500


# --- all ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["sirene", "sae", "rpps", "bpe", "finess", "activity"])
def test_each_import_twice_changes_nothing_the_second_time(geography, supply_file, kind):
    path = supply_file(kind)
    import_supply(kind, path=path, region="76")
    first = supply_snapshot()

    import_supply(kind, path=path, region="76")

    assert supply_snapshot() == first
    assert SupplySource.objects.count() == 1


def test_without_region_every_loaded_commune_is_in_scope(geography, supply_file):
    summary = import_supply("sirene", path=supply_file("sirene"))

    assert summary.scope == "france"
    assert SupplySource.objects.get().scope == "france"
    assert summary.skipped_rows == 2
