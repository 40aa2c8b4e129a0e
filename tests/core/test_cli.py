"""The `maillage` console command takes Django's command names, hyphenated or not."""

from unittest import mock

from maillage.config import cli


def test_a_hyphenated_command_name_reaches_its_django_command():
    with mock.patch("django.core.management.execute_from_command_line") as execute:
        cli.main(["anything", "import-territories", "--region", "76"])
    execute.assert_called_once_with(["maillage", "import_territories", "--region", "76"])


def test_options_are_left_as_typed():
    with mock.patch("django.core.management.execute_from_command_line") as execute:
        cli.main(["anything", "--version"])
    execute.assert_called_once_with(["maillage", "--version"])
