"""Pages of mobilization: thin views that parse input, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from maillage.core.forms import service_errors_into, service_errors_message
from maillage.mobilization import dossier as dossiers
from maillage.mobilization import exports, forms, selectors, services
from maillage.mobilization.models import (
    TERRITORY_LEVELS,
    CampaignEvent,
    ForumThread,
    Post,
    ReactionKind,
    ThreadKind,
    Topic,
)
from maillage.participation.selectors import moderation_history
from maillage.territories.selectors import TerritoryRef


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect(default)


def _territory(request: HttpRequest) -> TerritoryRef | None:
    level, code = request.GET.get("niveau", ""), request.GET.get("code", "")[:9]
    if level in ("region", "departement", "commune") and code:
        return TerritoryRef(level, code)
    return None


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "mobilization/index.html", {
        "title": _("Pétitions et débats"),
        "petitions": selectors.petition_list(viewer=request.user)[:12],
        "threads": selectors.thread_list(viewer=request.user, limit=8),
        "campaigns": selectors.campaign_list(viewer=request.user)[:6],
        "can_moderate": bool(selectors.pending_petitions(viewer=request.user)
                             or selectors.flagged_content(viewer=request.user))
        if request.user.is_authenticated else False,
    })


# Petitions ------------------------------------------------------------------------------------

def petitions(request: HttpRequest) -> HttpResponse:
    found = selectors.petition_list(viewer=request.user, territory=_territory(request))
    return render(request, "mobilization/petitions.html",
                  {"title": _("Pétitions"), "petitions": found})


@login_required
def petition_create(request: HttpRequest) -> HttpResponse:
    home = request.user.home_commune
    form = forms.PetitionForm(request.POST or None, initial={
        "territory_level": "commune", "territory_code": home.code if home else ""})
    if request.method == "POST" and form.is_valid():
        try:
            petition = services.petition_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Votre pétition est transmise à la modération ; vous "
                                        "serez prévenu·e de sa publication."))
            return redirect(petition)
    return render(request, "mobilization/form.html",
                  {"title": _("Lancer une pétition"), "form": form,
                   "submit": _("Envoyer à la modération")})


def petition(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.petition_get(viewer=request.user, pk=pk)
    if found is None:
        raise Http404(_("Pétition introuvable."))
    user = request.user
    return render(request, "mobilization/petition.html", {
        "title": found.title, "petition": found,
        "progress": selectors.petition_progress(found),
        "signed": selectors.has_signed(viewer=user, petition=found),
        "can_sign": user.has_perm("mobilization.sign_petition", found),
        "can_answer": user.has_perm("mobilization.answer_petition", found),
        "can_moderate": found.status == "pending"
        and user.has_perm("mobilization.moderate_petition", found),
        "can_export": user.has_perm("mobilization.export_signatures", found),
        "can_close": user.has_perm("mobilization.close_petition", found),
        "answer_days": services.answer_delay_days(),
        "public_signatures": selectors.public_signatures(found),
        "answer_form": forms.AnswerForm(), "reason_form": forms.ReasonForm(),
    })


def _petition_or_404(request: HttpRequest, pk: int) -> Any:
    found = selectors.petition_get(viewer=request.user, pk=pk)
    if found is None:
        raise Http404(_("Pétition introuvable."))
    return found


@login_required
@require_POST
def petition_sign(request: HttpRequest, pk: int) -> HttpResponse:
    found = _petition_or_404(request, pk)
    try:
        services.petition_sign(actor=request.user, petition=found,
                               show_publicly=request.POST.get("show_publicly") == "on")
    except (ValidationError, PermissionDenied) as exc:
        service_errors_message(request, exc)
    else:
        messages.success(request, _("Merci, votre signature est enregistrée."))
    return redirect(found)


@login_required
@require_POST
def petition_answer(request: HttpRequest, pk: int) -> HttpResponse:
    found = _petition_or_404(request, pk)
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.petition_answer(actor=request.user, petition=found, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            service_errors_message(request, exc)
        else:
            messages.success(request, _("Réponse publiée ; les signataires sont prévenus."))
    else:
        messages.error(request, _("La réponse ne peut pas être vide."))
    return redirect(found)


@login_required
@require_POST
def petition_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    found = _petition_or_404(request, pk)
    try:
        services.petition_moderate(actor=request.user, petition=found,
                                   approve=request.POST.get("decision") == "publier",
                                   reason=request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        service_errors_message(request, exc)
    else:
        messages.success(request, _("Décision enregistrée."))
    return redirect(found)


@login_required
@require_POST
def petition_close(request: HttpRequest, pk: int) -> HttpResponse:
    found = _petition_or_404(request, pk)
    try:
        services.petition_close(actor=request.user, petition=found)
    except (ValidationError, PermissionDenied) as exc:
        service_errors_message(request, exc)
    else:
        messages.success(request, _("La pétition est close ; la liste des signatures est "
                                    "prête à être remise."))
    return redirect(found)


@login_required
def petition_signatures_csv(request: HttpRequest, pk: int) -> HttpResponse:
    found = _petition_or_404(request, pk)
    if not request.user.has_perm("mobilization.export_signatures", found):
        raise PermissionDenied
    response = HttpResponse(exports.signatures_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="petition-{found.pk}-signatures.csv"'
    return response


@login_required
def petition_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    found = _petition_or_404(request, pk)
    if not request.user.has_perm("mobilization.export_signatures", found):
        raise PermissionDenied
    response = HttpResponse(exports.petition_pdf(found), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="petition-{found.pk}.pdf"'
    return response


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    return render(request, "mobilization/moderation.html", {
        "title": _("Modération des pétitions et forums"),
        "pending": selectors.pending_petitions(viewer=request.user),
        "flagged": selectors.flagged_content(viewer=request.user),
    })


# Advocacy dossier -----------------------------------------------------------------------------

def _dossier(request: HttpRequest) -> dossiers.Dossier:
    territory = _territory(request)
    if territory is None:
        raise Http404(_("Choisissez un territoire."))
    try:
        territory, name = services.territory_resolve(territory.level, territory.code)
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from exc
    return dossiers.dossier_build(territory=territory, name=name)


def dossier(request: HttpRequest) -> HttpResponse:
    if _territory(request) is None:
        return render(request, "mobilization/dossier_choose.html",
                      {"title": _("Dossier de plaidoyer")})
    built = _dossier(request)
    return render(request, "mobilization/dossier.html", {
        "title": _("Dossier de plaidoyer — %(name)s") % {"name": built.name},
        "dossier": built, "map_svg": exports.class_map_svg(built.access, built.territory),
        "query": request.GET.urlencode(),
    })


def dossier_pdf(request: HttpRequest) -> HttpResponse:
    built = _dossier(request)
    response = HttpResponse(dossiers.dossier_pdf(built), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="dossier-{built.territory.level}-{built.territory.code}.pdf"')
    return response


# Forums ---------------------------------------------------------------------------------------

def threads(request: HttpRequest) -> HttpResponse:
    topic = request.GET.get("theme")
    topic = topic if topic in Topic.values else None
    kind = request.GET.get("format")
    kind = kind if kind in ThreadKind.values else None
    query = request.GET.get("q", "")[:100]
    territory = _territory(request)
    return render(request, "mobilization/threads.html", {
        "title": _("Forums et débats"), "topics": Topic.choices, "kinds": ThreadKind.choices,
        "topic": topic, "kind": kind, "q": query, "territory": territory,
        "levels": TERRITORY_LEVELS,
        "threads": selectors.thread_list(viewer=request.user, territory=territory,
                                         topic=topic, kind=kind, query=query),
    })


@login_required
def thread_create(request: HttpRequest) -> HttpResponse:
    home = request.user.home_commune
    form = forms.ThreadForm(request.POST or None, initial={
        "territory_level": "departement" if home else "region",
        "territory_code": home.departement_id if home else "", "kind": "discussion"})
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(thread)
    return render(request, "mobilization/form.html",
                  {"title": _("Ouvrir une discussion"), "form": form, "submit": _("Publier")})


def thread(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.thread_get(viewer=request.user, pk=pk)
    if found is None:
        raise Http404(_("Discussion introuvable."))
    user = request.user
    post_form = forms.PostForm(initial={"quoted_id": request.GET.get("citer") or None})
    if found.kind != ThreadKind.DEBATE:
        del post_form.fields["side"]
    return render(request, "mobilization/thread.html", {
        "title": found.title, "thread": found,
        "posts": selectors.thread_posts(viewer=user, thread=found),
        "reactions": ReactionKind.choices,
        "can_reply": user.has_perm("mobilization.reply_thread", found),
        "can_choose_best": user.has_perm("mobilization.choose_best_answer", found),
        "can_moderate": user.has_perm("mobilization.moderate_content", found),
        "following": selectors.is_following_thread(viewer=user, thread=found),
        "history": moderation_history(found) if user.has_perm(
            "mobilization.moderate_content", found) else [],
        "form": post_form,
    })


def _thread_or_404(request: HttpRequest, pk: int) -> ForumThread:
    found = selectors.thread_get(viewer=request.user, pk=pk)
    if found is None:
        raise Http404(_("Discussion introuvable."))
    return found


@login_required
@require_POST
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = _thread_or_404(request, pk)
    form = forms.PostForm(request.POST)
    if form.is_valid():
        try:
            post = services.post_create(actor=request.user, thread=found,
                                        body=form.cleaned_data["body"],
                                        quoted_id=form.cleaned_data.get("quoted_id"),
                                        side=form.cleaned_data.get("side") or "")
        except (ValidationError, PermissionDenied) as exc:
            service_errors_message(request, exc)
        else:
            return redirect(post.get_absolute_url())
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(found)


def _post_or_404(request: HttpRequest, pk: int) -> Post:
    post = Post.objects.select_related("thread").filter(pk=pk).first()
    if post is None or selectors.thread_get(viewer=request.user, pk=post.thread_id) is None:
        raise Http404(_("Message introuvable."))
    return post


@login_required
@require_POST
def post_react(request: HttpRequest, pk: int) -> HttpResponse:
    post = _post_or_404(request, pk)
    try:
        services.post_react(actor=request.user, post=post, kind=request.POST.get("kind", ""))
    except (ValidationError, PermissionDenied) as exc:
        service_errors_message(request, exc)
    return redirect(post.get_absolute_url())


@login_required
@require_POST
def thread_best(request: HttpRequest, pk: int) -> HttpResponse:
    found = _thread_or_404(request, pk)
    post = Post.objects.filter(pk=request.POST.get("post_id") or 0).first()
    try:
        services.thread_best_answer(actor=request.user, thread=found, post=post)
    except (ValidationError, PermissionDenied) as exc:
        service_errors_message(request, exc)
    return redirect(found)


@login_required
@require_POST
def thread_follow(request: HttpRequest, pk: int) -> HttpResponse:
    found = _thread_or_404(request, pk)
    services.thread_follow(actor=request.user, thread=found,
                           follow=request.POST.get("follow") != "0")
    return redirect(found)


@login_required
@require_POST
def content_moderate(request: HttpRequest, kind: str, pk: int, action: str) -> HttpResponse:
    """Report (any logged-in person), hide or restore (moderators) a thread or a message."""
    model = {"discussion": ForumThread, "message": Post}.get(kind)
    content = model.objects.filter(pk=pk).first() if model else None
    if content is None:
        raise Http404
    reason = request.POST.get("reason", "")
    operation = {"signaler": services.content_report, "masquer": services.content_hide,
                 "retablir": services.content_restore}.get(action)
    if operation is None:
        raise Http404
    try:
        operation(actor=request.user, content=content, reason=reason)
    except (ValidationError, PermissionDenied) as exc:
        service_errors_message(request, exc)
    else:
        messages.success(request, _("C'est noté."))
    return _back(request, content.get_absolute_url())


# Campaigns ------------------------------------------------------------------------------------

def campaigns(request: HttpRequest) -> HttpResponse:
    return render(request, "mobilization/campaigns.html", {
        "title": _("Campagnes de sensibilisation"),
        "campaigns": selectors.campaign_list(viewer=request.user)})


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    form = forms.CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_into(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(campaign)
    return render(request, "mobilization/form.html",
                  {"title": _("Lancer une campagne"), "form": form, "submit": _("Publier")})


def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.campaign_get(viewer=request.user, pk=pk)
    if found is None:
        raise Http404(_("Campagne introuvable."))
    services.campaign_view_record(viewer=request.user, campaign=found)
    can_change = request.user.has_perm("mobilization.change_campaign", found)
    events = list(found.events.all())
    registered = set()
    if request.user.is_authenticated:
        registered = set(request.user.mobilization_registrations.values_list("event_id",
                                                                               flat=True))
    return render(request, "mobilization/campaign.html", {
        "title": found.title, "campaign": found, "events": events, "registered": registered,
        "targets": found.targets.select_related("commune").order_by("commune__name"),
        "can_change": can_change, "reach": selectors.campaign_reach(found) if can_change
        else None, "event_form": forms.EventForm() if can_change else None,
        "can_send": request.user.has_perm("mobilization.send_campaign_message", found),
        "message_form": forms.CampaignMessageForm() if can_change else None,
        "messages_sent": selectors.campaign_messages(found) if can_change else [],
        "recipients": len(selectors.campaign_recipients(found)) if can_change else 0,
    })


@login_required
@require_POST
def campaign_message(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.campaign_get(viewer=request.user, pk=pk)
    if found is None:
        raise Http404
    form = forms.CampaignMessageForm(request.POST)
    if form.is_valid():
        try:
            message = services.campaign_message_send(
                actor=request.user, campaign=found, site_url=request.build_absolute_uri("/"),
                **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            service_errors_message(request, exc)
        else:
            messages.success(request, _("Message envoyé à %(n)s habitant·es.")
                             % {"n": message.deliveries.count()})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(found)


@csrf_exempt
def campaign_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link of every campaign e-mail: a page with a button, or a one-click POST from the
    mail client (RFC 8058, no session, hence no CSRF token: the signed token is the proof)."""
    done, error = False, ""
    if request.method == "POST":
        try:
            services.campaign_unsubscribe(token=token)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            done = True
    return render(request, "mobilization/unsubscribe.html", {
        "title": _("Ne plus recevoir les messages de campagne"), "done": done,
        "error": error}, status=400 if error else 200)


