"""Opinion maps: open a conversation, propose and moderate statements, vote, compute the map.

Votes are stored under an opaque pseudonym per participant (`participant_key`); the map is
computed on pseudonyms and its stored summary holds groups, statements and anonymous points,
never who voted what.
"""

from __future__ import annotations

import logging
import pickle
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.engines.opinion import (
    OpinionMap,
    OpinionParams,
    VoteMatrix,
    next_statement_priorities,
    opinion_map,
)
from maillage.engines.opinion.routing import priority as routing_priority
from maillage.participation.models import (
    Conversation,
    Feature,
    Flag,
    ModerationEvent,
    OpinionMapSnapshot,
    Phase,
    Process,
    Statement,
    StatementStatus,
    StatementVote,
    StatementVoteEvent,
    VoteValue,
)
from maillage.participation.models.opinion import STATEMENT_MAX_LENGTH
from maillage.participation.services.common import _deny, _text

logger = logging.getLogger(__name__)

# A computation already queued less than this long ago is not queued again (votes arrive in
# bursts: one computation covers them all).
RECOMPUTE_DEBOUNCE = timedelta(minutes=2)
VOTE_WORDS = {"agree": VoteValue.AGREE, "disagree": VoteValue.DISAGREE, "pass": VoteValue.PASS,
              "1": VoteValue.AGREE, "-1": VoteValue.DISAGREE, "0": VoteValue.PASS}


def participant_key(user: User) -> str:
    """The pseudonym under which a person's votes are stored and computed."""
    return f"u{user.pk}"


# Conversations and statements -----------------------------------------------------------------

@transaction.atomic
def conversation_create(
    *, actor: User, process: Process, phase: Phase, title: str, statements: list[str],
    description: str = "", allow_statements: bool = True, seed: int = 0, source: str = "",
    is_demo: bool = False,
) -> Conversation:
    """An organiser opens a conversation with its seed statements (accepted at once)."""
    if not actor.has_perm("participation.add_conversation", process):
        raise _deny(_("Vous n'organisez pas cette concertation."))
    errors: dict[str, str] = {}
    if phase.process_id != process.pk:
        errors["phase"] = _("Cette phase n'appartient pas à la concertation.")
    elif Feature.OPINION not in phase.features:
        errors["phase"] = _("Une phase « %(t)s » n'ouvre pas de carte d'opinion.") % {
            "t": phase.get_type_display()}
    texts = [s.strip() for s in statements if s and s.strip()]
    too_long = [t for t in texts if len(t) > STATEMENT_MAX_LENGTH]
    if too_long:
        errors["statements"] = _("%(n)s caractères au plus par affirmation.") % {
            "n": STATEMENT_MAX_LENGTH}
    elif len({t.casefold() for t in texts}) != len(texts):
        errors["statements"] = _("Deux affirmations sont identiques.")
    if errors:
        raise ValidationError(errors, code="invalid")
    conversation = Conversation.objects.create(
        process=process, phase=phase, title=_text(title, "title", limit=200, required=True),
        description=(description or "").strip(), allow_statements=bool(allow_statements),
        seed=seed, source=source, is_demo=is_demo, created_by=actor)
    now = timezone.now()
    Statement.objects.bulk_create([
        Statement(conversation=conversation, text=t, author=actor, is_seed=True,
                  status=StatementStatus.ACCEPTED, moderated_at=now) for t in texts])
    return conversation


def statement_add(*, actor: User, conversation: Conversation, text: str) -> Statement:
    """A participant proposes a statement: it waits for a moderator before anyone votes on it.
    An organiser's statement is accepted at once."""
    if not actor.has_perm("participation.add_statement", conversation):
        raise _deny(_("Cette carte d'opinion n'accepte pas de nouvelle affirmation en ce "
                      "moment."))
    text = _text(text, "text", limit=STATEMENT_MAX_LENGTH, required=True)
    with transaction.atomic():
        if any(t.casefold() == text.casefold()
               for t in conversation.statements.values_list("text", flat=True)):
            raise ValidationError({"text": _("Cette affirmation figure déjà dans la "
                                             "conversation.")}, code="duplicate")
        trusted = actor.has_perm("participation.add_conversation", conversation.process)
        statement = Statement.objects.create(
            conversation=conversation, text=text, author=actor,
            status=StatementStatus.ACCEPTED if trusted else StatementStatus.PENDING,
            moderated_at=timezone.now() if trusted else None)
        if not trusted:  # into the moderators' queue (accepting or refusing closes it)
            Flag.objects.create(
                content_type=ContentType.objects.get_for_model(Statement),
                object_id=statement.pk, reporter=None,
                reason=_("Nouvelle affirmation à accepter ou refuser (page de la carte "
                         "d'opinion)."))
        return statement


