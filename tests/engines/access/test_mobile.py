"""Mobile-unit schedules and pro-rated supply, with values worked out by hand."""

from __future__ import annotations

import pytest

from maillage.engines.access import AccessInputError
from maillage.engines.access.mobile import (
    Slot,
    check_schedule,
    prorated_supply,
    weekly_hours_by_stop,
)


def test_hours_are_summed_per_stop():
    slots = [Slot("48095", 0, 9, 12), Slot("48017", 0, 13, 17.5), Slot("48095", 2, 9, 12)]
    assert weekly_hours_by_stop(slots) == {"48095": 6.0, "48017": 4.5}


def test_supply_is_pro_rated_by_hours():
    # 1 GP FTE = 5,400 C/an; 4.5 h of 35 h → 5,400 × 4.5 / 35 = 694.2857…
    assert prorated_supply(5400.0, 4.5) == pytest.approx(694.285714, rel=1e-9)
    assert prorated_supply(5400.0, 35.0) == 5400.0
    assert prorated_supply(5400.0, 0.0) == 0.0


def test_a_schedule_overlapping_itself_is_refused_naming_the_slots():
    with pytest.raises(AccessInputError, match=r"slot 3 .* overlaps slot 1") as err:
        check_schedule([Slot("A", 1, 9, 12), Slot("B", 2, 9, 12), Slot("C", 1, 11.5, 14)])
    assert err.value.field == "slots"


def test_touching_slots_do_not_overlap():
    check_schedule([Slot("A", 1, 9, 12), Slot("B", 1, 12, 14)])


@pytest.mark.parametrize("slot, field", [
    (Slot("A", 7, 9, 12), "day"), (Slot("A", 1, 12, 9), "start"),
    (Slot("A", 1, -1, 9), "start"), (Slot("A", 1, 9, 25), "start")])
def test_malformed_slots_name_the_field(slot, field):
    with pytest.raises(AccessInputError) as err:
        check_schedule([slot])
    assert err.value.field == field


def test_negative_supply_or_hours_are_refused():
    with pytest.raises(AccessInputError, match="weekly hours"):
        prorated_supply(5400.0, -1.0)
    with pytest.raises(AccessInputError, match="supply"):
        prorated_supply(-1.0, 3.0)
