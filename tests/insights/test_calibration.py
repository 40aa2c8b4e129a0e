"""Calibrating the defaults on DREES's APL, over the four test communes, by hand.

One SIRENE GP establishment in Mende counts ACTIVITY_PER_GP_ESTABLISHMENT = 2,855 consultations.
Mende → Badaroux is 7.94 km great-circle, × 1.3: 20.6 min at 30 km/h (DREES weight 0) and
13.8 min at 45 km/h (weight 2/3); Mont Lozère et Goulet and Saint-Affrique stay beyond 20 min.
  30 km/h: APL = [R30, 0, 0, 0],        R30 = 2,855 / 12,464
  45 km/h: APL = [R45, 2/3 R45, 0, 0],  R45 = 2,855 / (12,464 + 2/3 × 1,050) = 2,855 / 13,164
DREES (made up for the test): Mende 3.0, Badaroux 2.0, Mont Lozère 1.0, Saint-Affrique 0.5.
Spearman of the ranks: 30 km/h [4, 2, 2, 2] vs [4, 3, 2, 1] → 3/√15 = 0.7746;
45 km/h [4, 3, 1.5, 1.5] vs [4, 3, 2, 1] → 4.5/√(4.5·5) = 3/√10 = 0.9487 → 45 km/h is kept.
Scale: the non-zero communes both give DREES / computed = 3 / R45 → activity 2,855 × 3 / R45
= 3 × 13,164 = 39,492; scaled APL [3, 2, 0, 0]: MAE (0 + 0 + 1 + 0.5) / 4 = 0.375, every
commune on the same side of 2.5.
"""

from __future__ import annotations

import math

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maillage.insights.calibration import calibrate
from maillage.insights.models import ReferenceApl

pytestmark = pytest.mark.django_db

DREES = {"48095": 3.0, "48017": 2.0, "48099": 1.0, "12208": 0.5}


@pytest.fixture
def sirene_and_reference(gp_counts):
    from maillage.healthcare.models import SupplyCount

    gp_counts({"48095": 1}, kind="sirene_counts", stand_in=True)
    SupplyCount.objects.filter(source_kind="bpe").delete()
    for code, apl in DREES.items():
        ReferenceApl.objects.create(year=2022, commune_code=code, commune_name=code, apl=apl)


def test_the_speed_with_the_best_spearman_then_the_scale_that_fits_the_levels(
        sirene_and_reference):
    result = calibrate(speeds=[30.0, 45.0], log=lambda line: None)

    assert result is not None
    assert result.mean_spearman_by_speed[30.0] == pytest.approx(3 / math.sqrt(15), abs=1e-12)
    assert result.mean_spearman_by_speed[45.0] == pytest.approx(3 / math.sqrt(10), abs=1e-12)
    assert result.speed_kmh == 45.0
    assert result.scale == pytest.approx(3 * 13_164 / 2_855, rel=1e-9)
    assert result.activity_per_establishment == pytest.approx(39_492, rel=1e-9)
    assert [(code, stats.n) for code, _name, stats in result.by_region] == [("76", 4)]
    overall = result.overall
    assert overall.n == 4
    assert overall.spearman == pytest.approx(3 / math.sqrt(10), abs=1e-12)
    assert overall.mean_absolute_error == pytest.approx(0.375, abs=1e-12)
    assert overall.class_agreement == 1.0


def test_nothing_to_calibrate_without_the_reference(gp_counts):
    assert calibrate(speeds=[45.0]) is None


def test_the_command_prints_each_region_and_the_machine_readable_line(sirene_and_reference,
                                                                      capsys):
    call_command("access", "calibrate", "--speeds", "30,45")

    out = capsys.readouterr().out
    assert "vitesse  30.0 km/h : Spearman moyen 0.7746 sur 1 régions" in out
    assert "Occitanie" in out
    assert out.strip().endswith("speed_kmh=45.0 activity_per_establishment=39492")


def test_the_command_names_bad_speeds(sirene_and_reference):
    with pytest.raises(CommandError, match="--speeds"):
        call_command("access", "calibrate", "--speeds", "45,vite")
    with pytest.raises(CommandError, match="entre 5 et 130"):
        call_command("access", "calibrate", "--speeds", "0")
