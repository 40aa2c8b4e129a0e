"""Priority index: components, adjustable weights, divergences, page and API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from maillage.planning.priority import check_weights, priority_communes, priority_index

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(base_run, make_user):
    from maillage.participation.models import Signalement

    author = make_user(email="habitant@example.org")
    for _ in range(4):
        Signalement.objects.create(author=author, commune_id="48017", category="no_gp",
                                   anonymous=True)


def test_the_weights_decide_the_order_and_every_component_is_shown(reports):
    by_access = priority_index(region="76", weights={"access": 1, "elderly": 0,
                                                     "population": 0, "voice": 0})
    # no GP within 20 min of Saint-Affrique or Mont Lozère (APL 0, priority zone): 100
    assert [r.code for r in by_access.rows[:2]] == ["12208", "48099"]
    assert by_access.rows[0].index == pytest.approx(100.0)
    mende = next(r for r in by_access.rows if r.code == "48095")
    assert mende.access == pytest.approx(0.5 * (1 - mende.apl / 4.0) + 0.5)

    by_voice = priority_index(region="76", weights={"access": 0, "elderly": 0,
                                                    "population": 0, "voice": 1})
    assert by_voice.rows[0].code == "48017" and by_voice.rows[0].signalements == 4
    assert by_voice.rows[0].index == pytest.approx(100.0)
    assert priority_communes(region="76", top=1, weights={"access": 0, "voice": 1}) == ["48017"]


def test_communes_where_access_and_reports_disagree_are_listed(reports):
    found = priority_index(region="76")
    # all four communes are priority zones; only Badaroux has a strong signal
    assert "48017" not in found.silent_deserts
    assert set(found.silent_deserts) == {"12208", "48099", "48095"}


def test_bad_weights_are_named():
    with pytest.raises(ValidationError) as error:
        check_weights({"access": -1, "voice": "x"})
    assert set(error.value.message_dict) == {"w_access", "w_voice"}
    with pytest.raises(ValidationError, match="positif"):
        check_weights({"access": 0, "elderly": 0, "population": 0, "voice": 0})


def test_page_and_api(client, reports):
    page = client.get("/planification/priorites/?region=76&w_voice=1&w_access=0&w_elderly=0"
                      "&w_population=0")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="priority-table"' in html and "48017, " in html
    bad = client.get("/planification/priorites/?region=76&w_access=-2")
    assert bad.status_code == 400 and "poids" in bad.content.decode()
    api = client.get("/api/planning/priority-index?region=76&w_access=0&w_voice=1"
                     "&w_elderly=0&w_population=0").json()
    assert api["rows"][0]["code"] == "48017" and api["weights"]["voice"] == 1
    assert client.get("/api/planning/priority-index?region=76&w_access=-1").status_code == 400
