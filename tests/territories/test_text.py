import pytest

from maillage.territories.text import normalise_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Saint-Affrique", "st affrique"),
        ("ST AFFRIQUE", "st affrique"),
        ("Sainte-Énimie", "ste enimie"),
        ("L'Abergement-Clémenciat", "l abergement clemenciat"),
        ("  Mende ", "mende"),
        ("Œuilly", "oeuilly"),
    ],
)
def test_it_folds_case_accents_and_saint_forms(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected
