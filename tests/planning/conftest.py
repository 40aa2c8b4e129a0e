from __future__ import annotations

import pytest

from maillage.insights import services as insights


@pytest.fixture
def gp_counts(geography):
    """GPs recensed by the BPE per commune (each counts 5,400 consultations a year)."""
    from maillage.healthcare.models import SupplyCount, SupplySource

    def put(counts: dict[str, float]):
        source, _ = SupplySource.objects.update_or_create(
            kind="bpe", file_name="bpe.csv", scope="france",
            defaults={"name": "test bpe", "origin": "test", "version": "test",
                      "licence": "Licence Ouverte", "attribution": "test", "sha256": "0" * 64,
                      "rows": len(counts), "is_stand_in": False, "caveat": ""},
        )
        SupplyCount.objects.filter(source_kind="bpe").delete()
        for code, count in counts.items():
            SupplyCount.objects.create(source=source, source_kind="bpe", profession="generaliste",
                                       commune_id=code, count=count)

    put({"48095": 2})
    return put


@pytest.fixture
def base_run(gp_counts):
    return insights.access_run_execute(insights.access_run_create(
        actor=None, region="76", profession="generaliste"))


@pytest.fixture
def analyst(make_user, grant, with_totp):
    user = make_user(email="analyste76@example.org")
    grant(user, "analyst", "region", "76")
    with_totp(user)
    return user
