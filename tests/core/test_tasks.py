"""Background tasks report their progress; only their owner sees it."""

from pathlib import Path

import pytest
from django.test import override_settings

from maillage.core.models import TaskProgress
from maillage.territories.models import Commune
from maillage.territories.services import territory_import_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def regional_admin(make_user, grant, geography, with_totp):
    admin = make_user(email="admin76@example.org")
    grant(admin, "administrator", "region", "76")
    with_totp(admin)
    return admin


def test_the_territory_import_runs_as_a_task_and_reports_progress(regional_admin, mini_mirror):
    with override_settings(MAILLAGE_DATA_MIRROR=str(mini_mirror)):
        progress = territory_import_start(actor=regional_admin, region="76")

    progress.refresh_from_db()
    assert progress.state == TaskProgress.State.SUCCEEDED
    assert progress.percent == 100
    assert progress.message.startswith("4 communes importées")
    assert Commune.objects.count() == 4


def test_a_failed_task_says_why_and_changes_nothing(regional_admin, tmp_path: Path):
    before = Commune.objects.count()
    with override_settings(MAILLAGE_DATA_MIRROR=str(tmp_path)):
        territory_import_start(actor=regional_admin, region="76")

    progress = TaskProgress.objects.get()
    assert progress.state == TaskProgress.State.FAILED
    assert "fichier introuvable" in progress.message
    assert Commune.objects.count() == before


def test_the_status_page_shows_progress_to_its_owner_only(client, regional_admin, mini_mirror,
                                                          make_user):
    with override_settings(MAILLAGE_DATA_MIRROR=str(mini_mirror)):
        progress = territory_import_start(actor=regional_admin, region="76")
    url = f"/taches/{progress.key}/"

    client.force_login(regional_admin)
    page = client.get(url).content.decode()
    assert "100 %" in page and "terminée" in page
    assert client.get(f"/api/tasks/{progress.key}").json()["state"] == "succeeded"

    client.force_login(make_user(email="other@example.org"))
    assert client.get(url).status_code == 404
    assert client.get(f"/api/tasks/{progress.key}").status_code == 404


def test_an_administrator_starts_an_import_from_the_page_and_follows_it(client, regional_admin,
                                                                       mini_mirror):
    client.force_login(regional_admin)
    assert client.get("/territoires/importer/").status_code == 200
    with override_settings(MAILLAGE_DATA_MIRROR=str(mini_mirror)):
        response = client.post("/territoires/importer/", {"region": "76"})
    assert response.status_code == 302 and response.url.startswith("/taches/")
    assert "100 %" in client.get(response.url).content.decode()


def test_the_import_api_refuses_a_region_outside_the_administrators(client, regional_admin):
    client.force_login(regional_admin)
    response = client.post("/api/territories/imports", {"region": "84"},
                           content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"]
    assert TaskProgress.objects.count() == 0


def test_a_forged_session_cookie_is_ignored_not_a_server_error(client, db):
    client.cookies["sessionid"] = "abc\x00def"
    assert client.get("/api/accounts/me").status_code == 401
    assert client.get("/").status_code == 200
