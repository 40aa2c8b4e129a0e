"""The demo lab loads, twice in a row, in the demo territory."""

from __future__ import annotations

from maillage.core.demo import demo_accounts_ensure
from maillage.labs import selectors
from maillage.labs.demo import demo_load
from maillage.labs.models import Lab, Project


def test_the_demo_lab_loads_and_reloads(geography):
    demo_accounts_ensure("demo-password-123")
    said: list[str] = []
    demo_load(said.append)
    lab = demo_load(said.append)
    assert Lab.objects.count() == 1 and lab.is_demo
    event = lab.events.get()
    results = selectors.event_results(event)
    # The doctor juror abstains on their own team: its score rests on the other juror only.
    assert [r.abstentions for r in results] == [1, 0]
    assert results[0].score == (3 * 8 + 2 * 7) / (10 * 5) * 100
    assert Project.objects.get().stage == "prototype"
    assert "Laboratoires" in said[-1]
