"""Schemathesis on the labs operations only, with a lab, a challenge, an idea, a team and an
event in the database: no request gets a 500, every error is JSON."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from tests.api.test_openapi_fuzz import keep_test_connection  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("who", ["anonymous", "staff", "resident", "juror"])
def test_no_labs_request_gets_a_server_error(who, team, event, people, settings, tmp_path,
                                             keep_test_connection):  # noqa: F811
    from django.test import Client

    from maillage.labs import services

    services.criterion_add(actor=people["staff"], event=event, name="Impact", weight=2)
    services.juror_add(actor=people["staff"], event=event, email="juror@example.org")
    submission = services.submission_save(actor=people["resident"], event=event, team=team,
                                          description="Cabine")
    task = services.task_add(actor=people["resident"], team=team, title="Maquette")
    services.idea_shortlist(actor=people["staff"], idea=team.idea)
    project = services.project_create(actor=people["staff"], idea=team.idea, title="P",
                                      summary="S", team_id=team.pk)
    milestone = services.milestone_add(actor=people["staff"], project=project, title="J")
    # Signed-in runs aim at the objects that exist, so that the services see the fuzzed bodies.
    real = {"labs": event.lab_id, "challenges": team.idea.challenge_id, "ideas": team.idea_id,
            "teams": team.pk, "tasks": task.pk, "events": event.pk,
            "submissions": submission.pk, "projects": project.pk, "milestones": milestone.pk}
    headers, cookies = {}, {}
    if who != "anonymous":
        client = Client()
        client.force_login(people[who])
        token = "A" * 32  # a CSRF secret sent as cookie and header, as a browser would
        cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}
        headers = {"X-CSRFToken": token}
    from maillage.config.wsgi import application

    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    settings.MEDIA_ROOT = str(tmp_path)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if op.path.startswith("/api/labs/")]
    assert len(operations) > 30

    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=8, deadline=None, database=None,
                             suppress_health_check=list(HealthCheck))
        def check(case) -> None:
            if who != "anonymous" and case.path_parameters:
                resource = case.operation.path.split("/")[3]
                case.path_parameters["pk"] = real[resource]
                if "team_pk" in case.path_parameters:
                    case.path_parameters["team_pk"] = team.pk
            response = case.call(headers=headers, cookies=cookies)
            case.validate_response(response, checks=[not_a_server_error])
            if response.status_code >= 400:
                content_type = response.headers.get("content-type", [""])[0]
                assert content_type.startswith("application/json"), (
                    f"{case.method} {case.formatted_path}: {response.status_code}")

        check()
