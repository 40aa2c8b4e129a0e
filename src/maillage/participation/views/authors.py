"""Authors' edit pages for their own signalements and comments (within the edit window)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maillage.core.forms import service_errors_into
from maillage.participation import services
from maillage.participation.forms_pages import CommentEditForm, SignalementEditForm
from maillage.participation.models import Comment, Signalement
from maillage.participation.views.core import _proposal_or_404


@login_required
def signalement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    signalement = Signalement.objects.select_related("commune").filter(pk=pk).first()
    if signalement is None:
        raise Http404(_("Signalement inconnu."))
    if not request.user.has_perm("participation.change_signalement", signalement):
        raise PermissionDenied(_("Vous ne pouvez plus modifier ce signalement (délai d'une "
                                 "heure dépassé, contenu masqué, ou signalement d'une autre "
                                 "personne)."))
    form = SignalementEditForm(request.POST or None, initial={
        "category": signalement.category, "profession": signalement.profession,
        "text": signalement.text, "anonymous": signalement.anonymous,
        "commune": f"{signalement.commune.name} ({signalement.commune_id})"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.signalement_update(actor=request.user, signalement=signalement,
                                        category=data["category"],
                                        profession=data["profession"], text=data["text"],
                                        anonymous=data["anonymous"])
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Signalement modifié."))
            return redirect(signalement)
    return render(request, "participation/author_edit.html", {
        "form": form, "back": signalement, "back_label": _("Mon signalement"),
        "title": _("Modifier mon signalement")}, status=400 if form.errors else 200)


@login_required
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = Comment.objects.filter(pk=pk).first()
    if comment is None:
        raise Http404(_("Commentaire inconnu."))
    comment.proposal = _proposal_or_404(request, comment.proposal_id)
    if not request.user.has_perm("participation.change_comment", comment):
        raise PermissionDenied(_("Vous ne pouvez plus modifier ce commentaire (délai d'une "
                                 "heure dépassé, contenu masqué, ou commentaire d'une autre "
                                 "personne)."))
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_update(actor=request.user, comment=comment,
                                    body=form.cleaned_data["body"])
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Commentaire modifié."))
            return redirect(comment.get_absolute_url())
    return render(request, "participation/author_edit.html", {
        "form": form, "back": comment.proposal, "back_label": comment.proposal.title,
        "title": _("Modifier mon commentaire")}, status=400 if form.errors else 200)
