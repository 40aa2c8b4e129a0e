"""Without a mirror the importer reads the official download addresses (network stubbed)."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from maillage.territories import importers
from maillage.territories.importers import TerritoryImportError, import_territories
from maillage.territories.models import Commune, DataSource
from tests.mirror_factory import CENTRES, json_lines

pytestmark = pytest.mark.django_db


def geo_api_answer(overrides: dict[str, object] | None = None) -> str:
    items = [{"code": code, "centre": {"type": "Point", "coordinates": [float(lon), float(lat)]}}
             for code, _name, _dep, _reg, lat, lon in CENTRES]
    items.append({"code": "97501"})  # an overseas collectivity served without a centre
    for item in items:
        item.update((overrides or {}).get(item["code"], {}))
    return json_lines(items)


@pytest.fixture
def network(mini_mirror: Path, monkeypatch):
    """Serve the mirror's files at their official addresses; record what was asked."""
    asked: list[str] = []
    answers: dict[str, bytes] = {importers.GEO_API_CENTRES_URL: geo_api_answer().encode()}
    cog = mini_mirror / "territories" / "decoupage-administratif"
    for path in cog.iterdir():
        answers[importers.COG_URL.format(name=path.name)] = path.read_bytes()
    boundaries = mini_mirror / "territories" / "boundaries-2018" / "departements"
    for path in boundaries.iterdir():
        folder = path.name.removeprefix("communes-").removesuffix(".geojson")
        answers[importers.BOUNDARIES_URL.format(
            name=f"departements/{folder}/{path.name}")] = path.read_bytes()

    def urlopen(url: str, timeout: float = 0):
        asked.append(url)
        if url not in answers:
            raise urllib.error.URLError("404")
        return io.BytesIO(answers[url])

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return answers, asked


def test_it_imports_from_the_official_addresses_with_centres_from_the_api_geo(network):
    _answers, asked = network

    summary = import_territories("76", mirror="")

    assert summary.communes == 4 and summary.with_centre == 4
    mende = Commune.objects.get(pk="48095")
    assert (mende.latitude, mende.longitude) == (44.5, 3.5)
    assert mende.boundary["type"] == "Polygon"
    assert importers.GEO_API_CENTRES_URL in asked
    source = DataSource.objects.get(name="Centres des communes")
    assert source.origin == importers.GEO_API_CENTRES_URL and len(source.sha256) == 64


def test_a_bad_centre_from_the_api_geo_is_named_and_nothing_is_written(network):
    answers, _asked = network
    answers[importers.GEO_API_CENTRES_URL] = geo_api_answer(
        {"48017": {"centre": {"type": "Point", "coordinates": ["est", 44.5]}}}).encode()

    with pytest.raises(TerritoryImportError) as error:
        import_territories("76", mirror="")

    assert str(error.value).startswith(
        "geo-api-communes-centres.json, ligne 3, champ « centre » : point GeoJSON")
    assert not Commune.objects.exists()


def test_an_unreachable_address_says_so_and_names_the_mirror_setting(network):
    answers, _asked = network
    del answers[importers.GEO_API_CENTRES_URL]

    with pytest.raises(TerritoryImportError, match="MAILLAGE_DATA_MIRROR"):
        import_territories("76", mirror="")
    assert not Commune.objects.exists()


def test_a_file_without_an_official_address_needs_the_mirror():
    with pytest.raises(TerritoryImportError, match="aucune adresse officielle"):
        importers.fetch(importers.CENTRES_PATH, "", mirror="")


def test_the_answer_is_a_json_array_of_communes(network):
    answers, _asked = network
    answers[importers.GEO_API_CENTRES_URL] = json.dumps({"message": "quota"}).encode()

    with pytest.raises(TerritoryImportError, match="un tableau JSON est attendu"):
        import_territories("76", mirror="")
