"""Schemathesis explores every operation of the OpenAPI schema: no request gets a 500, and
every error is JSON."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def keep_test_connection():
    """Calls go through the real WSGI handler, whose request signals would close the test's
    database connection (it is inside a transaction); Django's test client detaches them too."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_request_gets_a_server_error(geography, settings, keep_test_connection):
    from maillage.config.wsgi import application

    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 10

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=12, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            response = case.call()
            case.validate_response(response, checks=[not_a_server_error])
            if response.status_code >= 400:
                content_type = response.headers.get("content-type", [""])[0]
                assert content_type.startswith("application/json"), (
                    f"{case.method} {case.formatted_path}: {response.status_code} not JSON "
                    f"{response.headers} {response.content[:200]!r}")

        check()
