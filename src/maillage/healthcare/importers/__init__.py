"""Importers of the official supply files; see each module for its format.

Each importer parses and validates the whole file first, raises TerritoryImportError naming
the file, line and field of the first bad value, then writes in one transaction of upserts and
removes the rows of its source that vanished from the file. Communes outside the loaded
territory are skipped and counted in the returned ImportSummary.
"""

from maillage.healthcare.importers.activity import import_activity
from maillage.healthcare.importers.common import (
    ImportSummary,
    ProgressCallback,
    TerritoryImportError,
)
from maillage.healthcare.importers.counts import import_bpe, import_sirene_counts
from maillage.healthcare.importers.facilities import import_finess, import_sae
from maillage.healthcare.importers.rpps import import_rpps

# Importers by the name used on the command line and in tasks; `mirror` ones default to the
# open-data mirror, the others need a file.
MIRROR_IMPORTERS = {"sirene": import_sirene_counts, "sae": import_sae}
FILE_IMPORTERS = {"rpps": import_rpps, "bpe": import_bpe, "finess": import_finess,
                  "activity": import_activity}
IMPORT_KINDS = (*MIRROR_IMPORTERS, *FILE_IMPORTERS)


def import_supply(kind: str, *, path: str | None = None, region: str | None = None,
                  progress: ProgressCallback | None = None) -> ImportSummary:
    """Run the importer named `kind` (one of IMPORT_KINDS)."""
    if kind in MIRROR_IMPORTERS:
        return MIRROR_IMPORTERS[kind](region=region, path=path, progress=progress)
    if kind not in FILE_IMPORTERS:
        raise ValueError(f"unknown supply import {kind!r}")
    if not path:
        raise TerritoryImportError(kind, "un fichier est nécessaire (--file)")
    return FILE_IMPORTERS[kind](path, region=region, progress=progress)


__all__ = ["IMPORT_KINDS", "ImportSummary", "TerritoryImportError", "import_activity",
           "import_bpe", "import_finess", "import_rpps", "import_sae", "import_sirene_counts",
           "import_supply"]