def _moderation_check(actor: User, statement: Statement, reason: str, *, required: bool
                      ) -> str:
    if not actor.has_perm("participation.moderate_statement", statement):
        raise _deny(_("Vous ne modérez pas cette carte d'opinion."))
    return _text(reason, "reason", limit=2000, required=required)


@transaction.atomic
def statement_accept(*, actor: User, statement: Statement, reason: str = "") -> Statement:
    """A moderator (or the organiser) accepts a proposed statement: it enters the votes."""
    from maillage.participation.services.core import _moderation_event

    reason = _moderation_check(actor, statement, reason, required=False)
    if statement.status == StatementStatus.ACCEPTED and not statement.is_hidden:
        raise ValidationError({"reason": _("Cette affirmation est déjà acceptée.")},
                              code="accepted")
    statement.status, statement.moderated_at = StatementStatus.ACCEPTED, timezone.now()
    statement.hidden_at, statement.hidden_reason, statement.hidden_by = None, "", None
    statement.save(update_fields=["status", "moderated_at", "hidden_at", "hidden_reason",
                                  "hidden_by"])
    _moderation_event(actor, statement, ModerationEvent.Action.RESTORE,
                      reason or _("Affirmation acceptée."))
    return statement


@transaction.atomic
def statement_reject(*, actor: User, statement: Statement, reason: str) -> Statement:
    """Refuse (or withdraw) a statement: hidden with its reason, out of the votes and the map."""
    from maillage.participation.services.core import _moderation_event, _tell_author

    reason = _moderation_check(actor, statement, reason, required=True)
    if statement.status == StatementStatus.REJECTED:
        raise ValidationError({"reason": _("Cette affirmation est déjà refusée.")},
                              code="rejected")
    now = timezone.now()
    statement.status, statement.moderated_at = StatementStatus.REJECTED, now
    statement.hidden_at, statement.hidden_reason, statement.hidden_by = now, reason, actor
    statement.save(update_fields=["status", "moderated_at", "hidden_at", "hidden_reason",
                                  "hidden_by"])
    _moderation_event(actor, statement, ModerationEvent.Action.HIDE, reason)
    author = statement.author
    if author is not None and author.email and not statement.is_seed:
        transaction.on_commit(lambda: _tell_author(author, statement, reason))
    if statement.votes.exists():
        transaction.on_commit(lambda: opinion_map_schedule(statement.conversation))
    return statement


# Votes ----------------------------------------------------------------------------------------

def vote_value(value: Any) -> int:
    """1, -1, 0 or "agree" / "disagree" / "pass"; anything else is refused."""
    key = str(value).strip().lower() if value is not None else ""
    if key not in VOTE_WORDS:
        raise ValidationError({"value": _("Vote inconnu : %(v)s (d'accord « agree », pas "
                                          "d'accord « disagree » ou je passe « pass »).")
                               % {"v": value}}, code="unknown_value")
    return int(VOTE_WORDS[key])


def vote_cast(*, actor: User, conversation: Conversation, statement: Any, value: Any
              ) -> StatementVote:
    """Vote on a statement (agree, disagree, pass). Voting again changes the vote; the database
    holds one vote per person and statement, and every vote cast stays in the history."""
    if not actor.has_perm("participation.vote_statement", conversation):
        raise _deny(_("Cette carte d'opinion n'est pas ouverte au vote, ou il faut une adresse "
                      "e-mail confirmée et une commune de résidence dans le territoire."))
    number = vote_value(value)
    try:
        statement_id = int(getattr(statement, "pk", statement))
    except (TypeError, ValueError) as exc:
        raise ValidationError({"statement": _("Identifiant d'affirmation invalide.")},
                              code="invalid") from exc
    target = conversation.statements.filter(pk=statement_id).first()
    if target is None or not target.is_votable:
        raise ValidationError({"statement": _("Cette affirmation n'est pas ouverte au vote "
                                              "(inconnue, en attente de modération ou "
                                              "masquée).")}, code="not_votable")
    key = participant_key(actor)
    for attempt in range(2):
        try:
            with transaction.atomic():
                vote, _created = StatementVote.objects.select_for_update().update_or_create(
                    statement=target, participant=key,
                    defaults={"value": number, "user": actor, "conversation": conversation})
                StatementVoteEvent.objects.create(statement=target, participant=key,
                                                  value=number, created_at=timezone.now())
                transaction.on_commit(lambda: opinion_map_schedule(conversation))
            return vote
        except IntegrityError:  # two simultaneous first votes: the second one updates
            if attempt:
                raise
    raise AssertionError("unreachable")


