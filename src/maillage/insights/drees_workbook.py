"""Read DREES's workbook "APL aux médecins généralistes" (a pure parser: no database write).

Layout of each sheet "APL <year>" as DREES publishes it: 8 lines of title, vintage, sources,
field, reading note and method note; 2 header lines (names, then units); then one line per
commune: code INSEE, commune, APL, APL to GPs aged 65 or less, standardised population, total
population. The sheet "Paramètres" holds DREES's method parameters (activity counted per GP,
travel-time decay, age-band weights), read into `DreesAplParameters` when present.

Any departure from that layout raises TerritoryImportError naming the workbook and sheet
("apl_generalistes_2022.xlsx [APL 2022]"), the line and the field.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from maillage.territories.importers import COMMUNE_CODE, TerritoryImportError

TITLE_LINES = 8
HEADER_LINE = TITLE_LINES + 1
FIRST_DATA_LINE = TITLE_LINES + 3
PARAMETERS_SHEET = "Paramètres"
APL_SHEET = re.compile(r"^APL (\d{4})$")
# How each of the six columns' header starts (lower case, accents kept as DREES writes them).
HEADER_STARTS = ("code commune", "commune", "apl aux médecins généralistes",
                 "apl aux médecins généralistes de moins de 65 ans",
                 "population standardisée", "population totale")


@dataclass(frozen=True)
class DreesAplRow:
    code: str
    name: str
    apl: float
    apl_65: float
    standardised_population: float
    population: float


@dataclass(frozen=True)
class DreesAplParameters:
    """DREES's parameters, as written in the sheet "Paramètres".

    `activity_bands`: (label, consultations counted or None when the actual number counts);
    `new_installation_activity`: consultations imputed to a liberal GP without liberal activity
    the year before; `decay`: (upper bound in minutes or None for "more than", weight);
    `age_weights`: year → the 19 five-year band weights (<5 … 90+).
    """

    activity_bands: tuple[tuple[str, float | None], ...]
    new_installation_activity: float | None
    decay: tuple[tuple[float | None, float], ...]
    age_bands: tuple[str, ...]
    age_weights: dict[int, tuple[float, ...]]


@dataclass(frozen=True)
class DreesAplWorkbook:
    file_name: str
    sha256: str
    sheet: str
    year: int
    rows: tuple[DreesAplRow, ...]
    parameters: DreesAplParameters | None


def read_drees_apl_workbook(path: str | Path, *, year: int | None = None) -> DreesAplWorkbook:
    """Parse the workbook; `year` picks a sheet "APL <year>", by default the latest one."""
    from openpyxl import load_workbook

    path = Path(path)
    if not path.is_file():
        raise TerritoryImportError(str(path), "fichier introuvable")
    content = path.read_bytes()
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TerritoryImportError(path.name, f"classeur Excel illisible ({exc})") from exc
    try:
        years = {int(m.group(1)): name for name in workbook.sheetnames
                 if (m := APL_SHEET.match(name))}
        if not years or (year is not None and year not in years):
            wanted = f"APL {year}" if year else "APL <année>"
            raise TerritoryImportError(path.name, f"feuille « {wanted} » absente (feuilles : "
                                       f"{', '.join(workbook.sheetnames)})", field=wanted)
        year = year or max(years)
        sheet = years[year]
        rows = _apl_rows(workbook[sheet].iter_rows(values_only=True), f"{path.name} [{sheet}]")
        parameters = None
        if PARAMETERS_SHEET in workbook.sheetnames:
            parameters = _parameters(list(workbook[PARAMETERS_SHEET].iter_rows(values_only=True)),
                                     f"{path.name} [{PARAMETERS_SHEET}]")
    finally:
        workbook.close()
    return DreesAplWorkbook(file_name=path.name, sha256=hashlib.sha256(content).hexdigest(),
                            sheet=sheet, year=year, rows=rows, parameters=parameters)


def _apl_rows(lines: Any, file: str) -> tuple[DreesAplRow, ...]:
    rows: list[DreesAplRow] = []
    seen: set[str] = set()
    header: list[str] = []
    for line, values in enumerate(lines, start=1):
        cells = list(values[:6]) + [None] * (6 - len(values[:6]))
        if line < HEADER_LINE:
            continue
        if line == HEADER_LINE:
            header = [str(c or "").strip() for c in cells]
            for column, (cell, start) in enumerate(zip(header, HEADER_STARTS, strict=True)):
                if not cell.lower().startswith(start):
                    raise TerritoryImportError(
                        file, f"en-tête attendu « {start}… », lu {cell!r}", line,
                        "ABCDEF"[column])
            continue
        if line < FIRST_DATA_LINE or all(c is None or c == "" for c in cells):
            continue
        code = cells[0]
        if not isinstance(code, str) or not COMMUNE_CODE.match(code.strip()):
            raise TerritoryImportError(file, f"code INSEE mal formé {code!r}", line, header[0])
        code = code.strip()
        if code in seen:
            raise TerritoryImportError(file, f"commune {code} en double", line, header[0])
        seen.add(code)
        name = cells[1]
        if not isinstance(name, str) or not name.strip():
            raise TerritoryImportError(file, "nom de commune manquant", line, header[1])
        apl, apl_65, standardised, population = (
            _number(cells[i], file, line, header[i]) for i in range(2, 6))
        rows.append(DreesAplRow(code=code, name=name.strip(), apl=apl, apl_65=apl_65,
                                standardised_population=standardised, population=population))
    if not header:
        raise TerritoryImportError(file, "en-tête absent (feuille trop courte)", HEADER_LINE)
    if not rows:
        raise TerritoryImportError(file, "aucune commune", FIRST_DATA_LINE)
    return tuple(rows)


def _number(value: Any, file: str, line: int, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TerritoryImportError(file, f"nombre attendu, lu {value!r}", line, field)
    if not math.isfinite(value) or value < 0:
        raise TerritoryImportError(file, f"nombre positif et fini attendu, lu {value!r}", line,
                                   field)
    return float(value)


def _parameters(lines: list[tuple[Any, ...]], file: str) -> DreesAplParameters:
    """Read the three tables of "Paramètres", each found by its title in column A."""

    def after(title: str) -> int:
        for index, values in enumerate(lines):
            if values and isinstance(values[0], str) and values[0].strip().startswith(title):
                return index
        raise TerritoryImportError(file, f"tableau « {title} » introuvable", field="A")

    def table(start: int) -> list[tuple[int, tuple[Any, ...]]]:
        found = []
        for index in range(start, len(lines)):
            values = lines[index]
            if not values or values[0] is None or (len(values) > 1 and values[1] is None):
                break
            found.append((index + 1, values))
        return found

    activity_at = after("Comptabilisation de l'activité") + 2
    activity = [(str(v[0]).strip(), float(v[1]) if isinstance(v[1], int | float) else None)
                for _line, v in table(activity_at)]
    exceptions = next((str(v[0]) for v in lines[activity_at:] if v and isinstance(v[0], str)
                       and v[0].startswith("Exceptions")), "")
    imputed = re.search(r"(\d[\d  ]*\d) consultations", exceptions)
    decay = []
    for line, values in table(after("Décroissance de l'accessibilité") + 2):
        upper = re.findall(r"\d+", str(values[0]))
        weight = _number(values[1], file, line, "B")
        decay.append((None if str(values[0]).startswith("Plus") else float(upper[-1]), weight))
    weights_at = after("Pondération de la population") + 1
    year_columns = {column: int(m.group(1)) for column, title in enumerate(lines[weights_at])
                    if isinstance(title, str) and (m := re.search(r"(\d{4})$", title.strip()))}
    bands: list[str] = []
    weights: dict[int, list[float]] = {y: [] for y in year_columns.values()}
    for line, values in table(weights_at + 1):
        bands.append(str(values[0]).strip())
        for column, weight_year in year_columns.items():
            weights[weight_year].append(_number(values[column], file, line, "ABCDEF"[column]))
    return DreesAplParameters(
        activity_bands=tuple(activity),
        new_installation_activity=float(re.sub(r"\D", "", imputed.group(1))) if imputed else None,
        decay=tuple(decay),
        age_bands=tuple(bands),
        age_weights={y: tuple(w) for y, w in weights.items()},
    )
