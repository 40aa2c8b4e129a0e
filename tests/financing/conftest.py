from __future__ import annotations

import csv
import io

import pytest

from maillage.financing.importers import HEADER

GOOD_ROW = {
    "patient_id": "P1", "annee": "2024", "tranche_age": "60-69", "sexe": "F", "ald": "8|12",
    "css": "0", "quintile_defavorisation": "3", "actes_generaliste": "5",
    "montant_generaliste": "150", "actes_infirmier": "12", "montant_infirmier": "114",
    "actes_kinesitherapeute": "0", "montant_kinesitherapeute": "0", "depense_totale": "2400",
    "depense_annee_precedente": "2300", "depense_reference": "", "score_qualite": "75",
    "experience_patient": "14", "episode": "", "depense_episode": "",
}


def make_csv(rows: list[dict[str, str]], header: list[str] | None = None,
             delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header or HEADER, delimiter=delimiter,
                            lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode()


def good_rows(n: int = 4) -> list[dict[str, str]]:
    rows = []
    for i in range(n):
        row = dict(GOOD_ROW, patient_id=f"P{i}", depense_totale=str(2000 + 100 * i))
        if i == 1:
            row.update(ald="", tranche_age="80+", episode="pth", depense_episode="900")
        rows.append(row)
    return rows


@pytest.fixture
def csv_file():
    return make_csv


@pytest.fixture
def organisation(db):
    from maillage.accounts.models import Organisation

    return Organisation.objects.create(name="MSP des Causses", kind=Organisation.Kind.MSP)


@pytest.fixture
def other_organisation(db):
    from maillage.accounts.models import Organisation

    return Organisation.objects.create(name="CPTS voisine", kind=Organisation.Kind.CPTS)


@pytest.fixture
def member_of(make_user, with_totp):
    """A user holding `role` in an organisation, with TOTP as professional roles must."""
    from maillage.accounts.models import RoleAssignment

    def make(organisation, role: str = "coordinator", email: str = "coord@example.org"):
        user = make_user(email=email)
        RoleAssignment.objects.create(user=user, role=role, organisation=organisation)
        with_totp(user)
        return user

    return make


@pytest.fixture
def member(member_of, organisation):
    return member_of(organisation)


@pytest.fixture
def outsider(member_of, other_organisation):
    return member_of(other_organisation, email="outsider@example.org")


@pytest.fixture
def population(member, organisation):
    from maillage.financing import services

    stored, _created = services.population_upload(
        actor=member, organisation=organisation, name="Patientèle 2024",
        content=make_csv(good_rows()))
    return stored
