"""The real files of the open-data mirror, imported for Occitanie."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db.models import Count, Sum

from maillage.healthcare.importers import import_sae, import_sirene_counts
from maillage.healthcare.models import Facility, FacilityKind, Profession, SupplyCount
from maillage.territories.importers import import_territories

pytestmark = [pytest.mark.mirror, pytest.mark.django_db]


@pytest.fixture
def occitanie(real_mirror: Path) -> Path:
    import_territories("76", mirror=str(real_mirror), with_boundaries=False)
    return real_mirror


def test_sirene_counts_occitanie_gp_establishments(occitanie: Path):
    summary = import_sirene_counts(region="76", mirror=str(occitanie))

    gps = SupplyCount.objects.filter(profession=Profession.GENERALISTE)
    totals = gps.aggregate(total=Sum("count"), communes=Count("commune"))
    print(summary.message(), totals)
    # PROVENANCE.txt: 9,269 GP establishments; its 2,598 communes are the file's rows in
    # Occitanie (any health establishment), all resolved, former communes included.
    assert totals == {"total": 9269, "communes": 1195}
    assert summary.rows == 20478
    assert summary.rows - summary.skipped_rows == 2598
    assert summary.folded > 0


def test_sae_occitanie_hospitals(occitanie: Path):
    summary = import_sae(region="76", mirror=str(occitanie))

    print(summary.message())
    assert summary.rows == 3995
    assert Facility.objects.count() == 446  # PROVENANCE.txt
    assert Facility.objects.filter(kind=FacilityKind.HOPITAL).count() == 446
    assert Facility.objects.filter(commune_id="31555").exists()  # Toulouse
