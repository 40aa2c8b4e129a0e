from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.healthcare.supply_files import (
    ACTIVITY_COMMUNE,
    bpe_text,
    finess_text,
    rpps_text,
    sae_text,
    sirene_text,
)

# Official file name, text and encoding of a good small file of each kind.
GOOD_FILES: dict[str, tuple[str, Callable[[], str], str]] = {
    "sirene": ("PS_communes_sirene_2019.csv", sirene_text, "utf-8"),
    "sae": ("SAE_ID_2022r.csv", sae_text, "iso-8859-1"),
    "rpps": ("PS_LibreAcces_Personne_activite_202611230000.txt", rpps_text, "utf-8"),
    "bpe": ("BPE24.csv", bpe_text, "utf-8"),
    "finess": ("etalab-cs1100507-stock-20261123-0336.csv", finess_text, "iso-8859-1"),
    "activity": ("activite_communes.csv", lambda: ACTIVITY_COMMUNE, "utf-8"),
}


@pytest.fixture
def supply_file(tmp_path: Path) -> Callable[..., str]:
    """Write a supply file (the good one of `kind` unless `text` is given); return its path."""

    def write(kind: str, text: str | None = None, folder: str = "files",
              name: str | None = None) -> str:
        official, good, encoding = GOOD_FILES[kind]
        path = tmp_path / folder / (name or official)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes((good() if text is None else text).encode(encoding))
        return str(path)

    return write


def supply_snapshot() -> tuple:
    from maillage.healthcare.models import (
        ActivityRecord,
        Facility,
        Practitioner,
        SupplyCount,
        SupplySource,
    )

    return (
        sorted(SupplySource.objects.values_list("kind", "file_name", "scope", "sha256", "rows")),
        sorted(Practitioner.objects.values_list("rpps", "site_id", "profession", "commune_id",
                                                "practice_mode", "activity")),
        sorted(SupplyCount.objects.values_list("source_kind", "profession", "commune_id",
                                               "count")),
        sorted(Facility.objects.values_list("finess", "kind", "commune_id", "latitude")),
        sorted(ActivityRecord.objects.values_list("rpps", "commune_id", "profession", "year",
                                                  "consultations")),
    )
