"""Travel-time sources: great-circle model, TravelTimeMatrix conventions, OD matrix file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from maillage.engines.access import (
    AccessInputError,
    CutoffDecay,
    GreatCircleTravelTime,
    Locations,
    ODMatrixTravelTime,
    TravelTimeMatrix,
    haversine_km,
)


def _random_points(seed: int, n: int) -> Locations:
    rng = np.random.default_rng(seed)
    return Locations(lat=rng.uniform(43.0, 49.0, n), lon=rng.uniform(-1.0, 7.0, n))


def test_great_circle_finds_exactly_the_pairs_within_the_radius():
    origins, dests = _random_points(1, 300), _random_points(2, 200)
    src = GreatCircleTravelTime(detour_factor=1.3, speed_kmh=60.0)
    m = src.matrix(origins, dests, max_minutes=45.0)
    km = haversine_km(origins.lat[:, None], origins.lon[:, None], dests.lat[None], dests.lon[None])
    full = km * 1.3 / 60.0 * 60.0
    rows, cols = np.nonzero(full <= 45.0)
    assert m.rows.tolist() == rows.tolist() and m.cols.tolist() == cols.tolist()
    np.testing.assert_allclose(m.minutes, full[rows, cols], rtol=1e-12, atol=1e-12)


def test_great_circle_time_formula():
    # one degree of latitude = 111.195 km; × 1.3 ÷ 60 km/h = 144.55 min
    src = GreatCircleTravelTime(detour_factor=1.3, speed_kmh=60.0)
    m = src.matrix(Locations(lat=[45.0], lon=[3.0]), Locations(lat=[46.0], lon=[3.0]), 200)
    np.testing.assert_allclose(m.minutes, [111.19508 * 1.3], rtol=1e-6)


def test_zero_time_pairs_are_kept_and_intra_commune_time_applies_to_equal_codes():
    a = Locations(lat=[45.0, 45.0], lon=[3.0, 3.0], codes=["A", "B"])
    b = Locations(lat=[45.0], lon=[3.0], codes=["A"])
    m = GreatCircleTravelTime(intra_commune_minutes=0.0).matrix(a, b, 30)
    assert m.nnz == 2 and m.minutes.tolist() == [0.0, 0.0]
    assert m.weights(CutoffDecay(30)).toarray().tolist() == [[1.0], [1.0]]
    m5 = GreatCircleTravelTime(intra_commune_minutes=5.0).matrix(a, b, 30)
    assert m5.minutes.tolist() == [5.0, 0.0]


def test_travel_time_matrix_is_canonical_and_rejects_bad_pairs():
    m = TravelTimeMatrix.from_triplets([2, 0, 1], [0, 1, 1], [3.0, 0.0, 7.0], (3, 2), max_minutes=5)
    assert m.rows.tolist() == [0, 2] and m.minutes.tolist() == [0.0, 3.0]
    csr = m.to_csr()
    assert csr.nnz == 2  # the explicit zero is kept in the structure
    with pytest.raises(AccessInputError, match="duplicate"):
        TravelTimeMatrix.from_triplets([0, 0], [1, 1], [1.0, 2.0], (1, 2))
    with pytest.raises(AccessInputError, match="minutes"):
        TravelTimeMatrix.from_triplets([0], [0], [-1.0], (1, 1))
    with pytest.raises(AccessInputError, match="minutes"):
        TravelTimeMatrix.from_triplets([0], [0], [np.nan], (1, 1))


def test_locations_reject_bad_coordinates():
    with pytest.raises(AccessInputError, match="lat/lon"):
        Locations(lat=[95.0], lon=[0.0])
    with pytest.raises(AccessInputError):
        Locations(lat=[45.0], lon=None)


# --- OD matrix files -------------------------------------------------------------------

OD_CSV = """origin,destination,minutes
01001,01001,0
01001,01002,12.5
01002,01001,13
01002,01002,0
01002,01004,31
"""


def _write(tmp_path, text: str, name: str = "od.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_od_matrix_from_csv_keeps_codes_as_strings(tmp_path):
    src = ODMatrixTravelTime.from_file(_write(tmp_path, OD_CSV))
    assert "01001" in src.codes
    origins = Locations(codes=["01002", "01001"])
    # two sites in commune 01001 and one in 01004
    dests = Locations(codes=["01001", "01001", "01004"])
    m = src.matrix(origins, dests, max_minutes=30)
    assert (m.rows.tolist(), m.cols.tolist(), m.minutes.tolist()) == (
        [0, 0, 1, 1],
        [0, 1, 0, 1],
        [13.0, 13.0, 0.0, 0.0],
    )


def test_od_matrix_adds_intra_commune_zero_when_absent(tmp_path):
    src = ODMatrixTravelTime.from_file(_write(tmp_path, OD_CSV))
    m = src.matrix(Locations(codes=["01004"]), Locations(codes=["01004"]), 30)
    assert m.minutes.tolist() == [0.0]
    none = ODMatrixTravelTime.from_file(_write(tmp_path, OD_CSV), intra_commune_minutes=None)
    assert none.matrix(Locations(codes=["01004"]), Locations(codes=["01004"]), 30).nnz == 0


def test_od_matrix_from_parquet(tmp_path):
    path = tmp_path / "od.parquet"
    pd.DataFrame({"origin": ["75056"], "destination": ["92012"], "minutes": [18.0]}).to_parquet(
        path
    )
    m = ODMatrixTravelTime.from_file(path).matrix(
        Locations(codes=["75056"]), Locations(codes=["92012"]), 20
    )
    assert m.minutes.tolist() == [18.0]


def test_od_matrix_missing_column_names_file_line_and_field(tmp_path):
    path = _write(tmp_path, "origin,dest,minutes\n01001,01002,3\n")
    with pytest.raises(AccessInputError) as exc:
        ODMatrixTravelTime.from_file(path)
    err = exc.value
    assert (err.file, err.line, err.field) == (str(path), 1, "destination")
    assert str(path) in str(err) and "missing column" in str(err)


def test_od_matrix_negative_time_names_the_line(tmp_path):
    path = _write(tmp_path, OD_CSV + "01004,01001,-3\n")
    with pytest.raises(AccessInputError) as exc:
        ODMatrixTravelTime.from_file(path)
    assert (exc.value.line, exc.value.field) == (7, "minutes")
    assert "negative" in str(exc.value) and "line 7" in str(exc.value)


@pytest.mark.parametrize("value", ["", "NaN", "abc"])
def test_od_matrix_nan_or_non_numeric_time_names_the_line(tmp_path, value):
    path = _write(tmp_path, OD_CSV.replace("12.5", value))
    with pytest.raises(AccessInputError) as exc:
        ODMatrixTravelTime.from_file(path)
    assert (exc.value.line, exc.value.field) == (3, "minutes")
    assert "not a number" in str(exc.value)


def test_od_matrix_code_outside_known_codes(tmp_path):
    path = _write(tmp_path, OD_CSV)
    with pytest.raises(AccessInputError) as exc:
        ODMatrixTravelTime.from_file(path, known_codes={"01001", "01002"})
    assert (exc.value.line, exc.value.field) == (6, "destination")
    assert "unknown code '01004'" in str(exc.value)


def test_od_matrix_asked_for_codes_it_does_not_hold(tmp_path):
    src = ODMatrixTravelTime.from_file(_write(tmp_path, OD_CSV))
    with pytest.raises(AccessInputError) as exc:
        src.matrix(Locations(codes=["01001", "99999"]), Locations(codes=["01001"]), 30)
    assert exc.value.field == "origin" and "99999" in str(exc.value)
    assert str(tmp_path) in str(exc.value)


def test_od_matrix_empty_code_and_duplicate_pair(tmp_path):
    with pytest.raises(AccessInputError) as exc:
        ODMatrixTravelTime.from_file(_write(tmp_path, OD_CSV + ",01001,3\n"))
    assert (exc.value.line, exc.value.field) == (7, "origin")
    with pytest.raises(AccessInputError) as exc:
        ODMatrixTravelTime.from_file(_write(tmp_path, OD_CSV + "01001,01002,9\n"))
    assert exc.value.line == 7 and "duplicate" in str(exc.value)


def test_od_matrix_semicolon_csv(tmp_path):
    src = ODMatrixTravelTime.from_file(_write(tmp_path, OD_CSV.replace(",", ";")))
    assert src.matrix(Locations(codes=["01001"]), Locations(codes=["01002"]), 30).nnz == 1


def test_od_matrix_file_not_found(tmp_path):
    with pytest.raises(AccessInputError, match="not found"):
        ODMatrixTravelTime.from_file(tmp_path / "nope.csv")
