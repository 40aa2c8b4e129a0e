"""Look-ups by code, name, postal code and point."""

import pytest

from maillage.territories import selectors
from maillage.territories.selectors import TerritoryRef, territory_contains

pytestmark = pytest.mark.usefixtures("geography")


def codes(communes) -> list[str]:
    return [c.code for c in communes]


def test_a_name_is_found_whatever_its_accents_case_and_saint_form():
    assert codes(selectors.commune_search("saint affrique")) == ["12208"]
    assert codes(selectors.commune_search("St-Affrique")) == ["12208"]
    assert codes(selectors.commune_search("MONT LOZERE")) == ["48099"]


def test_exact_and_prefix_matches_come_first():
    assert codes(selectors.commune_search("mende")) == ["48095"]
    assert codes(selectors.commune_search("m"))[0] == "48095"


def test_a_postal_code_finds_every_commune_it_serves():
    assert codes(selectors.commune_search("48000")) == ["48095", "48017"]
    assert codes(selectors.commune_search("48250")) == ["48099"]


def test_an_insee_code_finds_its_commune():
    assert codes(selectors.commune_search("12208")) == ["12208"]


def test_an_empty_or_unknown_query_finds_nothing():
    assert selectors.commune_search("   ") == []
    assert selectors.commune_search("Paris") == []


def test_a_point_inside_a_boundary_finds_its_commune():
    assert selectors.communes_at_point(44.5, 3.51).code == "48095"
    assert selectors.communes_at_point(44.45, 3.76).code == "48099"  # a former commune's shape


def test_a_point_far_from_any_commune_finds_none():
    assert selectors.communes_at_point(48.85, 2.35) is None


def test_unknown_codes_raise_not_found():
    with pytest.raises(selectors.TerritoryNotFound):
        selectors.commune_get("99999")
    assert selectors.commune_get("48095").name == "Mende"


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        (TerritoryRef("region", "76"), TerritoryRef("commune", "48095"), True),
        (TerritoryRef("departement", "48"), TerritoryRef("commune", "48095"), True),
        (TerritoryRef("departement", "12"), TerritoryRef("commune", "48095"), False),
        (TerritoryRef("region", "76"), TerritoryRef("departement", "48"), True),
        (TerritoryRef("region", "84"), TerritoryRef("departement", "48"), False),
        (TerritoryRef("epci", "244800405"), TerritoryRef("commune", "48017"), True),
        (TerritoryRef("departement", "48"), TerritoryRef("epci", "244800405"), True),
        (TerritoryRef("france"), TerritoryRef("commune", "12208"), True),
        (TerritoryRef("commune", "48095"), TerritoryRef("departement", "48"), False),
    ],
)
def test_territory_containment(outer, inner, expected):
    assert territory_contains(outer, inner) is expected
