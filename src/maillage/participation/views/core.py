"""Pages of participation: thin views that parse input, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.forms import service_errors_into
from maillage.insights.defaults import PROFESSIONS
from maillage.participation import forms, selectors, services
from maillage.participation import results as consultation_results
from maillage.participation.blueprints import BLUEPRINTS
from maillage.participation.models import (
    Comment,
    Feature,
    ProposalStatus,
    SignalementCategory,
)
from maillage.participation.phases import phase_state
from maillage.territories.selectors import TerritoryRef, regions_with_communes


def _region(request: HttpRequest) -> tuple[str | None, list[Any]]:
    regions = list(regions_with_communes())
    codes = {r.code for r in regions}
    region = request.GET.get("region")
    if region not in codes:
        home = getattr(request.user, "home_commune", None)
        region = home.region_id if home and home.region_id in codes else (
            regions[0].code if regions else None)
    return region, regions


# Signalements ---------------------------------------------------------------------------------

def signalements(request: HttpRequest) -> HttpResponse:
    region, regions = _region(request)
    profession = request.GET.get("profession", "generaliste")
    if profession not in PROFESSIONS:
        profession = "generaliste"
    commune = request.GET.get("commune", "")[:5] or None
    category = request.GET.get("categorie")
    category = category if category in SignalementCategory.values else None
    context: dict[str, Any] = {
        "title": _("Signalements"), "regions": regions, "region": region,
        "profession": profession, "professions": PROFESSIONS.values(),
        "categories": SignalementCategory.choices, "category": category, "commune": commune,
    }
    if region:
        figures = selectors.signals_beside_access(region=region, profession=profession)
        rows = selectors.signalement_rows(viewer=request.user, region=region, commune=commune,
                                          category=category)
        context.update(
            figures=figures, reported=figures.reported,
            page=Paginator(rows, 20).get_page(request.GET.get("page")),
            can_analyse=request.user.has_perm("participation.analyse_signalements",
                                              TerritoryRef("region", region)),
            following_commune=bool(commune) and request.user.is_authenticated
            and request.user.participation_follows.filter(commune_id=commune).exists(),
        )
    return render(request, "participation/signalements.html", context)


def signalements_geojson(request: HttpRequest) -> JsonResponse:
    region, _regions = _region(request)
    if region is None:
        raise Http404(_("Aucune région chargée."))
    profession = request.GET.get("profession", "generaliste")
    return JsonResponse(selectors.signals_geojson(
        region=region, profession=profession if profession in PROFESSIONS else None))


@login_required
def signalement_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.user.home_commune_id:
        home = request.user.home_commune
        initial["commune"] = f"{home.name} ({home.code})"
    form = forms.SignalementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.signalement_create(
                actor=request.user, commune_code=data["commune"], category=data["category"],
                profession=data["profession"], text=data["text"], anonymous=data["anonymous"])
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Merci : votre signalement est enregistré."))
            return redirect(created)
    status = 400 if request.method == "POST" else 200
    return render(request, "participation/signalement_form.html",
                  {"form": form, "title": _("Signaler une difficulté d'accès aux soins")},
                  status=status)


def signalement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = selectors.signalement_row(viewer=request.user, pk=pk)
    if row is None:
        raise Http404(_("Signalement inconnu."))
    return render(request, "participation/signalement.html", {
        "row": row, "s": row.signalement, "kind": "signalement", "reason_form": forms.ReasonForm(),
        "history": selectors.moderation_history(row.signalement) if row.can_moderate else [],
        "title": _("Signalement"),
    })


@login_required
def divergences(request: HttpRequest) -> HttpResponse:
    region, regions = _region(request)
    if region is None or not request.user.has_perm("participation.analyse_signalements",
                                                   TerritoryRef("region", region)):
        raise PermissionDenied(_("Réservé aux analystes de la région."))
    profession = request.GET.get("profession", "generaliste")
    if profession not in PROFESSIONS:
        profession = "generaliste"
    try:
        min_reports = max(1, min(1000, int(request.GET.get("seuil", selectors.MIN_REPORTS))))
    except ValueError:
        min_reports = selectors.MIN_REPORTS
    result = selectors.divergences(region=region, profession=profession,
                                   min_reports=min_reports)
    return render(request, "participation/divergences.html", {
        "result": result, "region": region, "regions": regions, "profession": profession,
        "professions": PROFESSIONS.values(), "title": _("Signalements et déserts mesurés"),
    })


# Moderation -----------------------------------------------------------------------------------

def _content(kind: str, pk: int) -> Any:
    model = selectors.MODERATED_MODELS.get(kind)
    content = model.objects.filter(pk=pk).first() if model else None
    if content is None:
        raise Http404(_("Contenu inconnu."))
    return content


@login_required
@require_POST
def moderate(request: HttpRequest, kind: str, pk: int, action: str) -> HttpResponse:
    content = _content(kind, pk)
    service = {"signaler": services.content_flag, "masquer": services.content_hide,
               "retablir": services.content_restore,
               "ecarter": services.content_flags_dismiss}.get(action)
    if service is None:
        raise Http404(_("Action inconnue."))
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, content=content, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, {
                "signaler": _("Merci : les modérateurs vont examiner ce contenu."),
                "masquer": _("Contenu masqué ; son auteur en est informé."),
                "retablir": _("Contenu rétabli."),
                "ecarter": _("Signalements écartés."),
            }[action])
    else:
        messages.error(request, _("Indiquez un motif."))
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//")
                    else content.get_absolute_url())


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    items = selectors.moderation_queue(viewer=request.user)
    return render(request, "participation/moderation.html", {
        "items": items, "reason_form": forms.ReasonForm(),
        "title": _("Modération")})


def code_of_conduct(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/charte.html",
                  {"title": _("Charte de participation")})


# Processes ------------------------------------------------------------------------------------

def processes(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/processes.html", {
        "processes": [(p, phase_state(p)) for p in selectors.process_list(viewer=request.user)],
        "can_create": request.user.is_authenticated and _organises_somewhere(request.user),
        "title": _("Concertations et consultations"),
    })


def _organises_somewhere(user: Any) -> bool:
    from maillage.accounts.rules import roles_of
    from maillage.participation.rules import ORGANISER_ROLES

    return user.is_superuser or any(r.role in ORGANISER_ROLES for r in roles_of(user))


@login_required
def process_create(request: HttpRequest) -> HttpResponse:
    form = forms.ProcessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.process_create(
                actor=request.user, title=data["title"], summary=data["summary"],
                description=data["description"],
                territory=TerritoryRef(data["territory_level"], data["territory_code"].strip()),
                organiser_name=data["organiser_name"], blueprint=data["blueprint"] or None,
                starts_on=data["starts_on"], is_published=data["is_published"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "territory" in exc.error_dict:
                exc.error_dict["territory_code"] = exc.error_dict.pop("territory")
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Concertation créée."))
            return redirect(created)
    return render(request, "participation/process_form.html", {
        "form": form, "blueprints": BLUEPRINTS.values(),
        "title": _("Ouvrir une concertation")}, status=400 if form.errors else 200)


def _process_or_404(request: HttpRequest, pk: int):
    process = selectors.process_get(viewer=request.user, pk=pk)
    if process is None:
        raise Http404(_("Concertation inconnue."))
    return process


def process_detail(request: HttpRequest, pk: int, phase_form: Form | None = None
                   ) -> HttpResponse:
    process = _process_or_404(request, pk)
    state = phase_state(process)
    sort = "soutiens" if request.GET.get("tri") == "soutiens" else "recent"
    user = request.user
    return render(request, "participation/process.html", {
        "process": process, "state": state,
        "timeline": [(p, state.status_of(p)) for p in state.phases],
        "proposals": selectors.proposal_list(viewer=user, process=process, sort=sort),
        "sort": sort,
        "consultations": list(process.consultations.select_related("phase")),
        "can_propose": user.has_perm("participation.add_proposal", process),
        "can_change": user.has_perm("participation.change_process", process),
        "proposals_open": state.allows(Feature.PROPOSE),
        "phase_form": phase_form or forms.PhaseForm(),
        "following": services.is_following(user=user, target=process),
        "can_organise": user.has_perm("participation.add_priority_vote", process),
        **_followups(process),
        "title": process.title,
    }, status=400 if phase_form is not None else 200)


def _followups(process: Any) -> dict[str, Any]:
    return {"priority_votes": list(process.priority_votes.select_related("phase")),
            "actions": list(process.actions.all()),
            "committees": list(process.committees.prefetch_related("meetings"))}


@login_required
@require_POST
def phase_add(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process_or_404(request, pk)
    form = forms.PhaseForm(request.POST)
    if form.is_valid():
        try:
            services.phase_add(actor=request.user, process=process,
                               spec=services.PhaseSpec(**form.cleaned_data))
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Phase ajoutée."))
            return redirect(process)
    return process_detail(request, pk, phase_form=form)


@login_required
@require_POST
def process_publish(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process_or_404(request, pk)
    services.process_update(actor=request.user, process=process,
                            is_published=request.POST.get("publier") == "1")
    messages.success(request, _("Publication mise à jour."))
    return redirect(process)


# Proposals ------------------------------------------------------------------------------------

@login_required
def proposal_create(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process_or_404(request, pk)
    if not request.user.has_perm("participation.add_proposal", process):
        messages.error(request, _("Les propositions ne sont pas ouvertes dans la phase en "
                                  "cours."))
        return redirect(process)
    form = forms.ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.proposal_create(actor=request.user, process=process,
                                               title=data["title"], body=data["body"],
                                               commune_code=data["commune"] or None)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Proposition déposée."))
            return redirect(created)
    return render(request, "participation/proposal_form.html", {
        "form": form, "process": process, "title": _("Déposer une proposition")},
        status=400 if form.errors else 200)


def _proposal_or_404(request: HttpRequest, pk: int):
    proposal = selectors.proposal_get(viewer=request.user, pk=pk)
    if proposal is None:
        raise Http404(_("Proposition inconnue."))
    return proposal


def proposal_detail(request: HttpRequest, pk: int, *, comment_form: Form | None = None,
                    answer_form: Form | None = None) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    user = request.user
    can_moderate = user.has_perm("participation.moderate_content", proposal)
    return render(request, "participation/proposal.html", {
        "proposal": proposal, "process": proposal.process,
        "state": phase_state(proposal.process),
        "thread": selectors.comment_thread(viewer=user, proposal=proposal),
        "can_support": user.has_perm("participation.support_proposal", proposal),
        "can_comment": user.has_perm("participation.comment_proposal", proposal),
        "can_answer": user.has_perm("participation.answer_proposal", proposal),
        "can_edit": user.has_perm("participation.change_proposal", proposal),
        "can_moderate": can_moderate,
        "history": selectors.moderation_history(proposal) if can_moderate else [],
        "comment_form": comment_form or forms.CommentForm(),
        "answer_form": answer_form or forms.AnswerForm(initial={
            "status": proposal.status, "answer": proposal.answer}),
        "reason_form": forms.ReasonForm(),
        "statuses": ProposalStatus,
        "following": services.is_following(user=user, target=proposal),
        "title": proposal.title,
    }, status=400 if (comment_form or answer_form) else 200)


@login_required
@require_POST
def proposal_support(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    try:
        if request.POST.get("retirer"):
            services.proposal_unsupport(actor=request.user, proposal=proposal)
            messages.success(request, _("Soutien retiré."))
        else:
            services.proposal_support(actor=request.user, proposal=proposal)
            messages.success(request, _("Merci pour votre soutien."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect(proposal)


@login_required
@require_POST
def proposal_comment(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        parent_id = form.cleaned_data["parent"]
        parent = Comment.objects.filter(pk=parent_id).first() if parent_id else None
        try:
            created = services.comment_create(actor=request.user, proposal=proposal,
                                              body=form.cleaned_data["body"], parent=parent)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            return redirect(f"{proposal.get_absolute_url()}#commentaire-{created.pk}")
    return proposal_detail(request, pk, comment_form=form)


@login_required
@require_POST
def proposal_answer(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_answer(actor=request.user, proposal=proposal,
                                     status=form.cleaned_data["status"],
                                     answer=form.cleaned_data["answer"])
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Réponse officielle publiée."))
            return redirect(proposal)
    return proposal_detail(request, pk, answer_form=form)


@login_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    if not request.user.has_perm("participation.change_proposal", proposal):
        raise PermissionDenied(_("Vous ne pouvez plus modifier cette proposition."))
    form = forms.ProposalForm(request.POST or None, initial={
        "title": proposal.title, "body": proposal.body,
        "commune": proposal.commune_id or ""})
    form.fields["commune"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_update(actor=request.user, proposal=proposal,
                                     title=form.cleaned_data["title"],
                                     body=form.cleaned_data["body"])
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Proposition modifiée."))
            return redirect(proposal)
    return render(request, "participation/proposal_form.html", {
        "form": form, "process": proposal.process, "proposal": proposal,
        "title": _("Modifier ma proposition")}, status=400 if form.errors else 200)


# Consultations --------------------------------------------------------------------------------

@login_required
def consultation_create(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process_or_404(request, pk)
    if not request.user.has_perm("participation.add_consultation", process):
        raise PermissionDenied(_("Vous n'organisez pas cette concertation."))
    phases = [(p.pk, f"{p.label} ({p.starts_at:%d/%m/%Y} → {p.ends_at:%d/%m/%Y})")
              for p in phase_state(process).phases if Feature.ANSWER_SURVEY in p.features]
    form = forms.ConsultationForm(request.POST or None, phases=phases)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.consultation_create(
                actor=request.user, process=process,
                phase=process.phases.get(pk=data["phase"]), title=data["title"],
                description=data["description"], anonymous=data["anonymous"],
                results_public=data["results_public"], questions=data["questions"])
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Questionnaire créé."))
            return redirect(created)
    return render(request, "participation/consultation_form.html", {
        "form": form, "process": process, "title": _("Créer un questionnaire")},
        status=400 if form.errors else 200)


def _consultation_or_404(request: HttpRequest, pk: int):
    consultation = selectors.consultation_get(viewer=request.user, pk=pk)
    if consultation is None:
        raise Http404(_("Consultation inconnue."))
    return consultation


def consultation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation_or_404(request, pk)
    user = request.user
    questions = list(consultation.questions.all())
    can_answer = user.has_perm("participation.answer_consultation", consultation)
    answered = selectors.has_answered(viewer=user, consultation=consultation)
    form = forms.ConsultationAnswerForm(request.POST or None, questions=questions)
    status = 200
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if form.is_valid():
            answers = form.answers()
            if not form.errors:
                try:
                    services.consultation_answer(actor=user, consultation=consultation,
                                                 answers=answers)
                except ValidationError as exc:
                    service_errors_into(form, exc)
                except PermissionDenied as exc:
                    messages.error(request, str(exc))
                    return redirect(consultation)
                else:
                    messages.success(request, _("Merci : vos réponses sont enregistrées."))
                    return redirect("participation:consultation_results", pk=consultation.pk)
        status = 400
    return render(request, "participation/consultation.html", {
        "consultation": consultation, "process": consultation.process, "form": form,
        "can_answer": can_answer and not answered, "answered": answered,
        "phase_status": phase_state(consultation.process).status_of(consultation.phase),
        "can_see_results": user.has_perm("participation.view_consultation_results",
                                         consultation),
        "title": consultation.title,
    }, status=status)


def consultation_results_page(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation_or_404(request, pk)
    if not request.user.has_perm("participation.view_consultation_results", consultation):
        raise PermissionDenied(_("Les résultats de cette consultation ne sont pas publics."))
    count, per_question = consultation_results.consultation_results(consultation)
    return render(request, "participation/consultation_results.html", {
        "consultation": consultation, "process": consultation.process, "count": count,
        "results": [(r, consultation_results.result_svg(r)) for r in per_question],
        "title": _("Résultats : %(t)s") % {"t": consultation.title},
    })


def consultation_texts(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    consultation = _consultation_or_404(request, pk)
    if not request.user.has_perm("participation.view_consultation_results", consultation):
        raise PermissionDenied(_("Les résultats de cette consultation ne sont pas publics."))
    found = consultation.questions.filter(pk=question, kind="text").first()
    if found is None:
        raise Http404(_("Question inconnue."))
    can_moderate = request.user.has_perm("participation.moderate_content", consultation.process)
    page = Paginator(consultation_results.text_answer_rows(found, include_hidden=can_moderate),
                     25).get_page(request.GET.get("page"))
    return render(request, "participation/consultation_texts.html", {
        "consultation": consultation, "question": found, "page": page,
        "can_moderate": can_moderate, "title": found.text})


def consultation_csv(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = _consultation_or_404(request, pk)
    if not request.user.has_perm("participation.view_consultation_results", consultation):
        raise PermissionDenied(_("Les résultats de cette consultation ne sont pas publics."))
    named = request.user.has_perm("participation.view_consultation_respondents", consultation)
    response = HttpResponse(
        consultation_results.consultation_csv(consultation, with_respondents=named),
        content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="consultation-{consultation.pk}-reponses.csv"')
    return response
