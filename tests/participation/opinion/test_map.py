"""The opinion map of a small seeded conversation: two planted groups, one common ground."""

from __future__ import annotations

import pytest

from maillage.participation.models import Statement, StatementStatus, StatementVote
from maillage.participation.opinion_report import groups_csv, scatter_svg, statements_csv
from maillage.participation.services import opinion

pytestmark = pytest.mark.django_db

COMMON = "Les délais pour voir un spécialiste sont trop longs."


@pytest.fixture
def planted(conversation, people):
    """Two camps of 12 that disagree on six statements and all agree on one."""
    divisive = [Statement.objects.create(conversation=conversation, text=f"Division {i}",
                                         status=StatementStatus.ACCEPTED, is_seed=True)
                for i in range(6)]
    common = Statement.objects.create(conversation=conversation, text=COMMON,
                                      status=StatementStatus.ACCEPTED, is_seed=True)
    votes = []
    for person in range(24):
        camp = 1 if person < 12 else -1
        for i, statement in enumerate(divisive):
            value = camp if (person + i) % 7 else 0  # a few passes
            votes.append(StatementVote(conversation=conversation, statement=statement,
                                       participant=f"p{person}", value=value))
        votes.append(StatementVote(conversation=conversation, statement=common,
                                   participant=f"p{person}", value=1))
    StatementVote.objects.bulk_create(votes)
    return common


def test_the_map_finds_the_groups_and_the_consensus(conversation, planted):
    snapshot = opinion.opinion_map_compute(conversation)
    summary = snapshot.summary
    assert snapshot.n_participants == 24 and summary["n_included"] == 24
    assert sorted(g["size"] for g in summary["groups"]) == [12, 12]
    assert [c["statement"] for c in summary["consensus"]["agree"]][:1] == [planted.pk]
    assert summary["group_informed_consensus"][0]["statement"] == planted.pk
    assert all(g["repness"] for g in summary["groups"])
    # No pseudonym nor account in what pages show.
    assert "p1" not in str(summary) and len(summary["points"]) == 24


def test_the_map_is_deterministic_and_passes_the_previous_one_on(conversation, planted):
    first = opinion.opinion_map_compute(conversation)
    second = opinion.opinion_map_compute(conversation)
    assert first.summary == second.summary
    assert opinion._state(second) is not None


def test_moderated_out_statements_leave_the_map(conversation, planted, people):
    opinion.statement_reject(actor=people["moderator"], statement=planted, reason="Hors sujet.")
    summary = opinion.opinion_map_compute(conversation).summary
    assert planted.pk not in [c["statement"] for c in summary["consensus"]["agree"]]


def test_exports_and_scatter(conversation, planted):
    summary = opinion.opinion_map_compute(conversation).summary
    svg = scatter_svg(summary)
    assert svg.startswith("<svg") and svg.count("<circle") == 24 and "<title" in svg
    assert statements_csv(conversation, summary).splitlines()[0].startswith("statement,text")
    assert len(groups_csv(summary).splitlines()) > 2


def test_routing_follows_the_engine_priorities_stored_with_the_map(conversation, planted,
                                                                   people, at):
    snapshot = opinion.opinion_map_compute(conversation)
    routing = snapshot.summary["routing"]
    assert set(routing) == {str(s.pk) for s in conversation.statements.all()}
    with at("diagnostic"):
        first = opinion.next_statement(viewer=people["resident"], conversation=conversation)
        again = opinion.next_statement(viewer=people["resident"], conversation=conversation)
    assert first.statement == again.statement  # deterministic for a person and progress
    assert first.remaining == conversation.statements.count()


def test_the_report_pdf_holds_the_groups_their_statements_and_the_consensus(conversation,
                                                                           planted):
    import matplotlib

    from maillage.participation.opinion_report import report_pdf
    from tests.mobilization.pdf_text import pdf_text

    snapshot = opinion.opinion_map_compute(conversation)
    with matplotlib.rc_context({"pdf.fonttype": 3, "pdf.compression": 0}):
        text = pdf_text(report_pdf(conversation, snapshot.summary, snapshot.computed_at))
    assert "24 participants" in text and "2 groupes" in text
    # (The dash and bullets are drawn as glyph codes, not text.)
    assert "Groupe A" in text and "Groupe B" in text and text.count("12 personnes") == 2
    assert "Consensus (d'accord dans tous les groupes)" in text
    assert COMMON in text
    assert "pas d'accord : Division" in text  # what characterises each group


def test_the_report_names_the_source_of_imported_data(conversation, planted, client, people):
    """Pol.is data (CC BY 4.0) must carry its attribution wherever it appears: the PDF and
    the HTML report print the conversation's source."""
    import matplotlib

    from maillage.participation.opinion_report import POLIS_ATTRIBUTION, report_pdf
    from tests.mobilization.pdf_text import pdf_text

    conversation.source = f"{POLIS_ATTRIBUTION} https://compdemocracy.org/case-studies/"
    conversation.save(update_fields=["source"])
    snapshot = opinion.opinion_map_compute(conversation)
    with matplotlib.rc_context({"pdf.fonttype": 3, "pdf.compression": 0}):
        text = " ".join(pdf_text(report_pdf(conversation, snapshot.summary,
                                            snapshot.computed_at)).split())
    assert "sub-licensed under CC BY 4.0 with Attribution to The Computational Democracy" in text
    client.force_login(people["organiser"])
    page = client.get(f"/participation/cartes-d-opinion/{conversation.pk}/rapport/")
    assert page.status_code == 200
    assert "The Computational Democracy Project" in page.content.decode()
    conversation.source = ""
    conversation.save(update_fields=["source"])
    with matplotlib.rc_context({"pdf.fonttype": 3, "pdf.compression": 0}):
        plain = pdf_text(report_pdf(conversation, snapshot.summary, snapshot.computed_at))
    assert "Computational Democracy" not in plain


def test_the_first_map_replays_the_recorded_votes_then_warm_starts(conversation, planted):
    """Votes recorded as events (the history) are replayed by the first computation; the
    next computation starts from the previous map's base clusters."""
    from datetime import timedelta

    from django.utils import timezone

    from maillage.participation.models import StatementVoteEvent

    start = timezone.now() - timedelta(hours=1)
    events = [
        StatementVoteEvent(statement_id=v.statement_id, participant=v.participant,
                           value=v.value, created_at=start + timedelta(seconds=2 * i))
        for i, v in enumerate(StatementVote.objects.filter(conversation=conversation)
                              .order_by("participant", "statement_id"))]
    StatementVoteEvent.objects.bulk_create(events)
    first = opinion.opinion_map_compute(conversation)
    state = opinion._state(first)
    assert state.clusters.n_updates == len(events)  # every 2-s batch, then the map itself
    assert sorted(g["size"] for g in first.summary["groups"]) == [12, 12]
    second = opinion._state(opinion.opinion_map_compute(conversation))
    assert second.clusters.n_updates == len(events) + 1
