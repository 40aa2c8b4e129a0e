"""Import INSEE's population by age into `Commune.population_by_age` (the 19 `AGE_BANDS`).

The access engine standardises each commune's population over 19 five-year bands, as DREES
does for the APL. The user supplies one of INSEE's official files (as downloaded, or the file
taken out of INSEE's zip archive):

* the census detailed table « Population par sexe et âge » (base des tableaux détaillés
  ``TD_POP1B_<année>.csv``, formerly ``BTT_TD_POP1B_<année>.txt``): ';'-separated, columns
  ``NIVGEO;CODGEO;LIBGEO;SEXE;AGED100;NB``, one row per commune (or municipal arrondissement),
  sex (1, 2) and single year of age ``AGED100`` (0 … 100, 100 meaning "100 or more"). ``NB`` is
  a weighted census count with decimals; the single ages are summed into bands and each band's
  sum is rounded to the nearest integer (halves up) at the very end, never row by row, as INSEE
  advises for counts drawn from the sample;
* the historical series workbook « pop-sexe-age-quinquennal<AA><AA>.xlsx »: one sheet per
  census ``COM_<année>``, a title block then a header row ``RR, DR, CR, STABLE, DR<AA>,
  LIBELLE, ageq_rec<NN>s<S>rpop<année>…`` with 20 five-year bands (``NN`` 01 = 0-4 … 19 =
  90-94, 20 = 95+) for each sex ``S``; the INSEE code is ``DR`` + ``CR``. Bands 19 and 20 are
  merged into "90+". The latest ``COM_`` sheet is read unless a year is asked for.

Rows are attached to the communes loaded by the territory importer: a code that became part of
a commune nouvelle (``Commune.former_codes``, delegated communes included) is summed into it;
the arrondissements of Paris, Lyon and Marseille are summed into their commune unless the file
also gives the commune itself; other codes are skipped and counted. The whole file is parsed
and checked before anything is written, the write is one transaction, and a re-run gives the
same result.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction

from maillage.territories.importers import COMMUNE_CODE, ProgressCallback, TerritoryImportError
from maillage.territories.models import AGE_BANDS, Commune, DataSource, Region

SOURCE_NAME = "INSEE population par âge"
LICENCE = "Licence Ouverte / Etalab 2.0"
ATTRIBUTION = "INSEE, recensement de la population"

CENSUS_TABLE = "TD_POP1B"
HISTORICAL_SERIES = "pop-sexe-age-quinquennal"
CENSUS_COLUMNS = ("CODGEO", "SEXE", "AGED100", "NB")
CENSUS_YEAR = re.compile(r"POP1B_(\d{4})", re.IGNORECASE)
SERIES_SHEET = re.compile(r"^COM_(\d{4})$")
SERIES_COLUMN = re.compile(r"^ageq_rec(\d{2})s([12])rpop(\d{4})$")
# The title block above the header row is about a dozen lines; look a little further.
SERIES_HEADER_SEARCH = 40
SEXES = ("1", "2")
OLDEST_AGE = 100


def municipality_of(code: str) -> str | None:
    """The commune of a municipal arrondissement (75101 → 75056), or None."""
    if code.isdigit():
        number = int(code)
        if 75101 <= number <= 75120:
            return "75056"
        if 69381 <= number <= 69389:
            return "69123"
        if 13201 <= number <= 13216:
            return "13055"
    return None


@dataclass
class ParsedAges:
    """Band sums per code as read in the file (before attaching codes to communes)."""

    file_name: str
    origin: str
    sha256: str
    file_format: str
    year: str
    rows: int = 0
    empty_rows: int = 0
    bands: dict[str, list[Decimal]] = field(default_factory=dict)

    def add(self, code: str, band: int, count: Decimal) -> None:
        sums = self.bands.get(code)
        if sums is None:
            sums = self.bands[code] = [Decimal(0)] * len(AGE_BANDS)
        sums[band] += count


@dataclass(frozen=True)
class AgeImportSummary:
    file_format: str
    year: str
    rows: int
    communes: int
    skipped_codes: int
    merged_codes: int
    arrondissements: int
    missing: int
    scope: str


def import_population_ages(
    path: str | Path,
    *,
    region: str | None = None,
    year: int | None = None,
    progress: ProgressCallback | None = None,
) -> AgeImportSummary:
    """Fill `population_by_age` of the loaded communes (all, or one région) from an INSEE file.

    `year` picks the census of a historical-series workbook (default: the latest sheet) and
    gives the census year of a detailed table whose file name does not carry it.
    Raises TerritoryImportError naming the file, line and field of the first bad value; the
    database is then left untouched.
    """
    report = progress or (lambda step, done, total: None)
    steps = 3
    report("Lecture et contrôle du fichier", 0, steps)
    if region is not None and not Region.objects.filter(code=region).exists():
        raise TerritoryImportError(str(path), f"région inconnue : {region}", field="region")
    parsed = read_population_ages(path, year=year)
    report("Rattachement aux communes", 1, steps)
    communes = Commune.objects.all()
    if region is not None:
        communes = communes.filter(region_id=region)
    attached = attach_to_communes(parsed, dict(communes.values_list("code", "former_codes")))
    report("Enregistrement", 2, steps)
    scope = f"region:{region}" if region else "france"
    _write(parsed, attached.bands, scope)
    report("Terminé", steps, steps)
    return AgeImportSummary(
        file_format=parsed.file_format,
        year=parsed.year,
        rows=parsed.rows,
        communes=len(attached.bands),
        skipped_codes=attached.skipped_codes,
        merged_codes=attached.merged_codes,
        arrondissements=attached.arrondissements,
        missing=attached.missing,
        scope=scope,
    )


def read_population_ages(path: str | Path, *, year: int | None = None) -> ParsedAges:
    """Parse and check a whole INSEE file (CSV, workbook, or INSEE's zip of either)."""
    path = Path(path)
    if not path.is_file():
        raise TerritoryImportError(str(path), "fichier introuvable")
    content = path.read_bytes()
    sha256 = hashlib.sha256(content).hexdigest()
    name, data = path.name, content
    if zipfile.is_zipfile(io.BytesIO(content)):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                name, data = _zip_member(archive, path.name)
    if zipfile.is_zipfile(io.BytesIO(data)):
        return _parse_series_workbook(data, name, str(path), sha256, year)
    if name.lower().endswith(".zip"):
        raise TerritoryImportError(name, "archive zip illisible (fichier tronqué ?)")
    if name.lower().endswith(".xls"):
        raise TerritoryImportError(
            name, "ancien format Excel (.xls) non pris en charge : enregistrez-le en .xlsx"
        )
    if name.lower().endswith(".xlsx"):
        raise TerritoryImportError(name, "classeur Excel illisible (fichier tronqué ?)")
    return _parse_census_table(data, name, str(path), sha256, year)


def _zip_member(archive: zipfile.ZipFile, archive_name: str) -> tuple[str, bytes]:
    members = [
        info for info in archive.infolist()
        if not info.is_dir()
        and info.filename.lower().endswith((".csv", ".txt", ".xlsx"))
        # A list of variables (meta_…, varmod_…) may sit beside the data in an archive.
        and not Path(info.filename).name.lower().startswith(("meta", "varmod"))
    ]
    if len(members) != 1:
        listed = ", ".join(i.filename for i in archive.infolist()) or "aucun fichier"
        raise TerritoryImportError(
            archive_name, f"archive : un seul fichier de données attendu ({listed})"
        )
    try:
        return Path(members[0].filename).name, archive.read(members[0])
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise TerritoryImportError(archive_name, f"archive illisible ({exc})") from exc


def _count(value: Any, file: str, line: int, column: str) -> Decimal:
    """A non-negative count; census counts carry decimals (sampling weights)."""
    if isinstance(value, bool):
        raise TerritoryImportError(file, f"effectif non numérique {value!r}", line, column)
    if isinstance(value, int | float):
        text = repr(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", ".")
    else:
        raise TerritoryImportError(file, f"effectif non numérique {value!r}", line, column)
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise TerritoryImportError(
            file, f"effectif non numérique {value!r}", line, column
        ) from exc
    if not number.is_finite():
        raise TerritoryImportError(file, f"effectif non numérique {value!r}", line, column)
    if number < 0:
        raise TerritoryImportError(file, f"effectif négatif {value!r}", line, column)
    return number


def _parse_census_table(
    data: bytes, name: str, origin: str, sha256: str, year: int | None
) -> ParsedAges:
    found = CENSUS_YEAR.search(name)
    census_year = found.group(1) if found else (str(year) if year else "")
    if year and found and int(found.group(1)) != year:
        raise TerritoryImportError(
            name, f"le fichier est le recensement {found.group(1)}, pas {year}", field="year"
        )
    if not census_year:
        raise TerritoryImportError(
            name, "année du recensement inconnue : indiquez-la (--year)", field="year"
        )
    # INSEE's recent tables are in UTF-8, older ones in Windows-1252 (« é », « œ »). The file is
    # decoded as it is read, so that a national table (millions of rows) is never copied whole.
    for encoding in ("utf-8-sig", "cp1252"):
        parsed = ParsedAges(file_name=name, origin=origin, sha256=sha256,
                            file_format=CENSUS_TABLE, year=census_year)
        stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
        try:
            _read_census_rows(csv.reader(stream, delimiter=";"), name, parsed)
        except UnicodeDecodeError as exc:
            error = exc
            continue
        return parsed
    raise TerritoryImportError(
        name, f"encodage non reconnu, UTF-8 ou Windows-1252 attendu ({error})"
    ) from error


def _read_census_rows(reader: Any, name: str, parsed: ParsedAges) -> None:
    try:
        header = [c.strip() for c in next(reader, [])]
    except csv.Error as exc:
        raise TerritoryImportError(name, f"en-tête illisible ({exc})", line=1) from exc
    if not any(header):
        raise TerritoryImportError(name, "fichier vide", line=1)
    missing = [c for c in CENSUS_COLUMNS if c not in header]
    if missing:
        raise TerritoryImportError(name, "colonne manquante", line=1, field=", ".join(missing))
    index = {column: header.index(column) for column in CENSUS_COLUMNS}
    # One bit per (sex, age) for each code: a duplicate row would count people twice.
    seen: dict[str, int] = defaultdict(int)
    line = 1
    try:
        for line, row in enumerate(reader, start=2):
            if not row or row == [""]:
                continue
            if len(row) != len(header):
                raise TerritoryImportError(
                    name, f"{len(row)} champs au lieu de {len(header)} (fichier tronqué ?)",
                    line=line, field=header[min(len(row), len(header) - 1)],
                )
            code = row[index["CODGEO"]].strip()
            if not COMMUNE_CODE.match(code):
                raise TerritoryImportError(name, f"code mal formé {code!r}", line, "CODGEO")
            sex = row[index["SEXE"]].strip()
            if sex not in SEXES:
                raise TerritoryImportError(name, f"sexe inconnu {sex!r} (1 ou 2)", line, "SEXE")
            raw_age = row[index["AGED100"]].strip()
            if not raw_age.isdigit() or int(raw_age) > OLDEST_AGE:
                raise TerritoryImportError(
                    name, f"âge attendu de 0 à 100, lu {raw_age!r}", line, "AGED100"
                )
            age = int(raw_age)
            bit = 1 << ((int(sex) - 1) * (OLDEST_AGE + 1) + age)
            if seen[code] & bit:
                raise TerritoryImportError(
                    name, f"ligne en double pour {code}, sexe {sex}, âge {raw_age}", line,
                    "CODGEO, SEXE, AGED100",
                )
            seen[code] |= bit
            count = _count(row[index["NB"]], name, line, "NB")
            parsed.add(code, min(age // 5, len(AGE_BANDS) - 1), count)
            parsed.rows += 1
    except csv.Error as exc:
        raise TerritoryImportError(
            name, f"CSV illisible ou fichier tronqué ({exc})", line=line + 1
        ) from exc


def _parse_series_workbook(
    data: bytes, name: str, origin: str, sha256: str, year: int | None
) -> ParsedAges:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise TerritoryImportError(name, f"classeur Excel illisible ({exc})") from exc
    try:
        years = {int(m.group(1)): sheet for sheet in workbook.sheetnames
                 if (m := SERIES_SHEET.match(sheet))}
        if not years or (year is not None and year not in years):
            wanted = f"COM_{year}" if year else "COM_<année>"
            raise TerritoryImportError(
                name, f"feuille « {wanted} » absente (feuilles : "
                      f"{', '.join(workbook.sheetnames)})", field=wanted,
            )
        year = year or max(years)
        sheet = years[year]
        parsed = ParsedAges(file_name=name, origin=origin, sha256=sha256,
                            file_format=HISTORICAL_SERIES, year=str(year))
        try:
            _read_series_sheet(workbook[sheet].iter_rows(values_only=True),
                               f"{name} [{sheet}]", year, parsed)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
            raise TerritoryImportError(
                f"{name} [{sheet}]", f"feuille illisible ou fichier tronqué ({exc})"
            ) from exc
    finally:
        workbook.close()
    return parsed


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_series_sheet(lines: Any, file: str, year: int, parsed: ParsedAges) -> None:
    header: list[str] = []
    header_line = 0
    columns: dict[tuple[int, int], int] = {}
    codes: dict[str, int] = {}
    for line, values in enumerate(lines, start=1):
        cells = list(values)
        if not header:
            texts = [_text(c) for c in cells]
            if "CR" in texts and "DR" in texts:
                header, header_line = texts, line
                columns = _series_columns(header, file, line, year)
            elif line >= SERIES_HEADER_SEARCH:
                raise TerritoryImportError(
                    file, "ligne d'en-tête (DR, CR, ageq_rec…) introuvable", field="DR, CR"
                )
            continue
        if all(c is None or _text(c) == "" for c in cells):
            continue
        cells += [None] * (len(header) - len(cells))
        department = _text(cells[header.index("DR")])
        commune = _text(cells[header.index("CR")])
        if department.isdigit() and len(department) < 2:
            department = department.zfill(2)
        code = department + (commune.zfill(5 - len(department)) if commune.isdigit() else commune)
        if not COMMUNE_CODE.match(code):
            raise TerritoryImportError(
                file, f"code mal formé {code!r} (DR {department!r}, CR {commune!r})", line, "CR"
            )
        if code in codes:
            raise TerritoryImportError(
                file, f"commune {code} en double (déjà ligne {codes[code]})", line, "CR"
            )
        codes[code] = line
        raw = {key: cells[position] for key, position in columns.items()}
        if all(v is None or _text(v) == "" for v in raw.values()):
            # A commune without figures for that census (overseas before 1990): nothing to add.
            parsed.empty_rows += 1
            continue
        for (band, sex), value in raw.items():
            column = header[columns[(band, sex)]]
            if value is None or _text(value) == "":
                raise TerritoryImportError(file, "effectif manquant", line, column)
            parsed.add(code, min(band, len(AGE_BANDS)) - 1, _count(value, file, line, column))
        parsed.rows += 1
    if not header:
        raise TerritoryImportError(file, "feuille vide ou sans en-tête", field="DR, CR")
    if header_line and not codes:
        raise TerritoryImportError(file, "aucune commune sous l'en-tête", line=header_line)


def _series_columns(
    header: list[str], file: str, line: int, year: int
) -> dict[tuple[int, int], int]:
    """Position of each (band 1…20, sex 1…2) column; all 40 must be there."""
    columns: dict[tuple[int, int], int] = {}
    for position, name in enumerate(header):
        if (m := SERIES_COLUMN.match(name)) and int(m.group(3)) == year:
            columns[(int(m.group(1)), int(m.group(2)))] = position
    missing = [f"ageq_rec{band:02d}s{sex}rpop{year}" for band in range(1, 21) for sex in (1, 2)
               if (band, sex) not in columns]
    if missing:
        shown = ", ".join(missing[:3]) + (f" (+{len(missing) - 3})" if len(missing) > 3 else "")
        raise TerritoryImportError(file, "colonne manquante", line=line, field=shown)
    return columns


@dataclass
class AttachedAges:
    bands: dict[str, dict[str, int]]
    skipped_codes: int
    merged_codes: int
    arrondissements: int
    missing: int


def attach_to_communes(parsed: ParsedAges, communes: dict[str, list[str]]) -> AttachedAges:
    """Sum the file's codes into the loaded communes and round each band once, at the end.

    `communes` maps each loaded commune's code to its former codes.
    """
    target: dict[str, str] = {}
    for code, former in communes.items():
        for old in former or []:
            target.setdefault(old, code)
    for code in communes:
        # A commune's own code wins over a former code that happens to be the same.
        target[code] = code
    sums: dict[str, list[Decimal]] = {}
    skipped = merged = arrondissements = 0
    for code, bands in parsed.bands.items():
        parent = municipality_of(code)
        if parent is not None and parent in parsed.bands:
            # The file gives the commune itself too: its arrondissements are a breakdown.
            continue
        code_in_scope = target.get(parent or code)
        if code_in_scope is None:
            skipped += 1
            continue
        if parent is not None:
            arrondissements += 1
        elif code_in_scope != code:
            merged += 1
        total = sums.setdefault(code_in_scope, [Decimal(0)] * len(AGE_BANDS))
        for band, count in enumerate(bands):
            total[band] += count
    rounded = {
        code: {band: _round_half_up(total[i]) for i, band in enumerate(AGE_BANDS)}
        for code, total in sums.items()
    }
    return AttachedAges(
        bands=rounded, skipped_codes=skipped, merged_codes=merged,
        arrondissements=arrondissements, missing=len(set(communes) - set(rounded)),
    )


def _round_half_up(value: Decimal) -> int:
    return math.floor(value + Decimal("0.5"))


@transaction.atomic
def _write(parsed: ParsedAges, bands: dict[str, dict[str, int]], scope: str) -> None:
    codes = sorted(bands)
    for start in range(0, len(codes), 500):
        # Batches keep each query under SQLite's limit on bound parameters.
        communes = list(Commune.objects.filter(code__in=codes[start:start + 500]))
        for commune in communes:
            commune.population_by_age = bands[commune.code]
        Commune.objects.bulk_update(communes, ["population_by_age"])
    DataSource.objects.update_or_create(
        name=SOURCE_NAME, file_name=parsed.file_name, scope=scope,
        defaults={"origin": parsed.origin, "version": parsed.year, "licence": LICENCE,
                  "attribution": ATTRIBUTION, "sha256": parsed.sha256, "rows": parsed.rows},
    )
