"""What the access engine reads: supply per commune, and the sources it rests on."""

from __future__ import annotations

import pytest

from maillage.healthcare.importers import import_supply
from maillage.healthcare.models import Profession, SourceKind
from maillage.healthcare.selectors import (
    supply_by_commune,
    supply_source_kind,
    supply_sources_for,
)
from tests.healthcare.supply_files import ACTIVITY_GP

pytestmark = pytest.mark.django_db


def test_nothing_loaded_means_no_supply(geography):
    assert supply_by_commune(profession=Profession.GENERALISTE, region="76") == []
    assert supply_sources_for(profession=Profession.GENERALISTE, region="76") == []


def test_sirene_counts_are_the_stand_in_with_their_caveat(geography, supply_file):
    import_supply("sirene", path=supply_file("sirene"), region="76")

    assert supply_by_commune(profession=Profession.GENERALISTE, region="76") == [
        ("12208", 9.0, None), ("48017", 1.0, None), ("48095", 12.0, None), ("48099", 3.0, None)]
    [source] = supply_sources_for(profession=Profession.GENERALISTE, region="76")
    assert source.is_stand_in and "pas des praticiens" in source.caveat
    assert source.kind == SourceKind.SIRENE_COUNTS


def test_a_practitioner_counts_once_split_between_his_sites(geography, supply_file):
    import_supply("rpps", path=supply_file("rpps"), region="76")

    assert supply_by_commune(profession=Profession.GENERALISTE, region="76") == [
        ("48017", 0.5, None), ("48095", 1.5, None)]
    assert supply_by_commune(profession=Profession.SPECIALISTE, region="76") == [
        ("12208", 1.0, None)]


def test_supplied_activity_is_summed_over_sites_and_commune_figures_win(geography, supply_file):
    import_supply("rpps", path=supply_file("rpps"), region="76")
    import_supply("activity", path=supply_file("activity", ACTIVITY_GP, name="gp.csv"),
                  region="76")

    assert supply_by_commune(profession=Profession.GENERALISTE, region="76") == [
        ("48017", 0.5, 2400.0), ("48095", 1.5, 5400.0)]

    import_supply("activity", path=supply_file("activity"), region="76")

    assert supply_by_commune(profession=Profession.GENERALISTE, region="76")[1] == (
        "48095", 1.5, 20000.0)
    kinds = {s.kind for s in supply_sources_for(profession=Profession.GENERALISTE, region="76")}
    assert kinds == {SourceKind.RPPS, SourceKind.ACTIVITY_CSV}


def test_practitioners_are_preferred_to_counts_unless_a_source_is_forced(geography, supply_file):
    import_supply("sirene", path=supply_file("sirene"), region="76")
    import_supply("rpps", path=supply_file("rpps"), region="76")

    assert supply_source_kind(profession=Profession.GENERALISTE, region="76") == SourceKind.RPPS
    # No dentist in the RPPS file: the SIRENE counts remain the best source for them.
    assert supply_source_kind(profession=Profession.CHIRURGIEN_DENTISTE, region="76") \
        == SourceKind.SIRENE_COUNTS
    forced = supply_by_commune(profession=Profession.GENERALISTE, region="76",
                               source_kind=SourceKind.SIRENE_COUNTS)
    assert forced[0] == ("12208", 9.0, None)


def test_pharmacies_come_from_bpe_or_finess_officines(geography, supply_file):
    import_supply("finess", path=supply_file("finess"), region="76")
    assert supply_by_commune(profession=Profession.PHARMACIE, region="76") == [
        ("48095", 1.0, None)]
    assert supply_source_kind(profession=Profession.PHARMACIE) == SourceKind.FINESS

    import_supply("bpe", path=supply_file("bpe"), region="76")
    assert supply_source_kind(profession=Profession.PHARMACIE) == SourceKind.BPE


def test_another_region_sees_none_of_it(geography, supply_file):
    import_supply("sirene", path=supply_file("sirene"), region="76")

    assert supply_by_commune(profession=Profession.GENERALISTE, region="84") == []