# Reading --------------------------------------------------------------------------------------

def vote_matrix(conversation: Conversation) -> tuple[VoteMatrix, list[int]]:
    """The votes as the engine reads them, and the statements moderated out."""
    statements = list(conversation.statements.exclude(status=StatementStatus.PENDING)
                      .values_list("pk", "status", "hidden_at"))
    votable = [pk for pk, status, hidden in statements
               if status == StatementStatus.ACCEPTED and hidden is None]
    out = [pk for pk, status, hidden in statements
           if not (status == StatementStatus.ACCEPTED and hidden is None)]
    rows = [(p, s, float(v), t.timestamp()) for p, s, v, t in
            StatementVote.objects.filter(conversation=conversation)
            .values_list("participant", "statement_id", "value", "updated_at")]
    return VoteMatrix.from_votes(rows, statement_ids=votable + out), out


def latest_snapshot(conversation: Conversation) -> OpinionMapSnapshot | None:
    return conversation.snapshots.order_by("-computed_at", "-pk").first()


def _state(snapshot: OpinionMapSnapshot | None) -> OpinionMap | None:
    if snapshot is None or not snapshot.state:
        return None
    try:  # written by opinion_map_compute only, never from user input
        return pickle.loads(bytes(snapshot.state))
    except Exception:  # an older engine's map: start afresh
        logger.warning("Unreadable opinion map state %s", snapshot.pk, exc_info=True)
        return None


@dataclass(frozen=True)
class NextStatement:
    """The statement to show (None when the participant voted on all), and the progress."""

    statement: Statement | None
    voted: int
    remaining: int


def next_statement(*, viewer: User, conversation: Conversation) -> NextStatement:
    """The statement a participant sees next, by the engine's routing priority (Pol.is)."""
    votable = {s.pk: s for s in conversation.statements.filter(
        status=StatementStatus.ACCEPTED, hidden_at__isnull=True)}
    key = participant_key(viewer) if viewer.is_authenticated else None
    mine = set(StatementVote.objects.filter(conversation=conversation, participant=key)
               .values_list("statement_id", flat=True)) if key else set()
    remaining = sorted(pk for pk in votable if pk not in mine)
    if not remaining:
        return NextStatement(None, len(mine & set(votable)), 0)
    # The engine's routing priorities, computed with the map (no vote matrix per page view);
    # a statement newer than the map gets the priority of a new statement.
    snapshot = latest_snapshot(conversation)
    routing = (snapshot.summary.get("routing") or {}) if snapshot else {}
    fresh = float(routing_priority(0, 0, 0, 0.0))
    weights = np.array([float(routing.get(str(pk)) or fresh) for pk in remaining])
    if not np.isfinite(weights).all() or weights.sum() <= 0:
        weights = np.ones(len(remaining))
    seed = (conversation.seed * 1_000_003 + (viewer.pk or 0) * 7919 + len(mine)) % (2**32)
    chosen = remaining[int(np.random.default_rng(seed).choice(
        len(remaining), p=weights / weights.sum()))]
    return NextStatement(votable[chosen], len(mine & set(votable)), len(remaining))


def my_votes(*, viewer: User, conversation: Conversation) -> dict[int, int]:
    """A person's own votes (statement id → value): shown to them only."""
    if not viewer.is_authenticated:
        return {}
    return dict(StatementVote.objects.filter(conversation=conversation,
                                             participant=participant_key(viewer))
                .values_list("statement_id", "value"))


