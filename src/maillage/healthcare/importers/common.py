"""What every supply importer shares: reading a file, resolving communes, recording the source.

The guarantees are the territories importer's: everything is parsed and validated before
anything is written, errors name the file, line and field (TerritoryImportError), the write is
one transaction of upserts, and the rows of a source that vanished from its file are removed.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from maillage.healthcare.models import SupplySource
from maillage.territories.importers import COMMUNE_CODE, FetchedFile, TerritoryImportError
from maillage.territories.models import Commune

ProgressCallback = Callable[[str, int, int], None]

__all__ = [
    "COMMUNE_CODE",
    "CommuneResolver",
    "FetchedFile",
    "ImportSummary",
    "SourceInfo",
    "TerritoryImportError",
]


def read_file(path: str | Path) -> FetchedFile:
    """A user-supplied file, read whole (the official files are at most a few hundred MB)."""
    path = Path(path)
    if not path.is_file():
        raise TerritoryImportError(str(path), "fichier introuvable")
    return FetchedFile(name=path.name, origin=str(path.resolve()), content=path.read_bytes())


def decode(fetched: FetchedFile, encoding: str) -> str:
    try:
        return fetched.content.decode(encoding)
    except UnicodeDecodeError as exc:
        raise TerritoryImportError(fetched.name, f"encodage inattendu, {encoding} attendu ({exc})",
                                   line=fetched.content[:exc.start].count(b"\n") + 1) from exc


def decode_any(fetched: FetchedFile) -> str:
    """UTF-8 when the file is valid UTF-8, else Latin-1 (INSEE and FINESS used both)."""
    try:
        return fetched.content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return fetched.content.decode("latin-1")


def text_stream(fetched: FetchedFile, encoding: str) -> io.TextIOBase:
    """Decode lazily: a national extract decoded whole would double the memory it takes.

    The encoding is checked first, chunk by chunk, so that a bad byte is reported at its line.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    chunk = 1 << 20
    for start in range(0, len(fetched.content), chunk):
        try:
            decoder.decode(fetched.content[start:start + chunk])
        except UnicodeDecodeError as exc:
            offset = start + exc.start
            raise TerritoryImportError(
                fetched.name, f"encodage inattendu, {encoding} attendu ({exc.reason})",
                line=fetched.content.count(b"\n", 0, offset) + 1) from exc
    return io.TextIOWrapper(io.BytesIO(fetched.content), encoding=encoding, newline="")


