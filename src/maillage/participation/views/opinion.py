"""Pages of opinion maps: vote one statement at a time, propose statements, see the map."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from maillage.core.forms import service_errors_into
from maillage.participation import opinion_report
from maillage.participation.forms import ErrorsTiedToFields
from maillage.participation.models import (
    Conversation,
    Feature,
    Statement,
    StatementStatus,
    VoteValue,
)
from maillage.participation.models.opinion import STATEMENT_MAX_LENGTH
from maillage.participation.phases import phase_state, phase_state_load
from maillage.participation.services import opinion as services
from maillage.participation.views.core import _process_or_404


class StatementForm(ErrorsTiedToFields, django_forms.Form):
    text = django_forms.CharField(
        label=gettext_lazy("Votre affirmation"), max_length=STATEMENT_MAX_LENGTH,
        help_text=gettext_lazy("Une idée par affirmation, courte et claire ; elle sera relue "
                               "par un modérateur avant d'être soumise au vote."),
        widget=django_forms.Textarea(attrs={"rows": 2, "maxlength": STATEMENT_MAX_LENGTH}))


class ConversationForm(ErrorsTiedToFields, django_forms.Form):
    title = django_forms.CharField(label=gettext_lazy("Question posée"), max_length=200)
    description = django_forms.CharField(label=gettext_lazy("Présentation"), required=False,
                                         widget=django_forms.Textarea(attrs={"rows": 3}))
    phase = django_forms.TypedChoiceField(label=gettext_lazy("Ouverte pendant la phase"),
                                          coerce=int)
    statements = django_forms.CharField(
        label=gettext_lazy("Affirmations de départ"),
        help_text=gettext_lazy("Une par ligne (280 caractères au plus chacune)."),
        widget=django_forms.Textarea(attrs={"rows": 8}))
    allow_statements = django_forms.BooleanField(
        label=gettext_lazy("Les participants peuvent proposer des affirmations"),
        required=False, initial=True)

    def __init__(self, *args: Any, phases: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = phases


def _conversation_or_404(request: HttpRequest, pk: int) -> Conversation:
    conversation = (Conversation.objects.select_related("process", "phase")
                    .filter(pk=pk).first())
    if conversation is None or not request.user.has_perm("participation.view_conversation",
                                                          conversation):
        raise Http404(_("Carte d'opinion inconnue."))
    phase_state_load(conversation.process)
    return conversation


def opinion_maps(request: HttpRequest) -> HttpResponse:
    """Every conversation the viewer may see, open ones first."""
    rows = []
    for conversation in (Conversation.objects.select_related("process", "phase")
                         .prefetch_related("process__phases").order_by("-created_at")):
        if not request.user.has_perm("participation.view_conversation", conversation):
            continue
        state = phase_state(conversation.process)
        rows.append({"conversation": conversation,
                     "status": state.status_of(conversation.phase),
                     "snapshot": services.latest_snapshot(conversation)})
    rows.sort(key=lambda r: {"active": 0, "upcoming": 1, "past": 2}[r["status"]])
    return render(request, "participation/opinion/list.html", {
        "rows": rows, "title": _("Cartes d'opinion")})


def opinion_detail(request: HttpRequest, pk: int, *, statement_form: Any = None
                   ) -> HttpResponse:
    conversation = _conversation_or_404(request, pk)
    user = request.user
    can_vote = user.has_perm("participation.vote_statement", conversation)
    moderator = user.has_perm("participation.moderate_statement", conversation)
    nxt = services.next_statement(viewer=user, conversation=conversation) if can_vote else None
    mine = [s for s in conversation.statements.filter(author=user)
            .exclude(is_seed=True)] if user.is_authenticated else []
    context = {
        "conversation": conversation, "process": conversation.process,
        "can_vote": can_vote, "next": nxt, "values": VoteValue,
        "phase_status": phase_state(conversation.process).status_of(conversation.phase),
        "can_add_statement": user.has_perm("participation.add_statement", conversation),
        "statement_form": statement_form or StatementForm(),
        "my_statements": mine, "can_moderate": moderator,
        "pending": list(conversation.statements.filter(status=StatementStatus.PENDING)
                        .select_related("author")) if moderator else [],
        "snapshot": services.latest_snapshot(conversation),
        "title": conversation.title,
    }
    status = 400 if statement_form is not None and statement_form.errors else 200
    return render(request, "participation/opinion/detail.html", context, status=status)


@login_required
@require_POST
def opinion_vote(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_or_404(request, pk)
    try:
        services.vote_cast(actor=request.user, conversation=conversation,
                           statement=request.POST.get("statement"),
                           value=request.POST.get("value"))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", None) or [str(exc)]))
    return redirect(conversation)


@login_required
@require_POST
def opinion_statement_add(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_or_404(request, pk)
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            statement = services.statement_add(actor=request.user, conversation=conversation,
                                               text=form.cleaned_data["text"])
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("Merci : votre affirmation est soumise au vote.")
                             if statement.status == StatementStatus.ACCEPTED else
                             _("Merci : votre affirmation sera soumise au vote une fois "
                               "relue par un modérateur."))
            return redirect(conversation)
    return opinion_detail(request, pk, statement_form=form)


@login_required
@require_POST
def opinion_statement_moderate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    statement = Statement.objects.select_related("conversation__process").filter(pk=pk).first()
    if statement is None or action not in {"accepter", "refuser"}:
        raise Http404(_("Affirmation inconnue."))
    reason = request.POST.get("reason", "")
    try:
        if action == "accepter":
            services.statement_accept(actor=request.user, statement=statement, reason=reason)
            messages.success(request, _("Affirmation acceptée : elle entre dans les votes."))
        else:
            services.statement_reject(actor=request.user, statement=statement, reason=reason)
            messages.success(request, _("Affirmation refusée ; son auteur en est informé."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(statement.conversation)


def _map_context(request: HttpRequest, conversation: Conversation) -> dict[str, Any]:
    snapshot = services.latest_snapshot(conversation)
    summary = snapshot.summary if snapshot else {}
    statements = {s["id"]: s for s in summary.get("statements", [])}
    groups = [{**g, "colour": opinion_report.group_colour(g["label"])}
              for g in summary.get("groups", [])]
    return {
        "conversation": conversation, "process": conversation.process, "snapshot": snapshot,
        "summary": summary, "groups": groups, "statements": statements,
        "scatter": opinion_report.scatter_svg(summary) if summary else "",
        "caption": opinion_report.scatter_caption(summary) if summary else "",
        "my_votes": services.my_votes(viewer=request.user, conversation=conversation),
        "can_export": request.user.has_perm("participation.export_conversation",
                                            conversation),
        "can_compute": request.user.has_perm("participation.compute_conversation",
                                             conversation),
    }


def opinion_map_page(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_or_404(request, pk)
    context = _map_context(request, conversation)
    context["title"] = _("Carte d'opinion : %(t)s") % {"t": conversation.title}
    return render(request, "participation/opinion/map.html", context)


@login_required
@require_POST
def opinion_compute(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _conversation_or_404(request, pk)
    if not request.user.has_perm("participation.compute_conversation", conversation):
        raise PermissionDenied(_("Vous n'organisez pas cette concertation."))
    Conversation.objects.filter(pk=conversation.pk).update(map_queued_at=None)
    services.opinion_map_schedule(conversation)
    messages.success(request, _("Le calcul de la carte est lancé ; rechargez la page dans un "
                                "instant."))
    return redirect("participation:opinion_map", pk=conversation.pk)


def _exportable(request: HttpRequest, pk: int) -> Conversation:
    conversation = _conversation_or_404(request, pk)
    if not request.user.has_perm("participation.export_conversation", conversation):
        raise PermissionDenied(_("Le rapport complet est réservé aux organisateurs."))
    return conversation


@login_required
def opinion_report_page(request: HttpRequest, pk: int) -> HttpResponse:
    conversation = _exportable(request, pk)
    context = _map_context(request, conversation)
    context["statement_rows"] = [(s, context["statements"].get(s.pk, {}))
                                 for s in conversation.statements.order_by("pk")]
    context["title"] = _("Rapport : %(t)s") % {"t": conversation.title}
    return render(request, "participation/opinion/report.html", context)


@login_required
def opinion_export(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    conversation = _exportable(request, pk)
    snapshot = services.latest_snapshot(conversation)
    summary = snapshot.summary if snapshot else {}
    if kind == "votes":
        body = opinion_report.votes_csv(conversation)
    elif kind == "affirmations":
        body = opinion_report.statements_csv(conversation, summary)
    elif kind == "groupes":
        body = opinion_report.groups_csv(summary)
    elif kind == "rapport":
        if snapshot is None:
            raise Http404(_("La carte n'a pas encore été calculée."))
        pdf = opinion_report.report_pdf(conversation, summary, snapshot.computed_at)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="carte-opinion-{conversation.pk}.pdf"')
        return response
    else:
        raise Http404(_("Export inconnu."))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="carte-opinion-{conversation.pk}-{kind}.csv"')
    return response


@login_required
def opinion_create(request: HttpRequest, pk: int) -> HttpResponse:
    process = _process_or_404(request, pk)
    if not request.user.has_perm("participation.add_conversation", process):
        raise PermissionDenied(_("Vous n'organisez pas cette concertation."))
    phases = [(p.pk, f"{p.label} ({p.starts_at:%d/%m/%Y} → {p.ends_at:%d/%m/%Y})")
              for p in phase_state(process).phases if Feature.OPINION in p.features]
    form = ConversationForm(request.POST or None, phases=phases)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conversation = services.conversation_create(
                actor=request.user, process=process,
                phase=process.phases.get(pk=data["phase"]), title=data["title"],
                description=data["description"],
                statements=data["statements"].splitlines(),
                allow_statements=data["allow_statements"])
        except ValidationError as exc:
            service_errors_into(form, exc)
        else:
            messages.success(request, _("La carte d'opinion est ouverte."))
            return redirect(conversation)
    return render(request, "participation/simple_form.html", {
        "form": form, "process": process, "title": _("Nouvelle carte d'opinion"),
        "submit": _("Ouvrir la carte d'opinion")},
        status=400 if form.errors else 200)
