"""A person's export lists what they deposited; deleting them keeps the organisation's data."""

from __future__ import annotations

import pytest

from maillage.accounts import services as account_services
from maillage.financing.models import Population

pytestmark = pytest.mark.django_db


def test_the_export_lists_my_populations_without_patients(member, population):
    data = account_services.personal_data_export(actor=member, user=member)
    assert data["financing_populations"] == [{
        "id": population.pk, "name": "Patientèle 2024", "organisation": "MSP des Causses",
        "source": "upload", "rows": 4, "created_at": population.created_at.isoformat()}]


def test_erasing_the_uploader_keeps_the_population_for_the_organisation(member, population):
    from maillage.accounts.personal_data import sections

    eraser = next(s.eraser for s in sections() if s.name == "financing_populations")
    eraser(member)
    population.refresh_from_db()
    assert population.uploaded_by is None
    assert Population.objects.filter(pk=population.pk).exists()
