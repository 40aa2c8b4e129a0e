"""OSRM table client against a stand-in server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from maillage.engines.access import (
    AccessInputError,
    Locations,
    OSRMTravelTime,
    TravelTimeServiceError,
)


class _FakeOSRM(BaseHTTPRequestHandler):
    """Answers /table/v1/driving/...: duration (s) = 60 × |lon_src − lon_dst| × 100, i.e.
    |Δlon| × 100 minutes; a pair with both longitudes ≥ 9 is unreachable (null)."""

    mode = "ok"
    requests: list[str] = []

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        mode = type(self).mode
        if mode == "http500":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"boom")
            return
        if mode == "slow":
            time.sleep(0.5)
        url = urllib.parse.urlsplit(self.path)
        prefix = "/table/v1/driving/"
        assert url.path.startswith(prefix)
        coords = [tuple(map(float, c.split(","))) for c in url.path[len(prefix) :].split(";")]
        q = urllib.parse.parse_qs(url.query)
        assert q["annotations"] == ["duration"]
        src = [int(i) for i in q["sources"][0].split(";")]
        dst = [int(i) for i in q["destinations"][0].split(";")]
        if mode == "error":
            body = {"code": "InvalidQuery", "message": "Query string malformed"}
        elif mode == "malformed":
            body = {"code": "Ok", "durations": [["soon"] * len(dst) for _ in src]}
        else:
            durations = [
                [
                    None
                    if coords[i][0] >= 9 and coords[j][0] >= 9
                    else abs(coords[i][0] - coords[j][0]) * 100 * 60
                    for j in dst
                ]
                for i in src
            ]
            body = {"code": "Ok", "durations": durations}
        payload = b"not json" if mode == "garbage" else json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # the timeout test hangs up before the slow answer: a broken pipe is expected
        pass


@pytest.fixture
def osrm_server() -> Iterator[str]:
    _FakeOSRM.mode = "ok"
    _FakeOSRM.requests = []
    server = _QuietServer(("127.0.0.1", 0), _FakeOSRM)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_osrm_table_in_batches(osrm_server):
    origins = Locations(lat=[45.0] * 5, lon=[1.0, 1.1, 1.2, 1.3, 9.0])
    dests = Locations(lat=[45.0] * 3, lon=[1.0, 1.25, 9.5])
    client = OSRMTravelTime(osrm_server, batch_size=2, timeout=5, max_speed_kmh=None)
    m = client.matrix(origins, dests, max_minutes=30)
    assert len(_FakeOSRM.requests) == 3 * 2  # ceil(5/2) × ceil(3/2) blocks
    full = np.abs(origins.lon[:, None] - dests.lon[None, :]) * 100
    full[4, 2] = np.inf  # null: unreachable
    rows, cols = np.nonzero(full <= 30)
    assert m.rows.tolist() == rows.tolist() and m.cols.tolist() == cols.tolist()
    np.testing.assert_allclose(m.minutes, full[rows, cols], rtol=1e-9)
    assert m.minutes[0] == 0.0  # same place: a stored zero


def test_osrm_never_asks_for_pairs_beyond_the_fastest_road(osrm_server):
    # At 45° N one degree of longitude is 78.7 km; 130 km/h × 30 min = 65 km = 0.83°.
    # Origins near 1° E reach the destinations at 1.0 and 1.25 only; the origin at 9° E the one
    # at 9.5 only: with blocks of 2, three requests instead of six, and the same pairs.
    origins = Locations(lat=[45.0] * 5, lon=[1.0, 1.1, 1.2, 1.3, 9.0])
    dests = Locations(lat=[45.0] * 3, lon=[1.0, 1.25, 9.5])
    filtered = OSRMTravelTime(osrm_server, batch_size=2, timeout=5).matrix(
        origins, dests, max_minutes=30)
    asked = list(_FakeOSRM.requests)
    assert len(asked) == 3
    # each request names its coordinates (origins then destinations): the far ones are absent
    lons = [[float(c.split(",")[0]) for c in urllib.parse.urlsplit(path).path.split("/")[-1]
             .split(";")] for path in asked]
    assert lons == [[1.0, 1.1, 1.0, 1.25], [1.2, 1.3, 1.0, 1.25], [9.0, 9.5]]
    _FakeOSRM.requests = []
    full = OSRMTravelTime(osrm_server, batch_size=2, timeout=5, max_speed_kmh=None).matrix(
        origins, dests, max_minutes=30)
    assert len(_FakeOSRM.requests) == 6
    assert filtered.rows.tolist() == full.rows.tolist()
    assert filtered.cols.tolist() == full.cols.tolist()
    np.testing.assert_array_equal(filtered.minutes, full.minutes)


def test_osrm_destinations_split_in_batches_keep_their_columns(osrm_server):
    # one origin, five reachable destinations, blocks of 2: three requests, columns in order
    origins = Locations(lat=[45.0], lon=[1.0])
    dests = Locations(lat=[45.0] * 5, lon=[1.0, 1.05, 1.1, 1.15, 1.2])
    m = OSRMTravelTime(osrm_server, batch_size=2, timeout=5).matrix(origins, dests, 30)
    assert len(_FakeOSRM.requests) == 3
    assert m.cols.tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(m.minutes, [0.0, 5.0, 10.0, 15.0, 20.0], atol=1e-9)


def test_osrm_http_error_is_clear(osrm_server):
    _FakeOSRM.mode = "http500"
    with pytest.raises(TravelTimeServiceError, match="HTTP 500"):
        OSRMTravelTime(osrm_server).matrix(
            Locations(lat=[45], lon=[1]), Locations(lat=[45], lon=[1]), 30
        )


def test_osrm_error_code_is_clear(osrm_server):
    _FakeOSRM.mode = "error"
    with pytest.raises(TravelTimeServiceError, match="InvalidQuery"):
        OSRMTravelTime(osrm_server).matrix(
            Locations(lat=[45], lon=[1]), Locations(lat=[45], lon=[1]), 30
        )


def test_osrm_garbage_answer_is_clear(osrm_server):
    _FakeOSRM.mode = "garbage"
    with pytest.raises(TravelTimeServiceError, match="not JSON"):
        OSRMTravelTime(osrm_server).matrix(
            Locations(lat=[45], lon=[1]), Locations(lat=[45], lon=[1]), 30
        )


def test_osrm_durations_that_are_not_numbers_are_clear(osrm_server):
    _FakeOSRM.mode = "malformed"
    with pytest.raises(TravelTimeServiceError, match="malformed OSRM durations"):
        OSRMTravelTime(osrm_server).matrix(
            Locations(lat=[45], lon=[1]), Locations(lat=[45], lon=[1]), 30
        )


def test_osrm_timeout_is_clear(osrm_server):
    _FakeOSRM.mode = "slow"
    with pytest.raises(TravelTimeServiceError, match="failed"):
        OSRMTravelTime(osrm_server, timeout=0.1).matrix(
            Locations(lat=[45], lon=[1]), Locations(lat=[45], lon=[1]), 30
        )


def test_osrm_unreachable_server_is_clear():
    # port 9 (discard) on loopback: nothing listens there in the test environment
    with pytest.raises(TravelTimeServiceError):
        OSRMTravelTime("http://127.0.0.1:9", timeout=1).matrix(
            Locations(lat=[45], lon=[1]), Locations(lat=[45], lon=[1]), 30
        )


def test_osrm_needs_coordinates():
    with pytest.raises(AccessInputError):
        OSRMTravelTime("http://127.0.0.1:9").matrix(
            Locations(codes=["A"]), Locations(codes=["B"]), 30
        )
