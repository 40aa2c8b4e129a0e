"""A run whose travel times come from an OSRM server (MAILLAGE_TRAVEL_TIMES="osrm:<url>"),
against a stand-in server on 127.0.0.1 that the test starts (never the internet)."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maillage.insights import selectors, services
from maillage.insights.models import AccessRun

pytestmark = pytest.mark.django_db

# Road minutes the stand-in answers, by INSEE code (the OD-matrix test's figures): Badaroux 12
# min from Mende (DREES weight 2/3), Mont Lozère et Goulet 18 min (1/3), Saint-Affrique 95.
MINUTES = {("48095", "48095"): 0.0, ("48017", "48095"): 12.0, ("48099", "48095"): 18.0,
           ("12208", "48095"): 95.0}


class _StandInOSRM(BaseHTTPRequestHandler):
    codes: dict[str, str] = {}  # "lon,lat" as the client writes it → INSEE code
    fail = False
    paths: list[str] = []

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        if type(self).fail:
            self.send_response(503)
            self.end_headers()
            self.wfile.write(b"overloaded")
            return
        url = urllib.parse.urlsplit(self.path)
        points = [self.codes[c] for c in url.path.rsplit("/", 1)[1].split(";")]
        query = urllib.parse.parse_qs(url.query)
        sources = [int(i) for i in query["sources"][0].split(";")]
        destinations = [int(i) for i in query["destinations"][0].split(";")]
        durations = [[None if (points[i], points[j]) not in MINUTES
                      else MINUTES[points[i], points[j]] * 60 for j in destinations]
                     for i in sources]
        body = json.dumps({"code": "Ok", "durations": durations}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def osrm(gp_counts, settings) -> Iterator[type[_StandInOSRM]]:
    from maillage.territories.models import Commune

    _StandInOSRM.codes = {f"{lon:.6f},{lat:.6f}": code for code, lat, lon in
                          Commune.objects.values_list("code", "latitude", "longitude")}
    _StandInOSRM.fail = False
    _StandInOSRM.paths = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StandInOSRM)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MAILLAGE_TRAVEL_TIMES = f"osrm:http://127.0.0.1:{server.server_address[1]}"
    try:
        yield _StandInOSRM
    finally:
        server.shutdown()
        server.server_close()


def run_gp() -> AccessRun:
    return services.access_run_execute(services.access_run_create(
        actor=None, region="76", profession="generaliste"))


def test_osrm_road_times_replace_the_great_circle_model(osrm):
    run = run_gp()

    # two BPE GPs in Mende: 10,800 consultations over 12,464 + 2/3 × 1,050 + 1/3 × 1,300
    r = 10_800 / (12_464 + 2 / 3 * 1050 + 1 / 3 * 1300)
    values = dict(run.results.values_list("commune_id", "accessibility"))
    assert values == pytest.approx({"48095": r, "48017": 2 / 3 * r, "48099": r / 3,
                                    "12208": 0.0}, rel=1e-9)
    assert osrm.paths and all("/table/v1/driving/" in p for p in osrm.paths)
    assert any("service OSRM" in line and "OpenStreetMap" in line
               for line in selectors.run_provenance_lines(run))


def test_a_failing_osrm_server_fails_the_run_and_keeps_the_previous_one(osrm):
    first = run_gp()
    osrm.fail = True

    with pytest.raises(CommandError, match="HTTP 503"):
        call_command("access", "run", "--region", "76", "--profession", "generaliste",
                     verbosity=0)
    failed = AccessRun.objects.exclude(pk=first.pk).get()
    assert failed.state == AccessRun.State.FAILED and "HTTP 503" in failed.error
    assert not failed.results.exists()
    assert selectors.latest_run("76", "generaliste") == first
    assert first.results.count() == 4