# Computing the map ----------------------------------------------------------------------------

def opinion_map_schedule(conversation: Conversation) -> bool:
    """Queue a recomputation, unless one was queued moments ago. True if queued."""
    from maillage.core.progress import progress_create
    from maillage.participation.tasks import opinion_map_task

    now = timezone.now()
    queued = Conversation.objects.filter(pk=conversation.pk).filter(
        _not_recently_queued(now)).update(map_queued_at=now)
    if not queued:
        return False
    progress = progress_create(title=_("Carte d'opinion : %(t)s") % {"t": conversation.title})
    try:
        opinion_map_task.enqueue(conversation_id=conversation.pk,
                                 progress_key=str(progress.key))
    except Exception:
        Conversation.objects.filter(pk=conversation.pk).update(map_queued_at=None)
        logger.exception("Could not queue the opinion map of %s", conversation.pk)
        return False
    return True


def _not_recently_queued(now: Any) -> Any:
    from django.db.models import Q

    return Q(map_queued_at__isnull=True) | Q(map_queued_at__lt=now - RECOMPUTE_DEBOUNCE)


def opinion_map_compute(conversation: Conversation, *, progress: Any = None
                        ) -> OpinionMapSnapshot:
    """Compute and store the map, passing on the previous one (stable number of groups)."""
    from threadpoolctl import threadpool_limits

    report = progress or (lambda step, done, total: None)
    report(_("Lecture des votes"), 0, 3)
    # Votes cast from now on queue the next computation.
    Conversation.objects.filter(pk=conversation.pk).update(map_queued_at=None)
    votes, out = vote_matrix(conversation)
    previous = _state(latest_snapshot(conversation))
    report(_("Calcul de la carte"), 1, 3)
    params = OpinionParams(seed=conversation.seed)
    with threadpool_limits(limits=1):
        # The first map of a conversation that already has votes (or after an engine
        # upgrade) replays their history, so that it starts where successive
        # recomputations would have led, as Pol.is's would.
        history = _replayed_history(conversation, out, params) if previous is None else None
        result = opinion_map(votes, params, previous, moderated_out=out, history=history)
    report(_("Enregistrement"), 2, 3)
    texts = dict(conversation.statements.values_list("pk", "text"))
    summary = map_summary(result, votes, texts)
    summary["routing"] = {
        str(t): _num(p, 6) or 0.0
        for t, p in zip(votes.statement_ids.tolist(),
                        next_statement_priorities(votes, result).tolist(), strict=True)}
    snapshot = OpinionMapSnapshot.objects.create(
        conversation=conversation, computed_at=timezone.now(),
        n_votes=int(votes.voted.sum()), n_participants=int(votes.shape[0]),
        summary=summary, state=pickle.dumps(result))
    # Keep the latest few computations only (the state can be large).
    old = list(conversation.snapshots.order_by("-computed_at", "-pk")
               .values_list("pk", flat=True)[5:])
    if old:
        OpinionMapSnapshot.objects.filter(pk__in=old).delete()
    report(_("Terminé"), 3, 3)
    return snapshot


def _replayed_history(conversation: Conversation, out: list[int],
                      params: OpinionParams) -> Any:
    """The engine's state after replaying every recorded vote in time order (None if none)."""
    from maillage.engines.opinion import VoteLog, replay_updates

    events = list(StatementVoteEvent.objects.filter(statement__conversation=conversation)
                  .order_by("created_at", "pk")
                  .values_list("participant", "statement_id", "value", "created_at"))
    if len(events) < 2:
        return None
    log = VoteLog(
        participant_ids=np.array([e[0] for e in events], dtype=object),
        statement_ids=np.array([e[1] for e in events], dtype=np.int64),
        values=np.array([float(e[2]) for e in events]),
        timestamps=np.array([e[3].timestamp() * 1000.0 for e in events]),
    )
    return replay_updates(log, moderated_out=out, **params.replay_options())


def _num(value: Any, digits: int = 4) -> float | None:
    number = float(value)
    return None if not np.isfinite(number) else round(number, digits)


