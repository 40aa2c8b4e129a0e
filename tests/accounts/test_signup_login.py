"""Sign-up with e-mail verification, log in, log out, password reset."""

import re

import pytest
from django.core import mail

from maillage.accounts.models import User

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def test_a_person_signs_up_verifies_the_address_and_logs_in(client):
    response = client.post("/comptes/signup/", {
        "email": "Camille@Example.org", "password1": "un-long-mot-de-passe",
        "password2": "un-long-mot-de-passe"})
    assert response.status_code == 302
    assert User.objects.filter(email="camille@example.org").exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["camille@example.org"]

    client.logout()
    # Unverified: log-in is held back until the address is confirmed.
    client.post("/comptes/login/", {"login": "camille@example.org",
                                    "password": "un-long-mot-de-passe"})
    assert "_auth_user_id" not in client.session

    confirm = link_in(mail.outbox[-1])
    client.post(confirm)
    response = client.post("/comptes/login/", {"login": "camille@example.org",
                                               "password": "un-long-mot-de-passe"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]

    client.post("/comptes/logout/")
    assert "_auth_user_id" not in client.session


def test_sign_up_errors_are_shown_on_their_field(client, make_user):
    make_user(email="taken@example.org")
    response = client.post("/comptes/signup/", {
        "email": "taken@example.org", "password1": "court", "password2": "autre"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "fr-input-group--error" in page
    assert 'aria-invalid="true"' in page


def test_a_forgotten_password_is_reset_through_an_emailed_link(client, make_user):
    make_user(email="lou@example.org", password="ancien-mot-de-passe")
    client.post("/comptes/password/reset/", {"email": "lou@example.org"})
    assert len(mail.outbox) == 1
    reset = client.get(link_in(mail.outbox[0]), follow=True)
    form_url = reset.redirect_chain[-1][0] if reset.redirect_chain else link_in(mail.outbox[0])
    client.post(form_url, {"password1": "nouveau-mot-de-passe-sur",
                           "password2": "nouveau-mot-de-passe-sur"})
    assert client.login(email="lou@example.org", password="nouveau-mot-de-passe-sur")
