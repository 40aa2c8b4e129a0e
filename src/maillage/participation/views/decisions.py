"""Pages for deciding and following up: priority votes, actions, committees, notifications."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.forms import service_errors_into
from maillage.participation import forms, services
from maillage.participation.models import (
    Action,
    Committee,
    EmailFrequency,
    Feature,
    Meeting,
    NotificationSettings,
    PriorityVote,
)
from maillage.participation.phases import phase_state
from maillage.participation.priority_results import (
    next_pair,
    priority_record,
    priority_results,
)
from maillage.participation.results import bars_svg
from maillage.participation.views.core import _process_or_404, _proposal_or_404


def _with_process(request: HttpRequest, obj: Any, process_id: int) -> Any:
    obj.process = _process_or_404(request, process_id)
    return obj


def _priority_or_404(request: HttpRequest, pk: int) -> PriorityVote:
    vote = PriorityVote.objects.select_related("phase").filter(pk=pk).first()
    if vote is None:
        raise Http404(_("Vote inconnu."))
    return _with_process(request, vote, vote.process_id)


# Priority votes -------------------------------------------------------------------------------

def priority_detail(request: HttpRequest, pk: int, *, ballot_form: Any = None,
                    option_form: Any = None) -> HttpResponse:
    vote = _priority_or_404(request, pk)
    user = request.user
    can_vote = user.has_perm("participation.vote_priority", vote)
    options = list(vote.options.filter(hidden_at__isnull=True))
    voted = user.is_authenticated and vote.ballots.filter(voter=user).exists()
    context: dict[str, Any] = {
        "vote": vote, "process": vote.process, "can_vote": can_vote, "voted": voted,
        "phase_status": phase_state(vote.process).status_of(vote.phase),
        "can_add_option": user.has_perm("participation.add_priority_option", vote),
        "option_form": option_form or forms.OptionForm(),
        "ideas": [o for o in vote.options.filter(added_by__isnull=False)
                  if not o.is_hidden or user.has_perm("participation.moderate_content", o)],
        "title": vote.title,
    }
    if vote.kind == PriorityVote.Kind.PAIRWISE:
        context["pair"] = next_pair(vote, user) if can_vote else None
    elif can_vote and not voted:
        context["ballot_form"] = ballot_form or forms.BallotForm(vote=vote, options=options)
    status = 400 if (ballot_form is not None and ballot_form.errors) or (
        option_form is not None and option_form.errors) else 200
    return render(request, "participation/priority.html", context, status=status)


@login_required
@require_POST
def priority_choose(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _priority_or_404(request, pk)
    try:
        services.pairwise_choose(actor=request.user, vote=vote,
                                 winner=request.POST.get("winner"),
                                 loser=request.POST.get("loser"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect(vote)


@login_required
@require_POST
def priority_option_add(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _priority_or_404(request, pk)
    form = forms.OptionForm(request.POST)
    if form.is_valid():
        try:
            services.priority_option_add(actor=request.user, vote=vote,
                                         label=form.cleaned_data["label"])
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Merci : votre idée entre dans les comparaisons."))
            return redirect(vote)
    return priority_detail(request, pk, option_form=form)


@login_required
@require_POST
def priority_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _priority_or_404(request, pk)
    options = list(vote.options.filter(hidden_at__isnull=True))
    form = forms.BallotForm(request.POST, vote=vote, options=options)
    if form.is_valid():
        try:
            services.ballot_cast(actor=request.user, vote=vote, **form.ballot())
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Votre vote est enregistré."))
            return redirect("participation:priority_results", pk=vote.pk)
    return priority_detail(request, pk, ballot_form=form)


def priority_results_page(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _priority_or_404(request, pk)
    result = priority_results(vote)
    chart = bars_svg([r.option.label for r in result.rows], [r.value for r in result.rows],
                     _("score (0–100)") if vote.kind == "pairwise" else _("voix ou points"))
    return render(request, "participation/priority_results.html", {
        "vote": vote, "process": vote.process, "result": result, "chart": chart,
        "title": _("Résultats : %(t)s") % {"t": vote.title}})


def priority_record_json(request: HttpRequest, pk: int) -> JsonResponse:
    """The stored comparisons or ballots, without voters, so anyone can recount the results."""
    vote = _priority_or_404(request, pk)
    response = JsonResponse(priority_record(vote), json_dumps_params={"ensure_ascii": False,
                                                                      "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="vote-{vote.pk}-bulletins.json"'
    return response


@login_required
def priority_create(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process_or_404(request, pk)
    if not request.user.has_perm("participation.add_priority_vote", process):
        raise PermissionDenied(_("Vous n'organisez pas cette concertation."))
    phases = [(p.pk, f"{p.label} ({p.starts_at:%d/%m/%Y} → {p.ends_at:%d/%m/%Y})")
              for p in phase_state(process).phases if Feature.VOTE in p.features]
    form = forms.PriorityVoteForm(request.POST or None, phases=phases)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            vote = services.priority_vote_create(
                actor=request.user, process=process, phase=process.phases.get(pk=data["phase"]),
                title=data["title"], kind=data["kind"], options=data["options"],
                description=data["description"], budget=data["budget"],
                allow_new_options=data["allow_new_options"])
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Vote créé."))
            return redirect(vote)
    return render(request, "participation/simple_form.html", {
        "form": form, "process": process, "title": _("Créer un vote de priorités"),
        "submit": _("Créer")}, status=400 if form.errors else 200)


# Actions --------------------------------------------------------------------------------------

def _action_or_404(request: HttpRequest, pk: int) -> Action:
    action = Action.objects.filter(pk=pk).first()
    if action is None:
        raise Http404(_("Action inconnue."))
    return _with_process(request, action, action.process_id)


def action_detail(request: HttpRequest, pk: int, *, update_form: Any = None) -> HttpResponse:
    action = _action_or_404(request, pk)
    return render(request, "participation/action.html", {
        "action": action, "process": action.process,
        "updates": action.updates.select_related("author"),
        "proposals": action.proposals.all(), "consultations": action.consultations.all(),
        "communes": action.communes.all(),
        "can_update": request.user.has_perm("participation.change_action", action),
        "update_form": update_form or forms.ActionUpdateForm(initial={
            "status": action.status, "progress": action.progress}),
        "title": action.title,
    }, status=400 if update_form is not None else 200)


@login_required
@require_POST
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_or_404(request, pk)
    form = forms.ActionUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.action_update_add(actor=request.user, action=action, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Avancement publié ; les personnes qui suivent sont "
                                        "prévenues."))
            return redirect(action)
    return action_detail(request, pk, update_form=form)


@login_required
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process_or_404(request, pk)
    if not request.user.has_perm("participation.add_action", process):
        raise PermissionDenied(_("Vous n'organisez pas cette concertation."))
    form = forms.ActionForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.action_create(
                actor=request.user, process=process, title=data["title"],
                responsible_body=data["responsible_body"], description=data["description"],
                proposal_ids=[int(i) for i in data["proposals"]],
                consultation_ids=[int(i) for i in data["consultations"]],
                commune_codes=data["communes"], starts_on=data["starts_on"],
                ends_on=data["ends_on"])
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Action créée."))
            return redirect(action)
    return render(request, "participation/simple_form.html", {
        "form": form, "process": process, "title": _("Créer une action"),
        "submit": _("Créer")}, status=400 if form.errors else 200)


# Committees and meetings ----------------------------------------------------------------------

def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    committee = Committee.objects.filter(pk=pk).first()
    if committee is None:
        raise Http404(_("Comité inconnu."))
    _with_process(request, committee, committee.process_id)
    return render(request, "participation/committee.html", {
        "committee": committee, "process": committee.process,
        "members": committee.members.select_related("user"),
        "meetings": committee.meetings.all(), "title": committee.name})


def _meeting_or_404(request: HttpRequest, pk: int) -> Meeting:
    meeting = Meeting.objects.select_related("committee").filter(pk=pk).first()
    if meeting is None:
        raise Http404(_("Réunion inconnue."))
    _with_process(request, meeting.committee, meeting.committee.process_id)
    return meeting


def meeting_detail(request: HttpRequest, pk: int, *, minutes_form: Any = None) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    user = request.user
    process = meeting.committee.process
    return render(request, "participation/meeting.html", {
        "meeting": meeting, "committee": meeting.committee, "process": process,
        "registered": user.is_authenticated and meeting.registrations.filter(
            user=user).exists(),
        "registrations": meeting.registrations.count(),
        "can_register": user.has_perm("participation.register_meeting", meeting),
        "can_edit": user.has_perm("participation.change_process", process),
        "minutes_form": minutes_form or forms.MinutesForm(initial={
            "minutes": meeting.minutes, "decisions": meeting.decisions}),
        "title": meeting.title,
    }, status=400 if minutes_form is not None else 200)


@login_required
@require_POST
def meeting_register(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    try:
        services.meeting_register(actor=request.user, meeting=meeting)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Vous êtes inscrit·e."))
    return redirect(meeting)


@login_required
@require_POST
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_or_404(request, pk)
    form = forms.MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_minutes_record(actor=request.user, meeting=meeting,
                                            **form.cleaned_data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Compte rendu enregistré."))
            return redirect(meeting)
    return meeting_detail(request, pk, minutes_form=form)


# Following and notifications ------------------------------------------------------------------

@login_required
@require_POST
def follow_toggle(request: HttpRequest, kind: str, key: str) -> HttpResponse:
    from maillage.territories.models import Commune

    if kind in {"concertation", "proposition"} and not key.isdigit():
        raise Http404(_("Identifiant inconnu."))  # a forged id: 404, never a server error
    if kind == "concertation":
        target: Any = _process_or_404(request, int(key))
    elif kind == "proposition":
        target = _proposal_or_404(request, int(key))
    elif kind == "commune":
        target = Commune.objects.filter(pk=key.upper()).first()
        if target is None:
            raise Http404(_("Commune inconnue."))
    else:
        raise Http404(_("On suit une concertation, une proposition ou une commune."))
    if services.is_following(user=request.user, target=target):
        services.unfollow(actor=request.user, target=target)
        messages.success(request, _("Vous ne suivez plus ceci."))
    else:
        services.follow(actor=request.user, target=target)
        messages.success(request, _("Vous serez prévenu·e des nouvelles."))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//")
                    else "participation:notifications")


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    current = NotificationSettings.objects.filter(user=request.user).first()
    form = forms.NotificationSettingsForm(request.POST or None, initial={
        "email": current.email if current else EmailFrequency.DAILY})
    if request.method == "POST":
        if request.POST.get("tout_lu"):
            services.notifications_mark_read(actor=request.user)
            return redirect("participation:notifications")
        if form.is_valid():
            services.notification_settings_update(actor=request.user,
                                                  email=form.cleaned_data["email"])
            messages.success(request, _("Préférences enregistrées."))
            return redirect("participation:notifications")
    return render(request, "participation/notifications.html", {
        "items": request.user.participation_notifications.all()[:100],
        "follows": request.user.participation_follows.select_related(
            "process", "proposal", "commune"),
        "form": form, "title": _("Mes notifications")})
