"""Professional roles must set up TOTP before using the platform; citizens need not."""

import pytest

pytestmark = pytest.mark.usefixtures("geography")


def test_a_citizen_browses_without_mfa(client, make_user, grant):
    citizen = make_user()
    grant(citizen, "citizen", "commune", "48095")
    client.force_login(citizen)
    assert client.get("/mon-compte/").status_code == 200


def test_a_professional_without_totp_is_sent_to_set_it_up(client, make_user, grant):
    analyst = make_user()
    grant(analyst, "analyst", "region", "76")
    client.force_login(analyst)

    response = client.get("/mon-compte/")
    assert response.status_code == 302
    assert response.url == "/comptes/2fa/totp/activate/"
    assert client.get("/api/accounts/me").status_code == 403
    # The set-up page itself is reachable (after confirming the password, as allauth asks).
    assert client.get(response.url, follow=True).status_code == 200


def test_a_professional_with_totp_goes_through(client, make_user, grant, with_totp):
    analyst = make_user()
    grant(analyst, "analyst", "region", "76")
    with_totp(analyst)
    client.force_login(analyst)
    assert client.get("/mon-compte/").status_code == 200
    assert client.get("/api/accounts/me").json()["roles"][0]["role"] == "analyst"
