"""Pages of labs: thin views that parse input, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.rules import holds_role_over
from maillage.core.forms import service_errors_into, service_errors_message
from maillage.labs import charts, forms, selectors, services
from maillage.labs.models import Milestone, ProfileRole, Project, SubmissionFile, Task, Team
from maillage.labs.rules import ORGANISER_ROLES


def _form_page(request: HttpRequest, form: Form, title: str, submit: str,
               call: Callable[[dict], Any], success: str, back: Any = None) -> HttpResponse:
    """GET shows the form; a valid POST calls the service and redirects to what it made."""
    if request.method == "POST" and form.is_valid():
        try:
            made = call(form.cleaned_data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, success)
            return redirect(back or made)
    return render(request, "labs/form.html", {"title": title, "form": form, "submit": submit},
                  status=400 if request.method == "POST" else 200)


def _action(request: HttpRequest, call: Callable[[], Any], success: str, back: Any
            ) -> HttpResponse:
    try:
        call()
    except (ValidationError, PermissionDenied) as exc:
        service_errors_message(request, exc)
    else:
        messages.success(request, success)
    return redirect(back)


def _or_404(found: Any, what: str) -> Any:
    if found is None:
        raise Http404(what)
    return found


# Labs -----------------------------------------------------------------------------------------

def index(request: HttpRequest) -> HttpResponse:
    return render(request, "labs/index.html", {
        "title": _("Laboratoires et hackathons"),
        "labs": selectors.lab_list(),
        "challenges": selectors.challenge_list()[:12],
        "projects": selectors.project_list()[:12],
        # Analysts and administrators of some territory may open a lab on it.
        "can_create": request.user.is_superuser or holds_role_over(
            request.user, set(ORGANISER_ROLES), None),
    })


@login_required
def lab_create(request: HttpRequest) -> HttpResponse:
    form = forms.LabForm(request.POST or None)
    return _form_page(request, form, _("Ouvrir un laboratoire"), _("Ouvrir le laboratoire"),
                      lambda data: services.lab_create(actor=request.user, **data),
                      _("Le laboratoire est ouvert."))


def lab(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.lab_get(pk), _("Laboratoire introuvable."))
    return render(request, "labs/lab.html", {
        "title": found.name, "lab": found,
        "challenges": selectors.challenge_list(lab=found),
        "events": found.events.all(), "projects": selectors.project_list(lab=found),
        "can_run": request.user.has_perm("labs.change_lab", found),
        "staff_form": forms.EmailForm(),
    })


@login_required
@require_POST
def lab_staff_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.lab_get(pk), _("Laboratoire introuvable."))
    return _action(request, lambda: services.lab_staff_add(
        actor=request.user, lab=found, email=request.POST.get("email", "")),
        _("Ajouté·e à l'équipe du laboratoire."), found)


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.lab_get(pk), _("Laboratoire introuvable."))
    if not request.user.has_perm("labs.view_dashboard", found):
        raise PermissionDenied(_("Le tableau de bord est réservé à l'équipe du laboratoire."))
    data = selectors.lab_dashboard(found)
    return render(request, "labs/dashboard.html", {
        "title": _("Tableau de bord — %(n)s") % {"n": found.name}, "lab": found,
        "data": data, "stages_svg": charts.stages_svg(data.by_stage)})


# Challenges and ideas -------------------------------------------------------------------------

@login_required
def challenge_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.lab_get(pk), _("Laboratoire introuvable."))
    form = forms.ChallengeForm(request.POST or None, initial={
        "territory_level": found.territory_level, "territory_code": found.territory_code})
    return _form_page(request, form, _("Publier un défi"), _("Publier le défi"),
                      lambda data: services.challenge_create(actor=request.user, lab=found,
                                                             **data),
                      _("Le défi est publié."))


def challenge(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.challenge_get(pk), _("Défi introuvable."))
    sort = request.GET.get("tri", "recent")
    return render(request, "labs/challenge.html", {
        "title": found.title, "challenge": found,
        "evidence": selectors.challenge_evidence(viewer=request.user, challenge=found),
        "ideas": selectors.idea_list(viewer=request.user, challenge=found, sort=sort),
        "sort": sort, "can_propose": request.user.has_perm("labs.add_idea", found),
        "can_run": request.user.has_perm("labs.change_challenge", found),
        "events": found.events.all(),
    })


@login_required
def idea_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.challenge_get(pk), _("Défi introuvable."))
    form = forms.IdeaForm(request.POST or None)
    return _form_page(request, form, _("Proposer une idée — %(t)s") % {"t": found.title},
                      _("Proposer l'idée"),
                      lambda data: services.idea_submit(actor=request.user, challenge=found,
                                                        **data),
                      _("Merci, votre idée est publiée."))


@login_required
@require_POST
def challenge_close(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.challenge_get(pk), _("Défi introuvable."))
    return _action(request, lambda: services.challenge_close(actor=request.user,
                                                             challenge=found),
                   _("Le défi est clos."), found)


def _idea(request: HttpRequest, pk: int) -> Any:
    return _or_404(selectors.idea_get(viewer=request.user, pk=pk), _("Idée introuvable."))


def idea(request: HttpRequest, pk: int) -> HttpResponse:
    found = _idea(request, pk)
    user = request.user
    return render(request, "labs/idea.html", {
        "title": found.proposal.title, "idea": found, "proposal": found.proposal,
        "comments": selectors.idea_comments(viewer=user, idea=found),
        "teams": found.teams.prefetch_related("members"),
        "can_comment": user.has_perm("participation.comment_proposal", found.proposal),
        "can_support": user.has_perm("participation.support_proposal", found.proposal),
        "can_shortlist": user.has_perm("labs.shortlist_idea", found),
        "can_team": user.has_perm("labs.add_team", found),
        "project": Project.objects.filter(idea=found).first(),
        "comment_form": forms.CommentForm(), "team_form": forms.TeamForm(),
        "reason_form": forms.ReasonForm(),
    })


@login_required
@require_POST
def idea_comment(request: HttpRequest, pk: int) -> HttpResponse:
    found = _idea(request, pk)
    parent = request.POST.get("parent") or None
    return _action(request, lambda: services.idea_comment(
        actor=request.user, idea=found, body=request.POST.get("body", ""),
        parent_id=int(parent) if parent and parent.isdigit() else None),
        _("Commentaire publié."), found)


@login_required
@require_POST
def idea_support(request: HttpRequest, pk: int) -> HttpResponse:
    found = _idea(request, pk)
    if request.POST.get("retirer"):
        return _action(request, lambda: services.idea_unsupport(actor=request.user, idea=found),
                       _("Soutien retiré."), found)
    return _action(request, lambda: services.idea_support(actor=request.user, idea=found),
                   _("Merci pour votre soutien."), found)


@login_required
@require_POST
def idea_flag(request: HttpRequest, pk: int) -> HttpResponse:
    found = _idea(request, pk)
    return _action(request, lambda: services.idea_flag(actor=request.user, idea=found,
                                                       reason=request.POST.get("reason", "")),
                   _("Merci : les modérateurs vont examiner cette idée."), found)


@login_required
@require_POST
def idea_shortlist(request: HttpRequest, pk: int) -> HttpResponse:
    found = _idea(request, pk)
    keep = request.POST.get("retenir", "oui") == "oui"
    return _action(request, lambda: services.idea_shortlist(actor=request.user, idea=found,
                                                            shortlisted=keep),
                   _("Idée retenue.") if keep else _("Idée retirée de la sélection."), found)


# Profiles and teams ---------------------------------------------------------------------------

@login_required
def profile(request: HttpRequest) -> HttpResponse:
    mine = selectors.profile_of(request.user)
    form = forms.ProfileForm(request.POST or None, initial={
        "roles": mine.roles if mine else [], "skills": mine.skills if mine else "",
        "bio": mine.bio if mine else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Votre profil est enregistré."))
            return redirect("labs:profile")
    role = request.GET.get("role") or None
    return render(request, "labs/profile.html", {
        "title": _("Compétences et rôles"), "form": form,
        "people": selectors.people_directory(role=role if role in ProfileRole.values else None),
        "roles": ProfileRole.choices, "role": role})


@login_required
@require_POST
def team_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = _idea(request, pk)
    form = forms.TeamForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(found)
    try:
        team = services.team_create(actor=request.user, idea=found, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        service_errors_message(request, exc)
        return redirect(found)
    messages.success(request, _("Votre équipe est créée."))
    return redirect(team)


def _team(pk: int) -> Any:
    return _or_404(selectors.team_get(pk), _("Équipe introuvable."))


def team(request: HttpRequest, pk: int) -> HttpResponse:
    found = _team(pk)
    user = request.user
    members = list(found.members.all())
    is_member = any(m.user_id == user.pk for m in members)
    return render(request, "labs/team.html", {
        "title": found.name, "team": found, "members": members, "is_member": is_member,
        "can_manage": user.has_perm("labs.change_team", found),
        "can_join": not is_member and user.has_perm("labs.join_team", found),
        "tasks": found.tasks.all(), "task_form": forms.TaskForm(members=members),
        "join_form": forms.JoinForm(),
        "submissions": found.submissions.select_related("event"),
        "events": found.idea.challenge.events.all() if is_member else [],
    })


@login_required
@require_POST
def team_join(request: HttpRequest, pk: int) -> HttpResponse:
    found = _team(pk)
    return _action(request, lambda: services.team_join(actor=request.user, team=found,
                                                       role=request.POST.get("role", "")),
                   _("Bienvenue dans l'équipe."), found)


@login_required
@require_POST
def team_leave(request: HttpRequest, pk: int) -> HttpResponse:
    found = _team(pk)
    return _action(request, lambda: services.team_leave(actor=request.user, team=found),
                   _("Vous avez quitté l'équipe."), found)


@login_required
@require_POST
def task_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _team(pk)
    assignee = request.POST.get("assignee_id") or ""
    return _action(request, lambda: services.task_add(
        actor=request.user, team=found, title=request.POST.get("title", ""),
        assignee_id=int(assignee) if assignee.isdigit() else None),
        _("Tâche ajoutée."), found)


@login_required
@require_POST
def task_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    task = _or_404(Task.objects.select_related("team").filter(pk=pk).first(),
                   _("Tâche introuvable."))
    done = request.POST.get("fait") == "oui"
    return _action(request, lambda: services.task_set_done(actor=request.user, task=task,
                                                           done=done),
                   _("Tâche mise à jour."), task.team)


# Events ---------------------------------------------------------------------------------------

@login_required
def event_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.lab_get(pk), _("Laboratoire introuvable."))
    form = forms.EventForm(request.POST or None, challenges=list(found.challenges.all()))
    return _form_page(request, form, _("Organiser un hackathon"), _("Créer le hackathon"),
                      lambda data: services.event_create(actor=request.user, lab=found,
                                                         **data),
                      _("Le hackathon est créé."))


def _event(pk: int) -> Any:
    return _or_404(selectors.event_get(pk), _("Hackathon introuvable."))


def event(request: HttpRequest, pk: int) -> HttpResponse:
    found = _event(pk)
    user = request.user
    can_run = user.has_perm("labs.change_event", found)
    my_teams = []
    if user.is_authenticated:
        teams = Team.objects.filter(members__user=user).select_related("idea")
        if found.challenge_id:
            teams = teams.filter(idea__challenge_id=found.challenge_id)
        my_teams = list(teams)
    show_results = user.has_perm("labs.view_results", found)
    return render(request, "labs/event.html", {
        "title": found.title, "event": found, "can_run": can_run,
        "seats": selectors.event_seats(viewer=user, event=found),
        "can_register": user.has_perm("labs.register_event", found),
        "is_juror": services.is_juror_of(user, found), "my_teams": my_teams,
        "submissions": selectors.submissions_visible(viewer=user, event=found),
        "results": selectors.event_results(found) if show_results else None,
        "criteria": list(found.criteria.all()),
        "schedule_form": forms.ScheduleForm(), "mentor_form": forms.MentorForm(),
        "criterion_form": forms.CriterionForm(), "juror_form": forms.EmailForm(),
    })


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    found = _event(pk)
    try:
        registration = services.event_register(actor=request.user, event=found)
    except (ValidationError, PermissionDenied) as exc:
        service_errors_message(request, exc)
    else:
        if registration.status == "confirmed":
            messages.success(request, _("Vous êtes inscrit·e."))
        else:
            messages.info(request, _("Le hackathon est complet : vous êtes en liste d'attente ; "
                                     "vous serez prévenu·e si une place se libère."))
    return redirect(found)


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    found = _event(pk)
    return _action(request, lambda: services.registration_cancel(actor=request.user,
                                                                 event=found),
                   _("Votre inscription est annulée."), found)


def _event_post(request: HttpRequest, pk: int, form_class: type, call: Callable, success: str
                ) -> HttpResponse:
    found = _event(pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(f"{form.fields[n].label if n in form.fields else ''} : "
                                         f"{' '.join(e)}" for n, e in form.errors.items()))
        return redirect(found)
    return _action(request, lambda: call(found, form.cleaned_data), success, found)


@login_required
@require_POST
def schedule_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_post(request, pk, forms.ScheduleForm, lambda e, d: services.schedule_item_add(
        actor=request.user, event=e, **d), _("Séquence ajoutée au programme."))


@login_required
@require_POST
def mentor_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_post(request, pk, forms.MentorForm, lambda e, d: services.mentor_add(
        actor=request.user, event=e, **d), _("Mentor ajouté·e."))


@login_required
@require_POST
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_post(request, pk, forms.CriterionForm, lambda e, d: services.criterion_add(
        actor=request.user, event=e, **d), _("Critère ajouté."))


@login_required
@require_POST
def juror_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_post(request, pk, forms.EmailForm, lambda e, d: services.juror_add(
        actor=request.user, event=e, **d), _("Membre du jury ajouté·e."))


@login_required
@require_POST
def results_publish(request: HttpRequest, pk: int) -> HttpResponse:
    found = _event(pk)
    return _action(request, lambda: services.results_publish(actor=request.user, event=found),
                   _("Les résultats sont publiés."), found)


@login_required
def submission_create(request: HttpRequest, pk: int, team: int) -> HttpResponse:
    found = _event(pk)
    the_team = _team(team)
    existing = the_team.submissions.filter(event=found).first()
    form = forms.SubmissionForm(request.POST or None, request.FILES or None, initial={
        "description": existing.description if existing else "",
        "links": "\n".join(existing.links) if existing else ""})
    return _form_page(request, form,
                      _("Rendu de l'équipe « %(t)s » — %(e)s") % {"t": the_team.name,
                                                                  "e": found.title},
                      _("Rendre le travail"),
                      lambda data: services.submission_save(actor=request.user, event=found,
                                                            team=the_team, **data),
                      _("Le rendu est enregistré."))


def submission(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(selectors.submission_get(viewer=request.user, pk=pk),
                    _("Rendu introuvable."))
    user = request.user
    event = found.event
    criteria = list(event.criteria.all())
    can_score = user.has_perm("labs.score_submission", found)
    mine = selectors.juror_scores(viewer=user, submission=found) if can_score else {}
    form = forms.ScoreForm(request.POST or None, criteria=criteria, score_max=event.score_max,
                           initial={f"criterion_{k}": v for k, v in mine.items()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.score_record(actor=user, submission=found, values=form.values())
            except ValidationError as exc:
                service_errors_into(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Vos notes sont enregistrées."))
                return redirect(found)
    return render(request, "labs/submission.html", {
        "title": _("Rendu de « %(t)s »") % {"t": found.team.name}, "submission": found,
        "event": event, "can_score": can_score, "form": form,
        "conflict": services.is_juror_of(user, event) and not can_score,
    }, status=status)


def submission_file(request: HttpRequest, pk: int) -> HttpResponse:
    stored = _or_404(SubmissionFile.objects.select_related("submission").filter(pk=pk).first(),
                     _("Fichier introuvable."))
    if selectors.submission_get(viewer=request.user, pk=stored.submission_id) is None:
        raise Http404(_("Fichier introuvable."))
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.name,
                        content_type=stored.content_type)


# Projects -------------------------------------------------------------------------------------

@login_required
def project_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = _idea(request, pk)
    form = forms.ProjectForm(request.POST or None, teams=list(found.teams.all()),
                             initial={"title": found.proposal.title,
                                      "summary": found.proposal.body})
    return _form_page(request, form, _("Lancer un projet"), _("Lancer le projet"),
                      lambda data: services.project_create(actor=request.user, idea=found,
                                                           **data),
                      _("Le projet est lancé."))


def _project(pk: int) -> Any:
    return _or_404(selectors.project_get(pk), _("Projet introuvable."))


def project(request: HttpRequest, pk: int) -> HttpResponse:
    found = _project(pk)
    return render(request, "labs/project.html", {
        "title": found.title, "project": found,
        "can_manage": request.user.has_perm("labs.change_project", found),
        "stage_form": forms.StageForm(), "milestone_form": forms.MilestoneForm(),
        "partner_form": forms.PartnerForm(),
        "funding_form": forms.FundingForm(initial={
            "funding_requested": found.funding_requested,
            "funding_obtained": found.funding_obtained}),
    })


def _project_post(request: HttpRequest, pk: int, form_class: type, call: Callable,
                  success: str) -> HttpResponse:
    found = _project(pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(f"{form.fields[n].label if n in form.fields else ''} : "
                                         f"{' '.join(e)}" for n, e in form.errors.items()))
        return redirect(found)
    return _action(request, lambda: call(found, form.cleaned_data), success, found)


@login_required
@require_POST
def project_stage(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_post(request, pk, forms.StageForm, lambda p, d: services.project_stage_change(
        actor=request.user, project=p, **d), _("Étape du projet mise à jour."))


@login_required
@require_POST
def project_funding(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_post(request, pk, forms.FundingForm, lambda p, d: services.project_update(
        actor=request.user, project=p, **d), _("Financement mis à jour."))


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_post(request, pk, forms.MilestoneForm, lambda p, d: services.milestone_add(
        actor=request.user, project=p, **d), _("Jalon ajouté."))


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    found = _or_404(Milestone.objects.select_related("project").filter(pk=pk).first(),
                    _("Jalon introuvable."))
    return _action(request, lambda: services.milestone_done(actor=request.user,
                                                            milestone=found),
                   _("Jalon atteint."), found.project)


@login_required
@require_POST
def partner_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _project_post(request, pk, forms.PartnerForm, lambda p, d: services.partner_add(
        actor=request.user, project=p, **d), _("Partenaire ajouté."))
