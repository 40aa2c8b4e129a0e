"""Priority votes: pairwise comparisons (with ideas added by residents) and classic ballots."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.participation.models import (
    Ballot,
    Feature,
    PairwiseChoice,
    Phase,
    PriorityOption,
    PriorityVote,
    Process,
)
from maillage.participation.services.common import _deny, _text


@transaction.atomic
def priority_vote_create(
    *, actor: User, process: Process, phase: Phase, title: str, kind: str,
    options: list[str], description: str = "", budget: int | None = None,
    allow_new_options: bool = True, is_demo: bool = False,
) -> PriorityVote:
    if not actor.has_perm("participation.add_priority_vote", process):
        raise _deny(_("Vous n'organisez pas cette concertation."))
    errors: dict[str, str] = {}
    if phase.process_id != process.pk:
        errors["phase"] = _("Cette phase n'appartient pas à la concertation.")
    elif Feature.VOTE not in phase.features:
        errors["phase"] = _("Une phase « %(t)s » n'ouvre pas de vote.") % {
            "t": phase.get_type_display()}
    if kind not in PriorityVote.Kind.values:
        errors["kind"] = _("Type de vote inconnu : %(k)s") % {"k": kind}
    if kind == PriorityVote.Kind.POINTS and not (budget and budget > 0):
        errors["budget"] = _("Indiquez le nombre de points à répartir.")
    labels = [o.strip()[:200] for o in options if o.strip()]
    if len(labels) < 2:
        errors["options"] = _("Au moins deux options sont nécessaires.")
    elif len(set(labels)) != len(labels):
        errors["options"] = _("Deux options portent le même libellé.")
    if errors:
        raise ValidationError(errors, code="invalid")
    vote = PriorityVote.objects.create(
        process=process, phase=phase, kind=kind, title=_text(title, "title", limit=200,
                                                             required=True),
        description=description.strip(), budget=budget if kind == "points" else None,
        allow_new_options=allow_new_options and kind == PriorityVote.Kind.PAIRWISE,
        is_demo=is_demo)
    PriorityOption.objects.bulk_create([PriorityOption(vote=vote, label=label)
                                        for label in labels])
    return vote


def priority_option_add(*, actor: User, vote: PriorityVote, label: str) -> PriorityOption:
    """A resident adds their own need to a pairwise vote (moderators may hide it)."""
    if not actor.has_perm("participation.add_priority_option", vote):
        raise _deny(_("Ce vote n'accepte pas de nouvelle idée en ce moment."))
    label = _text(label, "label", limit=200, required=True)
    try:
        with transaction.atomic():
            return PriorityOption.objects.create(vote=vote, label=label, added_by=actor)
    except IntegrityError as exc:
        raise ValidationError({"label": _("Cette idée figure déjà dans le vote.")},
                              code="duplicate") from exc


def _options(vote: PriorityVote, ids: list[Any], field: str) -> list[int]:
    visible = set(vote.options.filter(hidden_at__isnull=True).values_list("pk", flat=True))
    try:
        parsed = [int(i) for i in ids]
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: _("Identifiant d'option invalide.")},
                              code="invalid") from exc
    unknown = [i for i in parsed if i not in visible]
    if unknown:
        raise ValidationError({field: _("Option inconnue dans ce vote : %(ids)s")
                               % {"ids": ", ".join(map(str, unknown))}}, code="unknown_option")
    if len(set(parsed)) != len(parsed):
        raise ValidationError({field: _("Une même option figure deux fois.")},
                              code="duplicate")
    return parsed


def pairwise_choose(*, actor: User, vote: PriorityVote, winner: Any, loser: Any
                    ) -> PairwiseChoice:
    """Record which of two options matters more; a person compares a given pair once."""
    if vote.kind != PriorityVote.Kind.PAIRWISE:
        raise ValidationError({"winner": _("Ce vote n'est pas une comparaison deux à deux.")},
                              code="wrong_kind")
    if not actor.has_perm("participation.vote_priority", vote):
        raise _deny(_("Ce vote n'est pas ouvert, ou il faut une adresse e-mail confirmée et "
                      "une commune de résidence dans le territoire."))
    won, lost = _options(vote, [winner, loser], "winner")
    try:
        with transaction.atomic():
            return PairwiseChoice.objects.create(
                vote=vote, voter=actor, winner_id=won, loser_id=lost,
                pair_low=min(won, lost), pair_high=max(won, lost))
    except IntegrityError as exc:
        raise ValidationError({"winner": _("Vous avez déjà comparé ces deux options.")},
                              code="already_compared") from exc


def ballot_cast(*, actor: User, vote: PriorityVote, ranking: list[Any] | None = None,
                points: dict[str, Any] | None = None) -> Ballot:
    """A ranked ballot (every option ranked once) or a points ballot (within the budget)."""
    if vote.kind == PriorityVote.Kind.PAIRWISE:
        raise ValidationError({"ranking": _("Ce vote se fait par comparaisons deux à deux.")},
                              code="wrong_kind")
    if not actor.has_perm("participation.vote_priority", vote):
        raise _deny(_("Ce vote n'est pas ouvert, ou il faut une adresse e-mail confirmée et "
                      "une commune de résidence dans le territoire."))
    visible = set(vote.options.filter(hidden_at__isnull=True).values_list("pk", flat=True))
    ballot = Ballot(vote=vote, voter=actor)
    if vote.kind == PriorityVote.Kind.RANKED:
        ordered = _options(vote, list(ranking or []), "ranking")
        if set(ordered) != visible:
            raise ValidationError({"ranking": _("Classez toutes les options, chacune une "
                                                "fois.")}, code="incomplete_ranking")
        ballot.ranking = ordered
    else:
        given = points or {}
        ids = _options(vote, list(given), "points")
        try:
            values = [int(given[k]) for k in given]
        except (TypeError, ValueError) as exc:
            raise ValidationError({"points": _("Les points sont des nombres entiers.")},
                                  code="invalid") from exc
        if any(v < 0 for v in values):
            raise ValidationError({"points": _("Pas de points négatifs.")}, code="negative")
        if sum(values) > (vote.budget or 0):
            raise ValidationError({"points": _("%(n)s points répartis pour %(b)s disponibles.")
                                   % {"n": sum(values), "b": vote.budget}},
                                  code="over_budget")
        if sum(values) == 0:
            raise ValidationError({"points": _("Répartissez au moins un point.")},
                                  code="empty")
        ballot.points = {str(i): v for i, v in zip(ids, values, strict=True) if v}
    try:
        with transaction.atomic():
            ballot.save()
    except IntegrityError as exc:
        raise ValidationError({"ranking" if vote.kind == "ranked" else "points":
                               _("Vous avez déjà voté.")}, code="already_voted") from exc
    return ballot
