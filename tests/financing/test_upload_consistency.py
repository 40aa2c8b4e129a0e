"""A population file whose amounts contradict each other is refused, line and field named."""

from __future__ import annotations

import pytest

from maillage.financing.importers import PopulationFileError, parse_population_csv
from maillage.financing.models import Population
from maillage.financing.services import population_upload
from tests.financing.conftest import GOOD_ROW, good_rows, make_csv


def _errors(rows) -> list[str]:
    with pytest.raises(PopulationFileError) as caught:
        parse_population_csv(make_csv(rows))
    return caught.value.errors


def test_an_episode_without_its_spending_is_refused():
    rows = good_rows(3)
    rows[2].update(episode="ptg", depense_episode="")
    assert _errors(rows) == ["Ligne 4, champ « depense_episode » : obligatoire et positive "
                             "quand un épisode est indiqué"]


def test_an_episode_spending_without_an_episode_is_refused():
    rows = good_rows(3)
    rows[2].update(episode="", depense_episode="900")
    [error] = _errors(rows)
    assert error.startswith("Ligne 4, champ « episode » : vide alors qu'une dépense")


def test_a_total_below_the_acts_and_the_episode_it_includes_is_refused():
    rows = good_rows(3)
    # 150 + 114 of acts + 2 000 of episode > 2 200 of total spending.
    rows[2].update(episode="pth", depense_episode="2000")
    assert _errors(rows) == [
        "Ligne 4, champ « depense_totale » : la dépense totale (2200.00 €) est inférieure à la "
        "somme des montants à l'acte et de la dépense d'épisode (2264.00 €), qu'elle inclut"]


def test_cents_lost_to_rounding_are_tolerated():
    row = dict(GOOD_ROW, montant_generaliste="150.01", montant_infirmier="114.01",
               depense_totale="264")
    assert len(parse_population_csv(make_csv([row])).population) == 1


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("actes_infirmier", "2.5", "nombre entier attendu"),
    ("actes_generaliste", "20000", "dépasse le maximum 10000"),
    ("montant_generaliste", "1e308", "dépasse le maximum 10000000"),
    ("depense_reference", "50000000", "dépasse le maximum 10000000"),
])
def test_impossible_counts_and_amounts_are_refused_once(field, value, expected):
    rows = good_rows(3)
    rows[2][field] = value
    [error] = _errors(rows)
    assert error.startswith(f"Ligne 4, champ « {field} »") and expected in error


@pytest.mark.django_db
def test_an_inconsistent_file_stores_nothing(member, organisation):
    rows = good_rows(3)
    rows[1].update(depense_episode="")
    with pytest.raises(PopulationFileError):
        population_upload(actor=member, organisation=organisation, name="x",
                          content=make_csv(rows))
    assert not Population.objects.exists()
