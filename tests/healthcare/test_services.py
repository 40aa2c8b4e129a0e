"""Starting a supply import: the territory administrator's right, a task with progress."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import override_settings

from maillage.core.models import TaskProgress
from maillage.healthcare.models import SupplyCount
from maillage.healthcare.services import supply_import_start
from tests.healthcare.supply_files import write_sirene

pytestmark = pytest.mark.django_db


@pytest.fixture
def regional_admin(make_user, grant, geography, with_totp):
    admin = make_user(email="admin76@example.org")
    grant(admin, "administrator", "region", "76")
    with_totp(admin)
    return admin


def test_an_administrator_of_the_region_imports_the_mirror_sirene_counts(regional_admin,
                                                                        mini_mirror):
    write_sirene(mini_mirror)
    with override_settings(MAILLAGE_DATA_MIRROR=str(mini_mirror)):
        progress = supply_import_start(actor=regional_admin, kind="sirene", region="76")

    progress.refresh_from_db()
    assert progress.state == TaskProgress.State.SUCCEEDED
    assert progress.message.startswith("PS_communes_sirene_2019.csv : 7 lignes lues")
    assert SupplyCount.objects.filter(commune_id="48095").exists()


def test_a_failed_import_says_why_and_changes_nothing(regional_admin, supply_file):
    path = supply_file("bpe", "DEPCOM;TYPEQU\n4809;D265\n")
    supply_import_start(actor=regional_admin, kind="bpe", region="76", path=path)

    progress = TaskProgress.objects.get()
    assert progress.state == TaskProgress.State.FAILED
    assert "code commune mal formé" in progress.message
    assert not SupplyCount.objects.exists()


@pytest.mark.parametrize(("role", "level", "code", "region"), [
    (None, "", "", "76"),
    ("administrator", "region", "84", "76"),
    ("analyst", "region", "76", "76"),
    ("administrator", "region", "76", None),  # all of France needs a national administrator
])
def test_others_may_not_start_an_import(make_user, grant, geography, role, level, code, region):
    user = make_user(email="someone@example.org")
    if role:
        grant(user, role, level, code)

    with pytest.raises(PermissionDenied):
        supply_import_start(actor=user, kind="sirene", region=region)
    assert not TaskProgress.objects.exists()


def test_bad_requests_are_refused_before_any_task(regional_admin):
    with pytest.raises(ValidationError):
        supply_import_start(actor=regional_admin, kind="bpe", region="76")  # no file
    with pytest.raises(ValidationError):
        supply_import_start(actor=regional_admin, kind="census", region="76")
    with pytest.raises(ValidationError):
        supply_import_start(actor=regional_admin, kind="sirene", region="7x")


def test_the_command_prints_a_summary(geography, mini_mirror, capsys):
    write_sirene(mini_mirror)
    with override_settings(MAILLAGE_DATA_MIRROR=str(mini_mirror)):
        call_command("import_supply", "sirene", "--region", "76", verbosity=0)

    out = capsys.readouterr().out
    assert "7 lignes lues" in out and "2 lignes ignorées" in out and "region:76" in out


def test_the_command_names_the_bad_file(geography, supply_file):
    with pytest.raises(CommandError, match=r"BPE24\.csv, ligne 2, champ « DEPCOM »"):
        call_command("import_supply", "bpe", "--file",
                     supply_file("bpe", "DEPCOM;TYPEQU\n4809;D265\n"), verbosity=0)
    with pytest.raises(CommandError, match="--file"):
        call_command("import_supply", "rpps", verbosity=0)


def test_the_admin_lists_each_supply_model(client, make_user, geography, supply_file):
    from maillage.healthcare.importers import import_supply

    import_supply("rpps", path=supply_file("rpps"), region="76")
    import_supply("finess", path=supply_file("finess"), region="76")
    import_supply("sirene", path=supply_file("sirene"), region="76")
    import_supply("activity", path=supply_file("activity"), region="76")
    client.force_login(make_user(email="root@example.org", is_staff=True, is_superuser=True))

    for model in ("supplysource", "practitioner", "supplycount", "facility", "activityrecord"):
        page = client.get(f"/admin/healthcare/{model}/")
        assert page.status_code == 200, model
