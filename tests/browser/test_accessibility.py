"""axe-core (WCAG 2.1 A/AA rules) finds no serious or critical violation on the main pages."""

from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PAGES = [
    "/",
    "/territoires/",
    "/territoires/regions/76/",
    "/territoires/departements/48/",
    "/territoires/communes/48095/",
    "/territoires/recherche/?q=48000",
    "/acces/?region=76",
    "/comptes/login/",
    "/comptes/signup/",
]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail("axe-core missing: run `npm install` (make test does)")
    return AXE.read_text()


@pytest.mark.parametrize("path", PAGES)
def test_the_page_has_no_serious_accessibility_violation(live_server, geography, page,
                                                         axe_source, path):
    page.goto(live_server.url + path)
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        """async () => await axe.run(document, {
              runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
           })"""
    )
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"] if v["impact"] in {"serious", "critical"}
    ]
    assert not serious, "\n".join(serious)