def map_summary(result: OpinionMap, votes: VoteMatrix, texts: dict[int, str]
                ) -> dict[str, Any]:
    """What the pages show, as JSON: no participant id, only groups and anonymous points."""
    index = result.statement_index()
    statement_ids = [int(t) for t in result.statement_ids.tolist()]
    values = votes.values
    column = {int(t): j for j, t in enumerate(votes.statement_ids.tolist())}
    counts = result.group_counts
    group_ids = [g.id for g in result.groups]
    letters = {g: chr(ord("A") + i) if i < 26 else str(g) for i, g in enumerate(group_ids)}

    def statement_row(tid: int) -> dict[str, Any]:
        col = values[:, column[tid]] if tid in column else np.array([])
        j = index.get(tid)
        per_group = []
        for row, g in enumerate(group_ids):
            seen = int(counts.seen[row, j]) if j is not None else 0
            agree = int(counts.agree[row, j]) if j is not None else 0
            disagree = int(counts.disagree[row, j]) if j is not None else 0
            per_group.append({"group": letters[g], "seen": seen, "agree": agree,
                              "disagree": disagree,
                              "agree_pct": round(100 * agree / seen) if seen else None,
                              "disagree_pct": round(100 * disagree / seen) if seen else None})
        return {
            "id": tid, "text": texts.get(tid, ""),
            "agree": int((col == 1).sum()), "disagree": int((col == -1).sum()),
            "pass": int((col == 0).sum()), "votes": int((~np.isnan(col)).sum()),
            "moderated_out": bool(result.moderated_out[j]) if j is not None else True,
            "consensus": _num(result.group_informed_consensus[j]) if j is not None else None,
            "bridging": _num(result.bridging[j]) if j is not None else None,
            "groups": per_group,
        }

    groups = []
    for g in result.groups:
        groups.append({
            "id": g.id, "label": letters[g.id], "size": int(g.size),
            "repness": [{"statement": int(r.statement_id),
                         "text": texts.get(int(r.statement_id), ""),
                         "direction": str(r.repful_for), "p_success": _num(r.p_success, 3),
                         "n_success": int(r.n_success), "n_trials": int(r.n_trials),
                         "repness": _num(r.repness, 3)}
                        for r in result.repness.get(g.id, ())],
        })
    consensus = {direction: [{"statement": int(c.statement_id),
                              "text": texts.get(int(c.statement_id), ""),
                              "p_success": _num(c.p_success, 3), "n_success": int(c.n_success),
                              "n_trials": int(c.n_trials)}
                             for c in getattr(result.consensus, direction)]
                 for direction in ("agree", "disagree")}
    ranked = [(s, b) for s, b in zip(statement_ids, result.bridging.tolist(), strict=True)
              if np.isfinite(b)]
    # Rounded before ranking: near-ties differ in the last bits between runs (threaded
    # BLAS), and the list must not reorder when nothing changed.
    ranked.sort(key=lambda sb: (-round(sb[1], 6), sb[0]))
    gic = [(s, c) for s, c in zip(statement_ids, result.group_informed_consensus.tolist(),
                                  strict=True) if np.isfinite(c)]
    gic.sort(key=lambda sc: (-round(sc[1], 6), sc[0]))
    # Points of the counted participants, rounded and sorted by position: the order says
    # nothing of who is who.
    points = sorted(
        (round(float(x), 3), round(float(y), 3), letters.get(int(label), ""))
        for (x, y), label, included in zip(
            result.coordinates[:, :2].tolist() if result.coordinates.size else [],
            result.labels.tolist(), result.included.tolist(), strict=False)
        if included and label >= 0)
    return {
        "k": int(result.k), "seed": int(result.seed),
        "silhouettes": {str(k): _num(v, 3) for k, v in sorted(result.silhouettes.items())},
        "n_participants": int(votes.shape[0]), "n_included": int(result.included.sum()),
        "n_statements": len(statement_ids), "n_votes": int(votes.voted.sum()),
        "groups": groups, "consensus": consensus,
        "bridging": [{"statement": s, "text": texts.get(s, ""), "score": _num(b, 3)}
                     for s, b in ranked[:5]],
        "group_informed_consensus": [{"statement": s, "text": texts.get(s, ""),
                                      "score": _num(c, 3)} for s, c in gic[:5]],
        "statements": [statement_row(s) for s in statement_ids],
        "points": [list(p) for p in points],
    }


# Importing a Pol.is export --------------------------------------------------------------------

