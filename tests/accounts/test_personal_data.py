"""Exporting all of one's personal data, and deleting one's account."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from maillage.accounts import services
from maillage.accounts.models import RoleAssignment, User

pytestmark = pytest.mark.django_db


def test_a_person_downloads_all_their_data_as_json(client, make_user, grant, geography):
    user = make_user(email="ana@example.org", display_name="Ana")
    grant(user, "citizen", "commune", "48095")
    client.force_login(user)

    response = client.get("/mon-compte/export/")

    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["account"]["email"] == "ana@example.org"
    assert data["account"]["display_name"] == "Ana"
    assert data["account"]["roles"][0]["territory_code"] == "48095"
    assert data["account"]["email_addresses"] == [
        {"email": "ana@example.org", "verified": True, "primary": True}]


def test_nobody_exports_someone_elses_data(make_user):
    ana, bob = make_user(email="ana@example.org"), make_user(email="bob@example.org")
    with pytest.raises(PermissionDenied):
        services.personal_data_export(actor=bob, user=ana)


def test_the_api_exports_only_the_callers_data(client, make_user):
    assert client.get("/api/accounts/me/export").status_code == 401
    client.force_login(make_user(email="ana@example.org"))
    assert client.get("/api/accounts/me/export").json()["account"]["email"] == "ana@example.org"


def test_deleting_the_account_needs_the_password_and_removes_everything(client, make_user, grant,
                                                                        geography):
    user = make_user(email="ana@example.org", password="le-bon-mot-de-passe")
    grant(user, "citizen", "commune", "48095")
    client.force_login(user)

    refused = client.post("/mon-compte/suppression/", {"password": "mauvais", "confirm": "on"})
    assert refused.status_code == 400
    assert "Mot de passe incorrect" in refused.content.decode()
    assert User.objects.filter(pk=user.pk).exists()

    client.post("/mon-compte/suppression/", {"password": "le-bon-mot-de-passe", "confirm": "on"})
    assert not User.objects.filter(pk=user.pk).exists()
    assert not RoleAssignment.objects.filter(user_id=user.pk).exists()
    assert "_auth_user_id" not in client.session


def test_deletion_requires_a_post_with_csrf(make_user):
    from django.test import Client

    user = make_user(email="ana@example.org", password="le-bon-mot-de-passe")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    response = strict.post("/mon-compte/suppression/",
                           {"password": "le-bon-mot-de-passe", "confirm": "on"})
    assert response.status_code == 403
    assert User.objects.filter(pk=user.pk).exists()
    assert strict.get("/mon-compte/suppression/").status_code in {403, 405}
