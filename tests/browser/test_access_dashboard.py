"""A decision-maker opens the access dashboard: map, classes, sortable table, exports."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gp_run(geography):
    from maillage.healthcare.models import SupplyCount, SupplySource
    from maillage.insights import services

    source = SupplySource.objects.create(
        kind="bpe", file_name="bpe.csv", name="BPE test", origin="t", version="2023",
        licence="Licence Ouverte", attribution="INSEE", sha256="0" * 64, rows=1)
    SupplyCount.objects.create(source=source, source_kind="bpe", profession="generaliste",
                               commune_id="48095", count=2)
    return services.access_run_execute(services.access_run_create(
        actor=None, region="76", profession="generaliste"))


def test_the_dashboard_maps_and_sorts_communes_and_offers_exports(live_server, gp_run, page):
    page.goto(live_server.url + "/acces/?region=76&profession=generaliste")

    assert page.locator("h1").inner_text() == "Accès aux soins dans les communes"
    page.wait_for_selector(".maillage-map path.leaflet-interactive")
    assert page.locator(".maillage-map path.leaflet-interactive").count() == 4
    assert "BPE test" in page.locator(".fr-notice").inner_text()

    page.get_by_role("link", name="Population").click()
    page.wait_for_url("**tri=population**")
    first = page.locator("#access-table tbody tr").first.inner_text()
    assert "Badaroux" in first  # smallest population first

    with page.expect_download() as download:
        page.get_by_role("link", name="Tableau (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