def conversation_import_polis(*, process: Process, phase: Phase, directory: Any,
                              title: str = "", seed: int = 0) -> tuple[Conversation, bool]:
    """Load a Pol.is export (comments.csv, votes.csv) as a conversation of `process`.

    Returns the conversation and whether it was created: the same export imported again
    into the same process gives back the first import (same `source`) and writes nothing.

    Pol.is's CSV codes agree as +1, like Maillage. Comments Pol.is moderated out (-1) are
    stored refused; voters are stored under pseudonyms `p<voter-id>`, linked to no account,
    with the voter ids zero-padded to one width so that pseudonyms sort as Pol.is's ids. Every
    row of votes.csv is kept as a `StatementVoteEvent` at its Pol.is timestamp, so that the
    first map replays the conversation's updates as for a conversation held here (the groups
    then match Pol.is's, as `maillage opinion groups` does). The data's licence asks for
    attribution: it is kept in `source` and shown with the map.
    """
    from pathlib import Path

    import pandas as pd

    from maillage.engines.opinion import read_polis_export
    from maillage.participation.opinion_report import POLIS_ATTRIBUTION

    directory = Path(directory)
    if Feature.OPINION not in phase.features or phase.process_id != process.pk:
        raise ValidationError({"phase": _("Cette phase n'ouvre pas de carte d'opinion.")})
    export = read_polis_export(directory)
    comments = pd.read_csv(directory / "comments.csv")
    summary: dict[str, str] = {}
    if (directory / "summary.csv").exists():
        frame = pd.read_csv(directory / "summary.csv", header=None, names=["key", "value"])
        summary = {str(k): str(v) for k, v in zip(frame["key"], frame["value"], strict=True)}
    url = summary.get("url", "")
    source = (f"{POLIS_ATTRIBUTION} Pol.is conversation {url} ({directory.name}), "
              "CC BY 4.0, The Computational Democracy Project: "
              "https://github.com/compdemocracy/openData").strip()
    now = timezone.now()
    with transaction.atomic():
        already = Conversation.objects.filter(process=process, source=source).first()
        if already is not None:
            return already, False
        conversation = Conversation.objects.create(
            process=process, phase=phase,
            title=(title or summary.get("topic") or directory.name)[:200],
            description=summary.get("conversation-description", "")
            if summary.get("conversation-description", "nan") != "nan" else "",
            seed=seed, source=source, allow_statements=False)
        by_tid: dict[int, Statement] = {}
        for row in comments.sort_values("comment-id").itertuples(index=False):
            tid = int(row[comments.columns.get_loc("comment-id")])
            text = str(row[comments.columns.get_loc("comment-body")])[:STATEMENT_MAX_LENGTH]
            out = int(row[comments.columns.get_loc("moderated")]) == -1
            by_tid[tid] = Statement(
                conversation=conversation, text=text, external_id=str(tid),
                status=StatementStatus.REJECTED if out else StatementStatus.ACCEPTED,
                moderated_at=now, hidden_at=now if out else None,
                hidden_reason=_("Modérée dans Pol.is.") if out else "")
        Statement.objects.bulk_create(list(by_tid.values()))
        matrix = export.votes
        rows, cols = np.nonzero(~np.isnan(matrix.values))
        pids, tids = matrix.participant_ids.tolist(), matrix.statement_ids.tolist()
        width = max((len(str(int(p))) for p in pids), default=1)

        def pseudonym(voter: Any) -> str:
            return f"p{int(voter):0{width}d}"

        StatementVote.objects.bulk_create([
            StatementVote(conversation=conversation, statement=by_tid[int(tids[c])],
                          participant=pseudonym(pids[r]), value=int(matrix.values[r, c]))
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True)
            if int(tids[c]) in by_tid], batch_size=2000)
        if export.log is not None:
            log = export.log
            StatementVoteEvent.objects.bulk_create([
                StatementVoteEvent(
                    statement=by_tid[int(t)], participant=pseudonym(v), value=int(x),
                    created_at=datetime.fromtimestamp(ms / 1000.0, tz=UTC))
                for v, t, x, ms in zip(log.participant_ids.tolist(), log.statement_ids.tolist(),
                                       log.values.tolist(), log.timestamps.tolist(),
                                       strict=True)
                if int(t) in by_tid], batch_size=2000)
    return conversation, True