@login_required
def campaign_preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        receive = services.campaign_messages_preference_set(
            actor=request.user, receive=request.POST.get("receive") == "1")
        messages.success(request, _("Vous recevrez les messages des campagnes de votre "
                                    "commune.") if receive else
                         _("Vous ne recevrez plus de messages de campagne."))
        return redirect("mobilization:campaign_preferences")
    return render(request, "mobilization/campaign_preferences.html", {
        "title": _("Messages des campagnes de sensibilisation"),
        "receive": selectors.receives_campaign_messages(request.user)})


@login_required
@require_POST
def event_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.campaign_get(viewer=request.user, pk=pk)
    if found is None:
        raise Http404
    form = forms.EventForm(request.POST)
    if form.is_valid():
        try:
            services.event_create(actor=request.user, campaign=found, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            service_errors_message(request, exc)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(found)


@login_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = CampaignEvent.objects.select_related("campaign").filter(pk=pk).first()
    if event is None or selectors.campaign_get(viewer=request.user,
                                               pk=event.campaign_id) is None:
        raise Http404
    try:
        services.event_register(actor=request.user, event=event)
    except (ValidationError, PermissionDenied) as exc:
        service_errors_message(request, exc)
    else:
        messages.success(request, _("Vous êtes inscrit·e."))
    return redirect(event.campaign)
