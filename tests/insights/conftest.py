from __future__ import annotations

import pytest


@pytest.fixture
def gp_counts(geography):
    """Two GPs recensed by the BPE in Mende, none elsewhere."""
    from maillage.healthcare.models import SupplyCount, SupplySource

    def put(counts: dict[str, float], kind: str = "bpe", stand_in: bool = False):
        source, _ = SupplySource.objects.update_or_create(
            kind=kind, file_name=f"{kind}.csv", scope="france",
            defaults={"name": f"test {kind}", "origin": "test", "version": "test",
                      "licence": "Licence Ouverte", "attribution": "test", "sha256": "0" * 64,
                      "rows": len(counts), "is_stand_in": stand_in,
                      "caveat": "substitut" if stand_in else ""},
        )
        SupplyCount.objects.filter(source_kind=kind).delete()
        for code, count in counts.items():
            SupplyCount.objects.create(source=source, source_kind=kind, profession="generaliste",
                                       commune_id=code, count=count)
        return source

    put({"48095": 2})
    return put
