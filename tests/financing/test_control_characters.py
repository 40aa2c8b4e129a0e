"""A population's name with control characters is stored without them, never a 500.

PostgreSQL refuses a NUL in text; the web forms already refuse it, the API cleans it.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from maillage.financing.models import Population
from tests.financing.conftest import good_rows, make_csv

pytestmark = pytest.mark.django_db


def test_a_nul_in_the_name_of_a_synthetic_population_is_dropped(client, member, organisation):
    client.force_login(member)
    response = client.post("/api/financing/populations/synthetic",
                           {"organisation": organisation.pk, "patients": 50, "seed": 1,
                            "name": "Essai\x00 MSP\t"}, content_type="application/json")
    assert response.status_code == 201
    assert Population.objects.get().name == "Essai MSP"


def test_a_nul_in_the_name_of_an_uploaded_file_is_dropped(client, member, organisation):
    client.force_login(member)
    upload = SimpleUploadedFile("p.csv", make_csv(good_rows()), content_type="text/csv")
    response = client.post("/api/financing/populations",
                           {"organisation": organisation.pk, "name": "\x00", "file": upload})
    assert response.status_code == 201
    assert "\x00" not in Population.objects.get().name
