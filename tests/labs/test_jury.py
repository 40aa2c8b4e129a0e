"""Submissions (description, links, files checked), deadline, independent scoring, results."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from maillage.labs import selectors, services
from maillage.labs.models import Event, Score, Submission, SubmissionFile

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def jury(event, people):
    impact = services.criterion_add(actor=people["staff"], event=event, name="Impact", weight=3)
    feasibility = services.criterion_add(actor=people["staff"], event=event,
                                         name="Faisabilité", weight=1)
    services.juror_add(actor=people["staff"], event=event, email="juror@example.org")
    services.juror_add(actor=people["staff"], event=event, email="juror2@example.org")
    return impact, feasibility


@pytest.fixture
def two_submissions(event, team, idea, people, jury):
    """Team A (resident + juror2 as member) and team B (dev)."""
    services.team_join(actor=people["juror2"], team=team, role="health_professional")
    other = services.team_create(actor=people["dev"], idea=idea, name="Appli seniors",
                                 role="developer")
    a = services.submission_save(actor=people["resident"], event=event, team=team,
                                 description="Cabine", links=["https://example.org/cabine"])
    b = services.submission_save(actor=people["dev"], event=event, team=other,
                                 description="Appli")
    return a, b


def test_a_team_member_hands_in_description_links_and_a_checked_file(event, team, people):
    upload = SimpleUploadedFile("pitch.pdf", PDF, content_type="application/pdf")
    submission = services.submission_save(
        actor=people["resident"], event=event, team=team, description="Notre cabine",
        links=["https://git.example.org/cabine"], files=[upload])
    stored = submission.files.get()
    assert (stored.name, stored.content_type, stored.size) == ("pitch.pdf", "application/pdf",
                                                                len(PDF))
    # Updating keeps one submission per team.
    services.submission_save(actor=people["resident"], event=event, team=team,
                             description="Notre cabine, v2")
    assert Submission.objects.get().description == "Notre cabine, v2"


def test_a_file_of_a_forbidden_type_or_disguised_or_too_big_stores_nothing(
        event, team, people, settings):
    cases = [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "type de fichier refusé"),
        (SimpleUploadedFile("faux.pdf", b"MZ\x90\x00 not a pdf"), "ne correspond pas"),
    ]
    settings.MAILLAGE_LABS_MAX_UPLOAD_BYTES = 100
    cases.append((SimpleUploadedFile("gros.pdf", PDF + b"0" * 200), "au plus"))
    for upload, message in cases:
        with pytest.raises(ValidationError, match=message):
            services.submission_save(actor=people["resident"], event=event, team=team,
                                     description="x", files=[upload])
    assert not Submission.objects.exists() and not SubmissionFile.objects.exists()


def test_a_bad_link_is_refused(event, team, people):
    with pytest.raises(ValidationError) as caught:
        services.submission_save(actor=people["resident"], event=event, team=team,
                                 description="x", links=["javascript:alert(1)"])
    assert "links" in caught.value.message_dict
    assert not Submission.objects.exists()


def test_no_submission_after_the_deadline(event, team, people):
    Event.objects.filter(pk=event.pk).update(
        submissions_close_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="date limite des rendus est passée"):
        services.submission_save(actor=people["resident"], event=event, team=team,
                                 description="Trop tard")
    assert not Submission.objects.exists()


def test_only_team_members_hand_in(event, team, people):
    with pytest.raises(PermissionDenied):
        services.submission_save(actor=people["dev"], event=event, team=team,
                                 description="Pas mon équipe")


def test_jurors_see_only_their_events_submissions(two_submissions, lab, people):
    a, b = two_submissions
    now = timezone.now()
    other_event = services.event_create(
        actor=people["staff"], lab=lab, title="Autre", starts_at=now + timedelta(days=5),
        ends_at=now + timedelta(days=6), submissions_close_at=now + timedelta(days=6),
        capacity=10, place="Rodez")
    assert {s.pk for s in selectors.submissions_visible(viewer=people["juror"],
                                                        event=a.event)} == {a.pk, b.pk}
    assert selectors.submissions_visible(viewer=people["juror"], event=other_event) == []
    assert selectors.submission_get(viewer=people["neighbour"], pk=a.pk) is None
    assert [s.pk for s in selectors.submissions_visible(viewer=people["dev"],
                                                        event=a.event)] == [b.pk]


def test_a_score_outside_the_scale_stores_nothing(two_submissions, jury, people):
    a, _b = two_submissions
    impact, feasibility = jury
    with pytest.raises(ValidationError) as caught:
        services.score_record(actor=people["juror"], submission=a,
                              values={impact.pk: 11, feasibility.pk: 5})
    assert f"criterion_{impact.pk}" in caught.value.message_dict
    with pytest.raises(ValidationError, match="il manque"):
        services.score_record(actor=people["juror"], submission=a, values={impact.pk: 5})
    assert not Score.objects.exists()


def test_a_juror_in_the_team_cannot_score_it(two_submissions, jury, people):
    a, b = two_submissions
    impact, feasibility = jury
    with pytest.raises(PermissionDenied, match="conflit d'intérêts"):
        services.score_record(actor=people["juror2"], submission=a,
                              values={impact.pk: 10, feasibility.pk: 10})
    services.score_record(actor=people["juror2"], submission=b,
                          values={impact.pk: 6, feasibility.pk: 4})
    with pytest.raises(PermissionDenied):
        services.score_record(actor=people["dev"], submission=a,
                              values={impact.pk: 1, feasibility.pk: 1})


def test_results_normalise_over_the_jurors_who_could_score(two_submissions, jury, people):
    """A: only juror 1 (juror 2 abstains): 8 and 6 → (24+6)/40 = 75 %.
    B: juror 1 gives 6/4, juror 2 gives 8/8 → impact 7, feasibility 6 → (21+6)/40 = 67.5 %."""
    a, b = two_submissions
    impact, feasibility = jury
    services.score_record(actor=people["juror"], submission=a,
                          values={impact.pk: 8, feasibility.pk: 6})
    services.score_record(actor=people["juror"], submission=b,
                          values={impact.pk: 6, feasibility.pk: 4})
    services.score_record(actor=people["juror2"], submission=b,
                          values={impact.pk: 8, feasibility.pk: 8})
    results = selectors.event_results(a.event)
    assert [(r.submission.pk, r.score, r.rank, r.abstentions) for r in results] == [
        (a.pk, pytest.approx(75.0), 1, 1), (b.pk, pytest.approx(67.5), 2, 0)]
    # Jurors never see one another's notes.
    assert selectors.juror_scores(viewer=people["juror2"], submission=b) == {
        impact.pk: 8, feasibility.pk: 8}
    with pytest.raises(PermissionDenied):
        services.results_publish(actor=people["juror"], event=a.event)
    services.results_publish(actor=people["staff"], event=a.event)
    with pytest.raises(ValidationError, match="publiés"):
        services.score_record(actor=people["juror"], submission=a,
                              values={impact.pk: 1, feasibility.pk: 1})
    assert selectors.idea_has_won(a.team.idea)


def test_criteria_are_frozen_once_scoring_started(two_submissions, jury, people):
    a, _b = two_submissions
    impact, feasibility = jury
    services.score_record(actor=people["juror"], submission=a,
                          values={impact.pk: 8, feasibility.pk: 6})
    with pytest.raises(ValidationError, match="ne changent plus"):
        services.criterion_add(actor=people["staff"], event=a.event, name="Coût", weight=1)


def test_a_weight_out_of_range_is_refused(event, people):
    with pytest.raises(ValidationError) as caught:
        services.criterion_add(actor=people["staff"], event=event, name="Coût", weight=0)
    assert "weight" in caught.value.message_dict
