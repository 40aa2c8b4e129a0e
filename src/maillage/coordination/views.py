"""Pages of the care cooperation: thin views that parse a form, call a service, render."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.accounts.models import Organisation, User
from maillage.coordination import charts, fhir, forms, selectors, services, teleconsultation
from maillage.coordination.models import (
    Alert,
    CareTask,
    CareTeamMember,
    HealthcareService,
    PathwayTemplate,
    QuestionnaireResponse,
    Teleconsultation,
)
from maillage.coordination.rules import can
from maillage.core.forms import service_errors_into
from maillage.territories.selectors import commune_search

# — Directory ——————————————————————————————————————————————————————————————————————————————————


def index(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET or None)
    hits, near = [], None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["commune"]:
            found = commune_search(data["commune"], limit=1)
            near = found[0] if found else None
            if near is None:
                form.add_error("commune", _("Commune introuvable."))
        if not form.errors:
            hits = selectors.directory_search(query=data["q"], near=near,
                                              radius_km=data["rayon"] or 30,
                                              category=data["categorie"])
    return render(request, "coordination/index.html", {
        "form": form, "hits": hits, "near": near, "searched": form.is_bound,
        "hits_map": selectors.directory_map(hits, near) if hits else None,
        "cooperations": selectors.cooperations(), "title": _("Coopération des soins")})


def cooperation(request: HttpRequest, pk: int) -> HttpResponse:
    coop = selectors.cooperation_get(pk)
    network = selectors.network_of(coop)
    for row in network:
        row["can_manage"] = can(request.user, "coordination.manage_organisation",
                                row["organisation"])
    can_templates = can(request.user, "coordination.manage_templates", coop)
    return render(request, "coordination/cooperation.html", {
        "cooperation": coop, "network": network,
        "can_enrol": can(request.user, "coordination.enrol_patient", coop),
        "can_manage_templates": can_templates,
        "own_templates": coop.pathway_templates.all(),
        "derive_form": forms.TemplateDeriveForm() if can_templates else None,
        "title": coop.name})


@login_required
def service_edit(request: HttpRequest, organisation: int,
                 service: int | None = None) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=organisation)
    instance = (get_object_or_404(HealthcareService, pk=service, organisation=org)
                if service else None)
    if not can(request.user, "coordination.manage_organisation", org):
        raise PermissionDenied(_("Vous ne gérez pas les fiches de cette organisation."))
    initial = {"commune_code": instance.commune_id} if instance else {}
    form = forms.ServiceForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "commune_code"}
        try:
            services.service_save(actor=request.user, organisation=org, service=instance,
                                  commune_id=form.cleaned_data["commune_code"], **data)
        except ValidationError as exc:
            errors = dict((getattr(exc, "error_dict", None) and exc.message_dict)
                          or {"__all__": exc.messages})
            if "commune" in errors:
                errors["commune_code"] = errors.pop("commune")
            service_errors_into(form, ValidationError(errors))
        else:
            messages.success(request, _("Service enregistré."))
            return redirect("coordination:index")
    return render(request, "coordination/form.html", {
        "form": form, "title": _("Service de %(o)s") % {"o": org},
        "submit": _("Enregistrer")}, status=400 if form.errors else 200)


@login_required
def professional_create(request: HttpRequest, organisation: int) -> HttpResponse:
    org = get_object_or_404(Organisation, pk=organisation)
    if not can(request.user, "coordination.manage_organisation", org):
        raise PermissionDenied(_("Vous ne gérez pas les fiches de cette organisation."))
    form = forms.ProfessionalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = None
        if data["user_email"]:
            account = User.objects.filter(email=data["user_email"].lower()).first()
            if account is None:
                form.add_error("user_email", _("Aucun compte avec cette adresse."))
        if not form.errors:
            try:
                services.professional_save(
                    actor=request.user, organisation=org, name=data["name"],
                    profession=data["profession"], role=data["role"],
                    user_id=account.pk if account else None)
            except ValidationError as exc:
                service_errors_into(form, exc)
            else:
                messages.success(request, _("Professionnel·le ajouté·e à l'annuaire."))
                return redirect("coordination:index")
    return render(request, "coordination/form.html", {
        "form": form, "title": _("Professionnel·le de %(o)s") % {"o": org},
        "submit": _("Ajouter")}, status=400 if form.errors else 200)


def templates(request: HttpRequest) -> HttpResponse:
    return render(request, "coordination/templates.html", {
        "templates": PathwayTemplate.objects.select_related("cooperation")
        .prefetch_related("activities").order_by("cooperation__name", "name"),
        "title": _("Modèles de parcours")})


# — A cooperation's own templates —————————————————————————————————————————————————————————————


@login_required
@require_POST
def template_derive(request: HttpRequest, pk: int) -> HttpResponse:
    coop = selectors.cooperation_get(pk)
    if not can(request.user, "coordination.manage_templates", coop):
        raise PermissionDenied(_("Seule la coordination de la coopération définit ses modèles."))
    form = forms.TemplateDeriveForm(request.POST)
    if form.is_valid():
        try:
            template = services.template_derive(actor=request.user, cooperation=coop,
                                                source=form.cleaned_data["source"],
                                                name=form.cleaned_data["name"])
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Modèle de la coopération créé : adaptez ses activités."))
            return redirect("coordination:template", code=template.code)
    return render(request, "coordination/form.html", {
        "form": form, "title": _("Dériver un modèle — %(c)s") % {"c": coop},
        "submit": _("Dériver")}, status=400)


@login_required
def template_create(request: HttpRequest, pk: int) -> HttpResponse:
    coop = selectors.cooperation_get(pk)
    if not can(request.user, "coordination.manage_templates", coop):
        raise PermissionDenied(_("Seule la coordination de la coopération définit ses modèles."))
    form = forms.TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_save(actor=request.user, cooperation=coop,
                                              **form.cleaned_data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Modèle créé : ajoutez ses activités."))
            return redirect("coordination:template", code=template.code)
    return render(request, "coordination/form.html", {
        "form": form, "title": _("Nouveau modèle de parcours — %(c)s") % {"c": coop},
        "intro": _("Citez la recommandation publiée dont le modèle est tiré."),
        "submit": _("Créer le modèle")}, status=400 if form.errors else 200)


def template(request: HttpRequest, code: str) -> HttpResponse:
    """A template and its activities (public); its cooperation's coordinators change it here."""
    found = selectors.template_get(code)
    can_change = can(request.user, "coordination.change_template", found)
    form = forms.TemplateForm(request.POST or None, instance=found) if can_change else None
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied(_("Seule la coordination de la coopération modifie ses "
                                     "modèles."))
        if form.is_valid():
            try:
                services.template_save(actor=request.user, cooperation=found.cooperation,
                                       template=found, **form.cleaned_data)
            except ValidationError as exc:
                service_errors_into(form, exc)
            else:
                messages.success(request, _("Modèle enregistré."))
                return redirect("coordination:template", code=found.code)
        found.refresh_from_db()
    return render(request, "coordination/template.html", {
        "template": found, "activities": list(found.activities.all()), "form": form,
        "activity_form": forms.ActivityForm() if can_change else None,
        "can_change": can_change, "title": found.name}, status=400 if form and form.errors
        else 200)


