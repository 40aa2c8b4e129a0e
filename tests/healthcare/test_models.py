"""Constraints the database enforces whatever the code path."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from maillage.healthcare.importers.facilities import _locate
from maillage.healthcare.models import (
    ActivityRecord,
    Facility,
    Profession,
    SourceKind,
    SupplyCount,
    SupplySource,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(geography):
    return SupplySource.objects.create(name="t", kind=SourceKind.BPE, file_name="t.csv",
                                       origin="t", licence="t", attribution="t", sha256="0" * 64,
                                       rows=1)


@pytest.mark.parametrize("count", [-1.0, float("inf")])
def test_a_count_is_never_negative_nor_infinite(source, count):
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplyCount.objects.create(source=source, source_kind=source.kind, commune_id="48095",
                                   profession=Profession.GENERALISTE, count=count)


def test_one_count_per_kind_profession_and_commune(source):
    SupplyCount.objects.create(source=source, source_kind=source.kind, commune_id="48095",
                               profession=Profession.GENERALISTE, count=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplyCount.objects.create(source=source, source_kind=source.kind, commune_id="48095",
                                   profession=Profession.GENERALISTE, count=2)


@pytest.mark.parametrize(("rpps", "commune"), [("10001000001", "48095"), ("", None)])
def test_activity_is_for_a_practitioner_or_a_commune(source, rpps, commune):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityRecord.objects.create(source=source, profession=Profession.GENERALISTE,
                                      year=2023, consultations=1, rpps=rpps, commune_id=commune)


def test_overseas_finess_coordinates_are_utm_and_unknown_systems_are_counted():
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:32740", always_xy=True).transform(55.45,
                                                                                    -20.88)
    reunion, elsewhere = Facility(finess="970400001"), Facility(finess="970400002")

    unknown = _locate({"970400001": reunion, "970400002": elsewhere},
                      {"970400001": (x, y, "UTM_S40"), "970400002": (x, y, "RGF93_CC43")})

    assert (reunion.latitude, reunion.longitude) == pytest.approx((-20.88, 55.45), abs=1e-6)
    assert elsewhere.latitude is None and unknown == 1
