"""Import France's geography from the official open-data files.

The files are read from the open-data mirror (setting `MAILLAGE_DATA_MIRROR`) when one is set,
otherwise downloaded from their official addresses. Everything is parsed and validated before
anything is written; the write is one transaction of upserts, so a bad file leaves the database
exactly as it was and a re-run updates rows instead of duplicating them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import re
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from maillage.territories.models import (
    Commune,
    DataSource,
    Departement,
    Epci,
    PostalCode,
    Region,
)
from maillage.territories.text import normalise_name

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, int], None]

COMMUNE_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
DEPARTEMENT_CODE = re.compile(r"^(\d{2}|2[AB]|9[78]\d)$")
# Overseas collectivities (COM) have three-digit codes: 975, 977, 988…
REGION_CODE = re.compile(r"^\d{2,3}$")

COG_VERSION = "@etalab/decoupage-administratif 6.0.0 (COG 2026)"
COG_URL = "https://unpkg.com/@etalab/decoupage-administratif@6.0.0/data/{name}"
COG_LICENCE = "Licence Ouverte / Etalab 2.0 (données INSEE) ; paquet MIT"
COG_ATTRIBUTION = "INSEE, Code officiel géographique ; Etalab, decoupage-administratif"
CENTRES_PATH = "territories/communes-centres/communes_2026_pop_latlon.csv"
CENTRES_LICENCE = "Licence Ouverte / Etalab 2.0"
CENTRES_ATTRIBUTION = "La Poste, base officielle des codes postaux ; INSEE"
# The mirror's centres file is a join made for it (see its PROVENANCE.txt), with no download
# address of its own; from the network the centres come from the API Géo, which serves every
# current commune's centre in one answer.
GEO_API_CENTRES_PATH = "territories/communes-centres/geo-api-communes-centres.json"
GEO_API_CENTRES_URL = "https://geo.api.gouv.fr/communes?fields=code,centre&format=json"
GEO_API_LICENCE = "Licence Ouverte / Etalab 2.0"
GEO_API_ATTRIBUTION = "API Géo (geo.api.gouv.fr), DINUM ; IGN, INSEE"
BOUNDARIES_URL = (
    "https://raw.githubusercontent.com/gregoiredavid/france-geojson/"
    "5d34ee6d0140c29f785fdb047d9329f1aab58833/{name}"
)
BOUNDARIES_VERSION = "IGN Admin Express COG 2018, simplifié (france-geojson 5d34ee6)"
BOUNDARIES_LICENCE = "Licence Ouverte / Etalab"
BOUNDARIES_ATTRIBUTION = "IGN, Admin Express ; simplification Grégoire David"


class TerritoryImportError(Exception):
    """A file is not what the importer expects: names the file, line and field."""

    def __init__(self, file: str, message: str, line: int | None = None, field: str = ""):
        self.file, self.line, self.field, self.message = file, line, field, message
        where = file
        if line is not None:
            where += f", ligne {line}"
        if field:
            where += f", champ « {field} »"
        super().__init__(f"{where} : {message}")


@dataclass(frozen=True)
class FetchedFile:
    name: str
    origin: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def fetch(relative_path: str, official_url: str, mirror: str | None = None) -> FetchedFile:
    """Read a file from the mirror, or from its official address when no mirror is set."""
    mirror = settings.MAILLAGE_DATA_MIRROR if mirror is None else mirror
    name = relative_path.rsplit("/", 1)[-1]
    if mirror:
        path = Path(mirror) / relative_path
        if not path.exists():
            raise TerritoryImportError(str(path), "fichier introuvable dans le miroir de données")
        return FetchedFile(name=name, origin=str(path), content=path.read_bytes())
    if not official_url:
        raise TerritoryImportError(
            name, "aucune adresse officielle pour ce fichier : définissez MAILLAGE_DATA_MIRROR")
    try:
        with urllib.request.urlopen(official_url, timeout=60) as response:
            return FetchedFile(name=name, origin=official_url, content=response.read())
    except (OSError, ValueError) as exc:
        raise TerritoryImportError(
            official_url,
            f"téléchargement impossible ({exc}); définissez MAILLAGE_DATA_MIRROR",
        ) from exc


def iter_json_array(fetched: FetchedFile) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for each element of a JSON array file.

    A truncated or malformed file raises TerritoryImportError with the line where it breaks.
    """
    try:
        text = fetched.content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TerritoryImportError(fetched.name, f"encodage non UTF-8 ({exc})") from exc
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if position >= len(text) or text[position] != "[":
        raise TerritoryImportError(fetched.name, "un tableau JSON est attendu", line=1)
    position = _skip_space(text, position + 1)
    if position < len(text) and text[position] == "]":
        return
    line, counted_to = 1, 0
    while True:
        # Count newlines incrementally: recounting from the start would be quadratic.
        line += text.count("\n", counted_to, position)
        counted_to = position
        try:
            item, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise TerritoryImportError(
                fetched.name, f"JSON invalide ou fichier tronqué ({exc.msg})", line=exc.lineno
            ) from exc
        if not isinstance(item, dict):
            raise TerritoryImportError(fetched.name, "chaque élément doit être un objet", line)
        yield line, item
        position = _skip_space(text, position)
        if position >= len(text):
            raise TerritoryImportError(
                fetched.name, "fichier tronqué : le tableau n'est pas fermé", line=line
            )
        if text[position] == "]":
            return
        if text[position] != ",":
            raise TerritoryImportError(
                fetched.name, "virgule ou « ] » attendu",
                line=line + text.count("\n", counted_to, position),
            )
        position = _skip_space(text, position + 1)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _required(item: dict[str, Any], key: str, file: str, line: int) -> Any:
    value = item.get(key)
    if value is None or value == "":
        raise TerritoryImportError(file, "valeur manquante", line=line, field=key)
    return value


