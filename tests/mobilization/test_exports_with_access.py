"""The signature PDF and the dossier carry the territory's access figures and their sources."""

from __future__ import annotations

import matplotlib
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from maillage.mobilization import exports, services
from maillage.territories.selectors import TerritoryRef
from tests.mobilization.pdf_text import pdf_text as _pdf_text


@pytest.fixture
def run(geography):
    """An access run over Occitanie with two GPs in Mende (as insights' tests do)."""
    from maillage.healthcare.models import SupplyCount, SupplySource
    from maillage.insights import services as insights

    source = SupplySource.objects.create(
        kind="bpe", file_name="bpe.csv", scope="france", name="test bpe", origin="test",
        version="test", licence="Licence Ouverte", attribution="test", sha256="0" * 64, rows=1)
    SupplyCount.objects.create(source=source, source_kind="bpe", profession="generaliste",
                               commune_id="48095", count=2)
    return insights.access_run_execute(insights.access_run_create(
        actor=None, region="76", profession="generaliste"))


def test_the_signature_pdf_holds_text_counts_by_commune_and_access_with_sources(
        run, people, make_petition):
    petition = make_petition()
    services.petition_sign(actor=people["neighbour"], petition=petition)
    figures = exports.access_figures(TerritoryRef("departement", "48"))
    assert figures.run == run and figures.communes >= 1 and figures.provenance
    with matplotlib.rc_context({"pdf.fonttype": 3, "pdf.compression": 0}):
        text = _pdf_text(exports.petition_pdf(petition))
    assert "Nous demandons le recrutement de deux" in text
    assert "Mende (48095) : 1" in text
    assert "Accessibilit" in text and "Méthode" in text


def test_the_dossier_page_shows_the_map_and_the_least_served_communes(run, people):
    page = Client().get(reverse("mobilization:dossier"), {"niveau": "region", "code": "76"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Communes les moins bien desservies" in html and "<path" in html


def test_campaigns_target_communes_by_desert_class_and_share_aged_75(run, people):
    """Indicators from the access run choose the communes; combined criteria intersect."""
    # Four communes with distinct indicators (the run's own figures are all alike here).
    # Classes: 0 zone d'intervention prioritaire, 1 zone d'action complémentaire, 2 neither.
    for code, desert_class, share in [("48095", 2, 0.08), ("48017", 0, 0.12),
                                      ("48099", 0, 0.21), ("12208", 1, 0.19)]:
        run.results.filter(commune_id=code).update(desert_class=desert_class,
                                                   share_75_plus=share)
    results = {r.commune_id: r for r in run.results.all()}
    region_communes = set(results)
    assert region_communes == {"48095", "48017", "48099", "12208"}

    def targets(**criteria):
        campaign = services.campaign_create(
            actor=people["coordinator"], region="76", title="Dépistage", theme="depistage",
            body="Journées de dépistage.", organiser_name="CPTS", **criteria)
        return set(campaign.targets.values_list("commune_id", flat=True))

    assert targets(desert_classes=[0]) == {"48017", "48099"}
    assert targets(desert_classes=[0, 1]) == {"48017", "48099", "12208"}
    assert targets(min_share_75=0.18) == {"48099", "12208"}
    assert targets(desert_classes=[0], min_share_75=0.18) == {"48099"}
    with pytest.raises(ValidationError) as caught:
        targets(desert_classes=[2], min_share_75=0.18)
    assert "desert_classes" in caught.value.message_dict
