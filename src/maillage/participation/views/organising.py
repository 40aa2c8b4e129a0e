"""Organisers' pages for committees: create one, add its members, schedule its meetings.

The same services and rules as the API (`participation.change_process` on the process)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maillage.core.forms import service_errors_into
from maillage.participation import services
from maillage.participation.forms_pages import CommitteeForm, MeetingForm, MemberForm
from maillage.participation.models import Committee
from maillage.participation.views.core import _process_or_404


def _organised(request: HttpRequest, process: Any) -> None:
    if not request.user.has_perm("participation.change_process", process):
        raise PermissionDenied(_("Vous n'organisez pas cette concertation."))


def _committee_or_404(request: HttpRequest, pk: int) -> Committee:
    committee = Committee.objects.filter(pk=pk).first()
    if committee is None:
        raise Http404(_("Comité inconnu."))
    committee.process = _process_or_404(request, committee.process_id)
    return committee


def _form_page(request: HttpRequest, form: Any, *, title: str, submit: str, process: Any,
               back: Any = None) -> HttpResponse:
    return render(request, "participation/organising_form.html", {
        "form": form, "process": process, "back": back, "title": title, "submit": submit,
    }, status=400 if form.errors else 200)


@login_required
def committee_create(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process_or_404(request, pk)
    _organised(request, process)
    form = CommitteeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            committee = services.committee_create(actor=request.user, process=process,
                                                  **form.cleaned_data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Comité créé : ajoutez ses membres."))
            return redirect("participation:committee_member_add", pk=committee.pk)
    return _form_page(request, form, title=_("Créer un comité participatif"),
                      submit=_("Créer le comité"), process=process)


@login_required
def committee_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    from maillage.accounts.models import User

    committee = _committee_or_404(request, pk)
    _organised(request, committee.process)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = User.objects.filter(email__iexact=data["email"].strip()).first()
        try:
            if user is None:
                raise ValidationError({"email": _("Aucun compte n'a cette adresse e-mail : "
                                                  "la personne doit d'abord s'inscrire.")})
            services.committee_member_add(actor=request.user, committee=committee, user=user,
                                          kind=data["kind"], title=data["title"])
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Membre ajouté."))
            return redirect(committee)
    return _form_page(request, form, title=_("Ajouter un membre à « %(c)s »")
                      % {"c": committee.name}, submit=_("Ajouter"),
                      process=committee.process, back=committee)


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    committee = _committee_or_404(request, pk)
    _organised(request, committee.process)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["place"], data["online_url"] = data["place"] or "", data["online_url"] or ""
        try:
            meeting = services.meeting_create(actor=request.user, committee=committee, **data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Réunion programmée."))
            return redirect(meeting)
    return _form_page(request, form, title=_("Programmer une réunion de « %(c)s »")
                      % {"c": committee.name}, submit=_("Programmer"),
                      process=committee.process, back=committee)