def _code(item: dict[str, Any], key: str, pattern: re.Pattern[str], file: str, line: int) -> str:
    value = _required(item, key, file, line)
    if not isinstance(value, str) or not pattern.match(value):
        raise TerritoryImportError(file, f"code mal formé {value!r}", line=line, field=key)
    return value


def _population(value: Any, file: str, line: int, key: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TerritoryImportError(file, f"population non numérique {value!r}", line, key)
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise TerritoryImportError(
            file, f"population non numérique {value!r}", line=line, field=key
        ) from exc
    if isinstance(value, float) and not value.is_integer():
        raise TerritoryImportError(file, f"population non entière {value!r}", line, key)
    if number < 0:
        raise TerritoryImportError(file, f"population négative {value!r}", line=line, field=key)
    return number


def _float(value: str, file: str, line: int, key: str, low: float, high: float) -> float | None:
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise TerritoryImportError(file, f"nombre attendu, lu {value!r}", line, key) from exc
    if not low <= number <= high:
        raise TerritoryImportError(file, f"valeur hors bornes {value!r}", line=line, field=key)
    return number


@dataclass
class ParsedGeography:
    regions: dict[str, Region] = field(default_factory=dict)
    departements: dict[str, Departement] = field(default_factory=dict)
    epcis: dict[str, Epci] = field(default_factory=dict)
    communes: dict[str, Commune] = field(default_factory=dict)
    postal_codes: dict[str, list[str]] = field(default_factory=dict)
    # Former (e.g. COG 2018) code → current commune code, to join older boundary files.
    current_code_of: dict[str, str] = field(default_factory=dict)
    sources: list[tuple[str, FetchedFile, int, str, str, str]] = field(default_factory=list)


def parse_regions(fetched: FetchedFile, parsed: ParsedGeography) -> None:
    rows = 0
    for line, item in iter_json_array(fetched):
        code = _code(item, "code", REGION_CODE, fetched.name, line)
        name = _required(item, "nom", fetched.name, line)
        if code in parsed.regions:
            raise TerritoryImportError(fetched.name, f"code {code} en double", line, "code")
        parsed.regions[code] = Region(code=code, name=name)
        rows += 1
    parsed.sources.append(("COG régions", fetched, rows, COG_VERSION, COG_LICENCE, COG_ATTRIBUTION))


def parse_departements(fetched: FetchedFile, parsed: ParsedGeography) -> None:
    rows = 0
    for line, item in iter_json_array(fetched):
        code = _code(item, "code", DEPARTEMENT_CODE, fetched.name, line)
        region = _code(item, "region", REGION_CODE, fetched.name, line)
        if code in parsed.departements:
            raise TerritoryImportError(fetched.name, f"code {code} en double", line, "code")
        if region not in parsed.regions:
            raise TerritoryImportError(fetched.name, f"région inconnue {region}", line, "region")
        parsed.departements[code] = Departement(
            code=code, name=_required(item, "nom", fetched.name, line), region_id=region
        )
        rows += 1
    parsed.sources.append(
        ("COG départements", fetched, rows, COG_VERSION, COG_LICENCE, COG_ATTRIBUTION)
    )


def parse_communes(fetched: FetchedFile, parsed: ParsedGeography, region: str | None) -> None:
    rows = 0
    seen: set[str] = set()
    for line, item in iter_json_array(fetched):
        kind = _required(item, "type", fetched.name, line)
        code = _code(item, "code", COMMUNE_CODE, fetched.name, line)
        if kind in {"commune-deleguee", "commune-associee"}:
            if chef_lieu := item.get("chefLieu"):
                parsed.current_code_of.setdefault(code, chef_lieu)
            continue
        if kind != "commune-actuelle":
            continue
        rows += 1
        if code in seen:
            raise TerritoryImportError(fetched.name, f"code {code} en double", line, "code")
        seen.add(code)
        commune_region = _code(item, "region", REGION_CODE, fetched.name, line)
        departement = _code(item, "departement", DEPARTEMENT_CODE, fetched.name, line)
        name = _required(item, "nom", fetched.name, line)
        population = _population(item.get("population"), fetched.name, line, "population")
        if region and commune_region != region:
            continue
        if departement not in parsed.departements:
            raise TerritoryImportError(
                fetched.name, f"département inconnu {departement}", line, "departement"
            )
        former = [c for c in item.get("anciensCodes", []) if isinstance(c, str)]
        parsed.communes[code] = Commune(
            code=code,
            name=name,
            search_name=normalise_name(name),
            departement_id=departement,
            region_id=commune_region,
            population=population,
            former_codes=former,
        )
        parsed.postal_codes[code] = sorted(set(item.get("codesPostaux") or []))
        parsed.current_code_of[code] = code
        for old in former:
            parsed.current_code_of[old] = code
    parsed.sources.append(
        ("COG communes", fetched, rows, COG_VERSION, COG_LICENCE, COG_ATTRIBUTION)
    )


def parse_epcis(fetched: FetchedFile, parsed: ParsedGeography) -> None:
    rows = 0
    for line, item in iter_json_array(fetched):
        code = _required(item, "code", fetched.name, line)
        if not isinstance(code, str) or not re.match(r"^\d{9}$", code):
            raise TerritoryImportError(fetched.name, f"SIREN mal formé {code!r}", line, "code")
        rows += 1
        members = [m.get("code") for m in item.get("membres", []) if isinstance(m, dict)]
        in_scope = [m for m in members if m in parsed.communes]
        if not in_scope:
            continue
        parsed.epcis[code] = Epci(
            code=code,
            name=_required(item, "nom", fetched.name, line),
            kind=item.get("type", ""),
            population=_population(item.get("populationTotale"), fetched.name, line,
                                   "populationTotale"),
        )
        for member in in_scope:
            parsed.communes[member].epci_id = code
    parsed.sources.append(("COG EPCI", fetched, rows, COG_VERSION, COG_LICENCE, COG_ATTRIBUTION))


CENTRES_COLUMNS = ("code_insee", "latitude", "longitude")


def parse_centres(fetched: FetchedFile, parsed: ParsedGeography) -> None:
    """Join each commune's centre point (La Poste / IGN point) from the derived CSV."""
    try:
        text = fetched.content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TerritoryImportError(fetched.name, f"encodage non UTF-8 ({exc})") from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise TerritoryImportError(fetched.name, "fichier vide", line=1)
    missing = [c for c in CENTRES_COLUMNS if c not in header]
    if missing:
        raise TerritoryImportError(
            fetched.name, "colonne manquante", line=1, field=", ".join(missing)
        )
    index = {name: header.index(name) for name in CENTRES_COLUMNS}
    rows = 0
    for line, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise TerritoryImportError(
                fetched.name,
                f"{len(row)} champs au lieu de {len(header)} (fichier tronqué ?)",
                line=line,
                field=header[min(len(row), len(header) - 1)],
            )
        rows += 1
        code = row[index["code_insee"]]
        if not COMMUNE_CODE.match(code):
            raise TerritoryImportError(fetched.name, f"code mal formé {code!r}", line, "code_insee")
        commune = parsed.communes.get(code)
        if commune is None:
            continue
        commune.latitude = _float(row[index["latitude"]], fetched.name, line, "latitude", -90, 90)
        commune.longitude = _float(
            row[index["longitude"]], fetched.name, line, "longitude", -180, 180
        )
    parsed.sources.append(
        ("Centres des communes", fetched, rows, "COG 2026 × La Poste", CENTRES_LICENCE,
         CENTRES_ATTRIBUTION)
    )


def parse_geo_api_centres(fetched: FetchedFile, parsed: ParsedGeography) -> None:
    """Join each commune's centre from the API Géo's answer (a JSON array of communes)."""
    rows = 0
    for line, item in iter_json_array(fetched):
        code = _code(item, "code", COMMUNE_CODE, fetched.name, line)
        rows += 1
        commune = parsed.communes.get(code)
        centre = item.get("centre")
        if commune is None or centre is None:
            continue
        coordinates = centre.get("coordinates") if isinstance(centre, dict) else None
        if (not isinstance(coordinates, list) or len(coordinates) != 2
                or not all(isinstance(v, int | float) and not isinstance(v, bool)
                           for v in coordinates)):
            raise TerritoryImportError(fetched.name, "point GeoJSON [longitude, latitude] "
                                       "attendu", line=line, field="centre")
        longitude, latitude = (float(v) for v in coordinates)
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise TerritoryImportError(fetched.name, f"valeur hors bornes {coordinates!r}",
                                       line=line, field="centre")
        commune.latitude, commune.longitude = latitude, longitude
    parsed.sources.append(
        ("Centres des communes", fetched, rows, "API Géo, communes actuelles",
         GEO_API_LICENCE, GEO_API_ATTRIBUTION)
    )


def boundary_file_name(departement: Departement) -> str:
    """france-geojson's file for a département, e.g. departements/34-herault/communes-34-herault."""
    slug = normalise_name(departement.name).replace(" ", "-")
    slug = slug.replace("st-", "saint-").replace("ste-", "sainte-")
    return f"communes-{departement.code}-{slug}.geojson"


def parse_boundaries(
    fetched: FetchedFile, parsed: ParsedGeography, progress: ProgressCallback | None = None
) -> None:
    """Attach simplified boundaries; a merged commune is the union of its former shapes."""
    from shapely import unary_union
    from shapely.geometry import mapping, shape

    try:
        collection = json.loads(fetched.content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise TerritoryImportError(fetched.name, f"GeoJSON invalide ({exc})", line=line) from exc
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise TerritoryImportError(fetched.name, "une FeatureCollection est attendue", line=1)
    shapes: dict[str, list[Any]] = defaultdict(list)
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") or {}
        code = props.get("code")
        if not isinstance(code, str) or not COMMUNE_CODE.match(code):
            raise TerritoryImportError(
                fetched.name, f"code mal formé {code!r} (entité n°{number})", field="code"
            )
        current = parsed.current_code_of.get(code)
        # A delegated commune points to its commune nouvelle, which may itself have been merged.
        while current and parsed.current_code_of.get(current, current) != current:
            current = parsed.current_code_of[current]
        if current not in parsed.communes:
            continue
        try:
            shapes[current].append(shape(feature["geometry"]))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise TerritoryImportError(
                fetched.name, f"géométrie invalide (entité n°{number}, code {code})",
                field="geometry",
            ) from exc
    for code, parts in shapes.items():
        geometry = parts[0] if len(parts) == 1 else unary_union([p.buffer(0) for p in parts])
        parsed.communes[code].boundary = _rounded(mapping(geometry))
        parsed.communes[code].map_boundary = map_outline(geometry)
    parsed.sources.append(
        ("Contours des communes", fetched, len(features), BOUNDARIES_VERSION,
         BOUNDARIES_LICENCE, BOUNDARIES_ATTRIBUTION)
    )


def map_outline(geometry: Any) -> Any:
    """A commune outline light enough to draw a whole région at once.

    0.001° (~100 m) is below one pixel at the zooms that show a région or a département, and
    divides the layer's size by about 2.5.
    """
    from shapely.geometry import mapping

    return _rounded(mapping(geometry.simplify(0.001, preserve_topology=True)), 4)


def _rounded(geometry: Any, digits: int = 5) -> Any:
    """Round coordinates (1e-5° ≈ 1 m) so that pages carry less GeoJSON."""
    if isinstance(geometry, dict):
        return {k: _rounded(v, digits) for k, v in geometry.items()}
    if isinstance(geometry, list | tuple):
        return [_rounded(v, digits) for v in geometry]
    if isinstance(geometry, float):
        return round(geometry, digits)
    return geometry


def parse_outlines(fetched: FetchedFile, targets: dict[str, Any]) -> None:
    try:
        collection = json.loads(fetched.content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TerritoryImportError(fetched.name, f"GeoJSON invalide ({exc})") from exc
    for feature in collection.get("features", []):
        code = (feature.get("properties") or {}).get("code")
        if code in targets:
            targets[code].boundary = _rounded(feature.get("geometry"))


@dataclass(frozen=True)
class ImportSummary:
    regions: int
    departements: int
    epcis: int
    communes: int
    with_centre: int
    with_boundary: int
    postal_codes: int
    scope: str


def import_territories(
    region: str | None = None,
    *,
    mirror: str | None = None,
    with_boundaries: bool = True,
    progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Import régions, départements, EPCI and communes (all France, or one région).

    Raises TerritoryImportError naming the file, line and field of the first bad value; the
    database is then left untouched.
    """
    report = progress or (lambda step, done, total: None)
    parsed = ParsedGeography()
    steps = 6 + (1 if with_boundaries else 0)
    report("Lecture des régions", 0, steps)
    parse_regions(fetch("territories/decoupage-administratif/regions.json",
                        COG_URL.format(name="regions.json"), mirror), parsed)
    if region is not None and region not in parsed.regions:
        raise TerritoryImportError("regions.json", f"région inconnue : {region}", field="region")
    report("Lecture des départements", 1, steps)
    parse_departements(fetch("territories/decoupage-administratif/departements.json",
                             COG_URL.format(name="departements.json"), mirror), parsed)
    report("Lecture des communes", 2, steps)
    parse_communes(fetch("territories/decoupage-administratif/communes.json",
                         COG_URL.format(name="communes.json"), mirror), parsed, region)
    report("Lecture des EPCI", 3, steps)
    parse_epcis(fetch("territories/decoupage-administratif/epci.json",
                      COG_URL.format(name="epci.json"), mirror), parsed)
    report("Lecture des centres des communes", 4, steps)
    if (settings.MAILLAGE_DATA_MIRROR if mirror is None else mirror):
        parse_centres(fetch(CENTRES_PATH, "", mirror), parsed)
    else:
        parse_geo_api_centres(fetch(GEO_API_CENTRES_PATH, GEO_API_CENTRES_URL, mirror), parsed)
    scope_departements = {c.departement_id for c in parsed.communes.values()}
    if with_boundaries:
        report("Lecture des contours", 5, steps)
        for code in sorted(scope_departements):
            departement = parsed.departements[code]
            name = boundary_file_name(departement)
            folder = name.removeprefix("communes-").removesuffix(".geojson")
            # The mirror keeps the files flat; upstream nests them in a folder per département.
            relative = f"territories/boundaries-2018/departements/{name}"
            official = BOUNDARIES_URL.format(name=f"departements/{folder}/{name}")
            try:
                fetched = fetch(relative, official, mirror)
            except TerritoryImportError as exc:
                # Boundaries are optional (overseas départements are missing from the source).
                logger.warning("Contours absents pour %s : %s", code, exc)
                continue
            parse_boundaries(fetched, parsed)
        for file_name, targets in (
            ("regions-version-simplifiee.geojson", parsed.regions),
            ("departements-version-simplifiee.geojson", parsed.departements),
        ):
            relative = f"territories/boundaries-2018/{file_name}"
            try:
                parse_outlines(fetch(relative, BOUNDARIES_URL.format(name=file_name), mirror),
                               targets)
            except TerritoryImportError as exc:
                logger.warning("Contours absents : %s", exc)
    report("Enregistrement", steps - 1, steps)
    scope = f"region:{region}" if region else "france"
    _write(parsed, scope, with_boundaries)
    report("Terminé", steps, steps)
    communes = parsed.communes.values()
    return ImportSummary(
        regions=len(parsed.regions),
        departements=len(parsed.departements),
        epcis=len(parsed.epcis),
        communes=len(parsed.communes),
        with_centre=sum(1 for c in communes if c.latitude is not None),
        with_boundary=sum(1 for c in communes if c.boundary),
        postal_codes=sum(len(v) for v in parsed.postal_codes.values()),
        scope=scope,
    )


@transaction.atomic
def _write(parsed: ParsedGeography, scope: str, with_boundaries: bool = True) -> None:
    outline = ["boundary"] if with_boundaries else []
    Region.objects.bulk_create(
        parsed.regions.values(), update_conflicts=True, unique_fields=["code"],
        update_fields=["name", *outline],
    )
    Departement.objects.bulk_create(
        parsed.departements.values(), update_conflicts=True, unique_fields=["code"],
        update_fields=["name", "region", *outline],
    )
    Epci.objects.bulk_create(
        parsed.epcis.values(), update_conflicts=True, unique_fields=["code"],
        update_fields=["name", "kind", "population"],
    )
    # Keep age bands loaded by another importer (this file does not carry them), and keep
    # boundaries when this import skips them.
    Commune.objects.bulk_create(
        parsed.communes.values(), batch_size=500, update_conflicts=True, unique_fields=["code"],
        update_fields=["name", "search_name", "departement", "region", "epci", "population",
                       "latitude", "longitude", "former_codes",
                       *(["boundary", "map_boundary"] if with_boundaries else [])],
    )
    codes = list(parsed.communes)
    for start in range(0, len(codes), 500):
        PostalCode.objects.filter(commune_id__in=codes[start:start + 500]).delete()
    PostalCode.objects.bulk_create(
        [PostalCode(code=pc, commune_id=code) for code, pcs in parsed.postal_codes.items()
         for pc in pcs],
        batch_size=1000,
    )
    for name, fetched, rows, version, licence, attribution in parsed.sources:
        DataSource.objects.update_or_create(
            name=name, file_name=fetched.name, scope=scope,
            defaults={"origin": fetched.origin, "version": version, "licence": licence,
                      "attribution": attribution, "sha256": fetched.sha256, "rows": rows},
        )
