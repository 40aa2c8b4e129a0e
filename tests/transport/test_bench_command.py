"""`maillage transport bench-darp DIR` solves benchmark instances and checks them independently."""

from __future__ import annotations

import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from maillage.engines.routing import darp_data_dir


def test_it_reports_each_instance_and_a_machine_readable_last_line(tmp_path):
    source = darp_data_dir() / "cordeau2006_a"
    if not (source / "a2-16.txt").exists():
        pytest.skip(f"benchmark instances not found at {source}")
    shutil.copy(source / "a2-16.txt", tmp_path)
    shutil.copy(source / "best_known.csv", tmp_path)
    out = io.StringIO()
    call_command("transport", "bench-darp", str(tmp_path), "--time-limit", "5",
                 "--solution-limit", "200", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[1].split()[0] == "a2-16" and "yes" in lines[1]
    last = dict(item.split("=") for item in lines[-1].split())
    assert last["instances"] == "1" and last["feasible"] == "1"
    assert float(last["max_gap_pct"]) <= 5


def test_a_malformed_line_is_named_and_nothing_is_solved(tmp_path):
    (tmp_path / "x1-2.txt").write_text("1 2 480 3 30\n0 0 0 0 0 0 480\n1 1 1 3 1 0 deux\n")
    with pytest.raises(CommandError, match=r"line 3"):
        call_command("transport", "bench-darp", str(tmp_path), stdout=io.StringIO())


def test_an_empty_directory_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="aucune instance"):
        call_command("transport", "bench-darp", str(tmp_path), stdout=io.StringIO())
