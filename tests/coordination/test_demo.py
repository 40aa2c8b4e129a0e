"""The demonstration content loads twice without duplicates and shows rupture alerts."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from maillage.coordination.models import Alert, HealthcareService, Pathway

pytestmark = pytest.mark.django_db


def test_the_demo_loads_idempotently_with_alerts(geography, make_user):
    from maillage.core.demo import demo_accounts_ensure

    demo_accounts_ensure("demo-password-123")
    for _ in range(2):
        call_command("coordination", "demo", verbosity=0)
    assert HealthcareService.objects.count() == 3
    pathway = Pathway.objects.get(patient__user__email="habitante@demo.maillage.fr")
    assert pathway.tasks.count() > 20
    assert Alert.objects.filter(pathway=pathway, kind="overdue", status="open").exists()
