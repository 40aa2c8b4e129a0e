"""The API counterparts of the pages: results of one département, the DREES comparison with
its communes, the comparison CSV, and launching a run."""

from __future__ import annotations

import csv
import io

import pytest

from maillage.insights import services
from maillage.insights.models import AccessRun, ReferenceApl

pytestmark = pytest.mark.django_db

# Two BPE GPs in Mende (tests/insights/test_runs.py): APL Mende R = 10,800 / 13,164,
# Badaroux 2/3 R, the two others 0.
R = 10_800 / 13_164


def run_gp() -> AccessRun:
    return services.access_run_execute(services.access_run_create(
        actor=None, region="76", profession="generaliste"))


def rows_of(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_results_and_their_csv_narrow_to_one_departement(client, gp_counts):
    run = run_gp()

    lozere = client.get(f"/api/access/runs/{run.pk}/results", {"departement": "48"}).json()
    assert {r["code_insee"] for r in lozere} == {"48095", "48017", "48099"}
    assert {r["code_insee"] for r in client.get(f"/api/access/runs/{run.pk}/results").json()} \
        == {"48095", "48017", "48099", "12208"}
    csv_rows = rows_of(client.get(f"/api/access/runs/{run.pk}/results.csv",
                                  {"departement": "12"}))
    assert [r["code_insee"] for r in csv_rows] == ["12208"]


def test_the_drees_comparison_lists_its_communes_largest_gap_first(client, gp_counts):
    run = run_gp()
    drees = {"48095": 3.0, "48017": 2.0, "48099": 1.0, "12208": 0.5}
    for code, apl in drees.items():
        ReferenceApl.objects.create(year=2022, commune_code=code, commune_name=code, apl=apl)

    body = client.get(f"/api/access/runs/{run.pk}/reference").json()
    assert body["year"] == 2022 and body["communes"] == 4
    # gaps: Mende R − 3 = −2.18, Badaroux 2/3 R − 2 = −1.45, then −1 and −0.5
    assert [r["code_insee"] for r in body["rows"]] == ["48095", "48017", "48099", "12208"]
    mende = body["rows"][0]
    assert mende["maillage"] == pytest.approx(R, rel=1e-9)
    assert mende["difference"] == pytest.approx(R - 3.0, rel=1e-9)
    # under 2.5 on both sides except Mende (DREES 3.0): 3 of 4 agree
    assert body["class_agreement"] == pytest.approx(0.75)
    page = client.get(f"/api/access/runs/{run.pk}/reference", {"offset": 3, "limit": 1}).json()
    assert [r["code_insee"] for r in page["rows"]] == ["12208"]


def test_the_comparison_csv(client, gp_counts):
    before = run_gp()
    gp_counts({"48095": 2, "48099": 3})
    after = run_gp()

    rows = rows_of(client.get("/api/access/compare.csv", {"before": before.pk,
                                                          "after": after.pk}))
    assert {r["code_insee"] for r in rows} == {"48095", "48017", "48099", "12208"}
    assert rows[0]["code_insee"] == "48099"  # largest change first
    assert rows[0]["classe_apres"] == "non_sous_dote"
    assert client.get("/api/access/compare.csv",
                      {"before": before.pk, "after": 999999}).status_code == 404


def test_an_analyst_launches_a_run_others_may_not_and_bad_values_are_named(
        client, gp_counts, make_user, grant, with_totp):
    outsider = make_user(email="analyst84@example.org")
    grant(outsider, "analyst", "region", "84")
    with_totp(outsider)
    client.force_login(outsider)
    payload = {"region": "76", "profession": "generaliste"}
    assert client.post("/api/access/runs", payload,
                       content_type="application/json").status_code == 403
    assert not AccessRun.objects.exists()

    analyst = make_user(email="analyst76@example.org")
    grant(analyst, "analyst", "region", "76")
    with_totp(analyst)
    client.force_login(analyst)
    response = client.post("/api/access/runs", {**payload, "profession": "sorcier"},
                           content_type="application/json")
    assert response.status_code == 400 and "Profession inconnue" in response.content.decode()
    assert not AccessRun.objects.exists()

    response = client.post("/api/access/runs", payload, content_type="application/json")
    assert response.status_code == 202
    run = AccessRun.objects.get(pk=response.json()["id"])
    assert run.state == AccessRun.State.SUCCEEDED  # the test task backend runs it at once
    assert run.results.get(commune_id="48095").accessibility == pytest.approx(R, rel=1e-9)