def csv_rows(
    fetched: FetchedFile, text: str | io.TextIOBase, delimiter: str, required: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row by column name) of a delimited file with a header line.

    A missing column, or a line with fewer fields than the header (a truncated file), raises
    TerritoryImportError naming the line and the field; so does a byte sequence that is not
    of the expected encoding, when `text` is a stream.
    """
    rows = _rows(fetched, io.StringIO(text) if isinstance(text, str) else text, delimiter,
                 required)
    line = 1
    try:
        for line, row in rows:
            yield line, row
    except UnicodeDecodeError as exc:
        raise TerritoryImportError(fetched.name, f"encodage inattendu ({exc.reason})",
                                   line=line + 1) from exc


def _rows(fetched: FetchedFile, stream: io.TextIOBase, delimiter: str,
          required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(stream, delimiter=delimiter)
    header = next(reader, None)
    if not header or header == [""]:
        raise TerritoryImportError(fetched.name, "fichier vide", line=1)
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise TerritoryImportError(fetched.name, "colonne manquante", line=1,
                                   field=", ".join(missing))
    # Files that end every line with the separator (the Annuaire Santé's) have an empty last
    # column; a line may then omit it.
    width = len(header) - (1 if header[-1] == "" else 0)
    for line, row in enumerate(reader, start=2):
        if not row or row == [""]:
            continue
        if len(row) < width:
            raise TerritoryImportError(
                fetched.name, f"{len(row)} champs au lieu de {width} (fichier tronqué ?)",
                line=line, field=header[len(row)],
            )
        yield line, dict(zip(header, (v.strip() for v in row), strict=False))


def number(value: str, file: str, line: int, key: str, *, integer: bool = False) -> float:
    """A non-negative, finite number ("1.0" and "1,5" accepted); raises on anything else."""
    try:
        result = float(value.replace(",", ".").replace(" ", ""))
    except ValueError as exc:
        raise TerritoryImportError(file, f"nombre attendu, lu {value!r}", line, key) from exc
    if not math.isfinite(result) or result < 0:
        raise TerritoryImportError(file, f"nombre positif et fini attendu, lu {value!r}",
                                   line, key)
    if integer and not result.is_integer():
        raise TerritoryImportError(file, f"nombre entier attendu, lu {value!r}", line, key)
    return result


def commune_code(value: str, file: str, line: int, key: str) -> str:
    """Check an INSEE commune code; DREES/FINESS overseas prefixes (9A101) become 97101."""
    code = value.strip()
    if re.match(r"^9[A-F]\d{3}$", code):
        code = "97" + code[2:]
    if not COMMUNE_CODE.match(code):
        raise TerritoryImportError(file, f"code commune mal formé {value!r}", line, key)
    return code


# Municipal arrondissements of Paris, Lyon and Marseille → their commune.
ARRONDISSEMENTS = ((re.compile(r"^751(0[1-9]|1\d|20)$"), "75056"),
                   (re.compile(r"^6938[1-9]$"), "69123"),
                   (re.compile(r"^132(0[1-9]|1[0-6])$"), "13055"))


class CommuneResolver:
    """Map INSEE codes found in a file to the communes loaded in the database.

    A code of a commune merged since the file's geography (found in `Commune.former_codes`)
    resolves to its commune nouvelle; an arrondissement to its commune. Codes outside the
    loaded territory (or outside `region` when one is given) resolve to None and are counted.
    """

    def __init__(self, region: str | None = None):
        communes = Commune.objects.all()
        if region:
            communes = communes.filter(region_id=region)
        self.current: dict[str, str] = {}
        former: dict[str, str] = {}
        for code, former_codes in communes.values_list("code", "former_codes"):
            self.current[code] = code
            for old in former_codes or []:
                former.setdefault(old, code)
        # A current code always wins over the same code listed as a former one.
        self.mapping = {**former, **self.current}
        self.skipped: set[str] = set()
        self.skipped_rows = 0
        self.folded = 0  # rows of a former commune counted in its commune nouvelle

    def __call__(self, code: str) -> str | None:
        for pattern, commune in ARRONDISSEMENTS:
            if pattern.match(code):
                code = commune
                break
        resolved = self.mapping.get(code)
        if resolved is None:
            self.skipped.add(code)
            self.skipped_rows += 1
        elif resolved != code:
            self.folded += 1
        return resolved

    @property
    def loaded(self) -> int:
        return len(self.current)


@dataclass(frozen=True)
class SourceInfo:
    name: str
    version: str
    licence: str
    attribution: str
    is_stand_in: bool = False
    caveat: str = ""


def source_upsert(kind: str, fetched: FetchedFile, info: SourceInfo, rows: int,
                  scope: str) -> SupplySource:
    source, _created = SupplySource.objects.update_or_create(
        kind=kind, file_name=fetched.name, scope=scope,
        defaults={"name": info.name, "origin": fetched.origin, "version": info.version,
                  "licence": info.licence, "attribution": info.attribution,
                  "sha256": fetched.sha256, "rows": rows, "is_stand_in": info.is_stand_in,
                  "caveat": info.caveat},
    )
    return source


def scope_of(region: str | None) -> str:
    return f"region:{region}" if region else "france"


@dataclass(frozen=True)
class ImportSummary:
    """What an import did; `skipped_*` are rows whose commune is outside the loaded territory."""

    kind: str
    file_name: str
    scope: str
    rows: int
    imported: int
    skipped_rows: int
    skipped_communes: int
    removed: int
    folded: int = 0
    details: dict[str, int | float] = field(default_factory=dict)

    def message(self) -> str:
        text = (f"{self.file_name} : {self.rows} lignes lues, {self.imported} enregistrements "
                f"importés, {self.skipped_rows} lignes ignorées ({self.skipped_communes} "
                f"communes hors du territoire chargé), {self.folded} rattachées à leur commune "
                f"nouvelle, {self.removed} supprimés — "
                f"périmètre {self.scope}.")
        if self.details:
            text += " " + ", ".join(f"{k} : {v:g}" for k, v in self.details.items()) + "."
        return text


def silent(step: str, done: int, total: int) -> None:
    """The progress callback used when none is given."""
