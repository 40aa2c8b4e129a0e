"""Filing signalements, who sees their authors, and their figures beside measured access."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.participation import selectors, services
from maillage.participation.models import Signalement

pytestmark = pytest.mark.django_db


def file(user, commune="48095", category="no_gp", **extra):
    return services.signalement_create(actor=user, commune_code=commune, category=category,
                                       **extra)


@pytest.fixture
def access_run(geography):
    """A finished access run for GPs: Mende and Badaroux under-served, the others not."""
    from django.utils import timezone

    from maillage.insights.models import AccessRun, CommuneAccess

    run = AccessRun.objects.create(region_id="76", profession="generaliste", method="apl",
                                   state=AccessRun.State.SUCCEEDED, finished_at=timezone.now())
    for code, apl, klass, population in (("48095", 1.9, 0, 12464), ("48017", 2.2, 1, 1050),
                                         ("48099", 4.0, 2, 1300), ("12208", 4.5, 2, 7941)):
        CommuneAccess.objects.create(run=run, commune_id=code, accessibility=apl,
                                     desert_class=klass, population=population,
                                     standardised_population=population, supply=0)
    return run


def test_a_resident_files_a_signalement_from_the_phone_form(client, people):
    client.force_login(people["resident"])
    page = client.get("/participation/signalements/nouveau/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="locate-me"' in html and "Mende (48095)" in html  # home commune prefilled
    response = client.post("/participation/signalements/nouveau/", {
        "category": "waiting_time", "commune": "Badaroux", "profession": "generaliste",
        "text": "Six mois pour un rendez-vous.", "anonymous": "on"})
    created = Signalement.objects.get()
    assert response.status_code == 302 and response["Location"] == created.get_absolute_url()
    assert (created.commune_id, created.category, created.anonymous) == (
        "48017", "waiting_time", True)


def test_a_bad_form_names_the_field_and_stores_nothing(client, people):
    client.force_login(people["resident"])
    response = client.post("/participation/signalements/nouveau/",
                           {"category": "aliens", "commune": "48000"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_commune_error"' in html and "Plusieurs communes correspondent" in html
    assert "Mende (48095)" in html and "Badaroux (48017)" in html
    assert 'aria-describedby="id_commune_helptext id_commune_error"' in html
    assert 'id="id_category_error"' in html
    assert not Signalement.objects.exists()


def test_the_api_reports_the_faulty_field(client, people):
    assert client.post("/api/participation/signalements", {},
                       content_type="application/json").status_code == 401
    client.force_login(people["resident"])
    response = client.post("/api/participation/signalements",
                           {"commune": "99999", "category": "no_gp"},
                           content_type="application/json")
    assert response.status_code == 400
    assert "commune" in response.json()["errors"]
    assert client.post("/api/participation/signalements", {"commune": "48095",
                       "category": "aliens"}, content_type="application/json").status_code == 422
    ok = client.post("/api/participation/signalements",
                     {"commune": "48095", "category": "cost", "anonymous": True},
                     content_type="application/json")
    assert ok.status_code == 201 and ok.json()["category"] == "cost"
    assert not Signalement.objects.filter(commune_id="99999").exists()


def test_an_unverified_person_cannot_file(people):
    with pytest.raises(PermissionDenied):
        file(people["unverified"])


def test_an_unknown_commune_is_a_field_error(people):
    with pytest.raises(ValidationError) as caught:
        file(people["resident"], commune="00000")
    assert "commune" in caught.value.message_dict


def test_anonymous_authors_are_shown_to_moderators_of_the_commune_only(people,
                                                                       anonymous_user):
    signalement = file(people["resident"], anonymous=True)

    def label(viewer):
        return selectors.signalement_row(viewer=viewer, pk=signalement.pk).author_label

    assert label(anonymous_user) == "Anonyme"
    assert label(people["neighbour"]) == "Anonyme"
    assert label(people["far_moderator"]) == "Anonyme"
    assert "resident@example.org" in label(people["moderator"])
    assert "Rosa" in label(people["resident"])  # the author sees their own name
    api = selectors.signalement_rows(viewer=people["neighbour"], region="76")
    assert [r.author_label for r in api] == ["Anonyme"]


def test_the_list_page_never_leaks_an_anonymous_author(client, people):
    file(people["resident"], anonymous=True, text="Pas de médecin.")
    page = client.get("/participation/signalements/", {"region": "76"}).content.decode()
    assert "Pas de médecin." in page and "Rosa" not in page and "resident@" not in page
    api = client.get("/api/participation/signalements", {"region": "76"}).json()
    assert api[0]["author"] == "Anonyme"


def test_signalements_are_counted_per_commune_and_category_beside_access(people, access_run):
    for category in ("no_gp", "no_gp", "distance"):
        file(people["resident"], category=category)
    file(people["resident"], commune="48099", category="cost", profession="infirmier")
    hidden = file(people["neighbour"], commune="48099")
    services.content_hide(actor=people["moderator"], content=hidden, reason="Hors sujet")

    figures = selectors.signals_beside_access(region="76", profession="generaliste")
    mende = next(c for c in figures.communes if c.code == "48095")
    assert mende.by_category == {"no_gp": 2, "distance": 1}
    assert mende.accessibility == 1.9 and mende.desert_class == 0
    assert mende.per_1000 == pytest.approx(3 * 1000 / 12464)
    # the nurse's signalement does not count for GPs, and the hidden one counts nowhere
    assert next(c for c in figures.communes if c.code == "48099").total == 0
    everything = selectors.signals_beside_access(region="76", profession=None)
    assert next(c for c in everything.communes if c.code == "48099").total == 1


def test_the_divergence_list_separates_agreement_silent_deserts_and_unmeasured(people,
                                                                              access_run):
    for _ in range(6):
        file(people["resident"], commune="48095")  # under-served, strong signal
    for _ in range(3):
        file(people["resident"], commune="48099", category="cost")  # served, strong signal
    file(people["resident"], commune="48017")  # under-served, one report only

    result = selectors.divergences(region="76", profession="generaliste", min_reports=3)
    assert [c.code for c in result.agree] == ["48095"]
    assert [c.code for c in result.silent_deserts] == ["48017"]
    assert [c.code for c in result.unmeasured_difficulties] == ["48099"]


def test_the_divergence_view_is_for_analysts_of_the_region(client, people, access_run):
    file(people["resident"])
    client.force_login(people["resident"])
    assert client.get("/participation/signalements/divergences/",
                      {"region": "76"}).status_code == 403
    assert client.get("/api/participation/signalements/divergences",
                      {"region": "76"}).status_code == 403
    client.force_login(people["organiser"])
    page = client.get("/participation/signalements/divergences/", {"region": "76"})
    assert page.status_code == 200 and "Déserts silencieux" in page.content.decode().replace(
        "déserts silencieux", "Déserts silencieux")
    body = client.get("/api/participation/signalements/divergences", {"region": "76"}).json()
    assert body["access_run"] == access_run.pk
    assert {c["code_insee"] for c in body["silent_deserts"]} == {"48095", "48017"}


def test_the_page_shows_map_table_and_access_figures(client, people, access_run):
    file(people["resident"], category="distance")
    page = client.get("/participation/signalements/", {"region": "76"}).content.decode()
    assert "maillage-map" in page and 'id="signals-table"' in page
    assert "Distance trop grande" in page and "zone d&#x27;intervention prioritaire" in page
    layer = client.get("/participation/signalements/carte.geojson", {"region": "76"}).json()
    mende = next(f for f in layer["features"] if f["properties"]["code"] == "48095")
    assert mende["properties"]["value"] == 1 and mende["properties"]["fill"] != "#f0f0f0"
    by_commune = client.get("/api/participation/signalements/by-commune",
                            {"region": "76"}).json()
    assert next(r for r in by_commune if r["code_insee"] == "48095")["signalements"] == 1
