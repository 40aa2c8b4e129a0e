"""Depositing a population file: validated line by line, atomic, idempotent."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied

from maillage.financing import selectors, services
from maillage.financing.importers import (
    HEADER,
    PopulationFileError,
    parse_population_csv,
    template_csv,
)
from maillage.financing.models import Population
from tests.financing.conftest import GOOD_ROW, good_rows, make_csv

pytestmark = pytest.mark.django_db


def _errors(content: bytes) -> list[str]:
    with pytest.raises(PopulationFileError) as caught:
        parse_population_csv(content)
    return caught.value.errors


def test_a_good_file_becomes_the_engines_arrays():
    parsed = parse_population_csv(make_csv(good_rows()))
    p = parsed.population
    assert len(p) == 4 and parsed.patients == 4 and parsed.years == [2024]
    assert p.ald_count.tolist() == [2, 0, 2, 2]
    assert p.age_band[1] == 5 and p.episode[1] == 1 and p.episode_spending[1] == 900
    np.testing.assert_allclose(p.fees[0], [150, 114, 0])
    assert np.isnan(p.spending_reference).all()


def test_semicolons_and_decimal_commas_are_read():
    row = dict(GOOD_ROW, montant_generaliste="150,5")
    parsed = parse_population_csv(make_csv([row], delimiter=";"))
    assert parsed.population.fees[0, 0] == 150.5


def test_the_template_has_the_exact_header_and_parses():
    text = template_csv()
    assert text.splitlines()[0] == ",".join(HEADER)
    assert len(parse_population_csv(text.encode()).population) == 1


def test_a_missing_or_unknown_column_names_the_header_line():
    header = [h for h in HEADER if h != "sexe"] + ["nir"]
    errors = _errors(make_csv([GOOD_ROW], header=header))
    assert any("Ligne 1" in e and "sexe" in e for e in errors)
    assert any("Ligne 1" in e and "nir" in e for e in errors)


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("tranche_age", "65-70", "code inconnu"),
    ("sexe", "X", "code inconnu"),
    ("ald", "8|99", "code ALD inconnu"),
    ("css", "2", "code inconnu"),
    ("episode", "appendicectomie", "code inconnu"),
    ("montant_infirmier", "-3", "négatif"),
    ("depense_totale", "-1", "négatif"),
    ("score_qualite", "120", "maximum"),
    ("quintile_defavorisation", "6", "maximum"),
    ("actes_generaliste", "beaucoup", "nombre attendu"),
])
def test_a_bad_value_is_refused_with_its_line_and_field(field, value, expected):
    rows = good_rows(3)
    rows[2][field] = value
    errors = _errors(make_csv(rows))
    assert len(errors) == 1
    assert errors[0].startswith(f"Ligne 4, champ « {field} »")
    assert expected in errors[0]


def test_a_patient_twice_in_the_same_year_is_refused():
    errors = _errors(make_csv([GOOD_ROW, GOOD_ROW]))
    assert "Ligne 3" in errors[0] and "déjà présent" in errors[0]


def test_a_refused_file_stores_nothing(member, organisation):
    rows = good_rows(3)
    rows[1]["montant_generaliste"] = "-10"
    with pytest.raises(PopulationFileError):
        services.population_upload(actor=member, organisation=organisation, name="x",
                                   content=make_csv(rows))
    assert Population.objects.count() == 0


def test_uploading_the_same_file_again_returns_the_same_population(member, organisation):
    content = make_csv(good_rows())
    first, created = services.population_upload(actor=member, organisation=organisation,
                                                name="a", content=content)
    again, created_again = services.population_upload(actor=member, organisation=organisation,
                                                      name="b", content=content)
    assert created and not created_again and first.pk == again.pk
    assert Population.objects.count() == 1
    arrays = selectors.population_arrays(again)
    assert len(arrays) == 4


def test_only_members_deposit_for_an_organisation(outsider, organisation):
    with pytest.raises(PermissionDenied):
        services.population_upload(actor=outsider, organisation=organisation, name="x",
                                   content=make_csv(good_rows()))


def test_the_upload_is_not_logged(member, organisation, caplog):
    caplog.set_level("DEBUG")
    services.population_upload(actor=member, organisation=organisation, name="secret",
                               content=make_csv(good_rows()))
    assert "P1" not in caplog.text and "2400" not in caplog.text


def test_errors_come_in_line_order_and_stop_after_twenty():
    rows = good_rows(30)
    for row in rows:
        row["sexe"] = "?"
    rows[0]["css"] = "x"
    errors = _errors(make_csv(rows))
    assert errors[0].startswith("Ligne 2, champ « sexe »")
    assert errors[1].startswith("Ligne 2, champ « css »")
    assert errors[2].startswith("Ligne 3, champ « sexe »")
    assert len(errors) == 21 and errors[-1] == "Arrêt après 20 erreurs."


def test_a_line_with_missing_fields_is_named():
    content = make_csv(good_rows(2)) + b"P9,2024,60-69\n"
    assert _errors(content) == ["Ligne 4 : 3 champs au lieu de 20."]


def test_a_large_file_is_read_quickly():
    import time

    rows = [dict(GOOD_ROW, patient_id=f"P{i}") for i in range(50_000)]
    content = make_csv(rows)
    start = time.perf_counter()
    parsed = parse_population_csv(content)
    assert len(parsed.population) == 50_000 and parsed.patients == 50_000
    assert time.perf_counter() - start < 5  # ≈ 0.5 s on a laptop; generous for CI