@login_required
def template_activity(request: HttpRequest, code: str,
                      activity: str | None = None) -> HttpResponse:
    found = selectors.template_get(code)
    if not can(request.user, "coordination.change_template", found):
        raise PermissionDenied(_("Seule la coordination de la coopération modifie ses modèles."))
    instance = get_object_or_404(found.activities, code=activity) if activity else None
    form = forms.ActivityForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.template_activity_save(actor=request.user, template=found,
                                            activity=instance, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Activité enregistrée."))
            return redirect("coordination:template", code=found.code)
    return render(request, "coordination/form.html", {
        "form": form, "title": _("Activité du modèle « %(t)s »") % {"t": found.name},
        "submit": _("Enregistrer")}, status=400 if form.errors else 200)


@login_required
@require_POST
def template_activity_remove(request: HttpRequest, code: str, activity: str) -> HttpResponse:
    found = selectors.template_get(code)
    entry = get_object_or_404(found.activities, code=activity)
    services.template_activity_remove(actor=request.user, activity=entry)
    messages.success(request, _("Activité retirée du modèle."))
    return redirect("coordination:template", code=found.code)


# — Pathways ——————————————————————————————————————————————————————————————————————————————————


PATHWAYS_PER_PAGE = 50


@login_required
def pathways(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    at_risk = request.GET.get("a_risque") == "1"
    found = selectors.pathways_slice(actor=request.user, at_risk_only=at_risk,
                                     offset=(page - 1) * PATHWAYS_PER_PAGE,
                                     limit=PATHWAYS_PER_PAGE)
    return render(request, "coordination/pathways.html", {
        "pathways": found.rows, "found": found, "page": page, "at_risk": at_risk,
        "pages": max(1, -(-found.total // PATHWAYS_PER_PAGE)),
        "tasks": selectors.tasks_due(actor=request.user, today=today), "today": today,
        "title": _("Parcours de soins")})


@login_required
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    coop = selectors.cooperation_get(pk)
    if not can(request.user, "coordination.enrol_patient", coop):
        raise PermissionDenied(_("Seule la coordination de la coopération inscrit des patients."))
    form = forms.EnrolForm(request.POST or None)
    form.fields["template"].queryset = selectors.templates_available(coop)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = None
        if data["patient_email"]:
            account = User.objects.filter(email=data["patient_email"].lower()).first()
            if account is None:
                form.add_error("patient_email", _("Aucun compte avec cette adresse."))
        if not form.errors:
            try:
                pathway = services.pathway_enrol(
                    actor=request.user, cooperation=coop, template=data["template"],
                    consent_method=data["consent_method"], start_date=data["start_date"],
                    patient_fields={"family_name": data["family_name"],
                                    "given_name": data["given_name"],
                                    "birth_date": data["birth_date"], "sex": data["sex"],
                                    "commune_id": data["commune_code"] or None,
                                    "user": account})
            except ValidationError as exc:
                service_errors_into(form, exc)
            else:
                messages.success(request, _("Patient inscrit ; composez l'équipe de soins."))
                return redirect(pathway)
    return render(request, "coordination/form.html", {
        "form": form, "title": _("Inscrire un patient — %(c)s") % {"c": coop},
        "submit": _("Inscrire")}, status=400 if form.errors else 200)


@login_required
def fhir_import(request: HttpRequest, pk: int) -> HttpResponse:
    coop = selectors.cooperation_get(pk)
    if not can(request.user, "coordination.enrol_patient", coop):
        raise PermissionDenied(_("Seule la coordination de la coopération importe des dossiers."))
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = fhir.bundle_import(actor=request.user, cooperation=coop,
                                         raw=upload.read(), name=upload.name,
                                         consent_method=form.cleaned_data["consent_method"])
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            messages.success(request, _("Import terminé : %(l)s") % {
                "l": " ; ".join(summary.lines())})
            return redirect(summary.pathway)
    return render(request, "coordination/form.html", {
        "form": form, "title": _("Importer un dossier FHIR — %(c)s") % {"c": coop},
        "submit": _("Importer"), "multipart": True}, status=400 if form.errors else 200)


PATHWAY_FORMS: dict[str, type[django_forms.Form]] = {
    "team": forms.TeamMemberForm, "plan": forms.PlanForm, "task": forms.TaskForm,
    "encounter": forms.EncounterForm, "message": forms.MessageForm,
    "document": forms.DocumentForm, "teleconsultation": forms.TeleconsultationForm,
    "questionnaire": forms.QuestionnaireSendForm,
}


def _render_pathway(request: HttpRequest, pathway, bound: dict[str, Any] | None = None,
                    status: int = 200) -> HttpResponse:
    bound = bound or {}
    user = request.user
    record = selectors.pathway_record(pathway)
    context = {
        "pathway": pathway, **record, "today": timezone.localdate(),
        "can_change": can(user, "coordination.change_pathway", pathway),
        "can_record": can(user, "coordination.record_pathway", pathway),
        "can_message": can(user, "coordination.message_pathway", pathway),
        "can_withdraw": can(user, "coordination.withdraw_consent", pathway),
        "is_patient": pathway.patient.user_id == user.pk,
        "consent_active": any(c.status == "active" for c in record["consents"]),
        "resolve_form": forms.ResolveForm(),
        "title": _("Parcours de soins"),
    }
    for name, form_class in PATHWAY_FORMS.items():
        context[f"{name}_form"] = bound.get(name) or form_class(
            initial={"start_date": pathway.start_date, "template": pathway.template_id})
    context["plan_form"].fields["template"].queryset = selectors.templates_available(
        pathway.cooperation)
    return render(request, "coordination/pathway.html", context, status=status)


@login_required
def pathway(request: HttpRequest, key) -> HttpResponse:
    found = selectors.pathway_get(actor=request.user, key=key, what=_("dossier du parcours"))
    return _render_pathway(request, found)


def _pathway_action(name: str, call: Callable[[HttpRequest, Any, dict[str, Any]], Any],
                    done: str) -> Callable[..., HttpResponse]:
    @login_required
    @require_POST
    def view(request: HttpRequest, key) -> HttpResponse:
        found = selectors.pathway_get(actor=request.user, key=key,
                                      what=_("dossier du parcours"))
        form = PATHWAY_FORMS[name](request.POST, request.FILES)
        if form.is_valid():
            try:
                call(request, found, form.cleaned_data)
            except ValidationError as exc:
                service_errors_into(form, exc)
            else:
                messages.success(request, done)
                return redirect(found)
        return _render_pathway(request, found, {name: form}, status=400)

    view.__name__ = f"pathway_{name}"
    return view


def _team(request, pathway, data):
    user = User.objects.filter(email=data["email"].lower()).first()
    if user is None:
        raise ValidationError({"email": _("Aucun compte avec cette adresse.")})
    services.care_team_add(actor=request.user, pathway=pathway, user=user,
                           profession=data["profession"],
                           is_referring_doctor=data["is_referring_doctor"])


def _owner(email: str) -> User | None:
    if not email:
        return None
    owner = User.objects.filter(email=email.lower()).first()
    if owner is None:
        raise ValidationError({"owner_email": _(
            "Le ou la responsable d'une tâche doit faire partie de l'équipe de soins.")})
    return owner


def _task(request, pathway, data):
    try:
        owner = _owner(data.pop("owner_email"))
        services.task_add(actor=request.user, pathway=pathway, owner=owner, **data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "owner" in exc.error_dict:
            raise ValidationError({"owner_email": exc.error_dict["owner"]}) from exc
        raise


def _document(request, pathway, data):
    previous = None
    if data.get("replaces"):
        previous = pathway.documents.filter(pk=data["replaces"]).first()
        if previous is None:
            raise ValidationError({"file": _("Document à remplacer introuvable dans ce "
                                             "parcours.")})
    services.document_upload(actor=request.user, pathway=pathway, kind=data["kind"],
                             title=data["title"], upload=data["file"], replaces=previous)


pathway_team = _pathway_action("team", _team, _("Membre ajouté à l'équipe de soins."))
pathway_plan = _pathway_action(
    "plan", lambda r, p, d: services.care_plan_instantiate(actor=r.user, pathway=p, **d),
    _("Plan de soins créé à partir du modèle."))
pathway_task = _pathway_action("task", _task, _("Tâche ajoutée au plan."))
pathway_encounter = _pathway_action(
    "encounter", lambda r, p, d: services.encounter_record(actor=r.user, pathway=p, **d),
    _("Rencontre enregistrée."))
pathway_message = _pathway_action(
    "message", lambda r, p, d: services.message_send(actor=r.user, pathway=p, **d),
    _("Message envoyé."))
pathway_document = _pathway_action("document", _document, _("Document déposé."))
pathway_teleconsultation = _pathway_action(
    "teleconsultation", lambda r, p, d: services.teleconsultation_book(
        actor=r.user, pathway=p, **d), _("Téléconsultation programmée."))
pathway_questionnaire = _pathway_action(
    "questionnaire", lambda r, p, d: services.questionnaire_send(actor=r.user, pathway=p, **d),
    _("Questionnaire envoyé au patient."))


@login_required
def questionnaire_answer(request: HttpRequest, pk: int) -> HttpResponse:
    response = get_object_or_404(
        QuestionnaireResponse.objects.select_related("pathway__patient", "questionnaire"), pk=pk)
    if response.pathway.patient.user_id != request.user.pk:
        raise Http404(_("Questionnaire introuvable."))
    form = forms.AnswerForm(response.questionnaire, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.questionnaire_answer(
                actor=request.user, response=response,
                answers={k[1:]: v for k, v in form.cleaned_data.items()})
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Merci : vos réponses sont enregistrées."))
            return redirect(response.pathway)
    return render(request, "coordination/form.html", {
        "form": form, "title": response.questionnaire.title,
        "intro": response.questionnaire.source, "submit": _("Envoyer mes réponses")},
        status=400 if form.errors else 200)


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(CareTask.objects.select_related("pathway"), pk=pk)
    found = selectors.pathway_get(actor=request.user, key=task.pathway.key,
                                  what=_("dossier du parcours"))
    form = forms.TaskDoneForm(request.POST)
    if form.is_valid():
        try:
            services.task_complete(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Tâche enregistrée comme faite."))
    else:
        messages.error(request, " ".join(f"{form.fields[k].label} : {' '.join(v)}"
                                         for k, v in form.errors.items()))
    return redirect(found)


@login_required
@require_POST
def task_adapt(request: HttpRequest, pk: int) -> HttpResponse:
    """Adapt one task of the plan: its owner, its window, or cancel it (coordination)."""
    task = get_object_or_404(CareTask.objects.select_related("pathway"), pk=pk)
    found = selectors.pathway_get(actor=request.user, key=task.pathway.key,
                                  what=_("dossier du parcours"))
    task.pathway = found
    form = forms.TaskAdaptForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.task_update(actor=request.user, task=task,
                                 owner=_owner(data["owner_email"]), due_from=data["due_from"],
                                 due_by=data["due_by"], cancel=data["cancel"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Tâche adaptée."))
    else:
        messages.error(request, " ".join(f"{form.fields[k].label} : {' '.join(v)}"
                                         for k, v in form.errors.items()))
    return redirect(found)


@login_required
@require_POST
def team_remove(request: HttpRequest, key, member: int) -> HttpResponse:
    found = selectors.pathway_get(actor=request.user, key=key, what=_("équipe de soins"))
    entry = get_object_or_404(CareTeamMember, pk=member, pathway=found)
    entry.pathway = found
    services.care_team_remove(actor=request.user, member=entry)
    messages.success(request, _("Membre retiré de l'équipe de soins."))
    return redirect(found)


@login_required
@require_POST
def alert_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert.objects.select_related("pathway"), pk=pk)
    found = selectors.pathway_get(actor=request.user, key=alert.pathway.key,
                                  what=_("dossier du parcours"))
    try:
        services.alert_resolve(actor=request.user, alert=alert,
                               resolution=request.POST.get("resolution", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(found)


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, key) -> HttpResponse:
    found = selectors.pathway_get(actor=request.user, key=key, what=_("consentement"))
    try:
        services.consent_withdraw(actor=request.user, pathway=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Consentement retiré : l'équipe n'a plus accès au dossier."))
    if found.patient.user_id == request.user.pk:
        return redirect(found)
    return redirect("coordination:pathways")


@login_required
@require_POST
def consent_give(request: HttpRequest, key) -> HttpResponse:
    found = selectors.pathway_get(actor=request.user, key=key, what=_("consentement"))
    try:
        services.consent_give(actor=request.user, pathway=found, method="online")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(found)


@login_required
def fhir_export(request: HttpRequest, key) -> HttpResponse:
    found = selectors.pathway_get(actor=request.user, key=key, what=_("dossier du parcours"))
    data = fhir.pathway_export(actor=request.user, pathway=found)
    response = HttpResponse(json.dumps(data, ensure_ascii=False),
                            content_type="application/fhir+json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="parcours.fhir.json"'
    return response


@login_required
def document(request: HttpRequest, pk: int) -> FileResponse:
    found = selectors.document_get(actor=request.user, pk=pk)
    response = FileResponse(found.file.open("rb"), content_type=found.content_type,
                            as_attachment=True, filename=f"document-{found.pk}-v{found.version}")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def teleconsultation_join(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(Teleconsultation.objects.select_related("pathway__patient"),
                              pk=pk)
    selectors.pathway_get(actor=request.user, key=visit.pathway.key, what=_("téléconsultation"))
    try:
        url = teleconsultation.join_url(actor=request.user, visit=visit)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect(visit.pathway)
    return redirect(url)


@login_required
@require_POST
def teleconsultation_report(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(Teleconsultation.objects.select_related("pathway"), pk=pk)
    found = selectors.pathway_get(actor=request.user, key=visit.pathway.key,
                                  what=_("téléconsultation"))
    try:
        services.teleconsultation_report(actor=request.user, visit=visit,
                                         report=request.POST.get("report", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(found)


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    return render(request, "coordination/access_log.html", {
        "entries": selectors.access_log_of(actor=request.user),
        "title": _("Qui a consulté mon dossier")})


@login_required
def cohort(request: HttpRequest, pk: int) -> HttpResponse:
    coop = selectors.cooperation_get(pk)
    if not can(request.user, "coordination.view_cohort", coop):
        raise Http404(_("Coopération inconnue."))
    rows = selectors.cohort(actor=request.user, cooperation=coop)
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["parcours", "commune", "patients", "a_risque_de_rupture"])
        writer.writerows([r.pathway, r.commune, r.patients, r.at_risk] for r in rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="cohorte.csv"'
        return response
    return render(request, "coordination/cohort.html", {
        "cooperation": coop, "rows": rows, "chart": charts.cohort_svg(rows),
        "scores": selectors.questionnaire_scores(cooperation=coop),
        "min_answers": selectors.MIN_ANSWERS_SHOWN,
        "title": _("Tableau de bord de la cohorte")})


def evaluation(request: HttpRequest) -> HttpResponse:
    """Public: patients' questionnaire scores by territory, aggregated and anonymised."""
    from maillage.territories.models import Region

    regions = list(Region.objects.order_by("name"))
    code = request.GET.get("region", "")[:3]
    region = next((r for r in regions if r.code == code), None)
    rows = selectors.territory_evaluation(region=region.code) if region else []
    if region and request.GET.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["niveau", "code", "territoire", "questionnaire", "type", "reponses",
                         "score_moyen", "score_maximal"])
        writer.writerows([r.level, r.code, r.territory, r.questionnaire_code, r.kind,
                          r.answers, r.mean_score, r.max_score] for r in rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="evaluation-{region.code}.csv"')
        return response
    return render(request, "coordination/evaluation.html", {
        "regions": regions, "region": region, "rows": rows,
        "chart": charts.evaluation_svg(rows), "min_answers": selectors.MIN_ANSWERS_SHOWN,
        "title": _("Évaluation des services par les patients")},
        status=404 if code and region is None else 200)
