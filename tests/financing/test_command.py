"""`maillage payment`: the simulator from a terminal, storing nothing."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from maillage.financing.models import Population
from tests.financing.conftest import good_rows, make_csv

pytestmark = pytest.mark.django_db


def test_it_simulates_a_file_and_writes_the_exports(tmp_path, capsys):
    source = tmp_path / "pop.csv"
    source.write_bytes(make_csv(good_rows()))
    call_command("payment", "simulate", "--file", str(source), "--csv",
                 str(tmp_path / "out.csv"), "--pdf", str(tmp_path / "out.pdf"),
                 "--set", "peps.cap_over_fee_for_service=0.1")
    out = capsys.readouterr().out
    assert "Forfait d'équipe (Peps)" in out and "4 lignes simulées" in out
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
    assert "peps.cap_over_fee_for_service,0.1" in (tmp_path / "out.csv").read_text()
    assert Population.objects.count() == 0


def test_it_refuses_a_bad_file_with_line_and_field(tmp_path):
    rows = good_rows()
    rows[0]["css"] = "oui"
    source = tmp_path / "pop.csv"
    source.write_bytes(make_csv(rows))
    with pytest.raises(CommandError, match="Ligne 2, champ « css »"):
        call_command("payment", "simulate", "--file", str(source))


def test_it_lists_parameters_with_sources(capsys):
    call_command("payment", "parameters")
    out = capsys.readouterr().out
    assert "ipep.sharing_rate = 0.5" in out and "[hypothèse]" in out


def test_a_bad_parameter_is_an_error():
    with pytest.raises(CommandError, match="valeur refusée"):
        call_command("payment", "simulate", "--synthetic", "50", "--set",
                     "ipep.sharing_rate=7")
